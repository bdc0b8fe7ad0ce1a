"""Continuous-domain samplers: one-point laws, two-point statistics, API.

* One-point law: every DPP point (and every i.i.d. point) has the optimal
  density ``k_m / m``; checked with a Kolmogorov-Smirnov test against the CDF
  integrated on a fine grid (first point of each draw, so points are i.i.d.).
* Two-point law: for the projection DPP of the first ``m`` orthonormal
  polynomials, ``Var(sum_i s_i) = a_m^2`` with ``a_m`` the recurrence
  coefficient (e.g. ``m`` for Hermite, the trace of the Dumitriu-Edelman
  matrix), far below the i.i.d. value; for the circular ensemble
  ``E (sum_i cos 2 pi t_i)^2 = 1/2``. This separates an exact DPP sampler
  from one with the right marginals only.
"""

import numpy as np
import pytest
import torch
from scipy import stats
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import PolynomialFeatures

from skop.preprocessing import (
    ChebyshevFeatures,
    FourierFeatures,
    HermiteFeatures,
    LegendreFeatures,
    OrthonormalFeatures,
    TensorProductFeatures,
)
from skop.sampling import (
    sample_christoffel_points,
    sample_dpp_repetitions_points,
    sample_projection_dpp_points,
    sample_volume_rescaled_points,
)

Z_MAX = 4.5
KS_P_MIN = 1e-4

BASES = {
    "legendre": LegendreFeatures(degree=3, bounds=(-1.0, 2.0)),
    "chebyshev": ChebyshevFeatures(degree=3),
    "hermite": HermiteFeatures(degree=3, loc=1.0, scale=2.0),
    "fourier": FourierFeatures(degree=2, bounds=(0.0, 2.0)),
}


def _optimal_cdf(name, basis):
    """CDF of k_m / m dmu, integrated on a fine grid (in a smooth variable)."""
    if name == "chebyshev":  # x = cos(theta): the arcsine measure is uniform in theta
        theta = np.linspace(0, np.pi, 100001)
        Phi = basis.fit([[0.0]]).transform(np.cos(theta)[:, None])
        dens = (Phi**2).mean(1) / np.pi
        steps = (dens[1:] + dens[:-1]) / 2 * np.diff(theta)
        F = np.concatenate([[0], np.cumsum(steps)])
        return lambda x: 1 - np.interp(np.arccos(np.clip(x, -1, 1)), theta, F)
    if name == "hermite":
        grid = np.linspace(1 - 30, 1 + 30, 200001)
        weight = stats.norm.pdf(grid, 1.0, 2.0)
    elif name == "legendre":
        grid = np.linspace(-1, 2, 100001)
        weight = np.full_like(grid, 1 / 3)
    else:
        grid = np.linspace(0, 2, 100001)
        weight = np.full_like(grid, 1 / 2)
    Phi = basis.fit([[grid[0]]]).transform(grid[:, None])
    dens = (Phi**2).mean(1) * weight
    F = np.concatenate([[0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))])
    return lambda x: np.interp(x, grid, F)


def _draw(kind, basis, n_draws, seed):
    if kind == "iid":
        return sample_christoffel_points(
            basis, 1, n_draws, random_state=seed, device="cpu"
        )
    method = "ensemble" if kind == "dpp-ensemble" else "rejection"
    return sample_projection_dpp_points(
        basis, n_draws, method=method, random_state=seed, device="cpu"
    )


@pytest.mark.parametrize("name", list(BASES))
@pytest.mark.parametrize("kind", ["iid", "dpp-ensemble", "dpp-rejection"])
def test_one_point_density_is_optimal(name, kind):
    basis = BASES[name]
    n_draws = 400 if (kind == "dpp-rejection" and name == "hermite") else 2000
    X = _draw(kind, basis, n_draws, seed=0)
    m = 5 if name == "fourier" else 4
    assert X.shape == ((n_draws, 1, 1) if kind == "iid" else (n_draws, m, 1))
    assert stats.kstest(X[:, 0, 0], _optimal_cdf(name, basis)).pvalue > KS_P_MIN


def _sum_statistic(name, X):
    """(statistic per draw, its exact mean, exact second moment) for a DPP."""
    if name == "legendre":  # s = 2(x + 1)/3 - 1, a_4 = 4 / sqrt(63)
        s = (2 * (X + 1) / 3 - 1).sum(axis=(1, 2))
        return s, 0.0, 16 / 63
    if name == "chebyshev":  # a_m = 1/2 for m >= 2
        return X.sum(axis=(1, 2)), 0.0, 0.25
    if name == "hermite":  # z = (x - 1)/2, a_m^2 = m
        return ((X - 1) / 2).sum(axis=(1, 2)), 0.0, 4.0
    return np.cos(np.pi * X).sum(axis=(1, 2)), 0.0, 0.5  # period 2


@pytest.mark.parametrize("name", list(BASES))
@pytest.mark.parametrize("method", ["ensemble", "rejection"])
def test_two_point_statistic_is_determinantal(name, method):
    basis = BASES[name]
    n_draws = 400 if (method == "rejection" and name == "hermite") else 3000
    X = sample_projection_dpp_points(
        basis, n_draws, method=method, random_state=1, device="cpu"
    )
    s, mean, second = _sum_statistic(name, X)
    z_mean = (s.mean() - mean) / (s.std() / np.sqrt(n_draws))
    z_var = (np.mean(s**2) - second) / (np.std(s**2) / np.sqrt(n_draws))
    assert abs(z_mean) < Z_MAX and abs(z_var) < Z_MAX, (z_mean, z_var, np.mean(s**2))


