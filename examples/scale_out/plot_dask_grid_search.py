"""
A neural-operator grid search on a dask cluster, and a model saved safely
=========================================================================

``GridSearchCV`` over a skop estimator runs unchanged on any joblib backend.
Here a dask.distributed ``LocalCluster`` (two worker processes, one thread
each, on loopback) fits the candidates; the scores are identical to a local
run. On a real cluster, replace the ``LocalCluster`` by the scheduler's
address: ``Client("tcp://scheduler:8786")``.

Process-based workers re-import this script, hence the ``__main__`` guard.
The best model is then saved with :func:`skop.io.save` (JSON + safetensors)
and loaded with :func:`skop.io.load`, which executes nothing from the file.
"""

import os
import tempfile
import time

import joblib
import numpy as np
import torch
from distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV

from skop.datasets import make_burgers
from skop.io import load, save
from skop.neural_operator import FNORegressor

QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"


def search():
    return GridSearchCV(
        FNORegressor(n_modes=8, width=16, n_layers=2, max_epochs=5 if QUICK else 40,
                     random_state=0),
        {"lr": [1e-3, 3e-3], "width": [16, 24]}, cv=2)


def main():
    torch.set_num_threads(1)      # one torch thread per process, as on the workers
    X, y = make_burgers(n_samples=40 if QUICK else 200, resolution=64, random_state=0)[:2]
    t0 = time.perf_counter()
    local = search().fit(X, y)
    t_local = time.perf_counter() - t0
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster), \
            joblib.parallel_backend("dask"):
        t0 = time.perf_counter()
        remote = search().set_params(n_jobs=-1).fit(X, y)
        t_dask = time.perf_counter() - t0
    same = np.array_equal(local.cv_results_["mean_test_score"],
                          remote.cv_results_["mean_test_score"])
    print(f"local {t_local:.1f}s, dask (2 workers) {t_dask:.1f}s; identical scores: {same}")
    print("best:", remote.best_params_, f"R^2 {remote.best_score_:.4f}")

    with tempfile.TemporaryDirectory() as tmp:
        path = save(remote.best_estimator_, os.path.join(tmp, "fno"))
        print("saved files:", sorted(os.listdir(path)))
        loaded = load(path)
        print("loaded predicts identically:",
              np.array_equal(loaded.predict(X), remote.best_estimator_.predict(X)))


if __name__ == "__main__":
    main()
