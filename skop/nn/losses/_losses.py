"""Training losses of operator learning: relative L2, relative H1, scaled MSE."""

import torch
from torch import nn

# Keeps a relative error finite for an all-zero target sample.
_EPS = 1e-12


def _per_sample_norm(t):
    return torch.linalg.vector_norm(t.reshape(t.shape[0], -1), dim=1)


class RelativeL2Loss(nn.Module):
    """Relative L2 error ``||pred - y|| / ||y||`` per sample, averaged over the batch.

    The field's headline metric; on a uniform grid the discrete norm ratio
    equals the ratio of the continuous L2 norms, whatever the resolution.
    """

    def forward(self, y_pred, y_true):
        diff = _per_sample_norm(y_pred - y_true)
        return (diff / _per_sample_norm(y_true).clamp_min(_EPS)).mean()


def _grad_norm_sq(t, n_dims):
    """Squared L2 norm of the periodic central-difference gradient, per sample.

    Differences are scaled by the grid spacing ``1 / n`` so that the norm
    approximates the continuous one on the unit domain at any resolution.
    """
    total = 0.0
    for axis in range(t.ndim - n_dims, t.ndim):
        n = t.shape[axis]
        diff = (torch.roll(t, -1, dims=axis) - torch.roll(t, 1, dims=axis)) * (n / 2.0)
        total = total + diff.pow(2).reshape(t.shape[0], -1).mean(dim=1)
    return total


class RelativeH1Loss(nn.Module):
    """Relative H1 error: values and gradients, per sample, averaged.

    ``sqrt(|e|^2 + |grad e|^2) / sqrt(|y|^2 + |grad y|^2)`` with mean-square
    norms over the grid and central differences (periodic wrap-around).

    Parameters
    ----------
    n_dims : int
        Number of trailing spatial axes.
    """

    def __init__(self, n_dims):
        super().__init__()
        self.n_dims = n_dims

    def forward(self, y_pred, y_true):
        def h1_sq(t):
            return t.pow(2).reshape(t.shape[0], -1).mean(dim=1) + _grad_norm_sq(t, self.n_dims)

        err = h1_sq(y_pred - y_true).sqrt()
        return (err / h1_sq(y_true).sqrt().clamp_min(_EPS)).mean()


class ScaledMSELoss(nn.Module):
    """Mean squared error of ``(y_pred - y) / scale``.

    With ``scale`` the target's standard deviation this is the MSE in
    standardised units, so its size does not depend on the units of ``y``.

    Parameters
    ----------
    scale : torch.Tensor
        Broadcastable to the targets.
    """

    def __init__(self, scale):
        super().__init__()
        self.register_buffer("scale", scale)

    def forward(self, y_pred, y_true):
        return ((y_pred - y_true) / self.scale).pow(2).mean()
