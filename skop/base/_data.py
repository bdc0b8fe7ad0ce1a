"""Training data for skorch as whole tensors: batches, several inputs, ragged sets.

skorch's default ``DataLoader`` fetches samples one by one and collates them,
which costs more than the forward pass on small operator-learning batches.
Our data are already tensors (on the training device), so a batch is one
indexing operation.

The data of a fit is a *tensor tree*: a tensor, or a dict / tuple of tensors
(several inputs, e.g. DeepONet's sensor values and query points), indexed
together along the first axis. Targets may be ``None`` (unsupervised fits).
A batch *transform* may replace each drawn batch by a new one (noise added to
clean samples, query points subsampled), drawing from the fit's own
generator; shuffling draws from another. Nothing touches torch's global RNG.
"""

import math

import numpy as np
import torch
from torch.utils.data import Subset

from skop.base._distributed import shard, world


# ------------------------------------------------------------- tensor trees
def map_tensors(fn, tree):
    """Apply ``fn`` to every tensor of a tensor tree (dicts, tuples, lists, ``None``)."""
    if tree is None:
        return None
    if isinstance(tree, dict):
        return {key: map_tensors(fn, value) for key, value in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(map_tensors(fn, value) for value in tree)
    return fn(tree)


def first_tensor(tree):
    """The first tensor of a tensor tree (its length is the number of samples)."""
    if isinstance(tree, dict):
        tree = next(iter(tree.values()))
    if isinstance(tree, (tuple, list)):
        tree = tree[0]
    if isinstance(tree, (dict, tuple, list)):
        return first_tensor(tree)
    return tree


def n_samples(tree):
    """Number of samples (length of the first axis) of a tensor tree."""
    return len(first_tensor(tree))


def to_float_tensors(tree, dtype=torch.float32):
    """numpy arrays / tensors -> tensors; floating ones cast to ``dtype``, others kept."""

    def convert(a):
        if isinstance(a, np.ndarray):
            writable = np.require(a, requirements="CW")
            a = torch.as_tensor(writable)
        if a.is_floating_point():
            return a.to(dtype)
        return a

    return map_tensors(convert, tree)


def take(tree, index):
    """Rows ``index`` (a slice or an index tensor) of every tensor of a tree."""
    return map_tensors(lambda t: t[index], tree)


# ------------------------------------------------------------- ragged sets
def pad_sets(sets, *, dtype=np.float64):
    """Stack sets of different sizes into one padded array and a mask.

    Parameters
    ----------
    sets : sequence of array-like of shape (n_i, n_features)
        E.g. point clouds with different numbers of points.
    dtype : numpy dtype, default=np.float64

    Returns
    -------
    padded : ndarray of shape (n_sets, max_i n_i, n_features)
        Zero where there is no point.
    mask : ndarray of shape (n_sets, max_i n_i), bool
        True at the real points.
    """
    arrays = [np.asarray(s, dtype=dtype) for s in sets]
    if not arrays:
        raise ValueError("pad_sets needs at least one set.")
    widths = {a.shape[1:] for a in arrays}
    if len(widths) != 1 or any(a.ndim != 2 for a in arrays):
        raise ValueError(
            "every set must be a 2-D array (n_points, n_features) with the same n_features; "
            f"got trailing shapes {sorted(widths)}."
        )
    longest = max(len(a) for a in arrays)
    padded = np.zeros((len(arrays), longest, arrays[0].shape[1]), dtype=dtype)
    mask = np.zeros((len(arrays), longest), dtype=bool)
    for i, a in enumerate(arrays):
        padded[i, :len(a)] = a
        mask[i, :len(a)] = True
    return padded, mask


# ------------------------------------------------------------- batches
def _dataset_tensors(dataset):
    """The ``(X, y)`` trees behind a skorch ``Dataset`` or a ``Subset`` of one."""
    if isinstance(dataset, Subset):
        X, y = _dataset_tensors(dataset.dataset)
        index = torch.as_tensor(dataset.indices, dtype=torch.long)
        return take(X, index), take(y, index)
    X, y = dataset.X, dataset.y
    if not isinstance(first_tensor(X), torch.Tensor):
        raise TypeError("TensorBatches needs a dataset holding torch tensors.")
    return X, y


class TensorBatches:
    """Iterate over ``(X_batch, y_batch)`` slices of tensor trees.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset or torch.utils.data.Subset
        Holds ``X`` (a tensor tree) and ``y`` (a tensor tree or ``None``).
    batch_size : int
    shuffle : bool, default=False
        Draw a new permutation each epoch.
    generator : torch.Generator or None, default=None
        CPU generator of the permutations (``None``: torch's global one).
    transform : callable or None, default=None
        ``transform(X_batch, y_batch) -> (X_batch, y_batch)``, applied to every
        batch (e.g. :class:`skop.base.AddNoise`).
    """

    def __init__(self, dataset, batch_size, shuffle=False, generator=None, transform=None):
        self.X, self.y = _dataset_tensors(dataset)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.generator = generator
        self.transform = transform

    def __len__(self):
        return math.ceil(n_samples(self.X) / self.batch_size)

    def __iter__(self):
        n = n_samples(self.X)
        device = first_tensor(self.X).device
        if n <= self.batch_size and world() is None:
            # One batch holds everything: its order changes no gradient, so
            # neither shuffle nor copy (full-batch training, one step per epoch).
            yield self.transform(self.X, self.y) if self.transform is not None else (self.X, self.y)
            return
        order = None
        if self.shuffle and n > self.batch_size:
            order = torch.randperm(n, generator=self.generator).to(device)
        for start in range(0, n, self.batch_size):
            if order is None:
                index = slice(start, start + self.batch_size)
            else:
                index = order[start:start + self.batch_size]
            # Under torch.distributed each rank takes its share of the batch.
            index = shard(index, min(self.batch_size, n - start), device)
            Xb, yb = take(self.X, index), take(self.y, index)
            if self.transform is not None:
                Xb, yb = self.transform(Xb, yb)
            yield Xb, yb


class AddNoise:
    """Batch transform: noisy copies of clean samples as inputs, the clean ones as targets.

    Each batch ``X`` becomes ``(X + sigma * z, X)`` with ``z`` standard normal,
    drawn fresh at every step from this object's generator, so an unsupervised
    denoising fit sees new noise each epoch and stays reproducible.

    Parameters
    ----------
    sigma : float or callable
        Noise level, or ``sigma(X_batch, generator)`` returning one per sample
        (broadcastable to ``X``).
    generator : torch.Generator
        Source of the noise; on the device of the data.
    """

    def __init__(self, sigma, generator):
        self.sigma = sigma
        self.generator = generator

    def __call__(self, X, y=None):
        sigma = self.sigma(X, self.generator) if callable(self.sigma) else self.sigma
        noise = torch.randn(X.shape, generator=self.generator, device=X.device, dtype=X.dtype)
        return X + sigma * noise, X
