"""Pointwise (1x1) channel maps on fields of any dimension."""

import torch
from torch import nn


class PointwiseLinear(nn.Module):
    """Affine map of the channel axis applied at every grid point.

    The same as a convolution with kernel size 1 in 1, 2 or 3 dimensions, but
    written once for any number of spatial axes.

    Parameters
    ----------
    in_channels : int
    out_channels : int
    bias : bool, default=True
    """

    def __init__(self, in_channels, out_channels, bias=True):
        super().__init__()
        self.linear = nn.Linear(in_channels, out_channels, bias=bias)

    def forward(self, x):
        """Map ``(batch, in_channels, *grid)`` to ``(batch, out_channels, *grid)``."""
        return torch.movedim(self.linear(torch.movedim(x, 1, -1)), -1, 1)


class PointwiseMLP(nn.Module):
    """Two pointwise linear maps with a non-linearity in between.

    Parameters
    ----------
    in_channels : int
    out_channels : int
    hidden_channels : int
    activation : callable, default=torch.nn.functional.gelu
    """

    def __init__(self, in_channels, out_channels, hidden_channels,
                 activation=nn.functional.gelu):
        super().__init__()
        self.fc1 = nn.Linear(in_channels, hidden_channels)
        self.fc2 = nn.Linear(hidden_channels, out_channels)
        self.activation = activation

    def forward(self, x):
        """Map ``(batch, in_channels, *grid)`` to ``(batch, out_channels, *grid)``."""
        h = torch.movedim(x, 1, -1)
        h = self.fc2(self.activation(self.fc1(h)))
        return torch.movedim(h, -1, 1)
