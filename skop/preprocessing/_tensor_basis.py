"""Orthonormal tensor-product bases as scikit-learn transformers."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from skop.preprocessing._families import (
    FAMILIES,
    Chebyshev,
    Fourier,
    Hermite,
    Legendre,
    check_bounds,
    check_loc_scale,
    evaluate_tensor,
)
from skop.preprocessing._index_sets import INDEX_SETS, multi_indices


class _TensorProductBasis(TransformerMixin, BaseEstimator):
    """Shared machinery: index set, evaluation, names, sampling structure."""

    _parameter_constraints = {
        "degree": [Interval(Integral, 0, None, closed="left")],
        "index_set": [StrOptions(set(INDEX_SETS))],
    }

    def _family(self):
        """The univariate family of every coordinate (validated)."""
        raise NotImplementedError

    def _families(self, n_features):
        """One univariate family per input dimension."""
        return [self._family()] * n_features

    def _fixed_n_features(self):
        """Input dimension fixed by the parameters, or None."""
        return None

    def _tensor_structure(self, n_features=None):
        """Families and multi-indices for ``n_features`` inputs (sampling hook).

        Used by :mod:`skop.sampling` to draw points from the measure of the
        basis. A fitted basis uses its own dimension and index set.
        """
        if hasattr(self, "multi_indices_"):
            if n_features is not None and n_features != self.n_features_in_:
                raise ValueError(
                    f"The basis was fitted on {self.n_features_in_} features, "
                    f"got n_features={n_features}."
                )
            return self._families(self.n_features_in_), self.multi_indices_
        if n_features is None:
            n_features = self._fixed_n_features() or 1
        families = self._families(n_features)
        return families, multi_indices(families, self.degree, self.index_set)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Build the index set for the number of columns of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input points; only their dimension is used.
        y : None
            Ignored.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        X = validate_data(self, X, dtype=np.float64)
        families = self._families(X.shape[1])
        self.multi_indices_ = multi_indices(families, self.degree, self.index_set)
        self.n_output_features_ = self.multi_indices_.shape[0]
        return self

    def transform(self, X):
        """Evaluate the orthonormal basis functions at ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Points. Outside the support of the measure the polynomials are
            still evaluated (extrapolated).

        Returns
        -------
        features : ndarray of shape (n_samples, m)
            Values of the basis functions, float64.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        families = self._families(X.shape[1])
        # torch cannot wrap read-only memory (e.g. memmaps): copy those.
        X = np.require(X, dtype=np.float64, requirements=["C", "W"])
        Phi = evaluate_tensor(
            families, torch.as_tensor(self.multi_indices_), torch.from_numpy(X)
        )
        return Phi.numpy()

    def get_feature_names_out(self, input_features=None):
        """Names of the basis functions, e.g. ``"L2(x0) L1(x1)"``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; defaults to the names seen in fit or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per basis function; ``"1"`` is the constant.
        """
        check_is_fitted(self)
        names_in = _check_feature_names_in(self, input_features)
        families = self._families(self.n_features_in_)
        out = []
        for idx in self.multi_indices_:
            factors = [
                fam.feature_name(int(j), name)
                for fam, j, name in zip(families, idx, names_in)
                if j != 0
            ]
            out.append(" ".join(factors) if factors else "1")
        return np.asarray(out, dtype=object)


