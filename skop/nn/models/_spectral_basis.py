"""A point network whose orthonormalised outputs learn a spectral basis of a point cloud."""

import torch
from torch import nn

from skop.nn.layers import MLP
from skop.nn.layers._set_attention import SetAttentionBlock


def _positive_qr(B):
    """QR with a positive diagonal of ``R`` (QR's signs are arbitrary; this makes ``Q`` continuous in ``B``)."""
    Q, R = torch.linalg.qr(B)
    signs = torch.sign(torch.diagonal(R, dim1=-2, dim2=-1))
    signs = torch.where(signs == 0, torch.ones_like(signs), signs)
    return Q * signs[..., None, :], R * signs[..., :, None]


class SpectralBasisNet(nn.Module):
    """Point coordinates -> ``n_components`` raw basis values, orthonormalised over the cloud.

    ``forward(points, mask=None)`` with ``points`` of shape
    ``(batch, n_points, dim)`` returns ``(Q, R)``: raw values ``B`` from a
    per-point MLP (then, with ``n_attention_layers > 0``, transformer blocks
    in which every point attends to the cloud), ``B = Q R`` over the points of
    each cloud, ``Q`` with orthonormal columns. ``mask`` (``(batch, n_points)``
    bool) marks the points of the cloud: the others (padding of a ragged
    batch, or query points evaluated on a fitted cloud) influence nothing, and
    get the continuation ``B R^{-1}`` of the cloud's basis.

    Parameters
    ----------
    in_features : int
        Ambient dimension of the points.
    n_components : int
        Basis functions ``K``.
    hidden : tuple of int, default=(64, 128)
        Hidden widths of the per-point MLP; the last is the attention width.
    n_attention_layers : int, default=0
        Transformer blocks across the points (0: the basis is a function of
        the coordinates alone).
    n_heads : int, default=4
        Attention heads.
    """

    def __init__(self, in_features, n_components, hidden=(64, 128), n_attention_layers=0,
                 n_heads=4):
        super().__init__()
        hidden = tuple(hidden)
        if n_attention_layers == 0:
            self.mlp = MLP(in_features, hidden, n_components, activation="gelu")
            self.blocks = nn.ModuleList()
            self.head = nn.Identity()
        else:
            width = hidden[-1]
            self.mlp = MLP(in_features, hidden[:-1], width, activation="gelu")
            self.blocks = nn.ModuleList(SetAttentionBlock(width, n_heads)
                                        for _ in range(n_attention_layers))
            self.head = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, n_components))

    def raw(self, points, mask=None):
        """The raw values ``B`` (before orthonormalisation)."""
        h = self.mlp(points)
        for block in self.blocks:
            h = block(h, mask)
        return self.head(h)

    def forward(self, points, mask=None):
        B = self.raw(points, mask)
        if mask is None:
            return _positive_qr(B)
        inside = mask[..., None]
        Q, R = _positive_qr(B * inside)
        continued = torch.linalg.solve_triangular(R, B, upper=True, left=False)
        return torch.where(inside, Q, continued), R
