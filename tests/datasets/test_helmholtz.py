"""Helmholtz generator: checked against the PDE and its discrete system, not stored numbers."""

import numpy as np
import pytest
import scipy.fft
import scipy.sparse as sp
import torch

from skop.datasets import make_helmholtz
from skop.datasets._darcy import solve_darcy
from skop.datasets._helmholtz import dirichlet_eigenvalues, solve_helmholtz


def _grid(n):
    x = np.linspace(0.0, 1.0, n)
    return np.meshgrid(x, x, indexing="ij")


def _five_point(u, wavenumber):
    """-Laplace(u) - k^2 u at the interior nodes, by slicing (boundary values used)."""
    h = 1.0 / (u.shape[-1] - 1)
    c = u[..., 1:-1, 1:-1]
    laplace = (
        u[..., 2:, 1:-1] + u[..., :-2, 1:-1] + u[..., 1:-1, 2:] + u[..., 1:-1, :-2] - 4 * c
    ) / h**2
    return -laplace - wavenumber**2 * c


def _manufactured(x, y, wavenumber):
    """u = e^x sin(pi x) e^(-y/2) sin(2 pi y), zero on the boundary, and its f.

    For g = e^(a t) sin(b t): g'' = (a^2 - b^2) g + 2 a b e^(a t) cos(b t).
    Neither factor is an eigenfunction nor a cubic (which the stencil would
    differentiate exactly), so the error is the scheme's truncation error.
    """
    p = np.pi
    g = np.exp(x) * np.sin(p * x)
    gxx = (1 - p**2) * g + 2 * p * np.exp(x) * np.cos(p * x)
    q = np.exp(-y / 2) * np.sin(2 * p * y)
    qyy = (0.25 - 4 * p**2) * q - 2 * p * np.exp(-y / 2) * np.cos(2 * p * y)
    u = g * q
    return u, -(gxx * q + g * qyy) - wavenumber**2 * u


@pytest.mark.parametrize(
    "wavenumber, grids",
    [
        (0.0, (17, 33, 65, 129)),
        (5.0, (17, 33, 65, 129)),
        (8.0, (17, 33, 65, 129)),
        # k^2 = 81 is 2.1 from the eigenvalue 8 pi^2: pre-asymptotic on 17
        # nodes (measured orders 1.69, 1.90, 1.97, 1.99 from 17 to 257).
        (9.0, (33, 65, 129)),
    ],
)
def test_second_order_on_a_manufactured_solution(wavenumber, grids):
    # Measured max errors for k = 5: 3.4e-2, 8.5e-3, 2.1e-3, 5.3e-4 (orders
    # 2.02, 2.00, 2.00).
    errors = []
    for n in grids:
        x, y = _grid(n)
        exact, f = _manufactured(x, y, wavenumber)
        errors.append(np.abs(solve_helmholtz(f[None], wavenumber)[0] - exact).max())
    orders = np.log2(np.array(errors[:-1]) / errors[1:])
    assert np.all((1.8 <= orders) & (orders <= 2.2)), orders
    assert errors[-1] < 2e-3 * np.abs(exact).max()


def test_solution_solves_the_five_point_system():
    rng = np.random.default_rng(0)
    f = rng.standard_normal((3, 21, 21))
    for k in (0.0, 5.0, 11.3):
        u = solve_helmholtz(f, k)
        residual = _five_point(u, k) - f[:, 1:-1, 1:-1]
        assert np.abs(residual).max() < 1e-10 * np.abs(f).max()
        # boundary values of f are ignored
        g = f.copy()
        g[:, 0, :] = g[:, -1, :] = g[:, :, 0] = g[:, :, -1] = 1e3
        np.testing.assert_allclose(solve_helmholtz(g, k), u, rtol=0, atol=1e-12)


def test_matches_the_sine_transform_solution():
    # The five-point Dirichlet operator is diagonal in the DST-I basis, with the
    # closed-form eigenvalues mu_i + mu_j: an independent direct solver.
    n, k = 33, 7.0
    f = np.random.default_rng(1).standard_normal((2, n, n))
    mu = dirichlet_eigenvalues(n)
    coef = scipy.fft.dstn(f[:, 1:-1, 1:-1], type=1, axes=(1, 2), norm="ortho")
    coef /= mu[:, None] + mu[None, :] - k**2
    expected = scipy.fft.idstn(coef, type=1, axes=(1, 2), norm="ortho")
    u = solve_helmholtz(f, k)
    np.testing.assert_allclose(u[:, 1:-1, 1:-1], expected, rtol=0, atol=1e-11)


