"""The one-step EDMD residual of a dictionary of observables, as a training loss."""

import torch
from torch import nn


class EDMDResidualLoss(nn.Module):
    """One-step EDMD residual of a dictionary on a batch of snapshot pairs.

    With ``Psi_X = psi(x)`` and ``Psi_Y = psi(F(x))`` (batch x N), the
    dictionary is first orthonormalised on the batch, ``Phi = Psi C^{-T}`` with
    ``C C^T = Psi_X^T Psi_X / batch + ridge * tr/N I`` (Cholesky), then the
    Koopman matrix ``K`` of the batch is the least-squares solution of
    ``Phi_Y ~ Phi_X K`` and the loss is the mean squared residual
    ``||Phi_Y - Phi_X K||^2 / (batch N)``: the average one-step residual of an
    orthonormal basis of the dictionary's span, which is what ResDMD measures.
    Orthonormalising first stops nearly parallel functions from hiding large
    residuals behind small coefficients. Shrinking a learned function to a
    constant would remove it from the span for free, so each learned
    function's variance is pulled towards 1 by a penalty of weight
    ``variance_weight``.

    Parameters
    ----------
    n_learned : int
        Number of learned functions (the last ones of the dictionary).
    ridge : float, default=1e-3
        Relative Tikhonov term of the batch Gram matrix.
    variance_weight : float, default=1.0
        Weight of ``mean((var(h_j) - 1)^2)``.
    """

    def __init__(self, n_learned, ridge=1e-3, variance_weight=1.0):
        super().__init__()
        self.n_learned = n_learned
        self.ridge = ridge
        self.variance_weight = variance_weight

    def forward(self, psi, target=None):
        """Loss of dictionary values ``psi`` of shape ``(batch, N, 2)`` (``target`` unused)."""
        Px, Py = psi[..., 0], psi[..., 1]
        b, n = Px.shape
        G = Px.T @ Px / b
        eye = torch.eye(n, dtype=G.dtype, device=G.device)
        C = torch.linalg.cholesky(G + self.ridge * G.diagonal().sum() / n * eye)
        # Phi = Psi C^{-T}: solve C Phi^T = Psi^T.
        Fx = torch.linalg.solve_triangular(C, Px.T, upper=False).T
        Fy = torch.linalg.solve_triangular(C, Py.T, upper=False).T
        K = torch.linalg.solve(Fx.T @ Fx + self.ridge * eye * b, Fx.T @ Fy)
        loss = (Fy - Fx @ K).pow(2).sum() / (b * n)
        if self.n_learned:
            learned_var = Px[:, -self.n_learned:].var(dim=0, correction=0)
            loss = loss + self.variance_weight * (learned_var - 1).pow(2).mean()
        return loss
