"""Grid coordinates as input channels, and domain padding for non-periodic data.

Two grid conventions share one unit domain ``[0, 1]^d``:

* ``"periodic"``: ``n`` cells, ``x_i = i / n`` (the right end is the left end;
  :func:`skop.datasets.make_burgers`). The FFT period is the domain, 1, at
  every resolution.
* ``"nodes"``: ``n`` nodes including both boundaries, ``x_i = i / (n - 1)``
  (:func:`skop.datasets.make_darcy`). An FFT over the ``n`` values has period
  ``n / (n - 1)``, which changes with the resolution.

Both the coordinates and the padding follow the convention, so that one Fourier
mode means one physical frequency on every grid: what makes a model trained
on one resolution evaluate consistently on another.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

GRID_CONVENTIONS = ("periodic", "nodes")


def _check_convention(convention):
    if convention not in GRID_CONVENTIONS:
        raise ValueError(f"grid must be one of {GRID_CONVENTIONS}, got {convention!r}.")
    return convention


def grid_coordinates(n, convention, *, device=None, dtype=None):
    """The coordinates in ``[0, 1]`` of an ``n``-point axis under ``convention``."""
    _check_convention(convention)
    if convention == "nodes":
        return torch.linspace(0.0, 1.0, n, device=device, dtype=dtype)
    return torch.arange(n, device=device, dtype=dtype) / n


class GridEmbedding(nn.Module):
    """Append the coordinates of each grid point as extra channels.

    Coordinates are physical positions on the unit domain under the grid
    convention, so a model sees the same position for the same point on a
    coarser or finer grid.

    Parameters
    ----------
    n_dims : int
        Number of spatial axes.
    grid : {"periodic", "nodes"}, default="periodic"
        ``x_i = i / n`` or ``x_i = i / (n - 1)``.
    """

    def __init__(self, n_dims, grid="periodic"):
        super().__init__()
        self.n_dims = n_dims
        self.grid = _check_convention(grid)

    def forward(self, x):
        """``(batch, c, *grid)`` -> ``(batch, c + n_dims, *grid)``."""
        shape = x.shape[-self.n_dims:]
        axes = [grid_coordinates(n, self.grid, device=x.device, dtype=x.dtype) for n in shape]
        coords = torch.stack(torch.meshgrid(*axes, indexing="ij"))
        coords = coords.unsqueeze(0).expand(x.shape[0], *coords.shape)
        return torch.cat([x, coords], dim=1)

    def extra_repr(self):
        return f"n_dims={self.n_dims}, grid={self.grid!r}"


def padded_length(n, fraction, grid="periodic"):
    """Length of an ``n``-point axis after domain padding by ``fraction``.

    The padded axis has the physical period ``1 + fraction`` (in units of the
    domain) whatever ``n``: ``round((1 + fraction) n)`` cells for a periodic
    grid, ``round((1 + fraction) (n - 1))`` spacings for a node grid (never
    fewer than the ``n`` points themselves). On nested grids (``n``, ``2n``
    cells or ``n``, ``2n - 1`` nodes) the periods agree exactly when they do
    on the coarser grid.
    """
    _check_convention(grid)
    if fraction <= 0:
        return n
    spacings = n if grid == "periodic" else n - 1
    return max(n, int(round((1.0 + fraction) * spacings)))


class DomainPadding(nn.Module):
    """Zero-pad the end of every spatial axis to a resolution-independent period.

    A Fourier layer treats its input as periodic; padding lets a non-periodic
    solution (a Dirichlet problem, say) wrap around through a buffer zone
    instead of through the opposite boundary. The padded length is chosen by
    :func:`padded_length` so that the padded domain has the same physical size
    at every resolution, which keeps the model resolution-invariant.

    Parameters
    ----------
    fraction : float
        Padding as a fraction of the domain (0 disables padding).
    n_dims : int
        Number of spatial axes.
    grid : {"periodic", "nodes"}, default="periodic"
        Grid convention of the data.
    """

    def __init__(self, fraction, n_dims, grid="periodic"):
        super().__init__()
        self.fraction = float(fraction)
        self.n_dims = n_dims
        self.grid = _check_convention(grid)

    def padded_shape(self, shape):
        """The spatial shape after padding."""
        return tuple(padded_length(n, self.fraction, self.grid) for n in shape)

    def pad(self, x):
        """Pad the spatial axes of ``x``."""
        shape = tuple(x.shape[-self.n_dims:])
        amounts = [m - n for m, n in zip(self.padded_shape(shape), shape)]
        if not any(amounts):
            return x
        # F.pad lists (left, right) pairs starting from the last axis.
        spec = []
        for amount in reversed(amounts):
            spec += [0, amount]
        return F.pad(x, spec)

    def unpad(self, x, grid):
        """Crop ``x`` back to the spatial shape ``grid`` it had before padding."""
        index = [slice(None), slice(None)] + [slice(0, n) for n in grid]
        return x[tuple(index)]

    def extra_repr(self):
        return f"fraction={self.fraction}, n_dims={self.n_dims}, grid={self.grid!r}"


def resample(x, shape, grid="periodic"):
    """Resample the field ``x`` of shape ``(batch, channels, *grid)`` onto ``shape``.

    ``"periodic"`` data are resampled spectrally (the Fourier series is
    truncated or zero-padded, exact for band-limited fields), ``"nodes"``
    data by multilinear interpolation between nodes, which keeps the
    boundary values. The inverse map of a refinement recovers the coarse
    samples exactly in both conventions on nested grids.
    """
    _check_convention(grid)
    d = len(shape)
    if tuple(x.shape[-d:]) == tuple(shape):
        return x
    if grid == "nodes":
        if d > 3:
            raise ValueError("node-grid resampling supports 1 to 3 axes.")
        mode = {1: "linear", 2: "bilinear", 3: "trilinear"}[d]
        return F.interpolate(x, size=tuple(shape), mode=mode, align_corners=True)
    axes = tuple(range(-d, 0))
    coefficients = torch.fft.fftn(x, dim=axes)
    for axis, (n_in, n_out) in zip(axes, zip(x.shape[-d:], shape)):
        coefficients = _resize_spectrum(coefficients, axis, n_in, n_out)
    scale = math.prod(shape) / math.prod(x.shape[-d:])
    return torch.fft.ifftn(coefficients, dim=axes).real * scale


def _resize_spectrum(c, axis, n_in, n_out):
    """Keep the ``min(n_in, n_out)`` lowest frequencies along ``axis``, zero the rest.

    On an even grid the Nyquist term stands for both +n/2 and -n/2: it is
    split in halves between the two when refining, and the two are summed
    into it (their aliases) when coarsening.
    """
    c = c.movedim(axis, 0)
    n = min(n_in, n_out)
    pos, neg = (n + 1) // 2, n // 2  # frequencies 0 .. pos - 1 and -neg .. -1
    out = c.new_zeros((n_out, *c.shape[1:]))
    out[:pos] = c[:pos]
    if neg:
        out[n_out - neg:] = c[n_in - neg:]
    if n % 2 == 0 and n_in < n_out:
        out[pos] = out[n_out - neg] = c[n_in - neg] / 2
    elif n % 2 == 0 and n_in > n_out:
        out[n_out - neg] = c[n_in - neg] + c[neg]
    return out.movedim(0, axis)
