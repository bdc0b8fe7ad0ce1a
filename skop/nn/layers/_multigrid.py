"""The multigrid convolution of MgNO: one V-cycle as a learned linear operator.

He, Liu and Xu (ICLR 2024) parameterise the linear operator between two
layers of a neural operator by a multigrid V-cycle whose smoother ``S``,
operator ``A``, restriction and prolongation are small convolutions. We use
the correction scheme of geometric multigrid: at level ``l``

* pre-smoothing ``u <- u + S (f - A u)`` (``u = S f`` from zero),
* restrict the residual ``f_{l+1} = R (f_l - A_l u_l)`` (stride-2 3 x 3 conv),
* after the coarsest level, prolongate and correct ``u_l <- u_l + P u_{l+1}``
  (stride-2 transposed 3 x 3 conv), then post-smoothing.

Boundary conditions enter only through how every convolution pads its input:
zeros (Dirichlet), circular (periodic) or mirror (Neumann). Coarsening maps
``n`` points to ``(n - 1) // 2 + 1``: odd node grids (33, 65, 129) coarsen
exactly node onto node, even cell grids halve; prolongation is cropped to
the finer grid, so any size works, down to 3 points on the coarsest level.
"""

import torch
from torch import nn
from torch.nn import functional as F

BOUNDARIES = {"dirichlet": "constant", "periodic": "circular", "neumann": "reflect"}


def coarsened(n, levels):
    """Grid sizes per axis at every level: ``n``, ``(n - 1) // 2 + 1``, ..."""
    sizes = [int(n)]
    for _ in range(levels - 1):
        sizes.append((sizes[-1] - 1) // 2 + 1)
    return sizes


def max_levels(n, coarsest=3):
    """The most levels an axis of ``n`` points allows with ``coarsest`` points at the bottom."""
    levels = 1
    while (n - 1) // 2 + 1 >= coarsest:
        n, levels = (n - 1) // 2 + 1, levels + 1
    return levels


class BoundaryConv(nn.Module):
    """A bias-free ``k x k`` convolution (stride 1 or 2) padded by a boundary condition.

    Parameters
    ----------
    in_channels, out_channels : int
    n_dims : {1, 2}
    boundary : {"dirichlet", "periodic", "neumann"}
    stride : {1, 2}, default=1
    """

    def __init__(self, in_channels, out_channels, n_dims, boundary, stride=1, kernel_size=3):
        super().__init__()
        self.conv = (nn.Conv1d if n_dims == 1 else nn.Conv2d)(
            in_channels, out_channels, kernel_size, stride=stride, bias=False)
        self.mode = BOUNDARIES[boundary]
        self.pad = (kernel_size // 2,) * (2 * n_dims)

    def forward(self, x):
        return self.conv(F.pad(x, self.pad, mode=self.mode))


class Prolongation(nn.Module):
    """Stride-2 transposed 3 x 3 convolution from a coarse grid onto a given fine grid.

    The coarse input is padded by one point with the boundary condition (a
    transposed convolution cannot pad circularly or by mirroring itself),
    transposed-convolved, and cropped so that coarse point ``j`` lands on
    fine point ``2 j``: exact nesting for node grids.
    """

    def __init__(self, channels, n_dims, boundary):
        super().__init__()
        self.conv = (nn.ConvTranspose1d if n_dims == 1 else nn.ConvTranspose2d)(
            channels, channels, 3, stride=2, bias=False)
        self.mode = BOUNDARIES[boundary]
        self.n_dims = n_dims

    def forward(self, x, size):
        out = self.conv(F.pad(x, (1,) * (2 * self.n_dims), mode=self.mode))
        # Padded coarse index j + 1 has its centre at 2 (j + 1) + 1 = 2 j + 3.
        index = tuple(slice(3, 3 + n) for n in size)
        return out[(..., *index)]


class MultigridConv(nn.Module):
    """One V-cycle ``u = V(f)``: a learned linear operator between two layers.

    Parameters
    ----------
    in_channels : int
        Channels of ``f`` (the layer's input).
    out_channels : int
        Channels of ``u``.
    n_levels : int
        Grid levels (1: smoothing on the fine grid only).
    n_dims : {1, 2}
    boundary : {"dirichlet", "periodic", "neumann"}, default="dirichlet"
    pre_smooth : int, default=1
        Smoothing steps before coarsening, per level (at least 1).
    post_smooth : int, default=0
        Smoothing steps after the coarse correction, per level except the coarsest.
    """

    def __init__(self, in_channels, out_channels, n_levels, n_dims, boundary="dirichlet",
                 pre_smooth=1, post_smooth=0):
        super().__init__()
        if n_dims not in (1, 2):
            raise ValueError(f"MultigridConv works on 1-D or 2-D grids, got n_dims={n_dims}.")
        if pre_smooth < 1 or post_smooth < 0 or n_levels < 1:
            raise ValueError("need n_levels >= 1, pre_smooth >= 1 and post_smooth >= 0.")
        self.n_levels = n_levels

        def conv(a, b, stride=1):
            return BoundaryConv(a, b, n_dims, boundary, stride)

        c_f, c_u = in_channels, out_channels
        # A_l maps u to f's channels at level l; each smoothing step has its own S.
        self.A = nn.ModuleList(conv(c_u, c_f) for _ in range(n_levels))
        self.S_pre = nn.ModuleList(
            nn.ModuleList(conv(c_f, c_u) for _ in range(pre_smooth)) for _ in range(n_levels))
        self.S_post = nn.ModuleList(
            nn.ModuleList(conv(c_f, c_u) for _ in range(post_smooth))
            for _ in range(n_levels - 1))
        self.restrict = nn.ModuleList(conv(c_f, c_f, stride=2) for _ in range(n_levels - 1))
        self.prolong = nn.ModuleList(
            Prolongation(c_u, n_dims, boundary) for _ in range(n_levels - 1))

    def _smooth(self, u, f, level, smoothers):
        for S in smoothers:
            u = S(f) if u is None else u + S(f - self.A[level](u))
        return u

    def forward(self, f):
        fs, us = [], []
        for level in range(self.n_levels):
            u = self._smooth(None, f, level, self.S_pre[level])
            fs.append(f)
            us.append(u)
            if level < self.n_levels - 1:
                f = self.restrict[level](f - self.A[level](u))
        u = us[-1]
        for level in reversed(range(self.n_levels - 1)):
            u = us[level] + self.prolong[level](u, us[level].shape[2:])
            u = self._smooth(u, fs[level], level, self.S_post[level])
        return u
