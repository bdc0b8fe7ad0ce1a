"""Bad input gets a clear error and good input is never modified (property-based)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import NotFittedError

from skop.neural_operator import FNORegressor

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _est(**params):
    return FNORegressor(width=4, n_modes=2, n_layers=1, projection_channels=4, max_epochs=1,
                        random_state=0, **params)


@pytest.fixture(scope="module")
def fitted_2d():
    rng = np.random.RandomState(0)
    X = rng.randn(12, 8, 8)
    return _est(n_spatial_dims=2).fit(X, X)


grids = st.tuples(st.integers(4, 9), st.integers(4, 9))
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)


@SETTINGS
@given(data=st.data(), grid=grids, bad=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_non_finite_input_raises(data, grid, bad):
    X = data.draw(arrays(np.float64, (6, *grid), elements=finite))
    i = data.draw(st.integers(0, X.size - 1))
    X.flat[i] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        _est(n_spatial_dims=2).fit(X, np.ones((6, *grid)))
    with pytest.raises(ValueError, match="NaN|infinity"):
        _est(n_spatial_dims=2).fit(np.ones((6, *grid)), X)


@SETTINGS
@given(data=st.data(), grid=grids)
def test_inputs_are_never_modified(data, grid, fitted_2d):
    X = data.draw(arrays(np.float64, (6, *grid), elements=finite))
    y = data.draw(arrays(np.float64, (6, *grid), elements=finite))
    X0, y0 = X.copy(), y.copy()
    est = _est(n_spatial_dims=2).fit(X, y)
    est.predict(X)
    fitted_2d.predict(X)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


@SETTINGS
@given(data=st.data(), grid=grids)
def test_predict_on_another_resolution_or_bad_layout(data, grid, fitted_2d):
    X = data.draw(arrays(np.float64, (3, *grid), elements=finite))
    assert fitted_2d.predict(X).shape == (3, *grid)
    with pytest.raises(ValueError, match="fitted on 2-D grids"):
        fitted_2d.predict(X[:, :, 0])
    with pytest.raises(ValueError, match=r"channel\(s\)"):
        fitted_2d.predict(np.stack([X, X], axis=1))


@pytest.mark.parametrize("X, y, match", [
    (np.ones((0, 8)), np.ones((0, 8)), "0 sample"),
    (np.ones(8), np.ones(8), "Expected 2D array|expected a 2-dimensional|Reshape your data"),
    (np.array([["a", "b"], ["c", "d"]], dtype=object), np.ones(2), "could not convert|string"),
    (np.ones((4, 8)), np.ones((3, 8)), "inconsistent numbers of samples"),
    (np.ones((4, 8)), np.ones((4, 2, 3, 5)), "y has shape"),
    (np.ones((4, 8)) + 0j, np.ones((4, 8)), "[Cc]omplex"),
])
def test_bad_fit_input(X, y, match):
    with pytest.raises(ValueError, match=match):
        _est().fit(X, y)


def test_y_none():
    with pytest.raises(ValueError, match="requires y to be passed"):
        _est().fit(np.ones((4, 8)), None)


def test_sparse_is_a_clear_value_error(fitted_2d):
    X = sp.csr_matrix(np.eye(6))
    with pytest.raises(ValueError, match=r"sparse X.*toarray"):
        _est().fit(X, np.ones(6))
    with pytest.raises(ValueError, match="sparse y"):
        _est().fit(np.eye(6), sp.csr_matrix(np.eye(6)))
    with pytest.raises(ValueError, match="sparse X"):
        fitted_2d.predict(X)


def test_object_dtype_of_numbers_is_accepted():
    X = np.arange(24.0).reshape(3, 8).astype(object)
    assert _est().fit(X, X.astype(float)).predict(X).shape == (3, 8)


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        _est().predict(np.ones((2, 8)))


@pytest.mark.parametrize("param, value", [
    ("n_modes", 0), ("n_modes", (2, 0)), ("n_modes", (1, 1, 1, 1)), ("width", 0),
    ("loss", "l1"), ("domain_padding", 1.5), ("max_epochs", 0), ("device", "tpu"),
])
def test_bad_parameters(param, value):
    with pytest.raises(ValueError):
        _est().set_params(**{param: value}).fit(np.ones((4, 8)), np.ones((4, 8)))
