"""Proximal matching: the loss that makes a learned denoiser the MAP prox.

Fang, Buchanan & Sulam (ICLR 2024): for a denoiser ``f`` trained on pairs
``(y = x + noise, x)``, the squared loss learns the posterior mean (MMSE) and
the absolute loss the posterior median; the loss
``1 - exp(-(||f(y) - x|| / gamma)^2)`` tends, as ``gamma -> 0``, to a Dirac
at the target, and its minimiser to the posterior *mode*: the proximal
operator of ``-log p``.
"""

import torch
from torch import nn


def _per_sample_norm(t, p=2):
    return t.flatten(1).norm(p=p, dim=1)


class ProximalMatchingLoss(nn.Module):
    r"""``mean_i 1 - exp(-(||f(y_i) - x_i|| / gamma)^2)``, or an L1 warm-up while ``gamma`` is None.

    Parameters
    ----------
    gamma : float or None, default=None
        Width of the matching kernel, in the units of ``||x||``; set per epoch
        by a schedule (decreasing stages). ``None``: the warm-up loss
        ``mean_i ||f(y_i) - x_i||_1 / dim``, which gives a sensible starting
        point (a loss of width ``gamma`` has almost no gradient for
        predictions farther than a few ``gamma`` from the target).
    """

    def __init__(self, gamma=None):
        super().__init__()
        self.gamma = gamma

    def forward(self, pred, target):
        diff = pred - target
        if self.gamma is None:
            return diff.abs().flatten(1).mean(1).mean()
        return (1 - torch.exp(-(_per_sample_norm(diff) / self.gamma) ** 2)).mean()


class SquaredDenoisingLoss(nn.Module):
    """``mean_i ||f(y_i) - x_i||^2 / dim``: learns the MMSE denoiser (posterior mean)."""

    def forward(self, pred, target):
        return (pred - target).pow(2).flatten(1).mean(1).mean()
