"""A per-point network whose orthonormalised outputs learn a spectral basis of a point cloud."""

import torch
from torch import nn

from skop.nn.layers import MLP


class SpectralBasisNet(nn.Module):
    """Point coordinates -> ``n_components`` raw basis values, orthonormalised over the cloud.

    ``forward(points)`` with ``points`` of shape ``(batch, n_points, dim)``
    returns ``(Q, R)``: ``B = mlp(points)`` (raw values), ``B = Q R`` (QR per
    cloud), ``Q`` with orthonormal columns. Out of sample, ``B(x) R^{-1}``
    continues ``Q`` to new points (:meth:`basis_at`).

    Parameters
    ----------
    in_features : int
        Ambient dimension of the points.
    n_components : int
        Basis functions ``K``.
    hidden : tuple of int, default=(64, 128)
        Hidden widths of the per-point MLP.
    """

    def __init__(self, in_features, n_components, hidden=(64, 128)):
        super().__init__()
        self.mlp = MLP(in_features, tuple(hidden), n_components, activation="gelu")

    def forward(self, points):
        B = self.mlp(points)
        Q, R = torch.linalg.qr(B)
        # QR's signs are arbitrary: make R's diagonal positive (Q continuous in B).
        signs = torch.sign(torch.diagonal(R, dim1=-2, dim2=-1))
        signs = torch.where(signs == 0, torch.ones_like(signs), signs)
        return Q * signs[..., None, :], R * signs[..., :, None]

    def basis_at(self, points, R):
        """``B(points) R^{-1}``: the basis continued to other points of the manifold."""
        B = self.mlp(points)
        return torch.linalg.solve_triangular(R, B, upper=True, left=False)