def test_iid_sum_statistic_is_far_from_dpp():
    # Sanity check of the test above: i.i.d. optimal points fail it.
    X = sample_christoffel_points(
        BASES["hermite"], 4, 3000, random_state=2, device="cpu"
    )
    s = ((X - 1) / 2).sum(axis=(1, 2))
    assert np.mean(s**2) > 2 * 4.0


def test_tensor_product_dpp_by_rejection_in_two_dimensions():
    basis = TensorProductFeatures(
        ["legendre", HermiteFeatures(loc=0.0, scale=1.0)], degree=2
    )
    X = sample_projection_dpp_points(basis, 2000, random_state=3, device="cpu")
    assert X.shape == (2000, 6, 2)
    # One-point law: E sum_i g(x_i) = sum_j int g phi_j^2 dmu, by Gauss quadrature.
    s, ws = np.polynomial.legendre.leggauss(20)
    z, wz = np.polynomial.hermite_e.hermegauss(30)
    S, Z = np.meshgrid(s, z, indexing="ij")
    W = np.outer(ws / 2, wz / np.sqrt(2 * np.pi))
    pts = np.column_stack([S.ravel(), Z.ravel()])
    Phi = basis.fit(pts[:1]).transform(pts)
    g = lambda P: P[..., 0] ** 2 + np.abs(P[..., 1])  # noqa: E731
    exact = (W.ravel() * g(pts)) @ (Phi**2).sum(1)
    t = g(X).sum(1)
    assert abs(t.mean() - exact) / (t.std() / np.sqrt(2000)) < Z_MAX
    # Two-point law along x0: Var(sum s_i) = sum over the boundary of the index
    # set of a_{k+1}^2 = a_1^2 + a_2^2 + a_3^2 (Legendre, total degree 2).
    a2 = sum(k**2 / (4 * k**2 - 1) for k in (1, 2, 3))
    s0 = X[..., 0].sum(1)
    assert abs(np.mean(s0**2) - a2) / (np.std(s0**2) / np.sqrt(2000)) < Z_MAX


def test_volume_and_repetitions_shapes_and_domain():
    basis = LegendreFeatures(degree=4, bounds=(2.0, 3.0))
    X = sample_volume_rescaled_points(basis, 9, n_draws=3, random_state=0, device="cpu")
    assert X.shape == (3, 9, 1) and (X >= 2).all() and (X <= 3).all()
    X = sample_dpp_repetitions_points(basis, 2, random_state=0, device="cpu")
    assert X.shape == (10, 1)
    blocks = X.reshape(2, 5)
    assert all(len(np.unique(b)) == 5 for b in blocks)
    with pytest.raises(ValueError, match="n_samples >= m"):
        sample_volume_rescaled_points(basis, 4, device="cpu")


def test_dimension_from_argument_fit_or_families():
    X = sample_christoffel_points(LegendreFeatures(degree=2), 5, n_features=3,
                                  random_state=0, device="cpu")
    assert X.shape == (5, 3)
    fitted = HermiteFeatures(degree=2).fit(np.zeros((1, 2)))
    X = sample_projection_dpp_points(fitted, random_state=0, device="cpu")
    assert X.shape == (6, 2)
    with pytest.raises(ValueError, match="fitted on 2 features"):
        sample_projection_dpp_points(fitted, n_features=3, device="cpu")
    mixed = TensorProductFeatures(["fourier", "chebyshev"], degree=1)
    X = sample_christoffel_points(mixed, 4, random_state=0, device="cpu")
    assert X.shape == (4, 2)


def test_ensemble_method_needs_one_dimensional_classical_basis():
    with pytest.raises(ValueError, match="method='ensemble'"):
        sample_projection_dpp_points(LegendreFeatures(degree=1), method="ensemble",
                                     n_features=2, device="cpu")
    with pytest.raises(ValueError, match="method must be"):
        sample_projection_dpp_points(
            LegendreFeatures(degree=1), method="gs", device="cpu"
        )


def test_orthonormal_features_basis_samples_candidates():
    rng = np.random.default_rng(0)
    C = rng.uniform(-1, 1, size=(200, 2))
    basis = OrthonormalFeatures(PolynomialFeatures(degree=2)).fit(C)
    for b in (basis, FrozenEstimator(basis)):
        X = sample_projection_dpp_points(b, n_draws=3, random_state=0, device="cpu")
        assert X.shape == (3, 6, 2)
        assert all(any(np.allclose(x, c) for c in C) for x in X.reshape(-1, 2))
    X = sample_christoffel_points(basis, 7, random_state=0, device="cpu")
    assert X.shape == (7, 2)
    with pytest.raises(NotFittedError):
        sample_christoffel_points(OrthonormalFeatures(), 3, device="cpu")


def test_non_skop_basis_is_rejected():
    with pytest.raises(TypeError, match="OrthonormalFeatures"):
        sample_christoffel_points(PolynomialFeatures(), 3, device="cpu")


def test_reproducible_and_global_rng_untouched():
    basis = LegendreFeatures(degree=3)
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    for fn, args in [
        (sample_christoffel_points, (5,)),
        (sample_projection_dpp_points, ()),
        (sample_volume_rescaled_points, (6,)),
        (sample_dpp_repetitions_points, (2,)),
    ]:
        a = fn(basis, *args, random_state=np.random.default_rng(3), device="cpu")
        b = fn(basis, *args, random_state=np.random.default_rng(3), device="cpu")
        np.testing.assert_array_equal(a, b)
    assert np.array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)
