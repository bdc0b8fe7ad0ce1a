"""Built-in dictionaries of observables for EDMD / ResDMD.

A dictionary is an ordinary scikit-learn transformer that maps states
``(n_samples, n_features)`` to observables ``(n_samples, n_dictionary)``. Any
transformer works (``PolynomialFeatures``, ``RBFSampler``, ``Nystroem``, a
``Pipeline``...); the three here are the classical choices of the Koopman
literature, with the conventions (a constant function, periodic wavenumbers)
that make the Koopman spectrum easy to read.
"""

import itertools
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.preprocessing import PolynomialFeatures
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data


class MonomialDictionary(TransformerMixin, BaseEstimator):
    """All monomials of the state up to a total degree.

    Parameters
    ----------
    degree : int, default=2
        Largest total degree.
    include_bias : bool, default=True
        Include the constant function, the eigenfunction of every Koopman
        operator with eigenvalue 1.

    Attributes
    ----------
    n_features_in_ : int
        Number of state variables seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the state variables, when ``X`` had string column names.
    n_output_features_ : int
        Number of monomials.
    powers_ : ndarray of shape (n_functions, n_features)
        Exponent of each state variable in each monomial.

    See Also
    --------
    FourierDictionary : Trigonometric functions for periodic states.
    RBFDictionary : Gaussian bumps at centres drawn from the data.

    Notes
    -----
    Monomials are badly conditioned on large boxes; scale the states to about
    ``[-1, 1]`` first (EDMD whitens the dictionary, but cannot restore digits
    already lost).

    Examples
    --------
    >>> import numpy as np
    >>> from skop.dynamics import MonomialDictionary
    >>> MonomialDictionary(degree=2).fit_transform(np.array([[2.0, 3.0]]))
    array([[1., 2., 3., 4., 6., 9.]])
    """

    _parameter_constraints = {
        "degree": [Interval(Integral, 0, None, closed="left")],
        "include_bias": ["boolean"],
    }

    def __init__(self, degree=2, *, include_bias=True):
        self.degree = degree
        self.include_bias = include_bias

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Enumerate the monomials for the number of state variables in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.
        y : None
            Ignored.

        Returns
        -------
        self : MonomialDictionary
            Fitted dictionary.
        """
        X = validate_data(self, X, dtype=np.float64)
        if self.degree == 0 and not self.include_bias:
            raise ValueError("degree=0 with include_bias=False gives an empty dictionary.")
        self._poly = PolynomialFeatures(self.degree, include_bias=self.include_bias).fit(X)
        self.powers_ = self._poly.powers_
        self.n_output_features_ = self.powers_.shape[0]
        return self

    def transform(self, X):
        """Evaluate the monomials.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.

        Returns
        -------
        Psi : ndarray of shape (n_samples, n_functions)
            Dictionary values.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._poly.transform(X)

    def get_feature_names_out(self, input_features=None):
        """Monomial names such as ``"x0^2 x1"``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            State variable names; defaults to ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str
            One name per monomial.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return self._poly.get_feature_names_out(names)


class FourierDictionary(TransformerMixin, BaseEstimator):
    """Real Fourier basis on a periodic box: ``1, cos(k.x), sin(k.x)``.

    The wavenumbers are all integer vectors ``k`` with ``|k_i| <= n_modes``;
    ``k`` and ``-k`` give one cosine and one sine, so the dictionary has
    ``(2 * n_modes + 1) ** n_features`` functions and spans the same space as
    the complex exponentials ``exp(2 pi i k.x / period)``.

    Parameters
    ----------
    n_modes : int, default=3
        Largest wavenumber per state variable.
    period : float, default=2 * pi
        Period of every state variable.

    Attributes
    ----------
    n_features_in_ : int
        Number of state variables seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the state variables, when ``X`` had string column names.
    wavenumbers_ : ndarray of shape (n_waves, n_features)
        One representative ``k`` of each pair ``{k, -k}``, ``k != 0``.
    n_output_features_ : int
        ``1 + 2 * n_waves``.

    See Also
    --------
    MonomialDictionary : Polynomials.
    RBFDictionary : Gaussian bumps.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.dynamics import FourierDictionary
    >>> FourierDictionary(n_modes=1).fit(np.zeros((1, 2))).n_output_features_
    9
    """

    _parameter_constraints = {
        "n_modes": [Interval(Integral, 0, None, closed="left")],
        "period": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, n_modes=3, *, period=2 * np.pi):
        self.n_modes = n_modes
        self.period = period

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Enumerate the wavenumbers for the number of state variables in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.
        y : None
            Ignored.

        Returns
        -------
        self : FourierDictionary
            Fitted dictionary.
        """
        X = validate_data(self, X, dtype=np.float64)
        n_out = (2 * self.n_modes + 1) ** X.shape[1]
        if n_out > 100_000:
            raise ValueError(
                f"n_modes={self.n_modes} with {X.shape[1]} state variables gives {n_out} "
                "functions; use fewer modes or another dictionary."
            )
        ks = np.array(
            list(itertools.product(range(-self.n_modes, self.n_modes + 1), repeat=X.shape[1])),
            dtype=np.int64,
        ).reshape(-1, X.shape[1])
        # Keep one of k and -k: the first non-zero entry positive (lexicographic half).
        first = np.array([k[np.flatnonzero(k)[0]] if k.any() else 0 for k in ks])
        self.wavenumbers_ = ks[first > 0]
        self.n_output_features_ = 1 + 2 * len(self.wavenumbers_)
        return self

    def transform(self, X):
        """Evaluate ``[1, cos(k.x), ..., sin(k.x), ...]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.

        Returns
        -------
        Psi : ndarray of shape (n_samples, n_functions)
            Dictionary values.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        phase = (2 * np.pi / self.period) * (X @ self.wavenumbers_.T)
        return np.hstack([np.ones((X.shape[0], 1)), np.cos(phase), np.sin(phase)])

    def get_feature_names_out(self, input_features=None):
        """Names ``"1"``, ``"cos(k)"``, ``"sin(k)"`` with ``k`` the wavenumber.

        Parameters
        ----------
        input_features : None
            Unused; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str
            One name per function.
        """
        check_is_fitted(self)
        ks = [",".join(str(int(v)) for v in k) for k in self.wavenumbers_]
        names = ["1"] + [f"cos({k})" for k in ks] + [f"sin({k})" for k in ks]
        return np.asarray(names, dtype=object)


class RBFDictionary(TransformerMixin, BaseEstimator):
    """Gaussian radial basis functions centred on states drawn from the data.

    ``psi_j(x) = exp(-gamma * ||x - c_j||^2)``, with centres ``c_j`` a random
    subset of the training states, plus an optional constant function.

    Parameters
    ----------
    n_centers : int, default=100
        Number of centres (capped at the number of training states).
    gamma : float or None, default=None
        Inverse squared width. ``None`` uses ``1 / (n_features * X.var())``,
        scikit-learn's ``"scale"`` heuristic.
    include_bias : bool, default=True
        Add the constant function.
    random_state : int, RandomState instance or None, default=None
        Chooses the centres.

    Attributes
    ----------
    n_features_in_ : int
        Number of state variables seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the state variables, when ``X`` had string column names.
    centers_ : ndarray of shape (n_centers, n_features)
        The centres.
    gamma_ : float
        The inverse squared width used.
    n_output_features_ : int
        Number of functions.

    See Also
    --------
    MonomialDictionary : Polynomials.
    FourierDictionary : Trigonometric functions.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.dynamics import RBFDictionary
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> RBFDictionary(n_centers=10, random_state=0).fit_transform(X).shape
    (50, 11)
    """

    _parameter_constraints = {
        "n_centers": [Interval(Integral, 1, None, closed="left")],
        "gamma": [Interval(Real, 0, None, closed="neither"), None],
        "include_bias": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, n_centers=100, *, gamma=None, include_bias=True, random_state=None):
        self.n_centers = n_centers
        self.gamma = gamma
        self.include_bias = include_bias
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Draw the centres from ``X`` and set the width.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.
        y : None
            Ignored.

        Returns
        -------
        self : RBFDictionary
            Fitted dictionary.
        """
        X = validate_data(self, X, dtype=np.float64)
        rng = check_random_state(self.random_state)
        n = min(self.n_centers, X.shape[0])
        self.centers_ = X[np.sort(rng.choice(X.shape[0], size=n, replace=False))].copy()
        if self.gamma is None:
            var = X.var()
            self.gamma_ = 1.0 / (X.shape[1] * var) if var > 0 else 1.0
        else:
            self.gamma_ = float(self.gamma)
        self.n_output_features_ = n + int(self.include_bias)
        return self

    def transform(self, X):
        """Evaluate the Gaussians (and the constant).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.

        Returns
        -------
        Psi : ndarray of shape (n_samples, n_functions)
            Dictionary values.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        # ||x - c||^2 expanded, clipped at 0 against rounding.
        sq = (
            (X**2).sum(1)[:, None] - 2 * X @ self.centers_.T + (self.centers_**2).sum(1)[None, :]
        )
        Psi = np.exp(-self.gamma_ * np.maximum(sq, 0.0))
        if self.include_bias:
            Psi = np.hstack([np.ones((X.shape[0], 1)), Psi])
        return Psi

    def get_feature_names_out(self, input_features=None):
        """Names ``"rbfdictionary0", ...`` (``"1"`` first with the bias).

        Parameters
        ----------
        input_features : None
            Unused; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str
            One name per function.
        """
        check_is_fitted(self)
        names = [f"rbfdictionary{j}" for j in range(len(self.centers_))]
        if self.include_bias:
            names = ["1"] + names
        return np.asarray(names, dtype=object)
