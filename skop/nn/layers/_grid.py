"""Grid coordinates as input channels, and domain padding for non-periodic data."""

import torch
from torch import nn
from torch.nn import functional as F


class GridEmbedding(nn.Module):
    """Append the coordinates of each grid point as extra channels.

    Coordinates run over ``[0, 1]`` on every axis whatever the resolution, so a
    model sees the same positional input on a coarser or finer grid.

    Parameters
    ----------
    n_dims : int
        Number of spatial axes.
    """

    def __init__(self, n_dims):
        super().__init__()
        self.n_dims = n_dims

    def forward(self, x):
        """``(batch, c, *grid)`` -> ``(batch, c + n_dims, *grid)``."""
        grid = x.shape[-self.n_dims:]
        axes = [torch.linspace(0.0, 1.0, n, device=x.device, dtype=x.dtype) for n in grid]
        coords = torch.stack(torch.meshgrid(*axes, indexing="ij"))
        coords = coords.unsqueeze(0).expand(x.shape[0], *coords.shape)
        return torch.cat([x, coords], dim=1)


class DomainPadding(nn.Module):
    """Zero-pad the end of every spatial axis by a fraction of its length.

    A Fourier layer treats its input as periodic; padding lets a non-periodic
    solution (a Dirichlet problem, say) wrap around through a buffer zone
    instead of through the opposite boundary. The padding is a *fraction* of the
    grid so that the padded domain has the same physical size at every
    resolution, which keeps the model resolution-invariant.

    Parameters
    ----------
    fraction : float
        Padding as a fraction of each axis length (0 disables padding).
    n_dims : int
        Number of spatial axes.
    """

    def __init__(self, fraction, n_dims):
        super().__init__()
        self.fraction = float(fraction)
        self.n_dims = n_dims

    def _amounts(self, grid):
        return [int(round(self.fraction * n)) for n in grid]

    def pad(self, x):
        """Pad the spatial axes of ``x``."""
        amounts = self._amounts(x.shape[-self.n_dims:])
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
