"""Input checks shared by the samplers: orthonormal matrices, sizes, draws."""

import numbers

import numpy as np
import torch


# Relative tolerance on ||Q^T Q - I|| for a matrix to count as orthonormal.
ORTHONORMAL_TOL = 1e-6


def as_feature_tensor(Q, device, *, check_input=True, name="Q"):
    """Turn ``Q`` into a float64 torch tensor on ``device``, check it, get row norms.

    Parameters
    ----------
    Q : array-like or torch.Tensor of shape (N, m)
        Candidate features, one row per candidate.
    device : torch.device
        Where the sampler computes.
    check_input : bool, default=True
        Check shape, finiteness and orthonormality of the columns.
    name : str, default="Q"
        Name used in error messages.

    Returns
    -------
    Q : torch.Tensor of shape (N, m), float64, on ``device``
    norms2 : torch.Tensor of shape (N,)
        Squared row norms (m times the optimal density).
    is_tensor : bool
        Whether the caller passed a torch tensor (results are then returned
        as tensors too).
    """
    is_tensor = isinstance(Q, torch.Tensor)
    if is_tensor:
        if Q.is_complex():
            raise ValueError(f"{name} must be real, got a complex tensor.")
        Qt = Q.detach().to(device=device, dtype=torch.float64)
    else:
        if hasattr(Q, "toarray") or hasattr(Q, "tocsr"):
            raise TypeError(
                f"{name} must be a dense array; convert a sparse matrix with "
                "Q.toarray() first."
            )
        arr = np.asarray(Q)
        if arr.dtype.kind == "c":
            raise ValueError(f"{name} must be real, got a complex array.")
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}.")
        # torch cannot wrap read-only memory: copy those (never written to).
        arr = np.require(arr, dtype=np.float64, requirements=["C", "W"])
        Qt = torch.as_tensor(arr, device=device)
    if Qt.ndim != 2:
        raise ValueError(
            f"{name} must be a 2D array of shape (n_candidates, m), got shape "
            f"{tuple(Qt.shape)}."
        )
    N, m = Qt.shape
    if m == 0 or N == 0:
        raise ValueError(
            f"{name} must have at least one row and one column, got {N}x{m}."
        )
    norms2 = (Qt * Qt).sum(dim=1)
    if not check_input:
        return Qt, norms2, is_tensor
    if not bool(torch.isfinite(norms2).all()):
        raise ValueError(f"{name} contains NaN or infinity; clean the features first.")
    if N < m:
        raise ValueError(
            f"{name} has {N} rows and {m} columns: an N x m matrix with orthonormal "
            "columns needs N >= m. Use fewer basis functions or more candidates."
        )
    check_orthonormal(Qt, norms2, name=name)
    return Qt, norms2, is_tensor


def check_orthonormal(Q, norms2, *, name="Q", tol=ORTHONORMAL_TOL):
    """Raise a ValueError unless ``Q`` (torch, N x m) has orthonormal columns.

    Forming ``Q^T Q`` costs O(N m^2), as much as sampling itself, so the check
    applies ``Q^T Q - I`` to a fixed Gaussian probe vector ``g`` instead: the
    squared response ``||(Q^T Q - I) g||^2`` is an unbiased estimate of
    ``||Q^T Q - I||_F^2`` (two O(N m) matrix-vector products), and the trace
    ``sum_ij Q_ij^2 = m`` is checked exactly. The probe comes from a private
    generator, so the caller's RNG is untouched.
    """
    m = Q.shape[1]
    trace_err = abs(float(norms2.sum()) - m) / m
    gen = torch.Generator(device="cpu").manual_seed(12345)
    probe = torch.randn(m, generator=gen, dtype=torch.float64).to(Q.device)
    resid = torch.mv(Q.T, torch.mv(Q, probe)) - probe
    frob_est = float(resid.square().sum()) ** 0.5 / m**0.5
    if trace_err > tol or frob_est > tol:
        raise ValueError(
            f"{name} must have orthonormal columns (Q^T Q = I), but it is off by about "
            f"{max(frob_est, trace_err):.2e} (relative). Orthonormalise the features "
            "first, e.g. Q, _ = numpy.linalg.qr(features), or use "
            "skop.preprocessing.OrthonormalFeatures; pass check_input=False only if "
            "you know Q is orthonormal."
        )


def check_n_draws(n_draws):
    """Validate ``n_draws`` (None or a positive int); return (batch, squeeze)."""
    if n_draws is None:
        return 1, True
    if (
        not isinstance(n_draws, numbers.Integral)
        or isinstance(n_draws, bool)
        or n_draws < 1
    ):
        raise ValueError(f"n_draws must be None or a positive int, got {n_draws!r}.")
    return int(n_draws), False


def check_count(value, name, minimum=1):
    """Validate a positive integer parameter such as ``n_samples``."""
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < minimum
    ):
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


def check_volume_size(n_samples, m):
    """Volume-rescaled sampling draws ``m`` DPP points plus i.i.d. ones."""
    if n_samples < m:
        raise ValueError(
            f"Volume-rescaled sampling needs n_samples >= m = {m}, got {n_samples}."
        )


def finish_indices(idx, squeeze, as_tensor):
    """Return sampled indices as numpy (or torch, if the input was a tensor)."""
    if squeeze:
        idx = idx[0]
    if as_tensor:
        return idx.clone()  # a normal tensor, not an inference-mode one
    return idx.cpu().numpy()
