"""Weighted least squares in orthonormal coordinates, with the Gram condition number."""

import warnings

import numpy as np

# Below this ratio of singular values the weighted Gram matrix counts as
# singular (its condition number, the square, exceeds 1e24).
_SINGULAR_RATIO = 1e-12


def weighted_lstsq(Psi, y, w):
    """Solve ``min_a sum_i w_i (y_i - Psi_i a)^2`` and report ``cond(G)``.

    Parameters
    ----------
    Psi : ndarray of shape (n, m)
        Orthonormal features at the sample points.
    y : ndarray of shape (n,)
        Observations.
    w : ndarray of shape (n,)
        Positive weights ``m / k_m(x_i)``.

    Returns
    -------
    coef : ndarray of shape (m,)
        Coefficients in the orthonormal basis (minimum-norm if singular).
    gram_cond : float
        Condition number of ``G = (1/n) sum_i w_i Psi_i Psi_i^T`` (``inf`` when
        singular).
    """
    sw = np.sqrt(w)
    A = Psi * sw[:, None]
    b = y * sw
    # lstsq on sqrt(w) Psi avoids squaring the condition number of G.
    coef, _, _, sv = np.linalg.lstsq(A, b, rcond=None)
    ratio = sv[-1] / sv[0] if sv[0] > 0 else 0.0
    if len(sv) < Psi.shape[1] or ratio < _SINGULAR_RATIO:
        warnings.warn(
            "The weighted Gram matrix of the sample is singular (repeated or too few "
            "distinct points); the minimum-norm solution is returned. Use more "
            "samples or sampling='dpp_repeat' / 'volume', which always give a "
            "nonsingular Gram matrix.",
            RuntimeWarning,
            stacklevel=3,
        )
        return coef, np.inf
    return coef, float(1.0 / ratio**2)
