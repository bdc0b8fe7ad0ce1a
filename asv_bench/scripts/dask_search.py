"""GridSearchCV over FNORegressor on a dask LocalCluster: 1 vs 2 worker processes, vs local.

    python asv_bench/scripts/dask_search.py

Each worker has one thread (and one torch thread); scores must be identical.
"""
import time

import joblib
import numpy as np
import torch
from distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV

from skop.datasets import make_burgers
from skop.neural_operator import FNORegressor


def search():
    return GridSearchCV(FNORegressor(n_modes=8, width=16, n_layers=2, max_epochs=30,
                                     random_state=0),
                        {"lr": [1e-3, 3e-3], "width": [16, 24]}, cv=2)


def main():
    torch.set_num_threads(1)
    X, y = make_burgers(n_samples=200, resolution=64, random_state=0)[:2]
    t0 = time.perf_counter()
    local = search().fit(X, y)
    print(f"local, 1 process: {time.perf_counter() - t0:.1f}s")
    for n_workers in (1, 2):
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster), \
                joblib.parallel_backend("dask"):
            t0 = time.perf_counter()
            remote = search().set_params(n_jobs=-1).fit(X, y)
            t = time.perf_counter() - t0
        same = np.array_equal(remote.cv_results_["mean_test_score"],
                              local.cv_results_["mean_test_score"])
        print(f"dask, {n_workers} worker(s): {t:.1f}s  identical scores: {same}")


if __name__ == "__main__":
    main()
