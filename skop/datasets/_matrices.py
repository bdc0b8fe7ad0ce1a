"""Matrices with planted structure: heavy rows for l_p regression, spiked rows for streaming PCA."""

import numpy as np


def make_heavy_row_regression(n_samples=20000, n_features=9, *, n_heavy=8, heavy_scale=1000.0,
                              random_state=None):
    """Linear data with Laplace noise and a few heavy rows that follow another trend.

    ``y = X w + Laplace(0, 1)`` for ``X`` standard normal; ``n_heavy`` rows of
    ``X`` are scaled by ``heavy_scale`` and their responses follow another
    coefficient vector, so an l_1 fit that misses them (uniform row sampling)
    pays for them on the full data.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    heavy : ndarray of shape (n_heavy,)
        The heavy rows' indices.
    """
    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n_samples, n_features))
    y = X @ rng.normal(size=n_features) + rng.laplace(size=n_samples)
    heavy = rng.choice(n_samples, n_heavy, replace=False)
    X[heavy] *= heavy_scale
    y[heavy] = X[heavy] @ rng.normal(size=n_features)
    return X, y, heavy


def make_spiked_rows(n_samples=20000, n_features=100, *, spike=15.0, n_heavy=5, heavy_weight=4.0,
                     random_state=None):
    """Rows with covariance ``I + (spike - 1) v v^T`` and planted heavy rows in random directions.

    Each heavy row has ``||a||^2 = heavy_weight ||A||_F^2 / (d log d)``, above
    the heavy threshold of a streaming top-eigenvector method.

    Returns
    -------
    A : ndarray of shape (n_samples, n_features)
    v1 : ndarray of shape (n_features,)
        The exact top eigenvector of ``A^T A`` (heavy rows included).
    gap : float
        The eigengap ``sigma_1^2 / sigma_2^2`` of ``A``.
    """
    rng = np.random.default_rng(random_state)
    v = rng.standard_normal(n_features)
    v /= np.linalg.norm(v)
    G = rng.standard_normal((n_samples, n_features))
    A = G + (np.sqrt(spike) - 1) * np.outer(G @ v, v)
    if n_heavy:
        U = rng.standard_normal((n_heavy, n_features))
        U /= np.linalg.norm(U, axis=1, keepdims=True)
        d = n_features
        A[rng.choice(n_samples, n_heavy, replace=False)] = U * np.sqrt(
            heavy_weight * (A ** 2).sum() / (d * np.log(d)))
    w, V = np.linalg.eigh(A.T @ A)
    return A, V[:, -1], float(w[-1] / w[-2])
