"""MgNO: a neural operator whose linear operators are multigrid V-cycles."""

from torch import nn

from skop.nn.layers._multigrid import MultigridConv
from skop.nn.layers._pointwise import PointwiseLinear


class MgNOBlock(nn.Module):
    """``u <- activation(V(u) + W u + b)``: a V-cycle plus a pointwise linear map."""

    def __init__(self, in_channels, out_channels, n_levels, n_dims, boundary="dirichlet",
                 pre_smooth=1, post_smooth=0, activation=nn.functional.gelu):
        super().__init__()
        self.cycle = MultigridConv(in_channels, out_channels, n_levels, n_dims, boundary,
                                   pre_smooth, post_smooth)
        self.pointwise = PointwiseLinear(in_channels, out_channels)
        self.activation = activation

    def forward(self, x):
        return self.activation(self.cycle(x) + self.pointwise(x))


class MgNO(nn.Module):
    """Multigrid neural operator (He, Liu and Xu, ICLR 2024).

    ``n_layers`` blocks ``u <- gelu(V(u) + W u + b)``, the first mapping the
    input channels to ``width``, and a final pointwise map to the output
    channels: no lifting or projection network, the V-cycles carry the
    model. Input ``(batch, in_channels, *grid)`` on a 1-D or 2-D grid.

    Parameters
    ----------
    in_channels, out_channels : int
    width : int, default=24
    n_layers : int, default=4
    n_levels : int, default=4
        Levels of every V-cycle; the grid must keep at least 3 points per
        axis on the coarsest.
    n_dims : {1, 2}, default=2
    boundary : {"dirichlet", "periodic", "neumann"}, default="dirichlet"
        How every convolution pads: zeros, circularly, or by mirroring.
    pre_smooth, post_smooth : int, default=1, 0
        Smoothing steps per level before and after the coarse correction.
    pool : bool, default=False
        Average the output over the grid: ``(batch, out_channels)``, for
        scalar / vector targets (functionals).
    """

    def __init__(self, in_channels, out_channels, width=24, n_layers=4, n_levels=4, n_dims=2,
                 boundary="dirichlet", pre_smooth=1, post_smooth=0, pool=False):
        super().__init__()
        widths = [in_channels] + [width] * n_layers
        self.blocks = nn.ModuleList(
            MgNOBlock(a, b, n_levels, n_dims, boundary, pre_smooth, post_smooth)
            for a, b in zip(widths[:-1], widths[1:]))
        self.head = PointwiseLinear(width, out_channels)
        self.n_levels = n_levels
        self.pool = pool

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        out = self.head(x)
        return out.flatten(2).mean(-1) if self.pool else out
