"""Extended dynamic mode decomposition: a Galerkin approximation of the Koopman operator."""

import numbers
from numbers import Real

import numpy as np
import scipy.sparse
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from skop.dynamics import _spectral
from skop.dynamics._dictionaries import MonomialDictionary


def validate_snapshot_data(estimator, X, Y):
    """Validate ``X`` (and ``Y``) in one of the three ``fit`` layouts of EDMD.

    ``Y=None``: ``X`` is one trajectory. ``Y`` with ``X``'s number of columns:
    images of the snapshots. Any other ``Y``: an observable along the
    trajectory ``X``. A trajectory needs 3 samples to give 2 pairs.
    """
    if Y is None:
        X = validate_data(estimator, X, dtype=np.float64, ensure_min_samples=3)
        return X, None
    X, Y = validate_data(
        estimator, X, Y, dtype=np.float64, multi_output=True, y_numeric=True,
        ensure_min_samples=2,
    )
    same = Y.reshape(len(Y), -1).shape[1] == X.shape[1]
    if not same and X.shape[0] < 3:
        raise ValueError(
            f"An observable Y along a trajectory X needs at least 3 samples, got "
            f"n_samples={X.shape[0]}."
        )
    return X, Y


def snapshot_pairs(X, Y):
    """Split validated data into snapshots, images and targets.

    Returns ``X_pairs, Y_pairs, T, kind`` where ``kind`` is ``"state"``
    (targets are the states) or ``"observable"`` (targets are ``y``).
    """
    if Y is None:
        return X[:-1], X[1:], X[:-1], "state"
    Y2 = Y.reshape(len(Y), -1)
    if Y2.shape[1] == X.shape[1]:
        return X, Y2, X, "state"
    # Y is an observable measured along the trajectory X.
    return X[:-1], X[1:], Y2[:-1], "observable"


