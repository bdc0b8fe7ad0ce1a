"""The nested projection loss of a learned spectral basis."""

import torch
from torch import nn


def nested_residuals(Q, F):
    """Residual energy of probes ``F`` after projection on the first k columns of ``Q``, k = 1..K.

    ``Q``: ``(batch, n, K)`` orthonormal columns; ``F``: ``(batch, n, P)``.
    Returns ``(batch, K)``: ``r_k = ||F||^2 - sum_{j <= k} ||q_j^T F||^2`` per
    probe, averaged over probes and divided by the mean ``||F||^2``.
    """
    captured = (Q.transpose(-2, -1) @ F).pow(2)          # (batch, K, P)
    total = F.pow(2).sum(-2, keepdim=True)                # (batch, 1, P)
    residual = total - captured.cumsum(-2)                # (batch, K, P)
    return residual.mean(-1) / total.mean(-1)


class NestedProjectionLoss(nn.Module):
    """Mean over truncation levels of the probes' relative projection residual.

    Every level k = 1..K counts, so the first column must capture the most
    probe energy, the next ones the most of what remains: the basis comes out
    ordered from the smoothest function up, as eigenfunctions of the
    smoothing operator that made the probes.
    """

    def forward(self, output, probes):
        Q = output[0] if isinstance(output, tuple) else output
        return nested_residuals(Q, probes).mean()
