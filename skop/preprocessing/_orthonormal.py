"""Orthonormalise any feature map on a finite candidate set."""

import warnings
from numbers import Real

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
    clone,
)
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def resolve_feature_map(feature_map, X):
    """Fit (a clone of) ``feature_map`` on ``X`` unless it is fitted or a callable.

    Returns
    -------
    fitted : callable or transformer or None
        What :func:`apply_feature_map` should use.
    """
    if feature_map is None or not hasattr(feature_map, "transform"):
        return feature_map
    if _is_fitted(feature_map):
        return feature_map
    return clone(feature_map).fit(X)


def apply_feature_map(feature_map, X, *, what="feature_map"):
    """Evaluate a feature map (None = identity, callable or transformer)."""
    if feature_map is None:
        Phi = X
    elif hasattr(feature_map, "transform"):
        Phi = feature_map.transform(X)
    else:
        Phi = feature_map(X)
    if hasattr(Phi, "toarray"):
        Phi = Phi.toarray()
    Phi = np.asarray(Phi, dtype=np.float64)
    if Phi.ndim != 2 or Phi.shape[0] != X.shape[0]:
        raise ValueError(
            f"{what} must return a 2D array with one row per sample; got shape "
            f"{Phi.shape} for {X.shape[0]} samples."
        )
    if not np.isfinite(Phi).all():
        raise ValueError(f"{what} returned NaN or infinity on the given points.")
    return Phi


def orthonormalize(Phi, rank_tol, rank_deficient="raise", *, what="The features"):
    """Gram-Schmidt orthonormalisation of the columns of ``Phi`` on its rows.

    A column whose distance to the span of the previous ones is below
    ``rank_tol`` times its norm is linearly dependent: ``rank_deficient="raise"``
    raises a ValueError, ``"warn"`` drops it with a warning. The QR
    factorisation runs in torch (its thread setting, no BLAS oversubscription).

    Returns
    -------
    R : ndarray of shape (r, r)
        Upper triangular with positive diagonal.
    keep : ndarray of shape (m,), dtype bool
        The ``r`` columns used.
    Psi : ndarray of shape (N, r)
        ``Phi[:, keep] R^{-1}``, orthonormal for the empirical measure:
        ``Psi^T Psi / N = I``.
    """
    N, m = Phi.shape
    if N < m:
        raise ValueError(
            f"{what} are {m} functions but there are only n_samples = {N} "
            f"candidate points: they cannot be linearly independent there. Use at "
            f"least {m} candidates or fewer features."
        )
    A = torch.as_tensor(Phi) / np.sqrt(N)
    norms = torch.linalg.vector_norm(A, dim=0).numpy()
    Qf, R = torch.linalg.qr(A)
    # |R_kk| is the distance of column k to the span of columns 0..k-1; the
    # second term absorbs the rounding error of the factorisation.
    diag = torch.diagonal(R).abs().numpy()
    floor = 100 * np.finfo(np.float64).eps * np.sqrt(m) * max(norms.max(), 1e-300)
    keep = diag > rank_tol * norms + floor
    if not keep.all():
        rank = int(keep.sum())
        msg = (
            f"{what} are rank-deficient on the candidate set: {m - rank} of {m} are "
            f"linear combinations of the previous ones (numerical rank {rank}, "
            f"n_samples = {N})."
        )
        if rank_deficient == "raise" or rank == 0:
            raise ValueError(
                msg + " Remove redundant features, lower the degree or add "
                "candidate points."
            )
        warnings.warn(msg + " They are dropped.", UserWarning, stacklevel=3)
        Qf, R = torch.linalg.qr(A[:, torch.as_tensor(keep)])
    sv = torch.linalg.svdvals(R).numpy()
    if sv[-1] <= rank_tol * sv[0]:
        raise ValueError(
            f"{what} are numerically rank-deficient on the candidate set (condition "
            f"number {sv[0] / max(sv[-1], 1e-300):.2e}, n_samples = {N}). Remove "
            "redundant features, rescale them or add candidate points."
        )
    # Fix signs so that the orthonormal functions are unique (diag R > 0).
    signs = torch.where(torch.diagonal(R) < 0, -1.0, 1.0).to(R.dtype)
    R = (R * signs[:, None]).numpy()
    Psi = (Qf * (signs * np.sqrt(N))).numpy()
    return R, keep, Psi


