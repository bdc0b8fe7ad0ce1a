"""FNORegressor composes with scikit-learn: clone, pickle, Pipeline, GridSearchCV."""

import pickle

import numpy as np
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
    assert np.all(search.cv_results_["mean_test_score"] < 0)
    assert search.predict(X).shape == y.shape
