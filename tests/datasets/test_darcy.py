"""Darcy flow generator: checked against the PDE, not against stored numbers."""

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from skop.datasets import make_darcy
from skop.datasets._darcy import default_reference_resolution, solve_darcy


def _grid(n):
    x = np.linspace(0.0, 1.0, n)
    return np.meshgrid(x, x, indexing="ij")


def _reference_operator(a):
    """-div(a grad) on the interior nodes, assembled node by node (slow, obvious)."""
    n = a.shape[0]
    m, h = n - 2, 1.0 / (n - 1)

    def face(p, q):
        return 2 * a[p] * a[q] / (a[p] + a[q])

    matrix = sp.lil_matrix((m * m, m * m))
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            row = (i - 1) * m + (j - 1)
            for di, dj in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
                coefficient = face((i, j), (i + di, j + dj)) / h**2
                matrix[row, row] += coefficient
                if 1 <= i + di <= n - 2 and 1 <= j + dj <= n - 2:
                    matrix[row, (i + di - 1) * m + (j + dj - 1)] -= coefficient
    return matrix.tocsr()


def test_returned_solution_solves_the_discrete_system():
    a, u = make_darcy(2, 17, reference_resolution=17, random_state=0)
    assert set(np.unique(a)) == {3.0, 12.0}
    for a_s, u_s in zip(a, u):
        matrix = _reference_operator(a_s)
        f = np.ones(matrix.shape[0])
        residual = matrix @ u_s[1:-1, 1:-1].ravel() - f
        assert np.linalg.norm(residual) / np.linalg.norm(f) < 1e-10


@pytest.mark.parametrize(
    "name", ["1 + xy", "exp(x + y)"],
)
def test_second_order_on_a_manufactured_solution(name):
    # u = sin(pi x) sin(pi y), f = -div(a grad u) for a smooth a.
    coefficient = {
        "1 + xy": (lambda x, y: 1 + x * y, lambda x, y: y, lambda x, y: x),
        "exp(x + y)": (lambda x, y: np.exp(x + y),) * 3,
    }[name]
    a_fn, ax_fn, ay_fn = coefficient
    errors = []
    for n in (17, 33, 65):
        x, y = _grid(n)
        p = np.pi
        exact = np.sin(p * x) * np.sin(p * y)
        f = 2 * p**2 * a_fn(x, y) * exact - p * (
            ax_fn(x, y) * np.cos(p * x) * np.sin(p * y)
            + ay_fn(x, y) * np.sin(p * x) * np.cos(p * y)
        )
        errors.append(np.abs(solve_darcy(a_fn(x, y)[None], f)[0] - exact).max())
    rates = np.log2(np.array(errors[:-1]) / errors[1:])
    np.testing.assert_allclose(rates, 2.0, atol=0.1)


def _unit_square_poisson(x, y, n_terms=200):
    """-Laplace u = 1 on the unit square, u = 0 on its boundary, as a Fourier series.

    u = x (1 - x) / 2 - sum_{m odd} 4 / (pi m)^3 sin(m pi x)
        cosh(m pi (y - 1/2)) / cosh(m pi / 2), the cosh ratio written without overflow.
    """
    u = x * (1 - x) / 2
    d = np.abs(y - 0.5)
    for m in range(1, 2 * n_terms, 2):
        ratio = np.exp(m * np.pi * (d - 0.5)) * (1 + np.exp(-2 * m * np.pi * d))
        ratio /= 1 + np.exp(-m * np.pi)
        u -= 4 / (np.pi * m) ** 3 * np.sin(m * np.pi * x) * ratio
    return u


def test_constant_coefficient_matches_the_fourier_series():
    # contrast=(2, 2) makes a == 2, so u = u_poisson / 2, with O(h^2) error.
    errors = []
    for n in (17, 33, 65):
        a, u = make_darcy(1, n, reference_resolution=n, contrast=(2.0, 2.0), random_state=0)
        assert np.all(a == 2.0)
        errors.append(np.abs(u[0] - _unit_square_poisson(*_grid(n)) / 2).max())
    assert _unit_square_poisson(0.5, 0.5) == pytest.approx(0.0736713532814, abs=1e-12)
    rates = np.log2(np.array(errors[:-1]) / errors[1:])
    np.testing.assert_allclose(rates, 2.0, atol=0.1)
    assert errors[-1] < 1e-5


def test_piecewise_constant_data_self_converge():
    # The same random field solved on finer and finer reference grids (the GRF
    # draws its modes shell by shell, so z is the same function up to the
    # finest modes). Interfaces cut the cells, so about first order: measured
    # differences to the 257 solution of 6%, 2.6%, 1.5%, 0.5% at 17, 33, 65, 129.
    solutions = [
        make_darcy(2, 17, reference_resolution=r, random_state=1)[1]
        for r in (17, 33, 65, 129, 257)
    ]
    scale = np.abs(solutions[-1]).max()
    gaps = [np.abs(s - solutions[-1]).max() / scale for s in solutions[:-1]]
    assert all(g1 > g2 for g1, g2 in zip(gaps, gaps[1:]))
    assert gaps[-1] < gaps[0] / 4
    assert gaps[-1] < 0.02


