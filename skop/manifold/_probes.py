"""Smooth random probe functions on point clouds: the training signal of a learned spectral basis."""

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.neighbors import NearestNeighbors


def knn_smoother(X, n_neighbors, bandwidth="auto"):
    """Row-normalised Gaussian kNN averaging operator (self loops included), as a scipy CSR matrix.

    Returns the operator and the bandwidth used (``"auto"``: half the median
    distance to the ``n_neighbors`` nearest neighbours -- weights that fall
    off within the neighbourhood keep the graph close to regular on
    near-uniform samples: the smoother's dominant direction is then constant
    within 4% on a jittered circle, against 15% at the full median).
    """
    k = min(n_neighbors + 1, len(X))
    dist, idx = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)
    if bandwidth == "auto":
        positive = dist[:, 1:][dist[:, 1:] > 0]
        bandwidth = 0.5 * float(np.median(positive)) if positive.size else 1.0
    W = np.exp(-(dist / bandwidth) ** 2 / 2)
    W /= W.sum(1, keepdims=True)
    rows = np.repeat(np.arange(len(X)), k)
    return sp.csr_matrix((W.ravel(), (rows, idx.ravel())), shape=(len(X), len(X))), bandwidth


def to_torch_sparse(S, dtype=torch.float32):
    """A scipy sparse matrix as a coalesced torch COO tensor."""
    S = S.tocoo()
    idx = torch.as_tensor(np.stack([S.row, S.col]), dtype=torch.int64)
    return torch.sparse_coo_tensor(idx, torch.as_tensor(S.data, dtype=dtype), S.shape,
                                   check_invariants=False).coalesce()


def smoothed_power(S, V, n_steps, transpose=False):
    """``S^t V`` (or ``(S^T)^t V``) for a scipy sparse ``S``."""
    op = S.T if transpose else S
    for _ in range(n_steps):
        V = op @ V
    return V


def probe_energy(S, n_steps):
    """``E ||S^t U||^2 = ||S^t||_F^2 / 3`` for i.i.d. uniform ``U`` in [-1, 1], per probe."""
    P = smoothed_power(S, sp.identity(S.shape[0], format="csr"), n_steps)
    return float(P.multiply(P).sum()) / 3


class ProbeSampler:
    """Batch transform: fresh smooth random probe functions on each cloud at every step.

    The batch is ``{"points", "mask", "cloud"}`` (padded clouds, their masks
    and their indices among the training clouds); it becomes
    ``({"points", "mask"}, F)`` with ``F = S_c^t U`` on each cloud ``c``: i.i.d.
    uniform values in [-1, 1] smoothed by ``t`` steps of that cloud's kNN
    averaging operator, zero on padding. A batch is cropped to its largest
    cloud, and a batch without padding drops its mask (a faster QR).

    Parameters
    ----------
    smoothers : list of torch sparse tensors
        One ``(n_c, n_c)`` averaging operator per training cloud.
    n_probes, n_steps : int
    generator : torch.Generator
        Source of the probe values, on the training device.
    """

    def __init__(self, smoothers, n_probes, n_steps, generator):
        self.smoothers = smoothers
        self.n_probes = n_probes
        self.n_steps = n_steps
        self.generator = generator
        self._placed = {}

    def _smoother(self, cloud, like):
        # One copy per (device, dtype), not a host-to-device copy at every step.
        key = (like.device, like.dtype)
        if key not in self._placed:
            self._placed[key] = [S.to(device=like.device, dtype=like.dtype)
                                 for S in self.smoothers]
        return self._placed[key][cloud]

    def __call__(self, X, y=None):
        points, mask = X["points"], X["mask"]
        longest = int(mask.sum(1).max())
        points, mask = points[:, :longest], mask[:, :longest]
        probes = torch.zeros((*points.shape[:2], self.n_probes), dtype=points.dtype,
                             device=points.device)
        for row, cloud in enumerate(X["cloud"].tolist()):
            S = self._smoother(cloud, points)
            U = 2 * torch.rand((S.shape[0], self.n_probes), generator=self.generator,
                               device=points.device, dtype=points.dtype) - 1
            for _ in range(self.n_steps):
                U = torch.sparse.mm(S, U)
            probes[row, :S.shape[0]] = U
        # skorch converts every value of the dict to a tensor, so an
        # unpadded batch omits its mask rather than passing None.
        if bool(mask.all()):
            return {"points": points}, probes
        return {"points": points, "mask": mask}, probes