class LegendreFeatures(_TensorProductBasis):
    """Orthonormal Legendre polynomials for the uniform measure on a box.

    Maps ``X`` of shape ``(n, d)`` to the tensor-product Legendre polynomials
    ``prod_k sqrt(2 j_k + 1) P_{j_k}(s_k)`` of the chosen index set, where ``s``
    rescales ``bounds`` to ``[-1, 1]``. They are orthonormal in
    ``L^2(mu)`` with ``mu`` the uniform *probability* measure on
    ``bounds^d``, the natural basis for optimal weighted least squares.

    Parameters
    ----------
    degree : int, default=3
        Maximal polynomial degree (see ``index_set``).
    index_set : {"total_degree", "hyperbolic_cross", "tensor"}, \
default="total_degree"
        Which products of univariate functions span the space in ``d``
        dimensions: degrees with ``sum_k deg_k <= degree``,
        ``prod_k (deg_k + 1) <= degree + 1`` or ``max_k deg_k <= degree``.
        In one dimension all three give the same basis.
    bounds : tuple of (float, float), default=(-1.0, 1.0)
        Interval of every coordinate.

    Attributes
    ----------
    multi_indices_ : ndarray of shape (m, n_features)
        Degree of each coordinate in each basis function.
    n_output_features_ : int
        Number of basis functions ``m``.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    ChebyshevFeatures : Orthonormal for the arcsine measure.
    TensorProductFeatures : Different families per coordinate.
    OrthonormalFeatures : Orthonormalise any feature map on a candidate set.
    skop.linear_model.WeightedLeastSquaresRegressor : Least squares with
        optimal sampling on this basis.

    Notes
    -----
    The inverse Christoffel function ``k_m(x) = sum_j phi_j(x)^2`` of a
    degree-``p`` Legendre basis in one dimension equals ``m^2`` at the end
    points (``m = p + 1``), which is why uniform sampling needs many more
    points than the optimal density ``k_m / m``.

    References
    ----------
    .. [1] A. Cohen and G. Migliorati, "Optimal weighted least-squares
       methods", SMAI Journal of Computational Mathematics, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.preprocessing import LegendreFeatures
    >>> basis = LegendreFeatures(degree=2).fit(np.zeros((1, 2)))
    >>> basis.get_feature_names_out().tolist()
    ['1', 'L1(x1)', 'L1(x0)', 'L2(x1)', 'L1(x0) L1(x1)', 'L2(x0)']
    >>> basis.transform([[1.0, 0.0]]).round(3)
    array([[ 1.   ,  0.   ,  1.732, -1.118,  0.   ,  2.236]])
    """

    _parameter_constraints = {
        **_TensorProductBasis._parameter_constraints,
        "bounds": ["array-like"],
    }

    def __init__(self, degree=3, *, index_set="total_degree", bounds=(-1.0, 1.0)):
        self.degree = degree
        self.index_set = index_set
        self.bounds = bounds

    def _family(self):
        return Legendre(*check_bounds(self.bounds))


class ChebyshevFeatures(_TensorProductBasis):
    """Orthonormal Chebyshev polynomials for the arcsine measure on a box.

    Tensor products of ``1`` and ``sqrt(2) T_j(s)``, orthonormal in
    ``L^2(mu)`` for the product arcsine (Chebyshev) probability measure
    ``ds / (pi sqrt(1 - s^2))`` on ``bounds^d``.

    Parameters
    ----------
    degree : int, default=3
        Maximal polynomial degree (see ``index_set``).
    index_set : {"total_degree", "hyperbolic_cross", "tensor"}, \
default="total_degree"
        Which products of univariate functions span the space in ``d``
        dimensions: degrees with ``sum_k deg_k <= degree``,
        ``prod_k (deg_k + 1) <= degree + 1`` or ``max_k deg_k <= degree``.
        In one dimension all three give the same basis.
    bounds : tuple of (float, float), default=(-1.0, 1.0)
        Interval of every coordinate.

    Attributes
    ----------
    multi_indices_ : ndarray of shape (m, n_features)
        Degree of each coordinate in each basis function.
    n_output_features_ : int
        Number of basis functions ``m``.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    LegendreFeatures : Orthonormal for the uniform measure.

    Notes
    -----
    For the arcsine measure the optimal sampling density is close to the
    measure itself: ``k_m <= 2 m`` everywhere.

    References
    ----------
    .. [1] J. C. Mason and D. C. Handscomb, "Chebyshev Polynomials", 2003.

    Examples
    --------
    >>> from skop.preprocessing import ChebyshevFeatures
    >>> ChebyshevFeatures(degree=2).fit_transform([[0.5]]).round(3)
    array([[ 1.   ,  0.707, -0.707]])
    """

    _parameter_constraints = {
        **_TensorProductBasis._parameter_constraints,
        "bounds": ["array-like"],
    }

    def __init__(self, degree=3, *, index_set="total_degree", bounds=(-1.0, 1.0)):
        self.degree = degree
        self.index_set = index_set
        self.bounds = bounds

    def _family(self):
        return Chebyshev(*check_bounds(self.bounds))


