"""Exact draws from ``phi_j(x)^2 dmu(x)`` for the univariate orthonormal families.

The optimal density of a tensor-product space is the uniform mixture
``(1/m) sum_j prod_k phi_{j_k}(x_k)^2 dmu_k``, so drawing a multi-index
uniformly and then each coordinate from its univariate density is an exact
i.i.d. sampler. Each univariate density is drawn by rejection with a proven
envelope:

* Legendre: arcsine proposal; Bernstein's inequality
  ``sqrt(sin t) |P_j(cos t)| < sqrt(2 / (pi j))`` bounds the density ratio
  ``(2j+1) pi sqrt(1-s^2) P_j(s)^2 / 2`` by ``(2j+1)/j <= 3`` (``pi/2`` for
  ``j = 0``);
* Chebyshev: ``s = cos(theta)`` with ``theta`` uniform, accepted with
  probability ``cos(j theta)^2``;
* Fourier: uniform proposal, accepted with probability ``phi_j^2 / 2``;
* Hermite: proposal from the optimal density of the first ``j + 1``
  functions (one uniformly chosen point of a Hermite-ensemble draw), accepted
  with probability ``phi_j^2 / k_{j+1} <= 1`` (``j + 1`` trials on average).

Randomness comes from torch's global RNG, seeded by the caller.
"""

import math

import torch

from skop.preprocessing._families import Chebyshev, Fourier, Hermite, Legendre
from skop.sampling._ensembles import (
    circular_ensemble,
    hermite_ensemble,
    jacobi_ensemble,
)

_LEGENDRE_REF = Legendre(-1.0, 1.0)
_HERMITE_REF = Hermite(0.0, 1.0)
_FOURIER_REF = Fourier(0.0, 1.0)


def _phi(ref, x, j):
    """Value of function ``j[i]`` of the family ``ref`` at ``x[i]``, for each ``i``."""
    return ref.evaluate(x, int(j.max()) + 1).gather(1, j[:, None])[:, 0]


def _rejection(j, propose, accept_prob):
    """Vectorised rejection: ``propose(j) -> x``, ``accept_prob(x, j) -> p``."""
    out = torch.empty(j.shape, dtype=torch.float64, device=j.device)
    pending = torch.arange(j.numel(), device=j.device)
    while pending.numel():
        jp = j[pending]
        x = propose(jp)
        u = torch.rand(jp.shape, dtype=torch.float64, device=j.device)
        ok = u < accept_prob(x, jp)
        out[pending[ok]] = x[ok]
        pending = pending[~ok]
    return out


def _legendre_squared(j):
    def propose(jp):
        u = torch.rand(jp.shape, dtype=torch.float64, device=jp.device)
        return torch.cos(math.pi * u)

    def accept(s, jp):
        p = _phi(_LEGENDRE_REF, s, jp)
        ratio = p.square() * math.pi * torch.sqrt((1 - s.square()).clamp_min(0)) / 2
        return ratio / 3.0

    return _rejection(j, propose, accept)


def _chebyshev_squared(j):
    def propose(jp):
        return math.pi * torch.rand(jp.shape, dtype=torch.float64, device=jp.device)

    def accept(theta, jp):
        return torch.where(jp == 0, 1.0, torch.cos(jp * theta).square())

    return torch.cos(_rejection(j, propose, accept))


def _fourier_squared(j):
    def propose(jp):
        return torch.rand(jp.shape, dtype=torch.float64, device=jp.device)

    def accept(t, jp):
        phi = _phi(_FOURIER_REF, t, jp)
        return torch.where(jp == 0, 1.0, phi.square() / 2)

    return _rejection(j, propose, accept)


def _hermite_squared(j):
    out = torch.empty(j.shape, dtype=torch.float64, device=j.device)
    for degree in torch.unique(j).tolist():
        which = torch.nonzero(j == degree).squeeze(1)
        n_terms = degree + 1

        def propose(jp, n_terms=n_terms):
            # One uniformly chosen point of a rank-(j+1) Hermite ensemble has
            # density k_{j+1} / (j + 1) times the Gaussian.
            pts = hermite_ensemble(n_terms, jp.numel(), device=jp.device)
            pick = torch.randint(n_terms, (jp.numel(), 1), device=jp.device)
            return pts.gather(1, pick)[:, 0]

        def accept(z, jp, n_terms=n_terms):
            phi = _HERMITE_REF.evaluate(z, n_terms)
            return phi[:, -1].square() / phi.square().sum(1)

        out[which] = _rejection(j[which], propose, accept)
    return out


def sample_squared(family, j):
    """One exact draw from ``phi_{j_i}^2 dmu`` for each entry of ``j`` (1D long)."""
    if isinstance(family, Legendre):
        return family.from_reference(_legendre_squared(j))
    if isinstance(family, Chebyshev):
        return family.from_reference(_chebyshev_squared(j))
    if isinstance(family, Hermite):
        return family.from_reference(_hermite_squared(j))
    if isinstance(family, Fourier):
        return family.from_unit(_fourier_squared(j))
    raise TypeError(f"No sampler for family {type(family).__name__}.")


def ensemble_sampler(family):
    """Exact projection-DPP sampler of the first ``m`` functions, or None.

    Returns
    -------
    sampler : callable ``(m, n_draws, device) -> (n_draws, m)`` or None
    """
    if isinstance(family, Legendre):
        return lambda m, B, device: family.from_reference(
            2 * jacobi_ensemble(m, 1.0, 1.0, B, device=device) - 1
        )
    if isinstance(family, Chebyshev):
        return lambda m, B, device: family.from_reference(
            2 * jacobi_ensemble(m, 0.5, 0.5, B, device=device) - 1
        )
    if isinstance(family, Hermite):
        return lambda m, B, device: family.from_reference(
            hermite_ensemble(m, B, device=device)
        )
    if isinstance(family, Fourier):
        return lambda m, B, device: family.from_unit(
            circular_ensemble(m, B, device=device)
        )
    return None
