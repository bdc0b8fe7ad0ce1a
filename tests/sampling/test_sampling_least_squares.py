"""The least-squares facts behind the samplers, checked against exact values.

On a small discrete measure the expectation over the projection DPP is a finite
sum, so the Monte Carlo means are compared with exact values (not with the
asymptotic claims) using the exact standard deviation.
"""

import itertools

import numpy as np
import pytest

from skop.sampling import (
    sample_christoffel,
    sample_dpp_repetitions,
    sample_projection_dpp,
    sample_volume_rescaled,
)

Z_MAX = 4.5
N, M = 30, 3
N_DRAWS = 20000


@pytest.fixture(scope="module")
def problem():
    """Legendre degree 2 on a uniform grid, Runge function, orthonormal U."""
    x = np.linspace(-1, 1, N)
    U = np.linalg.qr(np.polynomial.legendre.legvander(x, M - 1))[0]
    f = 1 / (1 + 25 * x**2)
    c_star = U.T @ f
    e_star2 = np.mean((f - U @ c_star) ** 2)
    return U, f, c_star, e_star2


def _interpolation_error2(U, f, S):
    c = np.linalg.solve(U[S], f[S][..., None])[..., 0]
    return ((f - c @ U.T) ** 2).mean(-1)


def _weighted_fit(U, f, idx):
    """Batched weighted LS with w = m / k_m (k_m = N ||U_i||^2)."""
    w = M / (N * (U**2).sum(1))[idx]
    A = U[idx] * np.sqrt(w)[..., None]
    return np.einsum("sij,sj->si", np.linalg.pinv(A), f[idx] * np.sqrt(w))


def test_dpp_interpolation_error_identity_is_m_plus_one(problem):
    U, f, _, e_star2 = problem
    # Exact expectation over all C(N, m) subsets, P(S) = det(U_S)^2.
    subsets = [list(s) for s in itertools.combinations(range(N), M)]
    p = np.array([np.linalg.det(U[s]) ** 2 for s in subsets])
    err = np.array([_interpolation_error2(U, f, np.array(s)) for s in subsets])
    exact_mean = p @ err
    assert np.isclose(p.sum(), 1.0)
    assert np.isclose(exact_mean / e_star2, M + 1, rtol=1e-10)
    # The sampler's Monte Carlo mean agrees with it (exact standard deviation).
    exact_sd = np.sqrt(p @ (err - exact_mean) ** 2)
    S = sample_projection_dpp(U, n_draws=N_DRAWS, random_state=0, device="cpu")
    e2 = _interpolation_error2(U, f, S)
    z = (e2.mean() - exact_mean) / (exact_sd / np.sqrt(N_DRAWS))
    assert abs(z) < Z_MAX, (e2.mean() / e_star2, z)


@pytest.mark.parametrize(
    "name, draw",
    [
        ("dpp", lambda U: sample_projection_dpp(U, n_draws=N_DRAWS, random_state=1,
                                                device="cpu")),
        ("volume", lambda U: sample_volume_rescaled(U, M + 2, n_draws=N_DRAWS,
                                                    random_state=2, device="cpu")),
    ],
)
def test_dpp_and_volume_weighted_least_squares_are_unbiased(problem, name, draw):
    U, f, c_star, _ = problem
    c = _weighted_fit(U, f, draw(U))
    z = (c.mean(0) - c_star) / (c.std(0) / np.sqrt(N_DRAWS))
    assert np.abs(z).max() < Z_MAX, (name, z)


def test_iid_weighted_least_squares_is_biased(problem):
    U, f, c_star, _ = problem
    idx = sample_christoffel(U, 2 * M, n_draws=N_DRAWS, random_state=3, device="cpu")
    c = _weighted_fit(U, f, idx)
    z = (c.mean(0) - c_star) / (c.std(0) / np.sqrt(N_DRAWS))
    # Measured |z| ~ 17 and 25 on the even coefficients: a clear bias.
    assert np.abs(z).max() > 10, z


def test_dpp_repetitions_concentrate_the_error(problem):
    # Pooling s DPPs is not exactly unbiased (measured |z| ~ 6 here) but its
    # error is close to the best approximation with n = s m only.
    U, f, c_star, e_star2 = problem
    idx = sample_dpp_repetitions(U, 3, n_draws=4000, random_state=4, device="cpu")
    c = _weighted_fit(U, f, idx)
    ratio = ((f - c @ U.T) ** 2).mean(1) / e_star2
    iid = _weighted_fit(
        U, f, sample_christoffel(U, 3 * M, n_draws=4000, random_state=5, device="cpu")
    )
    ratio_iid = ((f - iid @ U.T) ** 2).mean(1) / e_star2
    assert np.median(ratio) < 1.5
    assert np.quantile(ratio, 0.99) < np.quantile(ratio_iid, 0.99)
