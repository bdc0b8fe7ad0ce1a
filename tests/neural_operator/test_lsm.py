"""LSMRegressor: learns Darcy flow on grids the paper's code refuses, and says where it cannot go."""

import numpy as np
import pytest

from skop.datasets import make_darcy
from skop.metrics import relative_l2_error
from skop.neural_operator import LSMRegressor
from skop.neural_operator._lsm import auto_levels

SMALL = dict(width=8, n_heads=2, n_spatial_dims=2, grid="nodes", random_state=0)


@pytest.fixture(scope="module")
def darcy():
    a, u = make_darcy(100, 17, random_state=0)
    return a[:80], u[:80], a[80:], u[80:]


@pytest.fixture(scope="module")
def darcy_fit(darcy):
    a, u, _, _ = darcy
    return LSMRegressor(max_epochs=25, lr=3e-3, **SMALL).fit(a, u)


def test_learns_darcy_on_an_odd_grid(darcy, darcy_fit):
    _, u, a_test, u_test = darcy
    # 17 x 17 is divisible neither by 2**(levels - 1) nor by the patch: padded and masked.
    assert darcy_fit.n_levels_ == 4
    err = relative_l2_error(u_test, darcy_fit.predict(a_test))
    # The training mean field scores ~0.25; 25 epochs of this small LSM 0.056.
    baseline = relative_l2_error(u_test, np.broadcast_to(u.mean(axis=0), u_test.shape))
    assert err < 0.6 * baseline


def test_another_grid_is_an_error_unless_resampling_is_asked_for(darcy, darcy_fit):
    a_fine, _ = make_darcy(3, 33, random_state=1)
    with pytest.raises(ValueError, match="off_grid='resample'"):
        darcy_fit.predict(a_fine)
    est = LSMRegressor(max_epochs=1, off_grid="resample", **SMALL).fit(*darcy[:2])
    fine = est.predict(a_fine)
    assert fine.shape == (3, 33, 33)
    # Interpolation to the training grid and back: on the shared nodes the prediction is
    # the training-grid prediction of the subsampled input.
    np.testing.assert_allclose(fine[:, ::2, ::2], est.predict(a_fine[:, ::2, ::2]), atol=1e-12)


def test_periodic_1d_table_and_vector_targets():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 24)
    est = LSMRegressor(width=8, n_heads=2, max_epochs=3, random_state=0).fit(X, np.roll(X, 1, 1))
    assert est.n_spatial_dims_ == 1 and est.predict(X).shape == (40, 24)
    vec = LSMRegressor(width=8, n_heads=2, max_epochs=2, random_state=0).fit(X, X[:, :3])
    assert vec.n_outputs_ == 3 and vec.predict(X).shape == (40, 3)


def test_auto_levels():
    assert [auto_levels((n, n)) for n in (2, 5, 17, 33, 65, 256)] == [1, 2, 4, 5, 5, 5]
    assert auto_levels((64, 9)) == 3


def test_bad_parameters(darcy):
    a, u, _, _ = darcy
    with pytest.raises(ValueError, match="multiple of n_heads"):
        LSMRegressor(width=10, n_heads=4, max_epochs=1).fit(a[:5], u[:5])
    with pytest.raises(ValueError, match="patch_size"):
        LSMRegressor(width=8, n_heads=2, patch_size=(2, 2, 2), n_spatial_dims=2,
                     max_epochs=1).fit(a[:5], u[:5])
    with pytest.raises(ValueError, match="channel"):
        LSMRegressor(max_epochs=1, **SMALL).fit(a[:5], u[:5]).predict(np.stack([a[:2]] * 2, 1))
