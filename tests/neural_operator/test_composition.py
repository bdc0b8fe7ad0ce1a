"""FNORegressor composes with scikit-learn: clone, pickle, Pipeline, GridSearchCV."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skop.metrics import relative_l2_scorer
from skop.neural_operator import FNORegressor


def _data(n=40, points=16):
    rng = np.random.RandomState(0)
    X = rng.randn(n, points)
    return X, np.cumsum(X, axis=1) / points


def test_clone_keeps_params_drops_fit():
    X, y = _data()
    est = FNORegressor(width=8, n_modes=4, max_epochs=2, random_state=0).fit(X, y)
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "net_")


def test_pickle_round_trip_identical_predictions():
    X, y = _data()
    est = FNORegressor(width=8, n_modes=4, max_epochs=2, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    np.testing.assert_array_equal(restored.predict(X[:, None]), est.predict(X[:, None]))


def test_pipeline():
    X, y = _data()
    pipe = make_pipeline(StandardScaler(), FNORegressor(width=8, n_modes=4, max_epochs=3,
                                                        random_state=0))
    assert pipe.fit(X, y).predict(X).shape == y.shape


def test_grid_search_with_relative_l2_scorer():
    X, y = _data()
    search = GridSearchCV(
        FNORegressor(n_modes=4, max_epochs=3, random_state=0),
        {"width": [4, 8], "lr": [1e-3, 1e-2]},
        scoring=relative_l2_scorer, cv=2,
    ).fit(X, y)
    assert set(search.best_params_) == {"width", "lr"}
    # The scorer is minus the mean relative L2 error of each fold's model.
    scores = search.cv_results_["mean_test_score"]
    best = search.best_estimator_
    assert scores.max() == search.best_score_
    assert -relative_l2_scorer(best, X, y) == pytest.approx(
        np.mean(np.linalg.norm(best.predict(X) - y, axis=1) / np.linalg.norm(y, axis=1)))


def test_grid_search_without_scoring_uses_r2_on_2d_grids():
    rng = np.random.RandomState(0)
    X = rng.randn(24, 8, 8)
    y = np.cumsum(X, axis=2) / 8
    search = GridSearchCV(FNORegressor(n_modes=3, max_epochs=2, n_spatial_dims=2,
                                       random_state=0), {"width": [4, 8]}, cv=2).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(X).shape == y.shape


def test_grid_search_tunes_optimizer_kwargs():
    X, y = _data()
    search = GridSearchCV(
        FNORegressor(width=4, n_modes=4, max_epochs=2, random_state=0),
        {"optimizer_kwargs": [{"betas": (0.9, 0.99)}, {"betas": (0.5, 0.9)}]}, cv=2,
        scoring=relative_l2_scorer).fit(X, y)
    assert search.best_estimator_.net_.optimizer_.param_groups[0]["betas"] == \
        search.best_params_["optimizer_kwargs"]["betas"]
