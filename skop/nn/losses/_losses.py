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


def _grad_norm_sq(t, n_dims, grid="periodic"):
    """Squared L2 norm of the central-difference gradient on the unit domain, per sample.

    ``"periodic"`` cells (spacing ``1 / n``) wrap around; ``"nodes"``
    (spacing ``1 / (n - 1)``, both boundaries included) use one-sided
    differences at the ends. Either way the norm approximates the continuous
    one at any resolution.
    """
    total = 0.0
    for axis in range(t.ndim - n_dims, t.ndim):
        n = t.shape[axis]
        if grid == "periodic":
            diff = (torch.roll(t, -1, dims=axis) - torch.roll(t, 1, dims=axis)) * (n / 2.0)
        else:
            diff = torch.gradient(t, spacing=1.0 / max(n - 1, 1), dim=axis, edge_order=1)[0]
        total = total + diff.pow(2).reshape(t.shape[0], -1).mean(dim=1)
    return total


class RelativeH1Loss(nn.Module):
    """Relative H1 error: values and gradients, per sample, averaged.

    ``sqrt(|e|^2 + |grad e|^2) / sqrt(|y|^2 + |grad y|^2)`` with mean-square
    norms over the grid and central differences on the unit domain.

    Parameters
    ----------
    n_dims : int
        Number of trailing spatial axes.
    grid : {"periodic", "nodes"}, default="periodic"
        Grid convention: periodic cells (differences wrap around) or nodes
        including both boundaries (one-sided differences there).
    """

    def __init__(self, n_dims, grid="periodic"):
        super().__init__()
        if grid not in ("periodic", "nodes"):
            raise ValueError(f"grid must be 'periodic' or 'nodes', got {grid!r}.")
        self.n_dims = n_dims
        self.grid = grid

    def forward(self, y_pred, y_true):
        def h1_sq(t):
            return t.pow(2).reshape(t.shape[0], -1).mean(dim=1) + _grad_norm_sq(
                t, self.n_dims, self.grid)

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


class PhysicsInformedLoss(nn.Module):
    """A data loss plus ``weight`` times the mean squared physics residual.

    For models that return ``(prediction, residual)`` while training
    (:class:`skop.nn.PhysicsInformed`); a plain prediction (validation, no
    collocation points) gets the data loss alone.

    Parameters
    ----------
    data_loss : torch.nn.Module
        ``data_loss(prediction, y)``.
    weight : float, default=1.0
        Weight of the residual term.
    """

    def __init__(self, data_loss, weight=1.0):
        super().__init__()
        self.data_loss = data_loss
        self.weight = float(weight)

    def forward(self, y_pred, y_true):
        if not isinstance(y_pred, (tuple, list)):
            return self.data_loss(y_pred, y_true)
        prediction, residual = y_pred
        return self.data_loss(prediction, y_true) + self.weight * residual.pow(2).mean()
