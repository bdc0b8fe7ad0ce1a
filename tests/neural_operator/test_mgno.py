"""MgNORegressor: learns Darcy flow, honours its boundary, refuses grids it cannot coarsen."""

import numpy as np
import pytest

from skop.datasets import make_darcy
from skop.metrics import relative_l2_error
from skop.neural_operator import MgNORegressor

SMALL = dict(width=8, n_layers=2, n_spatial_dims=2, grid="nodes", loss="relative_l2",
             random_state=0)


@pytest.fixture(scope="module")
def darcy():
    a, u = make_darcy(100, 17, random_state=0)
    return a[:80], u[:80], a[80:], u[80:]


def test_learns_darcy(darcy):
    a, u, a_test, u_test = darcy
    est = MgNORegressor(max_epochs=20, **SMALL).fit(a, u)
    assert est.n_levels_ == 4  # 17 -> 9 -> 5 -> 3
    err = relative_l2_error(u_test, est.predict(a_test))
    # The training mean field scores ~0.25 here; 20 epochs of MgNO about 0.12.
    baseline = relative_l2_error(u_test, np.broadcast_to(u.mean(axis=0), u_test.shape))
    assert err < 0.6 * baseline


def test_grid_too_small_for_the_levels(darcy):
    a, u, _, _ = darcy
    with pytest.raises(ValueError, match="at most n_levels=4"):
        MgNORegressor(n_levels=5, max_epochs=1, **SMALL).fit(a[:10], u[:10])


def test_predict_on_another_grid_warns(darcy):
    a, u, _, _ = darcy
    est = MgNORegressor(max_epochs=1, **SMALL).fit(a[:10], u[:10])
    a_fine, _ = make_darcy(3, 33, random_state=1)
    with pytest.warns(UserWarning, match="grid units"):
        assert est.predict(a_fine).shape == (3, 33, 33)


@pytest.mark.parametrize("shape, grid", [((16,), "periodic"), ((20, 12), "periodic")])
def test_even_and_1d_grids(shape, grid):
    rng = np.random.RandomState(0)
    X = rng.randn(30, *shape)
    y = np.roll(X, 1, axis=1) - X  # a finite difference: a local linear operator
    est = MgNORegressor(width=8, n_layers=2, boundary="periodic", grid=grid,
                        n_spatial_dims=len(shape), max_epochs=40, lr=3e-3, random_state=0)
    est.fit(X, y)
    assert est.score(X, y) > 0.9


def test_vector_targets_are_pooled():
    # Two functionals of the field: its mean and the mean of its positive part.
    X = np.random.RandomState(1).randn(120, 12, 12)
    y = np.stack([X.mean(axis=(1, 2)), np.maximum(X, 0).mean(axis=(1, 2))], axis=1)
    est = MgNORegressor(max_epochs=30, lr=3e-3, **{**SMALL, "grid": "periodic", "loss": "auto"})
    est.fit(X[:100], y[:100])
    assert est.predict(X[100:]).shape == (20, 2)
    assert est.score(X[100:], y[100:]) > 0.8
