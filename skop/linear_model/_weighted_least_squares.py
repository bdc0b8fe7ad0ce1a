"""Optimal weighted least squares with DPP and volume sampling (Nouy & Michel)."""

import math
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context, clone
from sklearn.utils import check_array
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from skop.linear_model._wls_solve import weighted_lstsq
from skop.preprocessing import LegendreFeatures, OrthonormalFeatures
from skop.preprocessing._orthonormal import apply_feature_map, orthonormalize
from skop.preprocessing._tensor_basis import _TensorProductBasis
from skop.sampling import (
    sample_christoffel,
    sample_christoffel_points,
    sample_dpp_repetitions,
    sample_dpp_repetitions_points,
    sample_projection_dpp,
    sample_projection_dpp_points,
    sample_volume_rescaled,
    sample_volume_rescaled_points,
)
from skop.sampling._continuous import basis_size
from skop.utils import resolve_device

# sampling -> (sampler of rows of an orthonormal Q, sampler of a basis's domain)
_SAMPLERS = {
    "dpp": (sample_projection_dpp, sample_projection_dpp_points),
    "dpp_repeat": (sample_dpp_repetitions, sample_dpp_repetitions_points),
    "volume": (sample_volume_rescaled, sample_volume_rescaled_points),
    "iid": (sample_christoffel, sample_christoffel_points),
}
# Features of the pool that are dependent up to this relative tolerance are
# rejected: the least-squares problem would be ill-posed.
_RANK_TOL = 1e-10


def _basis_or_default(basis):
    """The ``basis`` parameter, ``None`` meaning ``LegendreFeatures(degree=1)``."""
    return LegendreFeatures(degree=1) if basis is None else basis