class HermiteFeatures(_TensorProductBasis):
    """Orthonormal Hermite polynomials for a Gaussian measure.

    Tensor products of ``He_j(z) / sqrt(j!)`` with ``z = (x - loc) / scale``,
    orthonormal in ``L^2(mu)`` for ``mu = N(loc, scale^2)`` in every
    coordinate (probabilists' Hermite polynomials).

    Parameters
    ----------
    degree : int, default=3
        Maximal polynomial degree (see ``index_set``).
    index_set : {"total_degree", "hyperbolic_cross", "tensor"}, \
default="total_degree"
        Which products of univariate functions span the space in ``d``
        dimensions: degrees with ``sum_k deg_k <= degree``,
        ``prod_k (deg_k + 1) <= degree + 1`` or ``max_k deg_k <= degree``.
        In one dimension all three give the same basis.
    loc : float, default=0.0
        Mean of the Gaussian measure of every coordinate.
    scale : float, default=1.0
        Standard deviation of every coordinate.

    Attributes
    ----------
    multi_indices_ : ndarray of shape (m, n_features)
        Degree of each coordinate in each basis function.
    n_output_features_ : int
        Number of basis functions ``m``.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    LegendreFeatures : Uniform measure on a box.

    Notes
    -----
    The optimal density ``k_m / m`` spreads over ``|z| <~ 2 sqrt(m)``, far
    wider than the Gaussian, so weighted least squares with optimal sampling
    is much more stable than sampling from ``mu``.

    References
    ----------
    .. [1] A. Cohen and G. Migliorati, "Optimal weighted least-squares
       methods", SMAI Journal of Computational Mathematics, 2017.

    Examples
    --------
    >>> from skop.preprocessing import HermiteFeatures
    >>> HermiteFeatures(degree=2).fit_transform([[1.0]]).round(3)
    array([[1., 1., 0.]])
    """

    _parameter_constraints = {
        **_TensorProductBasis._parameter_constraints,
        "loc": [Real],
        "scale": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, degree=3, *, index_set="total_degree", loc=0.0, scale=1.0):
        self.degree = degree
        self.index_set = index_set
        self.loc = loc
        self.scale = scale

    def _family(self):
        return Hermite(*check_loc_scale(self.loc, self.scale))


class FourierFeatures(_TensorProductBasis):
    """Real trigonometric (Fourier) basis for the uniform measure on a box.

    In one dimension: ``1``, ``sqrt(2) cos(2 pi k t)``, ``sqrt(2) sin(2 pi k t)``
    for frequencies ``k = 1..degree`` and ``t = (x - low) / (high - low)``;
    in ``d`` dimensions, their products whose frequencies satisfy
    ``index_set``. Orthonormal for the uniform probability measure.

    Parameters
    ----------
    degree : int, default=3
        Maximal frequency (see ``index_set``; the frequency plays the role
        of the degree).
    index_set : {"total_degree", "hyperbolic_cross", "tensor"}, \
default="total_degree"
        Which products of univariate functions span the space in ``d``
        dimensions: degrees with ``sum_k deg_k <= degree``,
        ``prod_k (deg_k + 1) <= degree + 1`` or ``max_k deg_k <= degree``.
        In one dimension all three give the same basis.
    bounds : tuple of (float, float), default=(0.0, 1.0)
        Period interval of every coordinate.

    Attributes
    ----------
    multi_indices_ : ndarray of shape (m, n_features)
        Index of the univariate function of each coordinate (``0`` constant,
        ``2k - 1`` cosine, ``2k`` sine of frequency ``k``).
    n_output_features_ : int
        Number of basis functions ``m``.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    LegendreFeatures : Polynomials on a box.

    Notes
    -----
    In one dimension ``k_m(x) = m`` everywhere, so the optimal density is
    the uniform measure and all weights are one.

    References
    ----------
    .. [1] A. Nouy and B. Michel, arXiv:2312.14057, 2023.

    Examples
    --------
    >>> from skop.preprocessing import FourierFeatures
    >>> FourierFeatures(degree=1).fit([[0.0]]).get_feature_names_out().tolist()
    ['1', 'cos1(x0)', 'sin1(x0)']
    """

    _parameter_constraints = {
        **_TensorProductBasis._parameter_constraints,
        "bounds": ["array-like"],
    }

    def __init__(self, degree=3, *, index_set="total_degree", bounds=(0.0, 1.0)):
        self.degree = degree
        self.index_set = index_set
        self.bounds = bounds

    def _family(self):
        return Fourier(*check_bounds(self.bounds))