def test_default_reference_grids_nest():
    assert default_reference_resolution(33) == default_reference_resolution(65) == 129
    assert default_reference_resolution(129) == 257
    assert default_reference_resolution(64) == 127
    a33, u33 = make_darcy(3, 33, random_state=4)
    a65, u65 = make_darcy(3, 65, random_state=4)
    np.testing.assert_array_equal(a65[:, ::2, ::2], a33)
    np.testing.assert_array_equal(u65[:, ::2, ::2], u33)


def test_physical_properties_of_the_benchmark_data():
    a, u = make_darcy(40, 17, reference_resolution=17, random_state=2)
    assert a.shape == u.shape == (40, 17, 17) and u.dtype == np.float64
    assert np.all(u[:, 0, :] == 0) and np.all(u[:, -1, :] == 0)
    assert np.all(u[:, :, 0] == 0) and np.all(u[:, :, -1] == 0)
    assert np.all(u[:, 1:-1, 1:-1] > 0)  # discrete maximum principle, f > 0
    # The compliance sum(f u) = max_v 2 f.v - v.A v decreases as a grows, so it
    # lies between those of a == 12 and a == 3 (exact for the discrete system).
    compliance = u.sum(axis=(1, 2))
    low = make_darcy(1, 17, reference_resolution=17, contrast=(12.0, 12.0))[1].sum()
    high = make_darcy(1, 17, reference_resolution=17, contrast=(3.0, 3.0))[1].sum()
    assert np.all((low < compliance) & (compliance < high))
    # z is symmetric: about half of the nodes are at 12 (per sample fractions
    # vary with std ~0.15, so the mean of 40 is within 0.5 +- 0.1).
    assert abs((a == 12.0).mean() - 0.5) < 0.1
    # Linear in the forcing.
    _, u_scaled = make_darcy(2, 17, reference_resolution=17, forcing=-2.5, random_state=2)
    np.testing.assert_allclose(u_scaled, -2.5 * u[:2], rtol=1e-12, atol=1e-16)


def test_reproducible_prefix_stable_and_rng_untouched():
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    a, u = make_darcy(3, 9, reference_resolution=17, random_state=5)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)
    a2, u2 = make_darcy(5, 9, reference_resolution=17, random_state=5)
    np.testing.assert_array_equal(a2[:3], a)  # piecewise constant: exact
    np.testing.assert_allclose(u2[:3], u, rtol=1e-12, atol=1e-15)
    a3, _ = make_darcy(3, 9, reference_resolution=9, random_state=np.random.default_rng(0))
    a4, _ = make_darcy(3, 9, reference_resolution=9, random_state=np.random.RandomState(0))
    assert a3.shape == a4.shape == (3, 9, 9)


def test_parallel_equals_serial():
    # Threads keep the test fast (no worker start-up); the batches and their
    # seeds are the same as with processes.
    a, u = make_darcy(40, 9, reference_resolution=17, random_state=6)
    with joblib.parallel_backend("threading"):
        a2, u2 = make_darcy(40, 9, reference_resolution=17, n_jobs=2, random_state=6)
    np.testing.assert_array_equal(a2, a)
    np.testing.assert_array_equal(u2, u)


def test_verbose_shows_progress(capsys):
    make_darcy(2, 5, verbose=True, random_state=0)
    assert "make_darcy" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples"),
        (dict(resolution=2), "resolution"),
        (dict(resolution=17, reference_resolution=40), "reference_resolution"),
        (dict(contrast=(12.0, 0.0)), "contrast"),
        (dict(contrast=(12.0,)), "contrast"),
        (dict(contrast=(np.nan, 3.0)), "contrast"),
        (dict(contrast="ab"), "contrast"),
        (dict(forcing=np.inf), "forcing"),
        (dict(forcing=np.nan), "forcing"),
        (dict(tau=-1.0), "tau"),
        (dict(random_state=1.5), "random_state"),
    ],
)
def test_bad_input_is_a_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_darcy(**{"n_samples": 2, "resolution": 9, **kwargs})


@settings(max_examples=15, deadline=None)
@given(resolution=st.integers(3, 9), reference=st.integers(3, 33))
def test_grid_validation(resolution, reference):
    if (reference - 1) % (resolution - 1):
        with pytest.raises(ValueError, match="reference_resolution"):
            make_darcy(1, resolution, reference_resolution=reference)
        return
    a, u = make_darcy(1, resolution, reference_resolution=reference, random_state=0)
    assert a.shape == u.shape == (1, resolution, resolution)
    assert np.all(u[0, 1:-1, 1:-1] > 0)