class WeightedLeastSquaresRegressor(RegressorMixin, BaseEstimator):
    """Least squares on an orthonormal basis from optimally sampled points.

    Approximates ``f`` by ``phi(x)^T c`` in ``V_m = span(phi_1, ..., phi_m)``
    from ``n`` evaluations at random points, weighted by ``w(x) = m / k_m(x)``
    with ``k_m(x) = sum_j phi_j(x)^2`` (the inverse Christoffel function of an
    orthonormal basis). The points come from the optimal density ``k_m / m``
    (``"iid"``), a projection determinantal point process (``"dpp"``, exactly
    ``n = m`` points), independent DPP repetitions (``"dpp_repeat"``) or
    generalised volume-rescaled sampling (``"volume"``). The last three give an
    error within a small factor of the best approximation with ``n`` a small
    multiple of ``m``, where i.i.d. sampling needs ``n ~ m log m``.

    Two uses:

    * ``mode="pool"`` (experimental design, coreset regression): ``fit(X, y)``
      treats the rows of ``X`` as the candidate pool (the measure is uniform on
      them), orthonormalises the basis on the pool, selects ``n`` rows with the
      sampler and fits on them. **Only** ``y[sample_indices_]`` **is read**: the
      other labels do not change the fit (any finite placeholder will do), and
      :meth:`select` returns the rows to label beforehand.
    * ``mode="design"``: :meth:`sample_design` returns points drawn from the
      measure of the basis (e.g. uniform on a box for Legendre); evaluate ``f``
      there and call ``fit(X, y)``, which weights the given points.

    Parameters
    ----------
    basis : transformer, callable or None, default=None
        Feature map ``phi``. In pool mode any transformer or callable works (it
        is orthonormalised on the pool); in design mode it must be a skop
        orthonormal basis (:class:`~skop.preprocessing.LegendreFeatures`, ...)
        or a fitted :class:`~skop.preprocessing.OrthonormalFeatures` wrapped in
        :class:`sklearn.frozen.FrozenEstimator`. Transformers are cloned and
        fitted on ``X`` (wrap a pre-fitted one in ``FrozenEstimator``).
        ``None`` is ``LegendreFeatures(degree=1)``.
    sampling : {"dpp", "dpp_repeat", "volume", "iid"}, default="dpp_repeat"
        Sampler of the ``n`` points.
    n_samples : int, float or None, default=None
        Number of points ``n``: an int, or a float ratio ``n / m`` (rounded).
        ``None`` is ``m`` for ``"dpp"`` and ``2 m`` otherwise. ``"dpp"`` needs
        ``n = m`` and ``"dpp_repeat"`` a multiple of ``m``.
    mode : {"pool", "design"}, default="pool"
        Whether ``fit`` selects rows of ``X`` (pool) or uses all of them as the
        sample points (design).
    rank_deficient : {"warn", "raise"}, default="warn"
        Pool mode: basis functions that are linear combinations of others on
        the pool are dropped with a warning (their coefficient is 0), or raise
        a ValueError.
    device : str or torch.device, default="auto"
        Where the samplers run (``"auto"``: CUDA when available).
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
            default=None
        Seed of the sampler.

    Attributes
    ----------
    basis_ : transformer or callable
        The fitted feature map.
    coef_ : ndarray of shape (m,)
        Coefficients on the features of ``basis_``: ``predict(X) = basis_(X) @ coef_``.
    weights_ : ndarray of shape (n,)
        Weights ``m / k_m(x_i)`` of the sample points.
    sample_indices_ : ndarray of shape (n,)
        Pool mode: rows of ``X`` used (repeats possible except for ``"dpp"``).
    design_ : ndarray of shape (n, n_features)
        The sample points used.
    gram_cond_ : float
        Condition number of the weighted Gram matrix
        ``G = (1/n) sum_i w_i psi(x_i) psi(x_i)^T`` in orthonormal coordinates.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    skop.sampling.sample_projection_dpp : The DPP sampler on a candidate set.
    skop.preprocessing.LegendreFeatures : An orthonormal polynomial basis.

    Notes
    -----
    With ``G`` the weighted Gram matrix and ``b = (1/n) sum_i w_i psi_i y_i``,
    the coefficients solve ``G a = b`` (computed by a least-squares solve of
    ``sqrt(w) Psi``). For a projection DPP with ``n = m`` the fit interpolates
    and, on a discrete measure, ``E ||f - f_n||^2 = (m + 1) ||f - P_m f||^2``;
    DPP and volume-rescaled estimators are unbiased, i.i.d. ones are not.

    References
    ----------
    .. [1] A. Nouy and B. Michel, "Weighted least-squares approximation with
       determinantal point processes and generalized volume sampling",
       arXiv:2312.14057, 2023.
    .. [2] A. Cohen and G. Migliorati, "Optimal weighted least-squares methods",
       SMAI Journal of Computational Mathematics, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.linear_model import WeightedLeastSquaresRegressor
    >>> from skop.preprocessing import LegendreFeatures
    >>> X = np.linspace(-1, 1, 500).reshape(-1, 1)
    >>> y = np.exp(X[:, 0])
    >>> reg = WeightedLeastSquaresRegressor(LegendreFeatures(degree=6),
    ...                                     n_samples=14, random_state=0)
    >>> reg.fit(X, y).sample_indices_.shape
    (14,)
    >>> bool(np.abs(reg.predict(X) - y).max() < 1e-4)
    True
    >>> design = WeightedLeastSquaresRegressor(LegendreFeatures(degree=6),
    ...                                        mode="design", random_state=0)
    >>> Xd = design.sample_design()
    >>> bool(np.abs(design.fit(Xd, np.exp(Xd[:, 0])).predict(X) - y).max() < 1e-4)
    True
    """

    _parameter_constraints = {
        "basis": [HasMethods(["fit", "transform"]), callable, None],
        "sampling": [StrOptions(set(_SAMPLERS))],
        "n_samples": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, None, closed="neither"),
            None,
        ],
        "mode": [StrOptions({"pool", "design"})],
        "rank_deficient": [StrOptions({"warn", "raise"})],
        "device": [str, torch.device],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        basis=None,
        *,
        sampling="dpp_repeat",
        n_samples=None,
        mode="pool",
        rank_deficient="warn",
        device="auto",
        random_state=None,
    ):
        self.basis = basis
        self.sampling = sampling
        self.n_samples = n_samples
        self.mode = mode
        self.rank_deficient = rank_deficient
        self.device = device
        self.random_state = random_state

    # -- sizes ---------------------------------------------------------------
    def _n_points(self, m, n_samples):
        """Resolve ``n_samples`` (int, ratio or None) to a point count."""
        if n_samples is None:
            n = m if self.sampling == "dpp" else 2 * m
        elif isinstance(n_samples, Integral):
            n = int(n_samples)
        else:
            n = int(round(n_samples * m))
        if n < m:
            raise ValueError(
                f"n_samples={n_samples!r} gives n = {n} points for m = {m} basis "
                "functions; weighted least squares needs n >= m. Increase n_samples "
                "or use a smaller basis."
            )
        if self.sampling == "dpp" and n != m:
            raise ValueError(
                f"sampling='dpp' draws exactly m = {m} points (interpolation), got "
                f"n = {n}; use sampling='dpp_repeat' or 'volume' for n > m."
            )
        if self.sampling == "dpp_repeat" and n % m:
            raise ValueError(
                f"sampling='dpp_repeat' pools whole DPP samples of m = {m} points, so "
                f"n must be a multiple of m; got n = {n}."
            )
        return n

    def _size_args(self, m, n):
        """Size argument of the sampler for ``n`` points: none, repeats or ``n``."""
        if self.sampling == "dpp":
            return ()
        if self.sampling == "dpp_repeat":
            return (n // m,)
        return (n,)

    # -- pool mode -----------------------------------------------------------
    def _pool_basis(self, X, y=None):
        """Fitted feature map, orthonormal pool features, ``R`` and kept mask."""
        basis = _basis_or_default(self.basis)
        basis_ = clone(basis).fit(X, y) if hasattr(basis, "fit") else basis
        Phi = apply_feature_map(basis_, X, what="basis")
        R, keep, Psi = orthonormalize(
            Phi, _RANK_TOL, self.rank_deficient, what="The basis functions"
        )
        return basis_, Psi, R, keep

    def _select(self, Q, n):
        """Row indices of the pool chosen by the sampler (Q orthonormal)."""
        sampler, _ = _SAMPLERS[self.sampling]
        return sampler(
            Q,
            *self._size_args(Q.shape[1], n),
            random_state=self.random_state,
            device=resolve_device(self.device),
            check_input=False,
        )

    def _pool_problem(self, X, y=None):
        """Everything fit needs from the pool: basis, ``Psi``, ``R``, kept, indices."""
        # Psi = Phi R^{-1} is orthonormal on the pool: k_m(x_i) = ||Psi_i||^2.
        basis_, Psi, R, keep = self._pool_basis(X, y)
        N, m = Psi.shape
        n = self._n_points(m, self.n_samples)
        idx = self._select(Psi / math.sqrt(N), n)
        return basis_, Psi, R, keep, np.asarray(idx, dtype=np.intp)

    def select(self, X):
        """Rows of the pool ``X`` that :meth:`fit` would use (pool mode).

        With an int ``random_state`` the choice depends only on ``X``, so the
        experimenter can label just these rows, then call ``fit`` with the pool
        (labels of the other rows are not read).

        Parameters
        ----------
        X : array-like of shape (n_pool, n_features)
            Candidate pool.

        Returns
        -------
        indices : ndarray of shape (n,)
            Selected rows, as in ``sample_indices_``.
        """
        self._validate_params()
        if self.mode != "pool":
            raise ValueError("select() picks rows of a pool; set mode='pool'.")
        X = check_array(X, dtype=np.float64)
        return self._pool_problem(X)[-1]

    # -- design mode ---------------------------------------------------------
    def _design_basis(self):
        basis = _basis_or_default(self.basis)
        if isinstance(basis, OrthonormalFeatures):
            raise ValueError(
                "In mode='design', fitting would re-orthonormalise OrthonormalFeatures "
                "on the design points. Fit it on the candidate set and wrap it: "
                "basis=sklearn.frozen.FrozenEstimator(OrthonormalFeatures(...).fit(C))."
            )
        inner = getattr(basis, "estimator", basis)
        if not isinstance(inner, (_TensorProductBasis, OrthonormalFeatures)):
            raise ValueError(
                "mode='design' needs a basis that is orthonormal for a known measure: "
                "LegendreFeatures, ChebyshevFeatures, HermiteFeatures, "
                "FourierFeatures, TensorProductFeatures or a frozen, fitted "
                "OrthonormalFeatures; got "
                f"{type(basis).__name__}. Use mode='pool' for other feature maps."
            )
        return basis

    def sample_design(self, n_samples=None, *, n_features=None):
        """Points where to evaluate ``f`` before calling ``fit`` (design mode).

        Draws from the measure of the basis with the chosen ``sampling``.

        Parameters
        ----------
        n_samples : int, float or None, default=None
            Overrides the ``n_samples`` parameter (same meaning).
        n_features : int, default=None
            Input dimension for a basis whose dimension is not fixed
            (default 1).

        Returns
        -------
        X : ndarray of shape (n, n_features)
            Design points, to be passed to :meth:`fit` with ``f`` at them.
        """
        self._validate_params()
        if self.mode != "design":
            raise ValueError(
                "sample_design() draws points for mode='design'; with mode='pool' fit "
                "would subsample them again. Set mode='design'."
            )
        basis = self._design_basis()
        m = basis_size(basis, n_features)
        n = self._n_points(m, self.n_samples if n_samples is None else n_samples)
        _, sampler = _SAMPLERS[self.sampling]
        return sampler(
            basis,
            *self._size_args(m, n),
            n_features=n_features,
            random_state=self.random_state,
            device=resolve_device(self.device),
        )

    # -- fit / predict -------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Select (pool mode) or take (design mode) points and solve the weighted LS.

        Parameters
        ----------
        X : array-like of shape (n_pool_or_design, n_features)
            Pool of candidates (pool mode) or sample points (design mode).
        y : array-like of shape (n_pool_or_design,)
            Observations of ``f`` at the rows of ``X``; in pool mode only
            ``y[sample_indices_]`` is used.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        if self.mode == "pool":
            basis_, Psi, R, keep, idx = self._pool_problem(X, y)
            Psi_s, y_s = Psi[idx], y[idx]
            self.sample_indices_ = idx
            self.design_ = X[idx]
        else:
            basis_ = clone(self._design_basis()).fit(X, y)
            Psi_s = apply_feature_map(basis_, X, what="basis")
            R = keep = None
            if X.shape[0] < Psi_s.shape[1]:
                raise ValueError(
                    f"Got n_samples = {X.shape[0]} design points for m = "
                    f"{Psi_s.shape[1]} basis functions; weighted least squares needs "
                    "n >= m. Evaluate f at more points (see sample_design)."
                )
            y_s = y
            self.design_ = X.copy()
        m = Psi_s.shape[1]
        k_m = np.einsum("ij,ij->i", Psi_s, Psi_s)
        if np.any(k_m <= 0):
            raise ValueError(
                "Some sample points have k_m(x) = 0 (all basis functions vanish); "
                "they carry no information. Check the basis and its domain."
            )
        self.weights_ = m / k_m
        a, self.gram_cond_ = weighted_lstsq(Psi_s, y_s, self.weights_)
        if R is None:
            self.coef_ = a
        else:
            self.coef_ = np.zeros(keep.shape[0])
            self.coef_[keep] = np.linalg.solve(R, a)
        self.basis_ = basis_
        return self

    def predict(self, X):
        """Evaluate the fitted approximation ``basis_(X) @ coef_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Points.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return apply_feature_map(self.basis_, X, what="basis") @ self.coef_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # In pool mode the fit uses only the n_samples ~ 2m labels it selects,
        # by design. On scikit-learn's noisy check data (200 rows, one
        # informative feature) that gives R^2 0.44-0.78 over 50 seeds (median
        # 0.65; least squares on all 200 rows 0.81), below its 0.5 bar for 6% of
        # the seeds: the check passed on the CPU's seed-0 draw and failed on a
        # GPU's. Accuracy is tested against the theory in tests/linear_model.
        tags.regressor_tags.poor_score = True
        return tags