def test_closed_form_eigenvalues():
    n = 9
    m, h = n - 2, 1.0 / (n - 1)
    second = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(m, m)) / h**2
    laplace = (sp.kron(second, sp.identity(m)) + sp.kron(sp.identity(m), second)).toarray()
    mu = dirichlet_eigenvalues(n)
    np.testing.assert_allclose(
        np.sort((mu[:, None] + mu[None, :]).ravel()), np.linalg.eigvalsh(laplace), rtol=1e-12
    )
    # they tend to pi^2 (i^2 + j^2)
    assert abs(2 * dirichlet_eigenvalues(513)[0] - 2 * np.pi**2) < 1e-4


def test_poisson_limit_matches_darcy_with_unit_permeability():
    f = np.random.default_rng(2).standard_normal((1, 17, 17))
    np.testing.assert_allclose(
        solve_helmholtz(f, 0.0)[0], solve_darcy(np.ones((1, 17, 17)), f[0])[0],
        rtol=0, atol=1e-13,
    )  # fmt: skip


def test_linearity_boundary_and_mirror_symmetry():
    rng = np.random.default_rng(3)
    f1, f2 = rng.standard_normal((2, 2, 19, 19))
    k = 5.0
    u1, u2 = solve_helmholtz(f1, k), solve_helmholtz(f2, k)
    combined = solve_helmholtz(2.5 * f1 - 0.7 * f2, k)
    np.testing.assert_allclose(combined, 2.5 * u1 - 0.7 * u2, rtol=0, atol=1e-12)
    for u in (u1, u2, combined):
        assert np.all(u[:, 0, :] == 0) and np.all(u[:, -1, :] == 0)
        assert np.all(u[:, :, 0] == 0) and np.all(u[:, :, -1] == 0)
    # The square's symmetries: x -> 1 - x, y -> 1 - y, x <-> y.
    np.testing.assert_allclose(solve_helmholtz(f1[:, ::-1, :], k), u1[:, ::-1, :], atol=1e-12)
    np.testing.assert_allclose(solve_helmholtz(f1[:, :, ::-1], k), u1[:, :, ::-1], atol=1e-12)
    np.testing.assert_allclose(
        solve_helmholtz(f1.transpose(0, 2, 1), k), u1.transpose(0, 2, 1), atol=1e-12
    )


