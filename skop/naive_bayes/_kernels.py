"""Array kernels of the pooled Gaussian naive Bayes, shared by numpy and torch.

Every function here only uses operations that numpy arrays and torch tensors
spell the same way (``@``, ``.sum(0)``, ``.clip``, fancy indexing, broadcasting),
so one code path runs on numpy (CPU) and on torch tensors (GPU). Only building
the one-hot matrix and moving blocks between devices differ, and they are the
first two helpers.

The statistics kept for one stream are, per class ``k``, the total sample
weight ``n_k`` and the weighted mean ``mu_k``, and a single pooled sum of
squared deviations ``ssd_j = sum_i w_i (x_ij - mu_{y_i j})^2``. The pooled,
prior-weighted variance of the paper is ``sum_k pi_k Var_k = ssd / sum_k n_k``,
so per-class variances never need to be stored.
"""

import numpy as np
import torch

# Rows per block, chosen so that a float64 block stays around 4 MiB on CPU (it
# stays in cache-friendly sizes and bounds the temporary memory) and 128 MiB on
# a GPU (large blocks are what keeps a GPU busy).
_CPU_BLOCK_BYTES = 4 * 2**20
_GPU_BLOCK_BYTES = 128 * 2**20


def is_torch(a):
    """True when ``a`` is a torch tensor (the GPU path), False for numpy."""
    return isinstance(a, torch.Tensor)


def block_rows(n_features, device):
    """How many rows of float64 data to process at once on ``device``."""
    budget = _CPU_BLOCK_BYTES if device is None else _GPU_BLOCK_BYTES
    return max(64, budget // (8 * max(1, n_features)))


def to_backend(a, device):
    """A float64 copy (or view) of numpy ``a`` on ``device``; numpy if it is None."""
    if device is None:
        return np.asarray(a, dtype=np.float64)
    return torch.as_tensor(np.asarray(a), device=device).to(torch.float64)


def empty_block(rows, n_features, device):
    """Uninitialised float64 scratch block on ``device`` (numpy if it is None)."""
    if device is None:
        return np.empty((rows, n_features))
    return torch.empty((rows, n_features), dtype=torch.float64, device=device)


def to_numpy(a):
    """Bring a kernel output back as a float64 numpy array."""
    if is_torch(a):
        return a.detach().cpu().numpy().astype(np.float64, copy=False)
    return np.asarray(a, dtype=np.float64)


def _weighted_onehot(y, w, n_classes):
    # (n, K) matrix with w_i in column y_i: class sums become one matrix product.
    n = y.shape[0]
    if is_torch(w):
        onehot = w.new_zeros((n, n_classes))
        onehot[torch.arange(n, device=w.device), y] = w
    else:
        onehot = np.zeros((n, n_classes), dtype=np.float64)
        onehot[np.arange(n), y] = w
    return onehot


def _centred_squares(X, means, y, buf):
    # (x_i - mu_{y_i})^2 written into ``buf``: reusing one buffer avoids a
    # fresh multi-MiB allocation (and its page faults) per block, which costs
    # more than the arithmetic on a CPU.
    if is_torch(X):
        out = buf[: X.shape[0]] if buf is not None else torch.empty_like(X)
        torch.index_select(means, 0, y, out=out)
        torch.sub(X, out, out=out)
        return out.mul_(out)
    out = buf[: X.shape[0]] if buf is not None else np.empty_like(X)
    np.take(means, y, axis=0, out=out)
    np.subtract(X, out, out=out)
    return np.multiply(out, out, out=out)


def batch_stats(X, y, w, n_classes, buf=None):
    """Weighted class counts, class means and pooled squared deviations of a block.

    Parameters
    ----------
    X : ndarray or Tensor of shape (n_samples, n_features), float64
    y : ndarray or Tensor of shape (n_samples,), int
        Class indices in ``[0, n_classes)``.
    w : ndarray or Tensor of shape (n_samples,), float64
        Sample weights.
    n_classes : int
    buf : ndarray or Tensor of shape (>= n_samples, n_features), default=None
        Scratch space for the centred squares (reused across blocks).

    Returns
    -------
    counts : (n_classes,) total weight per class.
    means : (n_classes, n_features) weighted class means (zero for empty classes).
    ssd : (n_features,) ``sum_i w_i (x_i - mean_{y_i})^2``.
    """
    onehot = _weighted_onehot(y, w, n_classes)
    counts = onehot.sum(0)
    # An empty class has a zero sum; dividing by 1 keeps its mean at 0.
    means = (onehot.T @ X) / (counts + (counts == 0))[:, None]
    # Centring on the block's own class means before squaring avoids the
    # cancellation of the textbook E[x^2] - E[x]^2 formula.
    ssd = w @ _centred_squares(X, means, y, buf)
    return counts, means, ssd


def merge_stats(counts_a, means_a, ssd_a, counts_b, means_b, ssd_b):
    """Merge the statistics of two disjoint streams (Chan et al., 1979).

    Each class mean moves towards the other stream's mean in proportion to its
    weight, and the pooled squared deviations gain the between-stream term
    ``n_a n_b / (n_a + n_b) (mu_a - mu_b)^2`` for every class.

    Returns
    -------
    counts, means, ssd : the statistics of the union of both streams.
    """
    counts = counts_a + counts_b
    safe = counts + (counts == 0)
    frac_b = (counts_b / safe)[:, None]
    delta = means_b - means_a
    means = means_a + delta * frac_b
    between = ((counts_a * counts_b) / safe) @ (delta * delta)
    ssd = ssd_a + ssd_b + between
    return counts, means, ssd


def linear_form(means, var, log_prior):
    """Weights and biases of the decision ``x @ W.T + b`` of a shared-variance model.

    With one variance per feature, ``log pi_k - 1/2 sum_j (x_j - mu_kj)^2 / s_j``
    equals ``x @ (mu_k / s) - 1/2 sum_j mu_kj^2 / s_j + log pi_k`` up to the
    class-independent ``-1/2 sum_j x_j^2 / s_j``: naive Bayes with pooled
    variance is a linear classifier, and predicting is one matrix product.
    """
    coef = means / var
    intercept = log_prior - 0.5 * (coef * means).sum(1)
    return coef, intercept


def linear_scores(X, coef, intercept):
    """``X @ coef.T + intercept`` for one block."""
    return X @ coef.T + intercept


def quadratic_term(X, var):
    """The class-independent ``-1/2 sum_j x_j^2 / s_j`` of the log-likelihood."""
    return -0.5 * ((X * X) @ (1.0 / var))
