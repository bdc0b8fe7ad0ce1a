"""skop.io round trips: every public estimator (found by discovery), Pipelines, searches, warm starts."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.base import is_classifier, is_regressor
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skop.io import load, save
from skop.neural_operator import FNORegressor
from skop.utils import all_estimators

from tests.test_common import CHECK_PARAMS

torch.set_num_threads(1)

# What each estimator's output is compared through, in order of preference.
_METHODS = ("predict", "predict_proba", "transform", "score_samples", "eigenfunctions")


def _data(estimator):
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(30, 6))
    if is_classifier(estimator):
        return X, (X[:, 0] > 0.5).astype(int)
    if is_regressor(estimator):
        return X, X @ rng.normal(size=6)
    return X, None


def _outputs(estimator, X):
    out = {}
    for name in _METHODS:
        if hasattr(estimator, name):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out[name] = getattr(estimator, name)(X)
    return out


def _fitted(cls, **extra):
    """``cls`` fitted briefly on :func:`_data`; ``extra`` parameters apply where it has them."""
    est = cls(**CHECK_PARAMS.get(cls.__name__, {}))
    params = est.get_params()
    est.set_params(**{k: v for k, v in {"max_epochs": 3, "random_state": 0, **extra}.items()
                      if k in params})
    X, y = _data(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y), X


@pytest.mark.parametrize("name, cls", all_estimators(), ids=[n for n, _ in all_estimators()])
def test_every_estimator_round_trips_bit_identically(name, cls, tmp_path):
    est, X = _fitted(cls)
    loaded = load(save(est, tmp_path / "model"))
    assert type(loaded) is cls
    assert repr(loaded.get_params()) == repr(est.get_params())
    expected, got = _outputs(est, X), _outputs(loaded, X)
    assert expected and expected.keys() == got.keys()
    for method, value in expected.items():
        np.testing.assert_array_equal(np.asarray(got[method]), np.asarray(value), err_msg=method)
    # An unfitted estimator saves its parameters only.
    fresh = load(save(cls(**CHECK_PARAMS.get(name, {})), tmp_path / "unfitted"))
    assert repr(fresh) == repr(cls(**CHECK_PARAMS.get(name, {})))


def _burgers_like(n=24, grid=32):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, grid)).cumsum(1) / grid
    return X, np.roll(X, 3, axis=1) ** 2


def test_warm_start_after_load_continues_like_the_original(tmp_path):
    X, y = _burgers_like()
    model = FNORegressor(n_modes=6, width=8, n_layers=2, max_epochs=3, random_state=0).fit(X, y)
    loaded = load(save(model, tmp_path / "fno"))
    for est in (model, loaded):
        est.set_params(warm_start=True, max_epochs=2).fit(X, y)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.loss_curve_, model.loss_curve_)
    assert len(loaded.history_) == len(model.history_) == 5


def test_pipeline_in_a_fitted_search_round_trips(tmp_path):
    X, y = _burgers_like()
    search = GridSearchCV(
        make_pipeline(StandardScaler(), FNORegressor(n_modes=6, width=8, n_layers=2,
                                                     max_epochs=2, random_state=0)),
        {"fnoregressor__lr": [1e-3, 3e-3]}, cv=2).fit(X, y)
    loaded = load(save(search, tmp_path / "search"))
    np.testing.assert_array_equal(loaded.predict(X), search.predict(X))
    assert loaded.best_params_ == search.best_params_
    assert loaded.score(X, y) == search.score(X, y)      # the scorer is rebuilt on load
    for key, value in search.cv_results_.items():
        np.testing.assert_array_equal(np.asarray(loaded.cv_results_[key]), np.asarray(value))


def test_code_in_parameters_is_refused_on_save(tmp_path):
    from sklearn.preprocessing import FunctionTransformer

    with pytest.raises(ValueError, match="cannot be saved safely"):
        save(FunctionTransformer(func=lambda x: x), tmp_path / "f")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save(StandardScaler(), tmp_path / "s")
        save(StandardScaler(), tmp_path / "s")