class OrthonormalFeatures(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Orthonormalise a feature map for the empirical measure of a candidate set.

    ``fit(X)`` takes ``X`` as the candidate set (the discrete measure ``mu``
    putting mass ``1/N`` on each row) and computes, by a QR decomposition,
    the triangular change of basis ``R`` such that the features
    ``psi(x) = phi(x) R^{-1}`` satisfy ``(1/N) sum_i psi(x_i) psi(x_i)^T = I``.
    The span and the nested order (Gram-Schmidt) of the features are kept.
    This makes any feature map (a fitted or unfitted scikit-learn transformer,
    a callable, or the identity) usable with the optimal samplers of
    :mod:`skop.sampling`.

    Parameters
    ----------
    feature_map : transformer, callable or None, default=None
        ``phi``. A transformer that is already fitted is used as is, an
        unfitted one is cloned and fitted on the candidates; a callable maps
        an array ``(n, d)`` to ``(n, m)``; ``None`` is the identity.
    rank_tol : float, default=1e-10
        A feature whose distance to the span of the previous features (on the
        candidate set) is below ``rank_tol`` times its norm is linearly
        dependent on them.
    rank_deficient : {"warn", "raise"}, default="warn"
        What to do with linearly dependent features: drop them with a warning
        saying how many (the span is unchanged), or raise a ValueError.

    Attributes
    ----------
    feature_map_ : transformer, callable or None
        The feature map used (fitted clone for an unfitted transformer).
    transform_matrix_ : ndarray of shape (n_phi, m)
        ``transform(X) = phi(X) @ transform_matrix_``: upper-triangular ``R^{-1}``
        on the independent features, zero rows for dropped ones.
    independent_features_ : ndarray of shape (n_phi,), dtype bool
        Which features of ``phi`` are kept (all unless rank-deficient).
    candidates_ : ndarray of shape (n_candidates, n_features)
        The candidate set, kept for sampling from the discrete measure.
    christoffel_ : ndarray of shape (n_candidates,)
        Inverse Christoffel function ``k_m = sum_j psi_j^2`` on the candidates
        (``m`` times the optimal sampling density, ``N`` times the leverages).
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    LegendreFeatures : A basis that is orthonormal for a continuous measure.
    skop.sampling.sample_projection_dpp : Optimal sampling on the candidates.

    Notes
    -----
    Features that are linearly dependent on the candidate set are never
    dropped silently: a warning (or, with ``rank_deficient="raise"``, an
    error) gives the numerical rank. Fewer candidates than features is an
    error.

    References
    ----------
    .. [1] A. Nouy and B. Michel, arXiv:2312.14057, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import PolynomialFeatures
    >>> from skop.preprocessing import OrthonormalFeatures
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> psi = OrthonormalFeatures(PolynomialFeatures(degree=3)).fit_transform(X)
    >>> np.allclose(psi.T @ psi / len(X), np.eye(4))
    True
    """

    _parameter_constraints = {
        "feature_map": [HasMethods(["transform"]), callable, None],
        "rank_tol": [Interval(Real, 0, 1, closed="neither")],
        "rank_deficient": [StrOptions({"warn", "raise"})],
    }

    def __init__(self, feature_map=None, *, rank_tol=1e-10, rank_deficient="warn"):
        self.feature_map = feature_map
        self.rank_tol = rank_tol
        self.rank_deficient = rank_deficient

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Orthonormalise the feature map on the candidate set ``X``.

        Parameters
        ----------
        X : array-like of shape (n_candidates, n_features)
            Candidate points defining the discrete measure.
        y : None
            Ignored.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        X = validate_data(self, X, dtype=np.float64)
        self.feature_map_ = resolve_feature_map(self.feature_map, X)
        Phi = apply_feature_map(self.feature_map_, X)
        R, keep, Psi = orthonormalize(
            Phi, self.rank_tol, self.rank_deficient, what="The features of feature_map"
        )
        self.independent_features_ = keep
        self.transform_matrix_ = np.zeros((Phi.shape[1], R.shape[0]))
        self.transform_matrix_[keep] = np.triu(np.linalg.solve(R, np.eye(R.shape[0])))
        self.candidates_ = X.copy()
        self.christoffel_ = np.einsum("ij,ij->i", Psi, Psi)
        self._n_features_out = Psi.shape[1]
        return self

    def transform(self, X):
        """Orthonormal features ``psi(X) = phi(X) R^{-1}``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Points (candidates or not).

        Returns
        -------
        features : ndarray of shape (n_samples, m)
            Orthonormal features, float64.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        Phi = apply_feature_map(self.feature_map_, X)
        if Phi.shape[1] != self.transform_matrix_.shape[0]:
            raise ValueError(
                f"feature_map returned {Phi.shape[1]} features, but "
                f"{self.transform_matrix_.shape[0]} were returned in fit."
            )
        return Phi @ self.transform_matrix_
