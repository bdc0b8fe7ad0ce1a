"""Manifold samplers and their exact eigenfunctions (checked against the Laplacian itself)."""

import numpy as np
import pytest

from skop.datasets import (
    make_circle,
    make_sphere,
    make_swiss_roll_manifold,
    make_torus,
    manifold_eigenfunctions,
)


def test_circle_modes_are_eigenfunctions_and_orthonormal():
    _, theta = make_circle(400, sampling="grid")
    phi, lam = manifold_eigenfunctions("circle", theta, 9)
    np.testing.assert_array_equal(lam, [0, 1, 1, 4, 4, 9, 9, 16, 16])
    np.testing.assert_allclose(phi.T @ phi / 400, np.eye(9), atol=1e-12)
    h = 1e-4
    lap = (manifold_eigenfunctions("circle", theta + h, 9)[0] - 2 * phi
           + manifold_eigenfunctions("circle", theta - h, 9)[0]) / h ** 2
    np.testing.assert_allclose(lap, -lam * phi, atol=1e-5)


def test_spherical_harmonics_solve_the_laplace_beltrami_equation():
    X, angles = make_sphere(2000, random_state=0)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-12)
    phi, lam = manifold_eigenfunctions("sphere", angles, 16)
    np.testing.assert_array_equal(lam, [0] + [2] * 3 + [6] * 5 + [12] * 7)
    # Away from the poles: (1 / sin t) d_t (sin t d_t f) + (1 / sin^2 t) d_pp f = -l (l + 1) f.
    keep = np.abs(np.cos(angles[:, 0])) < 0.9
    t, p = angles[keep, 0], angles[keep, 1]
    h = 1e-3

    def f(dt=0.0, dp=0.0):
        return manifold_eigenfunctions("sphere", np.column_stack([t + dt, p + dp]), 16)[0]

    f0 = f()
    d_t = (f(h) - f(-h)) / (2 * h)
    d_tt = (f(h) - 2 * f0 + f(-h)) / h ** 2
    d_pp = (f(dp=h) - 2 * f0 + f(dp=-h)) / h ** 2
    s = np.sin(t)[:, None]
    lap = d_tt + np.cos(t)[:, None] / s * d_t + d_pp / s ** 2
    np.testing.assert_allclose(lap, -lam * f0, atol=2e-4 * np.abs(f0).max())
    # Near-uniform Fibonacci samples: nearly orthonormal.
    phi_all, _ = manifold_eigenfunctions("sphere", angles, 16)
    assert np.abs(phi_all.T @ phi_all / len(X) - np.eye(16)).max() < 5e-3


def test_flat_torus():
    X, uv = make_torus(1600, sampling="grid")
    assert X.shape == (1600, 4)
    np.testing.assert_allclose(np.linalg.norm(X[:, :2], axis=1), 1 / np.sqrt(2))
    phi, lam = manifold_eigenfunctions("flat_torus", uv, 13)
    np.testing.assert_array_equal(lam, [0, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4])
    np.testing.assert_allclose(phi.T @ phi / 1600, np.eye(13), atol=1e-12)
    ring, _ = make_torus(100, kind="ring", major_radius=2, minor_radius=1, random_state=0)
    rho = np.hypot(ring[:, 0], ring[:, 1])
    np.testing.assert_allclose((rho - 2) ** 2 + ring[:, 2] ** 2, 1.0, atol=1e-12)


def test_jittered_sampling_puts_one_point_per_cell():
    _, theta = make_circle(50, sampling="jittered", random_state=3)
    cells = np.floor(theta / (2 * np.pi) * 50).astype(int)
    np.testing.assert_array_equal(np.sort(cells), np.arange(50))
    _, random_theta = make_circle(50, sampling="random", random_state=3)
    assert len(np.unique(np.floor(random_theta / (2 * np.pi) * 50))) < 50


def test_swiss_roll_is_near_uniform_in_arc_length():
    X, th = make_swiss_roll_manifold(2000, random_state=0)
    t = th[:, 0]
    np.testing.assert_allclose(X[:, 0], t * np.cos(t))
    s = 0.5 * (t * np.sqrt(1 + t ** 2) + np.arcsinh(t))
    counts, _ = np.histogram(s, bins=10)
    assert counts.max() - counts.min() <= 0.02 * counts.mean() + 2
    # A uniform draw in t would crowd the inner turns: 2x fewer points per unit length outside.
    assert np.abs(np.diff(counts)).max() < 0.1 * counts.mean()


def test_reproducible_noise_and_bad_arguments():
    a, _ = make_sphere(100, noise=0.1, random_state=1)
    b, _ = make_sphere(100, noise=0.1, random_state=1)
    np.testing.assert_array_equal(a, b)
    assert np.abs(np.linalg.norm(a, axis=1) - 1).max() > 0.05
    with pytest.raises(ValueError, match="sampling"):
        make_circle(10, sampling="fibonacci")
    with pytest.raises(ValueError, match="n_samples"):
        make_sphere(0)
    with pytest.raises(ValueError, match="noise"):
        make_circle(10, noise=-1)
    with pytest.raises(ValueError, match="kind"):
        make_torus(10, kind="klein")
    with pytest.raises(ValueError, match="manifold"):
        manifold_eigenfunctions("torus", np.zeros((3, 2)), 2)
