"""Exact samplers over a finite candidate set given orthonormal features ``Q``.

The candidate set carries the discrete measure for which the columns of ``Q``
(N x m) are orthonormal, ``Q^T Q = I``. The optimal (Christoffel) density puts
mass ``||Q_i||^2 / m`` on candidate ``i`` (the leverage scores divided by m).
"""

import torch

from skop.sampling._chain_rule import sample_chain_rule
from skop.sampling._validation import (
    as_feature_tensor,
    check_count,
    check_n_draws,
    check_volume_size,
    finish_indices,
)
from skop.utils import resolve_device, torch_generator


def _finite_proposer(Q, norms2):
    """i.i.d. proposals from the leverage-score distribution of ``Q``."""
    cdf = torch.cumsum(norms2, dim=0)
    total = cdf[-1]
    last = Q.shape[0] - 1

    def propose(B, L, generator):
        u = torch.rand(B, L, dtype=Q.dtype, device=Q.device, generator=generator)
        u *= total
        items = torch.searchsorted(cdf, u, right=True).clamp_(max=last)
        return Q[items], norms2[items], items

    return propose


def _dpp_indices(Q, norms2, n_draws, generator):
    """(n_draws, m) indices of projection-DPP samples."""
    _, items = sample_chain_rule(
        _finite_proposer(Q, norms2),
        Q.shape[1],
        n_draws,
        device=Q.device,
        generator=generator,
    )
    return items


def _christoffel_indices(Q, norms2, n_samples, n_draws, generator):
    """(n_draws, n_samples) i.i.d. indices from the leverage-score distribution."""
    _, _, items = _finite_proposer(Q, norms2)(n_draws, n_samples, generator)
    return items


def shuffle_rows(X, generator=None):
    """Shuffle axis 1 of ``X`` (B, n) or (B, n, d), independently per draw."""
    u = torch.rand(X.shape[:2], device=X.device, generator=generator)
    order = torch.argsort(u, dim=1)
    if X.ndim == 3:
        order = order.unsqueeze(-1).expand_as(X)
    return torch.gather(X, 1, order)


def sample_projection_dpp(
    Q, n_draws=None, *, random_state=None, device="auto", check_input=True
):
    """Exact samples of the projection DPP with kernel ``Q Q^T``.

    The projection determinantal point process on the ``N`` rows of ``Q`` selects
    exactly ``m`` distinct rows ``S`` with probability ``det(Q_S)^2`` (volume
    sampling). Each row ``i`` is included with probability ``||Q_i||^2`` (the
    diagonal of the kernel) and distinct rows repel each other. With ``n = m``
    points, weighted least squares interpolates and is unbiased, with
    ``E ||f - f_S||^2 = (m + 1) ||f - P_m f||^2`` on the candidate measure.

    Parameters
    ----------
    Q : array-like or torch.Tensor of shape (n_candidates, m)
        Matrix with orthonormal columns (``Q^T Q = I``). Rows are candidates.
    n_draws : int, default=None
        Number of independent samples drawn at once (batched). ``None`` draws
        one sample and drops the leading axis.
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
            default=None
        Seed; results are repeatable for a given seed and device, and the
        caller's numpy and torch global RNG states are left untouched.
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to compute; ``"auto"`` uses CUDA when available.
    check_input : bool, default=True
        Check that ``Q`` is finite with orthonormal columns and ``N >= m``
        (O(N m) work).

    Returns
    -------
    indices : ndarray of shape (m,) or (n_draws, m)
        Selected row indices, in the (uniformly random) order of the chain rule.
        A torch tensor on ``device`` if ``Q`` is a tensor.

    See Also
    --------
    sample_dpp_repetitions : Several independent DPP samples pooled.
    sample_volume_rescaled : ``n >= m`` points, DPP plus i.i.d. points.
    skop.preprocessing.OrthonormalFeatures : Orthonormalise features on a
        candidate set.

    Notes
    -----
    The chain rule draws point ``t`` with probability proportional to the
    squared residual of its row after projecting out the rows already chosen.
    It is run by rejection from the leverage-score distribution (acceptance
    rate ``(m - t) / m`` at step ``t``) over a pre-drawn stream of proposals, so
    one draw costs O(N m) for the leverage scores plus O(m^3 log m), and many
    draws are batched as ``(n_draws, L, 2m)`` tensor operations in float64.
    Candidates whose residual is below ``1e-10`` of their norm are treated as
    already spanned.

    References
    ----------
    .. [1] A. Nouy and B. Michel, "Weighted least-squares approximation with
       determinantal point processes and generalized volume sampling",
       arXiv:2312.14057, 2023.
    .. [2] J. B. Hough, M. Krishnapur, Y. Peres and B. Virag, "Determinantal
       processes and independence", Probability Surveys, 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.sampling import sample_projection_dpp
    >>> Q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(100, 5)))
    >>> idx = sample_projection_dpp(Q, random_state=0, device="cpu")
    >>> idx.shape, len(set(idx.tolist()))
    ((5,), 5)
    >>> sample_projection_dpp(Q, n_draws=3, random_state=0, device="cpu").shape
    (3, 5)
    """
    B, squeeze = check_n_draws(n_draws)
    dev = resolve_device(device)
    Qt, norms2, is_tensor = as_feature_tensor(Q, dev, check_input=check_input)
    gen = torch_generator(random_state, dev)
    with torch.inference_mode():
        idx = _dpp_indices(Qt, norms2, B, gen)
    return finish_indices(idx, squeeze, is_tensor)


