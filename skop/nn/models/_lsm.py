"""Latent Spectral Model: a U-Net whose skip connections pass neural spectral blocks."""

import torch
from torch import nn
from torch.nn import functional as F

from skop.nn.layers._grid import GridEmbedding
from skop.nn.layers._pointwise import PointwiseLinear
from skop.nn.layers._spectral_block import NeuralSpectralBlock

_CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
_NORM = {1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d}
_POOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}
_UPSAMPLE = {1: "linear", 2: "bilinear", 3: "trilinear"}
PADDING_MODES = {"dirichlet": "zeros", "periodic": "circular"}


class DoubleConv(nn.Module):
    """``(3-tap conv -> batch norm -> ReLU) x 2``: one level of the U-Net."""

    def __init__(self, in_channels, out_channels, n_dims, mid_channels=None,
                 padding_mode="zeros"):
        super().__init__()
        mid = mid_channels or out_channels
        conv, norm = _CONV[n_dims], _NORM[n_dims]
        self.layers = nn.Sequential(
            conv(in_channels, mid, 3, padding=1, bias=False, padding_mode=padding_mode),
            norm(mid), nn.ReLU(),
            conv(mid, out_channels, 3, padding=1, bias=False, padding_mode=padding_mode),
            norm(out_channels), nn.ReLU(),
        )

    def forward(self, x):
        return self.layers(x)


def level_widths(width, n_levels):
    """Channels per level: ``width * 2**l``, the coarsest level as wide as the one above."""
    if n_levels == 1:
        return [width]
    return [width * 2 ** min(level, n_levels - 2) for level in range(n_levels)]


class LSM(nn.Module):
    """Latent Spectral Model (Wu, Hu, Luo, Wang and Long, ICML 2023).

    The input with its grid coordinates appended is lifted pointwise to
    ``width`` channels, passes an ``n_levels``-level U-Net (max-pooling down,
    linear up-sampling, two 3-tap convolutions with batch norm per level) in
    which every skip connection, and the bottleneck, goes through a
    :class:`~skop.nn.layers.NeuralSpectralBlock`, and is projected by a
    pointwise MLP (``width -> 128 -> out_channels``). Input
    ``(batch, in_channels, *grid)`` on a 1-, 2- or 3-D grid.

    Any grid size works: the lifted field is zero-padded at the end of every
    axis to a multiple of ``2**(n_levels - 1)`` (the U-Net's pooling) and
    cropped back at the end, and each spectral block pads its input to a
    multiple of its patch with the padding masked out. The paper's code
    instead demands sizes divisible by ``16 * patch``. The convolutions are
    3-tap in grid units, so the model is tied to the resolution it is trained
    on.

    Parameters
    ----------
    in_channels, out_channels : int
    width : int, default=32
        Channels of the finest level (the paper: 32 to 64); a multiple of
        ``n_heads``.
    n_levels : int, default=5
        Levels of the U-Net (the paper: 5).
    n_dims : int, default=2
    grid : {"periodic", "nodes"}, default="periodic"
        Convention of the appended coordinates.
    patch_size : int or tuple of int, default=4
    n_tokens : int, default=4
    n_basis : int, default=12
    n_heads : int, default=8
        Of every spectral block (see :class:`~skop.nn.layers.NeuralSpectralBlock`).
    boundary : {"dirichlet", "periodic"}, default="dirichlet"
        Padding of the convolutions: zeros or circular. ``"periodic"`` is
        exact when every axis is a multiple of ``2**(n_levels - 1)``
        (otherwise the padded field is what wraps around).
    pool : bool, default=False
        Average the output over the grid, for scalar / vector targets.
    """

    def __init__(self, in_channels, out_channels, width=32, n_levels=5, n_dims=2,
                 grid="periodic", patch_size=4, n_tokens=4, n_basis=12, n_heads=8,
                 boundary="dirichlet", pool=False):
        super().__init__()
        if boundary not in PADDING_MODES:
            raise ValueError(f"boundary must be one of {sorted(PADDING_MODES)}, got {boundary!r}.")
        mode = PADDING_MODES[boundary]
        widths = level_widths(width, n_levels)
        self.n_dims, self.n_levels, self.pool, self.boundary = n_dims, n_levels, pool, boundary
        self.embed = GridEmbedding(n_dims, grid)
        self.lift = PointwiseLinear(in_channels + n_dims, width)
        self.down = nn.ModuleList([DoubleConv(width, widths[0], n_dims, padding_mode=mode)])
        self.down.extend(DoubleConv(widths[level - 1], widths[level], n_dims, padding_mode=mode)
                         for level in range(1, n_levels))
        self.spectral = nn.ModuleList(
            NeuralSpectralBlock(w, n_dims, patch_size, n_tokens, n_basis, n_heads)
            for w in widths)
        # Going up to level l: the skip (widths[l]) joined with the level below
        # (also widths[l] channels), out to widths[l - 1] (width at the top).
        self.up = nn.ModuleList(
            DoubleConv(2 * widths[level], widths[max(level - 1, 0)], n_dims,
                       mid_channels=widths[level], padding_mode=mode)
            for level in range(n_levels - 1))
        self.pool_layer = _POOL[n_dims](2)
        self.head = nn.Sequential(PointwiseLinear(width, width), PointwiseLinear(width, 128),
                                  nn.GELU(), PointwiseLinear(128, out_channels))

    def padded_shape(self, shape):
        """The grid the U-Net runs on: each axis up to a multiple of ``2**(n_levels - 1)``."""
        m = 2 ** (self.n_levels - 1)
        return tuple(-(-n // m) * m for n in shape)

    def forward(self, x):
        grid = tuple(x.shape[2:])
        x = self.lift(self.embed(x))
        amounts = [m - n for m, n in zip(self.padded_shape(grid), grid)]
        if any(amounts):
            spec = []
            for amount in reversed(amounts):
                spec += [0, amount]
            x = F.pad(x, spec)
        skips = []
        for level, block in enumerate(self.down):
            x = block(x if level == 0 else self.pool_layer(x))
            skips.append(self.spectral[level](x))
        x = skips.pop()
        for level in reversed(range(self.n_levels - 1)):
            up = F.interpolate(x, scale_factor=2, mode=_UPSAMPLE[self.n_dims],
                               align_corners=True)
            x = self.up[level](torch.cat([skips[level], up], dim=1))
        x = x[(slice(None), slice(None), *(slice(0, n) for n in grid))]
        out = self.head(x)
        return out.flatten(2).mean(-1) if self.pool else out
