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
