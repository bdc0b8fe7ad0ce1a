"""A U-Net whose convolutions live on the continuum: a resolution-agnostic operator."""

import torch
from torch import nn
from torch.nn import functional as F

from skop.nn.layers._continuous_conv import ContinuousConv, ContinuousConvTranspose
from skop.nn.layers._grid import GridEmbedding
from skop.nn.layers._multigrid import coarsened
from skop.nn.layers._pointwise import PointwiseLinear

# The coarsest level of a U-Net keeps at least this many points per axis.
MIN_COARSEST = 2


def unet_levels(shape, depth):
    """Grid shapes of the ``depth + 1`` levels: ``n``, ``(n - 1) // 2 + 1``, ... per axis."""
    per_axis = [coarsened(n, depth + 1) for n in shape]
    return [tuple(sizes[level] for sizes in per_axis) for level in range(depth + 1)]


def max_depth(shape, coarsest=MIN_COARSEST):
    """The most down-samplings a grid of ``shape`` allows with ``coarsest`` points left per axis."""
    depth = 0
    while min(n for n in unet_levels(shape, depth + 1)[-1]) >= coarsest:
        depth += 1
    return depth


class DoubleConv(nn.Module):
    """``gelu(conv(gelu(conv(x))))``: the two convolutions of one U-Net level."""

    def __init__(self, in_channels, out_channels, kernel_size, n_dims, **conv_kwargs):
        super().__init__()
        self.conv1 = ContinuousConv(in_channels, out_channels, kernel_size, n_dims,
                                    **conv_kwargs)
        self.conv2 = ContinuousConv(out_channels, out_channels, kernel_size, n_dims,
                                    **conv_kwargs)

    def forward(self, x):
        return F.gelu(self.conv2(F.gelu(self.conv1(x))))


