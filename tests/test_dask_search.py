"""GridSearchCV over a skop estimator on a dask.distributed LocalCluster: the same scores as locally."""

import distributed   # the "distributed" extra (part of the test extra)
import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from skop.neural_operator import FNORegressor


def _search():
    return GridSearchCV(FNORegressor(n_modes=6, width=8, n_layers=2, max_epochs=3, random_state=0),
                        {"lr": [1e-3, 3e-3], "width": [8, 12]}, cv=2)


@pytest.mark.xdist_group("dask")
def test_grid_search_on_a_local_dask_cluster_matches_the_local_run():
    import joblib

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 32)).cumsum(1) / 32
    y = np.roll(X, 2, axis=1) ** 2
    local = _search().fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, processes=True) as cluster, \
            distributed.Client(cluster) as client, joblib.parallel_backend("dask"):
        remote = _search().set_params(n_jobs=-1).fit(X, y)
        workers = client.scheduler_info()["workers"]
    assert len(workers) == 2 and all(w["nthreads"] == 1 for w in workers.values())
    for key in ("split0_test_score", "split1_test_score", "mean_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
