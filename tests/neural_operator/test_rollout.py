"""Time windows and autoregressive rollouts."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin

from skop.neural_operator import FNORegressor, rollout, rollout_errors, time_windows


class _Shift(RegressorMixin, BaseEstimator):
    """The exact one-step map of advection by one cell per step: a rollout must stay exact."""

    def __init__(self, t_out=1, squeeze=False):
        self.t_out = t_out
        self.squeeze = squeeze

    def fit(self, X, y):
        return self

    def predict(self, X):
        last = X[:, -1]
        out = np.stack([np.roll(last, k + 1, axis=-1) for k in range(self.t_out)], axis=1)
        return out[:, 0] if self.squeeze else out


def _advection(n=5, times=12, points=16, seed=0):
    """Smooth periodic fields (modes 1 to 4) advected by one cell per step."""
    rng = np.random.RandomState(seed)
    x = np.arange(points) / points
    k = np.arange(1, 5)
    phase, amp = rng.uniform(0, 2 * np.pi, (n, 4)), rng.randn(n, 4) / k
    u0 = np.einsum("nk,nkx->nx", amp, np.cos(2 * np.pi * k[None, :, None] * x + phase[..., None]))
    return np.stack([np.roll(u0, t, axis=-1) for t in range(times)], axis=1)


def test_time_windows_pair_consecutive_snapshots():
    w = _advection()
    X, y = time_windows(w, t_in=3, t_out=2, stride=2)
    assert X.shape == (5 * 4, 3, 16) and y.shape == (5 * 4, 2, 16)
    np.testing.assert_array_equal(X[1], w[0, 2:5])
    np.testing.assert_array_equal(y[1], w[0, 5:7])
    np.testing.assert_array_equal(X[4], w[1, 0:3])
    with pytest.raises(ValueError, match="exceeds"):
        time_windows(w, t_in=10, t_out=3)


@pytest.mark.parametrize("t_out, squeeze", [(1, True), (1, False), (3, False)])
def test_rollout_of_an_exact_map_is_exact(t_out, squeeze):
    w = _advection()
    errors = rollout_errors(_Shift(t_out, squeeze), w[:, :4], w[:, 4:])
    assert errors.shape == (8,)
    np.testing.assert_allclose(errors, 0, atol=1e-15)
    np.testing.assert_array_equal(rollout(_Shift(t_out, squeeze), w[:, :4], 5), w[:, 4:9])


def test_rollout_errors_grow_for_a_learned_one_step_map():
    w = _advection(n=40, times=10, points=32)
    X, y = time_windows(w[:30], t_in=2, t_out=1)
    est = FNORegressor(width=8, n_modes=8, n_layers=1, max_epochs=30, random_state=0).fit(X, y)
    errors = rollout_errors(est, w[30:, :2], w[30:, 2:])
    # One step is learned to ~1e-3; feeding back its own predictions compounds the error.
    assert errors[0] < 0.02
    assert errors[-1] > 2 * errors[0]


def test_rollout_refuses_a_map_of_the_wrong_shape():
    class Bad(_Shift):
        def predict(self, X):
            return X[:, :, :-1]

    with pytest.raises(ValueError, match="rollout needs"):
        rollout(Bad(), _advection()[:, :3], 4)
