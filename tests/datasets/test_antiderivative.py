"""The antiderivative data: exact integrals, the RBF covariance, query layouts, seeding."""

import numpy as np
import pytest
from scipy.integrate import cumulative_simpson

from skop.datasets import make_antiderivative


def test_targets_are_the_integral_of_the_inputs():
    # Simpson's rule on 401 sensors is accurate to ~1e-9 for these smooth fields;
    # the closed form must agree with it at the grid query points.
    X, y, points = make_antiderivative(20, n_sensors=401, n_points=401, random_state=0)
    np.testing.assert_allclose(points[:, 0], np.linspace(0, 1, 401))
    numeric = cumulative_simpson(X, dx=1 / 400, axis=1, initial=0.0)
    np.testing.assert_allclose(y, numeric, atol=1e-7)
    assert np.abs(y).max() > 0.1


def test_random_query_points_have_exact_targets():
    X, y, points = make_antiderivative(3, n_sensors=2001, n_points=7, query="random",
                                       random_state=1)
    assert points.shape == (3, 7, 1)
    assert points.min() >= 0 and points.max() <= 1
    grid = np.linspace(0, 1, 2001)
    numeric = cumulative_simpson(X, dx=1 / 2000, axis=1, initial=0.0)
    for i in range(3):
        np.testing.assert_allclose(y[i], np.interp(points[i, :, 0], grid, numeric[i]),
                                   atol=1e-6)


def test_covariance_is_the_rbf_kernel():
    n, l = 6000, 0.2
    X, _, _ = make_antiderivative(n, n_sensors=11, n_points=1, length_scale=l,
                                  random_state=2)
    s = np.linspace(0, 1, 11)
    expected = np.exp(-(s[:, None] - s[None, :]) ** 2 / (2 * l**2))
    # Sample covariances of unit-variance fields: standard error ~ 1/sqrt(n).
    np.testing.assert_allclose(np.cov(X.T), expected, atol=6 / np.sqrt(n))


def test_seeded_and_independent_of_the_caller_rng():
    state = np.random.get_state()[1].copy()
    a = make_antiderivative(4, random_state=3)
    b = make_antiderivative(4, random_state=3)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    c = make_antiderivative(4, random_state=4)
    assert not np.allclose(a[0], c[0])


def test_bad_parameters():
    with pytest.raises(ValueError, match="n_sensors"):
        make_antiderivative(3, n_sensors=1)
    with pytest.raises(ValueError, match="query"):
        make_antiderivative(3, query="scattered")


def test_function_i_does_not_depend_on_the_sizes():
    X_small, y_small, _ = make_antiderivative(3, n_sensors=20, n_points=5, random_state=7)
    X_big, y_fine, points = make_antiderivative(6, n_sensors=20, n_points=9, random_state=7)
    np.testing.assert_array_equal(X_small, X_big[:3])
    # The 5-point grid is every second point of the 9-point grid.
    np.testing.assert_allclose(y_small, y_fine[:3, ::2], rtol=1e-12, atol=1e-14)