class UNetOperator(nn.Module):
    """A U-Net made resolution-agnostic as in Berner et al. (2025).

    Levels ``0 .. depth`` with ``width * 2**level`` channels: two ``k x k``
    convolutions with GELU per level, a stride-2 3-tap convolution (and GELU)
    down to the next level, a stride-2 transposed 3-tap convolution back up,
    concatenated with the level's skip connection, and a pointwise head. Every
    convolution is a :class:`~skop.nn.ContinuousConv` (and the up-sampling a
    ``ContinuousConvTranspose``) that knows its level's training grid: at the
    training resolution the network is a plain U-Net; on another grid the
    kernels are resized to the same physical support and rescaled by the
    cell-size ratio, and the up-samplings interpolate their input to the
    training grid and their output back, so the network approximates the same
    operator. ``resolution_agnostic=False`` (settable after training) runs the
    same weights as a plain U-Net at every resolution.

    Levels coarsen ``n`` points to ``(n - 1) // 2 + 1`` per axis (node grids
    33, 65, 129 node onto node, even grids by halving); the up-sampling is
    cropped to the skip connection's grid, so any size works.

    Parameters
    ----------
    in_channels, out_channels : int
    width : int, default=16
        Channels of the finest level (doubling per level).
    depth : int, default=3
        Number of down-samplings.
    kernel_size : int, default=5
        Odd taps per axis of the level convolutions at the training resolution.
    n_dims : {1, 2}, default=2
    train_resolution : int or tuple of int
        The training grid (points per axis).
    grid : {"periodic", "nodes"}, default="periodic"
    boundary : {"dirichlet", "periodic"}, default="dirichlet"
        Zero or circular padding of every convolution.
    resize : {"bilinear", "fourier"}, default="bilinear"
        Kernel resampling at other resolutions (and the up-samplings'
        interpolation: ``"fourier"`` on periodic grids only).
    resolution_agnostic : bool, default=True
    positional_embedding : bool, default=True
        Append the grid coordinates (under ``grid``) as input channels.
    pool : bool, default=False
        Average the output over the grid: ``(batch, out_channels)``, for
        scalar / vector targets.
    """

    def __init__(self, in_channels, out_channels, width=16, depth=3, kernel_size=5, n_dims=2, *,
                 train_resolution, grid="periodic", boundary="dirichlet", resize="bilinear",
                 resolution_agnostic=True, positional_embedding=True, pool=False):
        super().__init__()
        if n_dims not in (1, 2):
            raise ValueError(f"UNetOperator works on 1-D or 2-D grids, got n_dims={n_dims}.")
        if isinstance(train_resolution, int):
            train_resolution = (train_resolution,) * n_dims
        train_resolution = tuple(int(n) for n in train_resolution)
        if len(train_resolution) != n_dims:
            raise ValueError(
                f"train_resolution {train_resolution} has {len(train_resolution)} axes for "
                f"n_dims={n_dims}.")
        if depth < 0 or (depth > 0 and depth > max_depth(train_resolution)):
            raise ValueError(
                f"depth={depth} needs at least {MIN_COARSEST} points per axis on the coarsest "
                f"level; the {train_resolution} grid allows at most "
                f"depth={max_depth(train_resolution)}.")
        self.n_dims = n_dims
        self.depth = depth
        self.train_resolution = train_resolution
        self.levels = unet_levels(train_resolution, depth)
        self.pool = pool
        common = dict(grid=grid, boundary=boundary, resize=resize,
                      resolution_agnostic=resolution_agnostic)
        widths = [width * 2**level for level in range(depth + 1)]
        self.embedding = GridEmbedding(n_dims, grid) if positional_embedding else None
        first = in_channels + (n_dims if positional_embedding else 0)
        self.encoders = nn.ModuleList()
        self.downs = nn.ModuleList()
        self.ups = nn.ModuleList()
        self.decoders = nn.ModuleList()
        for level in range(depth + 1):
            res = self.levels[level]
            self.encoders.append(DoubleConv(first if level == 0 else widths[level],
                                            widths[level], kernel_size, n_dims,
                                            train_resolution=res, **common))
            if level < depth:
                self.downs.append(ContinuousConv(widths[level], widths[level + 1], 3, n_dims,
                                                 stride=2, train_resolution=res, **common))
                self.ups.append(ContinuousConvTranspose(
                    widths[level + 1], widths[level], n_dims,
                    train_resolution=self.levels[level + 1], train_output_resolution=res,
                    **common))
                self.decoders.append(DoubleConv(2 * widths[level], widths[level], kernel_size,
                                                n_dims, train_resolution=res, **common))
        self.head = PointwiseLinear(widths[0], out_channels)

    @property
    def resolution_agnostic(self):
        """Whether the convolutions follow the grid (``False``: a plain U-Net)."""
        return all(m.resolution_agnostic for m in self._continuous_layers())

    @resolution_agnostic.setter
    def resolution_agnostic(self, value):
        for m in self._continuous_layers():
            m.resolution_agnostic = bool(value)

    @property
    def resize(self):
        """Kernel and feature resampling method of every layer."""
        return self.encoders[0].conv1.resize

    @resize.setter
    def resize(self, value):
        for m in self._continuous_layers():
            m.resize = value

    def _continuous_layers(self):
        return [m for m in self.modules()
                if isinstance(m, (ContinuousConv, ContinuousConvTranspose))]

    def check_grid(self, shape):
        """Raise a ``ValueError`` if a grid of ``shape`` is too coarse for the levels."""
        shape = tuple(int(n) for n in shape)
        if len(shape) != self.n_dims:
            raise ValueError(
                f"UNetOperator was built for {self.n_dims}-D grids, got a grid of shape {shape}.")
        coarsest = unet_levels(shape, self.depth)[-1]
        needed = min(MIN_COARSEST, min(self.levels[-1]))
        if min(coarsest) < needed:
            raise ValueError(
                f"a grid of shape {shape} is too coarse for this U-Net of depth {self.depth}: "
                f"its coarsest level would have {coarsest} points, and it needs {needed} per "
                f"axis, i.e. at least {(needed - 1) * 2**self.depth + 1} points per axis "
                f"(training grid {self.train_resolution}).")

    def forward(self, x):
        """``(batch, in_channels, *grid)`` -> ``(batch, out_channels, *grid)`` (or pooled)."""
        self.check_grid(x.shape[2:])
        if self.embedding is not None:
            x = self.embedding(x)
        skips = []
        for level in range(self.depth + 1):
            x = self.encoders[level](x)
            if level < self.depth:
                skips.append(x)
                x = F.gelu(self.downs[level](x))
        for level in reversed(range(self.depth)):
            skip = skips.pop()
            x = self.ups[level](x, skip.shape[2:])
            x = self.decoders[level](torch.cat([skip, x], dim=1))
        out = self.head(x)
        return out.flatten(2).mean(-1) if self.pool else out