def test_indefinite_response_of_the_first_mode():
    # f = sin(pi x) sin(pi y): u = f / (lambda_11 - k^2), negative for k = 5
    # (k^2 = 25 > 2 pi^2), positive for k = 4, exactly for the discrete lambda_11.
    n = 33
    x, y = _grid(n)
    f = np.sin(np.pi * x) * np.sin(np.pi * y)
    lam = 2 * dirichlet_eigenvalues(n)[0]
    for k in (4.0, 5.0):
        u = solve_helmholtz(f[None], k)[0]
        np.testing.assert_allclose(u, f / (lam - k**2), rtol=0, atol=1e-12)
    assert solve_helmholtz(f[None], 5.0)[0, n // 2, n // 2] < 0


def test_default_data_nest_and_are_order_one():
    assert make_helmholtz(1, 33)[0].shape == (1, 33, 33)
    f33, u33 = make_helmholtz(3, 33, random_state=4)
    f65, u65 = make_helmholtz(3, 65, random_state=4)  # same 129-node reference
    np.testing.assert_array_equal(f65[:, ::2, ::2], f33)
    np.testing.assert_allclose(u65[:, ::2, ::2], u33, rtol=0, atol=1e-12)
    f, u = make_helmholtz(40, 17, random_state=5)  # reference 129, k = 5
    rms = np.sqrt((u**2).mean())
    assert 0.7 < rms < 1.4, rms
    # u solves the problem on the reference grid, not on the output grid: the
    # coarse five-point residual is the O(h^2) truncation error, small but not 0.
    residual = _five_point(u, 5.0) - f[:, 1:-1, 1:-1]
    assert 1e-4 < np.abs(residual).max() / np.abs(f).max() < 0.2


def test_reference_grids_self_converge_at_second_order():
    # The same source (shared low modes) solved on 33, 65, 129, 257 nodes and
    # compared on 17 output nodes. Measured successive differences (relative
    # to max|u|): 3.3e-3, 8.2e-4, 2.0e-4, orders 1.99, 2.00.
    solutions = [
        make_helmholtz(2, 17, reference_resolution=r, random_state=1)[1]
        for r in (33, 65, 129, 257)
    ]
    scale = np.abs(solutions[-1]).max()
    gaps = np.array([np.abs(a - b).max() / scale for a, b in zip(solutions, solutions[1:])])
    orders = np.log2(gaps[:-1] / gaps[1:])
    assert np.all((1.8 <= orders) & (orders <= 2.2)), orders
    assert gaps[-1] < 1e-3


def test_resonance_raises():
    n = 17
    mu = dirichlet_eigenvalues(n)
    for i, j in [(0, 0), (0, 1), (2, 3)]:
        k = np.sqrt(mu[i] + mu[j])
        with pytest.raises(ValueError, match="resonant"):
            solve_helmholtz(np.ones((1, n, n)), k)
    # 2e-3 lambda_min away: allowed, and the (1, 1) mode is amplified about
    # 1 / 2e-3 times relative to the Poisson problem.
    lam = 2 * mu[0]
    u = solve_helmholtz(np.ones((1, n, n)), np.sqrt(lam + 2e-3 * lam))
    poisson = solve_helmholtz(np.ones((1, n, n)), 0.0)
    assert np.abs(u).max() > 300 * np.abs(poisson).max()
    # The continuum eigenvalue 2 pi^2 is 3e-3 lambda_min off the 17-node one,
    # so only make_helmholtz's continuum check refuses it there.
    solve_helmholtz(np.ones((1, n, n)), np.pi * np.sqrt(2))
    for k in (np.pi * np.sqrt(2), np.pi * np.sqrt(5), np.pi * np.sqrt(13)):
        with pytest.raises(ValueError, match="resonant"):
            make_helmholtz(1, 9, wavenumber=k, reference_resolution=n)
    # on the default 129-node reference the discrete one is refused as well
    with pytest.raises(ValueError, match="discrete"):
        solve_helmholtz(np.ones((1, 129, 129)), np.pi * np.sqrt(2))


def test_reproducible_prefix_stable_and_rng_untouched():
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    f, u = make_helmholtz(17, 9, reference_resolution=17, random_state=5)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)
    f2, u2 = make_helmholtz(20, 9, reference_resolution=17, random_state=5)
    np.testing.assert_array_equal(f2[:17], f)  # across the batch boundary at 16
    np.testing.assert_allclose(u2[:17], u, rtol=0, atol=1e-12)
    f3, u3 = make_helmholtz(17, 9, reference_resolution=17, random_state=5)
    np.testing.assert_array_equal(f3, f)
    np.testing.assert_array_equal(u3, u)
    assert not np.allclose(make_helmholtz(1, 9, reference_resolution=17, random_state=6)[0], f[:1])
    f4, _ = make_helmholtz(2, 9, reference_resolution=9, random_state=np.random.default_rng(0))
    f5, _ = make_helmholtz(2, 9, reference_resolution=9, random_state=np.random.RandomState(0))
    assert f4.shape == f5.shape == (2, 9, 9)


def test_sigma_scales_linearly():
    f, u = make_helmholtz(2, 9, reference_resolution=17, random_state=7)
    f2, u2 = make_helmholtz(2, 9, reference_resolution=17, sigma=3.0, random_state=7)
    np.testing.assert_allclose(f2, f / 20, rtol=1e-12)
    np.testing.assert_allclose(u2, u / 20, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples"),
        (dict(resolution=2), "resolution"),
        (dict(resolution=17, reference_resolution=40), "reference_resolution"),
        (dict(resolution=17, reference_resolution=9), "reference_resolution"),
        (dict(wavenumber=-1.0), "wavenumber"),
        (dict(wavenumber=np.nan), "wavenumber"),
        (dict(wavenumber=np.inf), "wavenumber"),
        (dict(sigma=0.0), "sigma"),
        (dict(tau=0.0), "tau"),
        (dict(alpha=0.0), "alpha"),
        (dict(random_state=1.5), "random_state"),
    ],
)
def test_bad_input_is_a_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_helmholtz(**{"n_samples": 2, "resolution": 9, **kwargs})


@pytest.mark.parametrize(
    "f, k, match",
    [
        (np.ones((5, 5)), 1.0, "shape"),
        (np.ones((1, 5, 6)), 1.0, "shape"),
        (np.ones((1, 2, 2)), 1.0, "shape"),
        (np.full((1, 5, 5), np.nan), 1.0, "finite"),
        (np.ones((1, 5, 5)), -1.0, "wavenumber"),
        (np.ones((1, 5, 5)), np.inf, "wavenumber"),
    ],
)
def test_solver_bad_input(f, k, match):
    with pytest.raises(ValueError, match=match):
        solve_helmholtz(f, k)