def sample_christoffel(
    Q, n_samples, n_draws=None, *, random_state=None, device="auto", check_input=True
):
    """i.i.d. samples from the optimal (inverse-Christoffel) density.

    Each of the ``n_samples`` indices is drawn independently, with replacement,
    with probability ``||Q_i||^2 / m`` for row ``i``: the density
    ``k_m / m`` that is optimal for i.i.d. weighted least squares.

    Parameters
    ----------
    Q : array-like or torch.Tensor of shape (n_candidates, m)
        Matrix with orthonormal columns.
    n_samples : int
        Number of points per draw.
    n_draws : int, default=None
        Number of independent draws (batched); ``None`` for one.
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
            default=None
        Seed (repeatable per device; global RNGs untouched).
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to compute.
    check_input : bool, default=True
        Check that ``Q`` is finite with orthonormal columns.

    Returns
    -------
    indices : ndarray of shape (n_samples,) or (n_draws, n_samples)
        Row indices (repeats possible). A tensor if ``Q`` is a tensor.

    See Also
    --------
    sample_projection_dpp : Repulsive sample of exactly ``m`` rows.
    sample_volume_rescaled : Unbiased least squares with ``n >= m`` points.

    Notes
    -----
    i.i.d. optimal sampling needs about ``m log m`` points for a well
    conditioned Gram matrix, and the weighted least-squares estimator is biased.

    References
    ----------
    .. [1] A. Cohen and G. Migliorati, "Optimal weighted least-squares methods",
       SMAI Journal of Computational Mathematics, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.sampling import sample_christoffel
    >>> Q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(100, 5)))
    >>> sample_christoffel(Q, 8, random_state=0, device="cpu").shape
    (8,)
    """
    n_samples = check_count(n_samples, "n_samples")
    B, squeeze = check_n_draws(n_draws)
    dev = resolve_device(device)
    Qt, norms2, is_tensor = as_feature_tensor(Q, dev, check_input=check_input)
    gen = torch_generator(random_state, dev)
    with torch.inference_mode():
        idx = _christoffel_indices(Qt, norms2, n_samples, B, gen)
    return finish_indices(idx, squeeze, is_tensor)


