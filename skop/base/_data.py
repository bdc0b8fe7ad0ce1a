"""A batch iterator over whole tensors for skorch.

skorch's default ``DataLoader`` fetches samples one by one and collates them,
which costs more than the forward pass on small operator-learning batches.
Our data are already tensors (on the training device), so a batch is one
indexing operation. Shuffling draws from torch's global generator, which the
estimator seeds and forks, so epochs are reproducible.
"""

import math

import torch
from torch.utils.data import Subset


def _dataset_tensors(dataset):
    """The ``(X, y)`` tensors behind a skorch ``Dataset`` or a ``Subset`` of one."""
    if isinstance(dataset, Subset):
        X, y = _dataset_tensors(dataset.dataset)
        index = torch.as_tensor(dataset.indices, dtype=torch.long, device=X.device)
        return X[index], (None if y is None else y[index])
    X, y = dataset.X, dataset.y
    if not isinstance(X, torch.Tensor):
        raise TypeError("TensorBatches needs a dataset holding torch tensors.")
    return X, y


class TensorBatches:
    """Iterate over ``(X_batch, y_batch)`` slices of a tensor dataset.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset or torch.utils.data.Subset
        Holds ``X`` and ``y`` as tensors.
    batch_size : int
    shuffle : bool, default=False
        Draw a new permutation each epoch.
    """

    def __init__(self, dataset, batch_size, shuffle=False):
        self.X, self.y = _dataset_tensors(dataset)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle

    def __len__(self):
        return math.ceil(len(self.X) / self.batch_size)

    def __iter__(self):
        n = len(self.X)
        if self.shuffle:
            order = torch.randperm(n, device=self.X.device)
        for start in range(0, n, self.batch_size):
            if self.shuffle:
                idx = order[start:start + self.batch_size]
                yield self.X[idx], (None if self.y is None else self.y[idx])
            else:
                stop = start + self.batch_size
                yield self.X[start:stop], (None if self.y is None else self.y[start:stop])
