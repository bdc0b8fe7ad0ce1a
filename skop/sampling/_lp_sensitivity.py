"""Row scores and row sampling for l_p regression (Woodruff & Yasuda, "Sharper bounds for l_p
sensitivity sampling", ICML 2023).

A row ``i`` of ``A`` (``n x d``) is kept with probability ``q_i = min(1, m u_i / sum(u))``
for scores ``u`` and rescaled by ``q_i^(-1/p)``, so that ``||S A x||_p^p`` is an
unbiased estimate of ``||A x||_p^p`` for every ``x``. Good scores bound each
row's share of ``||A x||_p^p``: leverage scores (``p = 2``, an upper bound of
the l_p sensitivities for ``p > 2`` up to ``d^(p/2 - 1)``), their ``p/2``
powers for ``p < 2``, l_p Lewis weights, and the l_p sensitivities themselves.
"""

from numbers import Integral, Real

import numpy as np
from scipy.optimize import linprog
from sklearn.utils import check_random_state

SCORES = ("uniform", "leverage", "root_leverage", "lewis", "sensitivity", "sensitivity+leverage")


def _check_matrix(A):
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(f"A must be a non-empty 2-D array; got shape {A.shape}.")
    if not np.all(np.isfinite(A)):
        raise ValueError("A contains NaN or infinity.")
    return A


def leverage_scores(A):
    """Statistical leverage ``tau_i = ||Q_i||^2`` of the rows of ``A`` (they sum to ``rank(A)``)."""
    A = _check_matrix(A)
    U, s, _ = np.linalg.svd(A, full_matrices=False)
    rank = int(np.sum(s > s[0] * max(A.shape) * np.finfo(float).eps)) if s[0] > 0 else 0
    return np.einsum("ij,ij->i", U[:, :rank], U[:, :rank])


def lewis_weights(A, p, *, max_iter=200, tol=1e-10):
    """The l_p Lewis weights of the rows of ``A`` by Cohen and Peng's fixed point (``p < 4``).

    ``w <- w^(1 - p/2) tau(W^(1/2 - 1/p) A)^(p/2)``, started from ``w = 1``.
    The weights sum to ``d`` (the rank) and equal the leverage scores at ``p = 2``.

    Returns
    -------
    w : ndarray of shape (n,)
    n_iter : int
        Iterations to relative change ``tol``.
    """
    A = _check_matrix(A)
    if not 0 < p < 4:
        raise ValueError(f"The Lewis-weight fixed point converges for 0 < p < 4; got p={p}.")
    w = np.ones(len(A))
    for it in range(1, max_iter + 1):
        tau = leverage_scores(A * (w ** (0.5 - 1 / p))[:, None])
        new = w ** (1 - p / 2) * tau ** (p / 2)
        change = np.max(np.abs(new - w)) / max(np.max(w), 1e-300)
        w = new
        if change < tol:
            return w, it
    return w, max_iter


def _min_lp1_with_row_fixed(M, a):
    """``min ||M x||_1`` subject to ``a^T x = 1``, through its dual LP (HiGHS).

    Dual: ``max lambda`` subject to ``M^T u = lambda a``, ``-1 <= u <= 1`` --
    ``d`` equality constraints instead of the primal's ``2 m`` inequalities.
    """
    m, d = M.shape
    c = np.zeros(m + 1)
    c[-1] = -1.0
    res = linprog(c, A_eq=np.column_stack([M.T, -a]), b_eq=np.zeros(d),
                  bounds=[(-1, 1)] * m + [(None, None)], method="highs")
    if res.status != 0:
        raise ValueError(f"The sensitivity LP failed: {res.message}")
    return -res.fun


def lp_sensitivities(A, p=1, *, method="exact", n_embedding=None, random_state=None):
    """The l_1 sensitivities ``sigma_i = max_x |a_i^T x| / ||A x||_1`` of the rows of ``A``.

    ``method="exact"`` solves one LP per row over all of ``A`` (``n`` LPs of
    size ``n``: small ``n`` only). ``method="embedding"`` solves them against
    ``S A``, a Lewis-weight sample of ``n_embedding`` rows (default
    ``20 d``) -- a constant-factor estimate at scale. Their sum (the total
    sensitivity) is at most ``d``.
    """
    A = _check_matrix(A)
    if p != 1:
        raise ValueError("Exact l_p sensitivities are implemented for p = 1 (an LP per row); "
                         "use 'lewis' or 'leverage' scores for other p.")
    if method not in ("exact", "embedding"):
        raise ValueError(f"method must be 'exact' or 'embedding'; got {method!r}.")
    M = A
    if method == "embedding":
        m = n_embedding or 20 * A.shape[1]
        w, _ = lewis_weights(A, 1)
        rows, scale = sample_rows(w, m, 1, random_state=random_state)
        M = A[rows] * scale[:, None]
    sigma = np.empty(len(A))
    for i, a in enumerate(A):
        if not np.any(a):
            sigma[i] = 0.0
            continue
        # max |a^T x| / ||M x||_1 = 1 / min{||M x||_1 : a^T x = 1}.
        sigma[i] = 1.0 / _min_lp1_with_row_fixed(M, a)
    return np.minimum(sigma, 1.0)


def row_scores(A, scores, p, *, random_state=None):
    """The named sampling scores of the rows of ``A`` for l_p regression (see :data:`SCORES`)."""
    if scores == "uniform":
        return np.ones(len(A))
    if scores == "leverage":
        return leverage_scores(A)
    if scores == "root_leverage":
        return leverage_scores(A) ** (min(p, 2) / 2)
    if scores == "lewis":
        return lewis_weights(A, p)[0]
    method = "exact" if len(A) <= 500 else "embedding"
    sigma = lp_sensitivities(A, p, method=method, random_state=random_state)
    if scores == "sensitivity":
        return sigma
    if scores == "sensitivity+leverage":
        # l2 augmentation: sensitivities plus leverage (Munteanu & Omlor).
        return sigma / sigma.sum() + leverage_scores(A) / A.shape[1]
    raise ValueError(f"scores must be one of {SCORES}; got {scores!r}.")


def sample_rows(scores, n_samples, p, *, random_state=None):
    """Keep row ``i`` with probability ``q_i = min(1, n_samples u_i / sum u)``, independently.

    Returns the kept rows' indices and their scale ``q_i^(-1/p)`` (so that
    ``sum_kept |scale_i a_i^T x|^p`` is unbiased for ``||A x||_p^p``). The
    number kept is random with mean at most ``n_samples``.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 1 or np.any(scores < 0) or not np.all(np.isfinite(scores)) \
            or scores.sum() <= 0:
        raise ValueError("scores must be a 1-D array of non-negative finite numbers, "
                         "not all zero.")
    if not isinstance(n_samples, (Integral, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int; got {n_samples!r}.")
    if not isinstance(p, Real) or p <= 0:
        raise ValueError(f"p must be positive; got {p!r}.")
    rng = check_random_state(random_state)
    q = np.minimum(1.0, n_samples * scores / scores.sum())
    keep = np.flatnonzero(rng.random_sample(len(q)) < q)
    return keep, q[keep] ** (-1.0 / p)