def sample_volume_rescaled(
    Q, n_samples, n_draws=None, *, random_state=None, device="auto", check_input=True
):
    """Generalised volume-rescaled samples of ``n_samples >= m`` rows.

    The ordered sample ``(i_1, ..., i_n)`` has probability proportional to
    ``det(G) prod_k rho(i_k)``, with ``rho(i) = ||Q_i||^2 / m`` and
    ``G = (1/n) sum_k w(i_k) Q_{i_k} Q_{i_k}^T`` the weighted Gram matrix
    (``w = 1 / (N rho)`` up to scaling). It is drawn exactly as ``m``
    projection-DPP rows plus ``n - m`` i.i.d. rows from ``rho``, in a uniformly
    random order. Weighted least squares on it is unbiased.

    Parameters
    ----------
    Q : array-like or torch.Tensor of shape (n_candidates, m)
        Matrix with orthonormal columns.
    n_samples : int
        Number of points per draw, at least ``m``.
    n_draws : int, default=None
        Number of independent draws (batched); ``None`` for one.
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
            default=None
        Seed (repeatable per device; global RNGs untouched).
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to compute.
    check_input : bool, default=True
        Check that ``Q`` is finite with orthonormal columns.

    Returns
    -------
    indices : ndarray of shape (n_samples,) or (n_draws, n_samples)
        Row indices (the i.i.d. part may repeat rows). A tensor if ``Q`` is.

    See Also
    --------
    sample_projection_dpp : The ``n = m`` case.
    sample_dpp_repetitions : Pooled independent DPP samples.

    References
    ----------
    .. [1] M. Derezinski, M. K. Warmuth and D. Hsu, "Unbiased estimators for
       random design regression", JMLR, 2022.
    .. [2] A. Nouy and B. Michel, arXiv:2312.14057, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.sampling import sample_volume_rescaled
    >>> Q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(100, 5)))
    >>> sample_volume_rescaled(Q, 12, n_draws=4, random_state=0, device="cpu").shape
    (4, 12)
    """
    n_samples = check_count(n_samples, "n_samples")
    B, squeeze = check_n_draws(n_draws)
    dev = resolve_device(device)
    Qt, norms2, is_tensor = as_feature_tensor(Q, dev, check_input=check_input)
    m = Qt.shape[1]
    check_volume_size(n_samples, m)
    gen = torch_generator(random_state, dev)
    with torch.inference_mode():
        dpp = _dpp_indices(Qt, norms2, B, gen)
        iid = _christoffel_indices(Qt, norms2, n_samples - m, B, gen)
        idx = shuffle_rows(torch.cat([dpp, iid], dim=1), gen)
    return finish_indices(idx, squeeze, is_tensor)


def sample_dpp_repetitions(
    Q, n_repeats, n_draws=None, *, random_state=None, device="auto", check_input=True
):
    """``n_repeats`` independent projection-DPP samples, concatenated.

    Pools ``s = n_repeats`` independent draws of :func:`sample_projection_dpp`
    into one sample of ``n = s m`` rows (rows may repeat across repetitions).
    Pooled weighted least squares on it is stable with ``n`` only a small
    multiple of ``m`` and its error concentrates near the best approximation.

    Parameters
    ----------
    Q : array-like or torch.Tensor of shape (n_candidates, m)
        Matrix with orthonormal columns.
    n_repeats : int
        Number of independent DPP samples per draw.
    n_draws : int, default=None
        Number of independent draws (batched); ``None`` for one.
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
            default=None
        Seed (repeatable per device; global RNGs untouched).
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to compute.
    check_input : bool, default=True
        Check that ``Q`` is finite with orthonormal columns.

    Returns
    -------
    indices : ndarray of shape (n_repeats * m,) or (n_draws, n_repeats * m)
        Row indices, repetition after repetition. A tensor if ``Q`` is.

    See Also
    --------
    sample_projection_dpp : One repetition.
    sample_volume_rescaled : DPP plus i.i.d. points.

    References
    ----------
    .. [1] A. Nouy and B. Michel, arXiv:2312.14057, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.sampling import sample_dpp_repetitions
    >>> Q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(100, 5)))
    >>> sample_dpp_repetitions(Q, 3, random_state=0, device="cpu").shape
    (15,)
    """
    n_repeats = check_count(n_repeats, "n_repeats")
    B, squeeze = check_n_draws(n_draws)
    dev = resolve_device(device)
    Qt, norms2, is_tensor = as_feature_tensor(Q, dev, check_input=check_input)
    gen = torch_generator(random_state, dev)
    with torch.inference_mode():
        idx = _dpp_indices(Qt, norms2, B * n_repeats, gen).reshape(B, -1)
    return finish_indices(idx, squeeze, is_tensor)
