"""Exact samplers of the classical orthogonal-polynomial ensembles (beta = 2).

The projection DPP of the first ``m`` orthonormal polynomials of a classical
measure is the eigenvalue process of a random matrix with explicit law:

* Jacobi (weight ``u^(a-1) (1-u)^(b-1)`` on ``[0, 1]``; Legendre is
  ``a = b = 1``, Chebyshev ``a = b = 1/2``): the tridiagonal model of
  Killip and Nenciu (2004, Theorem 2), built from independent Beta variables.
* Hermite (standard Gaussian weight): the tridiagonal model of Dumitriu and
  Edelman (2002), Gaussian diagonal and chi off-diagonal.
* Fourier (uniform on the circle, frequencies ``-K..K``): the eigenangles of a
  Haar unitary ``(2K+1) x (2K+1)`` matrix (circular unitary ensemble), whose
  kernel ``sum_k e^{ik(x-y)}`` spans the same space up to a unimodular factor.

Each draw costs one small symmetric (or unitary) eigenvalue problem, done for
all draws at once. Randomness comes from torch's global RNG: callers wrap the
calls in a seeded block.
"""

import math

import torch
from torch.distributions import Gamma


def _gamma(shape, like):
    """Standard Gamma variables with the given (broadcast) shape parameters."""
    shape = torch.as_tensor(shape, dtype=like.dtype, device=like.device)
    return Gamma(shape, torch.ones_like(shape), validate_args=False).sample()


def _beta(a, b):
    """Beta(a, b) variables as a ratio of Gammas (torch has no seeded Beta)."""
    ga, gb = _gamma(a, a), _gamma(b, b)
    return ga / (ga + gb)


def _tridiagonal_eigvals(diag, off):
    """Eigenvalues of symmetric tridiagonal matrices, batched (ascending)."""
    J = torch.diag_embed(diag)
    if off.shape[-1]:
        J = J + torch.diag_embed(off, offset=1) + torch.diag_embed(off, offset=-1)
    return torch.linalg.eigvalsh(J)


def jacobi_ensemble(m, a, b, n_draws, *, dtype=torch.float64, device="cpu"):
    """Points on ``[0, 1]`` with density ``prop. to Delta^2 prod u^(a-1) (1-u)^(b-1)``.

    Killip-Nenciu model with ``beta = 2``: ``c_{2i-1} ~ Beta(a + m - i,
    b + m - i)``, ``c_{2i} ~ Beta(m - i, a + b + m - i - 1)``,
    ``xi_{2i-1} = (1 - c_{2i-2}) c_{2i-1}``, ``xi_{2i} = (1 - c_{2i-1}) c_{2i}``;
    the Jacobi matrix has diagonal ``xi_{2i-2} + xi_{2i-1}`` and off-diagonal
    ``sqrt(xi_{2i-1} xi_{2i})``.

    Returns
    -------
    points : torch.Tensor of shape (n_draws, m)
    """
    k = torch.arange(m - 1, -1, -1, dtype=dtype, device=device)  # m - i, i = 1..m
    k = k.expand(n_draws, m)
    c_odd = _beta(a + k, b + k)
    c_even = _beta(k[:, :-1], a + b + k[:, 1:])
    zero = torch.zeros(n_draws, 1, dtype=dtype, device=device)
    xi_odd = (1 - torch.cat([zero, c_even], dim=1)) * c_odd
    xi_even = (1 - c_odd[:, :-1]) * c_even
    diag = torch.cat([zero, xi_even], dim=1) + xi_odd
    off = torch.sqrt(xi_odd[:, :-1] * xi_even)
    return _tridiagonal_eigvals(diag, off).clamp_(0.0, 1.0)


def hermite_ensemble(m, n_draws, *, dtype=torch.float64, device="cpu"):
    """Points on the line with density ``prop. to Delta^2 prod exp(-z^2 / 2)``.

    Dumitriu-Edelman model with ``beta = 2``: diagonal ``N(0, 1)``,
    off-diagonal ``chi_{2(m-i)} / sqrt(2) = sqrt(Gamma(m - i, 1))``.

    Returns
    -------
    points : torch.Tensor of shape (n_draws, m)
    """
    diag = torch.randn(n_draws, m, dtype=dtype, device=device)
    k = torch.arange(m - 1, 0, -1, dtype=dtype, device=device).expand(n_draws, m - 1)
    off = torch.sqrt(_gamma(k, diag)) if m > 1 else diag[:, :0]
    return _tridiagonal_eigvals(diag, off)


def circular_ensemble(m, n_draws, *, dtype=torch.float64, device="cpu"):
    """Eigenangles of Haar unitary matrices, as fractions of a turn in ``[0, 1)``.

    A Haar unitary is the Q factor of a complex Ginibre matrix with the
    phases of ``diag(R)`` moved into Q (Mezzadri, 2007).

    Returns
    -------
    points : torch.Tensor of shape (n_draws, m)
    """
    ctype = torch.complex128 if dtype == torch.float64 else torch.complex64
    Z = torch.complex(
        torch.randn(n_draws, m, m, dtype=dtype, device=device),
        torch.randn(n_draws, m, m, dtype=dtype, device=device),
    ).to(ctype)
    Qf, Rf = torch.linalg.qr(Z)
    d = torch.diagonal(Rf, dim1=-2, dim2=-1)
    U = Qf * (d / d.abs()).unsqueeze(-2)
    angles = torch.angle(torch.linalg.eigvals(U))
    return torch.remainder(angles / (2 * math.pi), 1.0).to(dtype)