_SINGLE_FAMILY_BASES = (
    LegendreFeatures,
    ChebyshevFeatures,
    HermiteFeatures,
    FourierFeatures,
)


def _family_from_spec(spec):
    """A univariate family from a name or a one-family basis transformer."""
    if isinstance(spec, str):
        if spec not in FAMILIES:
            raise ValueError(
                f"Unknown family {spec!r}; choose from {sorted(FAMILIES)} or pass "
                "a LegendreFeatures / ChebyshevFeatures / HermiteFeatures / "
                "FourierFeatures instance."
            )
        return FAMILIES[spec]()
    if type(spec) in _SINGLE_FAMILY_BASES:
        return spec._family()
    raise ValueError(
        f"Each family must be a name in {sorted(FAMILIES)} or a LegendreFeatures / "
        f"ChebyshevFeatures / HermiteFeatures / FourierFeatures instance, got {spec!r}."
    )


class TensorProductFeatures(_TensorProductBasis):
    """Orthonormal tensor-product basis with a family per coordinate.

    Combines univariate orthonormal families, e.g. Legendre in a uniform
    coordinate and Hermite in a Gaussian one, into the products allowed by
    ``index_set``. The result is orthonormal for the product measure.

    Parameters
    ----------
    families : str or list of (str or basis), default="legendre"
        A family name (``"legendre"``, ``"chebyshev"``, ``"hermite"``,
        ``"fourier"``) used for every coordinate, or one entry per coordinate.
        An entry may be a :class:`LegendreFeatures`, :class:`ChebyshevFeatures`,
        :class:`HermiteFeatures` or :class:`FourierFeatures` instance, whose
        measure parameters (``bounds``, ``loc``, ``scale``) are used; its
        ``degree`` and ``index_set`` are ignored.
    degree : int, default=3
        Maximal degree (see ``index_set``).
    index_set : {"total_degree", "hyperbolic_cross", "tensor"}, \
default="total_degree"
        Which products of univariate functions span the space in ``d``
        dimensions: degrees with ``sum_k deg_k <= degree``,
        ``prod_k (deg_k + 1) <= degree + 1`` or ``max_k deg_k <= degree``.
        In one dimension all three give the same basis.

    Attributes
    ----------
    multi_indices_ : ndarray of shape (m, n_features)
        Univariate function index of each coordinate in each basis function.
    n_output_features_ : int
        Number of basis functions ``m``.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    LegendreFeatures : The same family in every coordinate.

    Notes
    -----
    With a list of families the input dimension is fixed by the list length.

    References
    ----------
    .. [1] A. Nouy and B. Michel, arXiv:2312.14057, 2023.

    Examples
    --------
    >>> from skop.preprocessing import HermiteFeatures, TensorProductFeatures
    >>> basis = TensorProductFeatures(
    ...     ["legendre", HermiteFeatures(loc=1.0)], degree=4,
    ...     index_set="hyperbolic_cross",
    ... )
    >>> basis.fit([[0.0, 1.0]]).n_output_features_
    10
    """

    _parameter_constraints = {
        **_TensorProductBasis._parameter_constraints,
        "families": [StrOptions(set(FAMILIES)), list, tuple],
    }

    def __init__(self, families="legendre", *, degree=3, index_set="total_degree"):
        self.families = families
        self.degree = degree
        self.index_set = index_set

    def _fixed_n_features(self):
        if isinstance(self.families, (list, tuple)):
            return len(self.families)
        return None

    def _families(self, n_features):
        if isinstance(self.families, str):
            return [_family_from_spec(self.families)] * n_features
        if len(self.families) != n_features:
            raise ValueError(
                f"families lists {len(self.families)} families but X has "
                f"{n_features} features; give one family per feature or a single name."
            )
        return [_family_from_spec(spec) for spec in self.families]