class _BaseKoopman(BaseEstimator):
    """Shared fit / predict of EDMD and ResDMD (data handling, dictionary, whitening)."""

    # Whether fit keeps what residuals and pseudospectra need (twice the QR work).
    _residual_data = False

    _parameter_constraints = {
        "dictionary": [HasMethods(["fit", "transform"]), None],
        "ridge": [Interval(Real, 0, None, closed="left")],
        "rcond": [Interval(Real, 0, 1, closed="left"), None],
    }

    def __init__(self, dictionary=None, *, ridge=0.0, rcond=None):
        self.dictionary = dictionary
        self.ridge = ridge
        self.rcond = rcond

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags

    # ------------------------------------------------------------------ data
    def _evaluate_dictionary(self, X):
        Psi = self.dictionary_.transform(X)
        if scipy.sparse.issparse(Psi):
            Psi = Psi.toarray()
        Psi = np.asarray(Psi)
        if Psi.ndim != 2 or Psi.shape[0] != X.shape[0]:
            raise ValueError(
                f"The dictionary must return an array of shape (n_samples, n_functions); "
                f"got shape {Psi.shape} for {X.shape[0]} samples."
            )
        if not np.iscomplexobj(Psi):
            Psi = Psi.astype(np.float64, copy=False)
        if not np.all(np.isfinite(Psi)):
            raise ValueError(
                "The dictionary returned NaN or infinite values; rescale the states or "
                "use a dictionary that is bounded on them."
            )
        return Psi

    # ------------------------------------------------------------------- fit
    def _n_dictionary_pairs(self, n_pairs):
        """How many (leading) pairs train a learned dictionary; the rest form the quadrature."""
        return n_pairs

    def _fit(self, X, Y, weights):
        X, Y = validate_snapshot_data(self, X, Y)
        Xp, Yp, T, kind = snapshot_pairs(X, Y)
        w = _check_sample_weight(weights, X, ensure_non_negative=True)
        w = w[: len(Xp)]
        if not w.sum() > 0:
            raise ValueError("The weights of the snapshot pairs are all zero.")
        w = w / w.sum()

        dictionary = MonomialDictionary() if self.dictionary is None else self.dictionary
        # Learned dictionaries (``_fit_on_pairs``) train on the dynamics itself,
        # on the first pairs only where the quadrature must be independent of it.
        if getattr(dictionary, "_fit_on_pairs", False):
            n_fit = self._n_dictionary_pairs(len(Xp))
            self.dictionary_ = clone(dictionary).fit(Xp[:n_fit], Yp[:n_fit])
            if n_fit < len(Xp):
                Xp, Yp, T, w = Xp[n_fit:], Yp[n_fit:], T[n_fit:], w[n_fit:]
                if not w.sum() > 0:
                    raise ValueError("The weights of the held-out snapshot pairs are all zero.")
                w = w / w.sum()
        else:
            self.dictionary_ = clone(dictionary).fit(Xp)
        Psi_X, Psi_Y = self._evaluate_dictionary(Xp), self._evaluate_dictionary(Yp)
        self.n_dictionary_ = Psi_X.shape[1]
        self._n_pairs = len(Xp)
        self.target_kind_ = kind
        self._target_1d = Y is not None and Y.ndim == 1

        R_X, R_Y, R_T = _spectral.reduce_snapshots(Psi_X, Psi_Y, T, w, self._residual_data)
        U, D, C = _spectral.whiten(R_X, self.ridge, self.rcond)
        B = R_Y @ C
        self._C = C
        self._K = D[:, None] * (U.conj().T @ B)
        self._T_coef = D[:, None] * (U.conj().T @ R_T)
        self.rank_ = C.shape[1]

        lam, vec = _spectral.sorted_eig(self._K)
        vec = _spectral.normalise(vec, D)
        self.eigenvalues_ = lam
        self.eigenvectors_ = C @ vec
        self.modes_ = np.linalg.lstsq(vec, self._T_coef.astype(complex), rcond=None)[0]
        self._eig_whitened = vec
        if self._residual_data:
            self._B, self._UD = B, U * D[None, :]
        return self

    # --------------------------------------------------------------- predict
    def _whitened(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._evaluate_dictionary(X) @ self._C

    def eigenfunctions(self, X):
        """Evaluate the approximate Koopman eigenfunctions at states ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.

        Returns
        -------
        phi : ndarray of shape (n_samples, n_eigenvalues), complex
            ``phi[:, j]`` goes with ``eigenvalues_[j]``; each has unit weighted
            L2 norm on the training snapshots.
        """
        return self._whitened(X) @ self._eig_whitened

    def predict(self, X, n_steps=1):
        """Forecast the state (or the fitted observable) ``n_steps`` steps ahead.

        Uses the Koopman matrix, ``g(F^n(x)) ~ psi(x) K^n B``, which equals the
        Koopman mode expansion ``sum_j lambda_j^n phi_j(x) modes_[j]`` but stays
        accurate when eigenvectors are nearly parallel.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Initial states.
        n_steps : int, default=1
            Number of steps of the map.

        Returns
        -------
        Y_pred : ndarray of shape (n_samples, n_targets) or (n_samples,)
            Forecast; 1-D when ``fit`` got a 1-D ``y``.
        """
        if not isinstance(n_steps, numbers.Integral) or n_steps < 0:
            raise ValueError(f"n_steps must be a non-negative integer, got {n_steps!r}.")
        Phi = self._whitened(X)
        out = Phi @ np.linalg.matrix_power(self._K, int(n_steps)) @ self._T_coef
        if np.iscomplexobj(out):
            out = out.real
        return out.ravel() if self._target_1d else out

    def score(self, X, y=None, sample_weight=None):
        """One-step coefficient of determination :math:`R^2`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Snapshots, or one trajectory when ``y`` is None.
        y : array-like, default=None
            Images ``F(x)`` (same shape as ``X``), or the observable along the
            trajectory ``X`` when the model was fitted to one.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the snapshot pairs in the average.

        Returns
        -------
        score : float
            :math:`R^2` of ``predict(x_m)`` against the true next value.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if y is None:
            if self.target_kind_ == "observable":
                raise ValueError(
                    "This model forecasts an observable: pass its values along the trajectory "
                    "as Y."
                )
            X_in, target = X[:-1], X[1:]
        else:
            Y = np.asarray(y, dtype=np.float64)
            Y = Y.reshape(len(Y), -1)
            if self.target_kind_ == "state" and Y.shape[1] == X.shape[1]:
                X_in, target = X, Y
            else:
                X_in, target = X[:-1], Y[1:]
        w = None if sample_weight is None else np.asarray(sample_weight)[: len(X_in)]
        pred = self.predict(X_in).reshape(len(X_in), -1)
        if pred.shape[1] != target.shape[1]:
            raise ValueError(
                f"Y has {target.shape[1]} columns but the model forecasts {pred.shape[1]}."
            )
        return r2_score(target, pred, sample_weight=w)


class EDMD(_BaseKoopman):
    """Extended dynamic mode decomposition (EDMD) of a map from snapshot pairs.

    Approximates the Koopman operator ``K g = g o F`` of a map ``F`` on the span
    of a dictionary ``psi_1, ..., psi_N`` by the Galerkin matrix
    ``K = G^{-1} A`` with ``G = Psi_X^* W Psi_X`` and ``A = Psi_X^* W Psi_Y``,
    and returns its eigenvalues, eigenfunctions and Koopman modes. EDMD cannot
    tell true spectrum from the spurious eigenvalues of the truncation; use
    :class:`ResDMD` for residuals and pseudospectra.

    Parameters
    ----------
    dictionary : transformer or None, default=None
        Any scikit-learn transformer mapping states to observables
        (:class:`MonomialDictionary`, :class:`FourierDictionary`,
        :class:`RBFDictionary`, ``PolynomialFeatures``, ``Nystroem``, a
        ``Pipeline``...). It is cloned and fitted on the snapshots. ``None``
        uses ``MonomialDictionary(degree=2)``.
    ridge : float, default=0.0
        Tikhonov term added to ``G``, relative to its largest eigenvalue.
        Stabilises noisy, nearly dependent dictionaries at the price of a bias.
    rcond : float or None, default=None
        Whitened directions with singular value below ``rcond`` times the
        largest are dropped (functions that vanish on the data). ``None`` uses
        ``max(k, N) * eps``.

    Attributes
    ----------
    dictionary_ : transformer
        The fitted dictionary.
    n_dictionary_ : int
        Number of dictionary functions ``N``.
    rank_ : int
        Number of independent dictionary directions kept (``<= N``).
    eigenvalues_ : ndarray of shape (n_eigenvalues,), complex
        Koopman eigenvalue approximations, by decreasing modulus.
    eigenvectors_ : ndarray of shape (n_functions, n_eigenvalues), complex
        Coefficients of the eigenfunctions in the dictionary:
        ``phi_j = psi @ eigenvectors_[:, j]``.
    modes_ : ndarray of shape (n_eigenvalues, n_targets), complex
        Koopman modes: ``target(x) ~ sum_j phi_j(x) modes_[j]``.
    target_kind_ : {"state", "observable"}
        What ``predict`` forecasts.
    n_features_in_ : int
        Number of state variables.
    feature_names_in_ : ndarray of shape (n_features,)
        State variable names, when ``X`` had string column names.

    See Also
    --------
    ResDMD : EDMD with residuals and pseudospectra.

    Notes
    -----
    ``fit`` accepts three layouts. ``y=None``: ``X`` is one trajectory and the
    pairs are consecutive rows. ``y`` with as many columns as ``X``: snapshot
    pairs ``y[m] = F(X[m])`` in any order. Otherwise ``X`` is a trajectory and
    ``y`` an observable (an output) measured along it; ``predict`` then
    forecasts that observable.

    The computation uses one QR factorisation of the weighted snapshot matrix
    and works with its small triangular factor, so memory after the
    dictionary evaluation is ``O(N^2)``.

    References
    ----------
    .. [1] M. O. Williams, I. G. Kevrekidis, C. W. Rowley, "A data-driven
       approximation of the Koopman operator: extending dynamic mode
       decomposition", J. Nonlinear Sci. 25 (2015).

    Examples
    --------
    >>> import numpy as np
    >>> from skop.dynamics import EDMD, MonomialDictionary
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> edmd = EDMD(MonomialDictionary(degree=3)).fit(X, 0.5 * X)
    >>> np.round(edmd.eigenvalues_.real, 6)
    array([1.   , 0.5  , 0.25 , 0.125])
    >>> edmd.predict([[0.8]], n_steps=2)
    array([[0.2]])
    """

    @_fit_context(
        # The dictionary is a user estimator: let its own fit validate its parameters.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, weights=None):
        """Fit the Koopman matrix to snapshot pairs or to a trajectory.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Snapshots ``x_m``, or one trajectory (rows in time order) when ``y``
            is None or is an observable.
        y : array-like of shape (n_samples, n_features) or (n_samples, n_outputs), default=None
            Images ``F(x_m)``; or values of an observable along the trajectory
            ``X`` when its number of columns differs from ``X``'s.
        weights : array-like of shape (n_samples,), default=None
            Quadrature weights ``w_m`` of the snapshot pairs (normalised to sum
            to one; uniform by default). For a trajectory the pair
            ``(x_m, x_{m+1})`` gets ``weights[m]``.

        Returns
        -------
        self : EDMD
            The fitted estimator.
        """
        return self._fit(X, y, weights)
