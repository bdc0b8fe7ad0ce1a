"""Residual DMD: EDMD eigenpairs with a verified residual, and pseudospectra."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted

from skop.dynamics import _spectral
from skop.dynamics._edmd import _BaseKoopman
from skop.utils import resolve_device


class ResDMD(_BaseKoopman):
    """Residual DMD: Koopman eigenpairs with residuals, and pseudospectra.

    Computes the EDMD eigenpairs ``A v = lambda G v`` and, for each, the
    relative residual of the eigenfunction ``g = Psi v`` under the true
    Koopman operator, estimated from the same snapshots::

        res(lambda, v)^2 = v^* (L - lambda A^* - conj(lambda) A + |lambda|^2 G) v / v^* G v
                         = ||(Psi_Y - lambda Psi_X) v||_W^2 / ||Psi_X v||_W^2,

    with ``L = Psi_Y^* W Psi_Y``. A small residual certifies that ``lambda``
    is close to the spectrum of the Koopman operator (not only of its
    truncation); a large one marks a spurious eigenvalue. :meth:`pseudospectrum`
    minimises the same residual over the whole dictionary span.

    Parameters
    ----------
    dictionary : transformer or None, default=None
        Any scikit-learn transformer mapping states to observables. ``None``
        uses ``MonomialDictionary(degree=2)``.
    epsilon : float, default=0.1
        Residual threshold: eigenpairs with ``residuals_ <= epsilon`` are
        marked in ``verified_``.
    ridge : float, default=0.0
        Tikhonov term added to ``G``, relative to its largest eigenvalue.
    rcond : float or None, default=None
        Relative cut-off for numerically dependent dictionary directions.
    device : str, default="auto"
        Where :meth:`pseudospectrum` runs its batched SVDs (``"auto"``: CUDA
        when available). Fitting runs in numpy.
    dictionary_fraction : float, default=0.5
        For a dictionary learned from the dynamics (e.g.
        :class:`NeuralDictionary`): the fraction of the snapshot pairs, the
        first ones, that train it. The matrices, eigenpairs, residuals and
        pseudospectra are computed on the remaining pairs, so a residual is
        never measured on the pairs the dictionary was fitted to (there it
        would be biased low). Fixed dictionaries use every pair.

    Attributes
    ----------
    dictionary_ : transformer
        The fitted dictionary.
    n_dictionary_ : int
        Number of dictionary functions ``N``.
    rank_ : int
        Number of independent dictionary directions kept.
    eigenvalues_ : ndarray of shape (n_eigenvalues,), complex
        All EDMD eigenvalues, by decreasing modulus.
    residuals_ : ndarray of shape (n_eigenvalues,)
        Relative residual of each eigenpair.
    verified_ : ndarray of shape (n_eigenvalues,), bool
        ``residuals_ <= epsilon``.
    eigenvectors_ : ndarray of shape (n_functions, n_eigenvalues), complex
        Coefficients of the eigenfunctions in the dictionary.
    modes_ : ndarray of shape (n_eigenvalues, n_targets), complex
        Koopman modes.
    target_kind_ : {"state", "observable"}
        What ``predict`` forecasts.
    n_features_in_ : int
        Number of state variables.
    feature_names_in_ : ndarray of shape (n_features,)
        State variable names, when ``X`` had string column names.

    See Also
    --------
    EDMD : The eigenpairs without residuals.
    KoopmanSpectrumDisplay : Eigenvalues coloured by residual over pseudospectrum contours.

    Notes
    -----
    The residual is a quadrature estimate: it converges as the snapshots fill
    the state space (Monte Carlo rate ``M^{-1/2}`` for random samples). When
    ``N >= M`` the dictionary interpolates the data and every residual is zero;
    use more snapshots than functions.

    ``fit`` accepts the same layouts as :class:`EDMD`.

    References
    ----------
    .. [1] M. J. Colbrook, A. Townsend, "Rigorous data-driven computation of
       spectral properties of Koopman operators for dynamical systems",
       Comm. Pure Appl. Math. 77 (2024).
    .. [2] M. J. Colbrook, "The multiverse of dynamic mode decomposition
       algorithms", Handbook of Numerical Analysis (2024).

    Examples
    --------
    >>> import numpy as np
    >>> from skop.dynamics import MonomialDictionary, ResDMD
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> res = ResDMD(MonomialDictionary(degree=3)).fit(X, 0.5 * X)
    >>> bool(res.residuals_.max() < 1e-10)
    True
    >>> tau = res.pseudospectrum(np.array([0.5, 2.0]))
    >>> bool(tau[0] < 1e-10), bool(tau[1] > 0.5)
    (True, True)
    """

    _residual_data = True

    _parameter_constraints = {
        **_BaseKoopman._parameter_constraints,
        "epsilon": [Interval(Real, 0, None, closed="left")],
        "device": [str, HasMethods(["__str__"])],
        "dictionary_fraction": [Interval(Real, 0, 1, closed="neither")],
    }

    def __init__(self, dictionary=None, *, epsilon=0.1, ridge=0.0, rcond=None, device="auto",
                 dictionary_fraction=0.5):
        super().__init__(dictionary, ridge=ridge, rcond=rcond)
        self.epsilon = epsilon
        self.device = device
        self.dictionary_fraction = dictionary_fraction

    def _n_dictionary_pairs(self, n_pairs):
        n_fit = int(round(self.dictionary_fraction * n_pairs))
        if not 1 <= n_fit < n_pairs:
            raise ValueError(
                f"dictionary_fraction={self.dictionary_fraction} of {n_pairs} snapshot pairs "
                "leaves no pair to train the dictionary or none to measure residuals on."
            )
        return n_fit

    @_fit_context(
        # The dictionary is a user estimator: let its own fit validate its parameters.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, weights=None):
        """Fit the eigenpairs and their residuals.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Snapshots ``x_m``, or one trajectory when ``y`` is None or an observable.
        y : array-like of shape (n_samples, n_features) or (n_samples, n_outputs), default=None
            Images ``F(x_m)``, or an observable along the trajectory ``X``.
        weights : array-like of shape (n_samples,), default=None
            Quadrature weights of the snapshot pairs (uniform by default).

        Returns
        -------
        self : ResDMD
            The fitted estimator.
        """
        self.device_ = resolve_device(self.device)
        self._fit(X, y, weights)
        self.residuals_ = _spectral.residuals(
            self._B, self._UD, self.eigenvalues_, self._eig_whitened
        )
        self.verified_ = self.residuals_ <= self.epsilon
        if self.rank_ >= self._n_pairs:
            warnings.warn(
                f"The dictionary spans all {self._n_pairs} snapshot pairs (rank {self.rank_}), "
                "so every residual is zero by construction and verifies nothing. Use more "
                "snapshots than dictionary functions.",
                UserWarning,
                stacklevel=2,
            )
        return self

    def pseudospectrum(self, z, batch_size=None):
        """Minimal relative residual ``tau(z)`` over the dictionary span.

        ``tau(z) = min_v ||(Psi_Y - z Psi_X) v||_W / ||Psi_X v||_W``, i.e. the
        square root of the smallest eigenvalue of the generalised Hermitian
        problem ``(L - z A^* - conj(z) A + |z|^2 G, G)``, computed in whitened
        coordinates as a batched ``rank_ x rank_`` Hermitian eigenvalue problem,
        with a singular value decomposition where ``tau`` is too small for
        squared quantities to resolve it. It bounds
        ``||(K - z)^{-1}||^{-1}`` from above as the quadrature converges, so
        ``{z : tau(z) < epsilon}`` approximates the epsilon-pseudospectrum
        without spurious eigenvalues.

        Parameters
        ----------
        z : complex or array-like of complex
            Points of the complex plane, any shape (e.g. a meshgrid ``x + 1j * y``).
        batch_size : int or None, default=None
            Points per batched SVD; ``None`` keeps each batch under 32 MiB.

        Returns
        -------
        tau : ndarray of float, same shape as ``z``
            Non-negative; ``tau(lambda_j) <= residuals_[j]`` for every eigenvalue.
        """
        check_is_fitted(self)
        z = np.asarray(z)
        if not np.issubdtype(z.dtype, np.number) or not np.all(np.isfinite(z)):
            raise ValueError("z must be finite (complex) numbers.")
        if batch_size is not None and (not isinstance(batch_size, Integral) or batch_size < 1):
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
        return _spectral.pseudospectrum(self._B, self._UD, z, self.device_, batch_size)
