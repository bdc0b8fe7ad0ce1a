"""Dynamical-system generators: shapes, orbits, invariants, reproducibility, bad input."""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skop.datasets import (
    make_duffing,
    make_linear_map,
    make_logistic_map,
    make_lorenz,
    make_pendulum,
    make_standard_map,
)

GENERATORS = [
    (make_linear_map, 1),
    (make_logistic_map, 1),
    (make_standard_map, 2),
    (make_duffing, 2),
    (make_lorenz, 3),
    (make_pendulum, 2),
]


@pytest.mark.parametrize("make, d", GENERATORS)
@pytest.mark.parametrize("sampling", ["uniform", "trajectory"])
def test_shapes_orbits_and_seeds(make, d, sampling):
    X, Y = make(30, sampling=sampling, random_state=0)
    assert X.shape == Y.shape == (30, d)
    assert np.all(np.isfinite(Y))
    if sampling == "trajectory":
        np.testing.assert_array_equal(X[1:], Y[:-1])
    X2, Y2 = make(30, sampling=sampling, random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert not np.array_equal(X, make(30, sampling=sampling, random_state=1)[0])


def test_linear_map_and_logistic_map_values():
    A = np.array([[0.5, 0.1], [0.0, 0.3]])
    X, Y = make_linear_map(10, matrix=A, random_state=0)
    np.testing.assert_allclose(Y, X @ A.T)
    assert np.abs(X).max() <= 1
    X, Y = make_logistic_map(10, r=3.0, random_state=0)
    np.testing.assert_allclose(Y, 3.0 * X * (1 - X))


def test_standard_map_preserves_area():
    # Jacobian determinant 1: uniform states map to uniform states.
    X, Y = make_standard_map(40_000, K=1.0, random_state=0)
    hist = np.histogram2d(Y[:, 0], Y[:, 1], bins=4, range=[[0, 2 * np.pi]] * 2)[0]
    expected = 40_000 / 16
    assert np.abs(hist - expected).max() < 5 * np.sqrt(expected)
    assert Y.min() >= 0 and Y.max() < 2 * np.pi


def test_pendulum_conserves_energy_and_duffing_dissipates():
    X, Y = make_pendulum(50, dt=0.5, random_state=0)
    energy = lambda S: 0.5 * S[:, 1] ** 2 - np.cos(S[:, 0])  # noqa: E731
    np.testing.assert_allclose(energy(Y), energy(X), atol=1e-8)
    assert np.abs(Y[:, 0]).max() <= np.pi
    X, Y = make_duffing(50, random_state=0)
    def duffing_energy(S):
        return 0.5 * S[:, 1] ** 2 - 0.5 * S[:, 0] ** 2 + 0.25 * S[:, 0] ** 4

    assert np.all(duffing_energy(Y) <= duffing_energy(X) + 1e-12)


def test_lorenz_stays_bounded_on_the_attractor():
    X, _ = make_lorenz(3000, dt=0.01, random_state=0)
    assert np.abs(X[1000:]).max() < 60


def test_bad_parameters():
    with pytest.raises(ValueError, match="square"):
        make_linear_map(5, matrix=np.ones((2, 3)))
    with pytest.raises(InvalidParameterError):
        make_logistic_map(5, r=5.0)
    with pytest.raises(InvalidParameterError):
        make_duffing(5, dt=0.0)
    with pytest.raises(InvalidParameterError):
        make_standard_map(0)
    with pytest.raises(InvalidParameterError):
        make_pendulum(5, sampling="grid")
