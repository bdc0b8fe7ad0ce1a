"""l_p regression, on all rows or on rows drawn by l_p sensitivity sampling."""

from numbers import Integral, Real

import numpy as np
from scipy.optimize import linprog
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from skop.sampling._lp_sensitivity import SCORES, row_scores, sample_rows


def lp_cost(A, b, x, p):
    """``||A x - b||_p^p``."""
    return float(np.sum(np.abs(A @ x - b) ** p))


def solve_l1(A, b):
    """``argmin ||A x - b||_1`` through the dual LP (HiGHS).

    The dual, ``max b^T u`` subject to ``A^T u = 0``, ``-1 <= u <= 1``, has
    ``d`` constraints where the primal has ``2 n``: tens of times faster at
    ``n = 20000``; ``x`` is the multiplier of its equality constraints.
    """
    n, d = A.shape
    res = linprog(-b, A_eq=A.T, b_eq=np.zeros(d), bounds=[(-1, 1)] * n, method="highs")
    if res.status != 0:
        raise ValueError(f"The l1 regression LP failed: {res.message}")
    x = res.eqlin.marginals
    # The multipliers' sign convention: take the one that attains the optimum.
    return x if lp_cost(A, b, x, 1) <= lp_cost(A, b, -x, 1) else -x


def solve_lp_irls(A, b, p, *, max_iter=100, tol=1e-10):
    """``argmin ||A x - b||_p^p`` by iteratively reweighted least squares (damped for p > 2)."""
    x = np.linalg.lstsq(A, b, rcond=None)[0]
    if p == 2:
        return x, 1
    damping = 1.0 if p <= 2 else 1.0 / (p - 1)   # p-IRLS step for p > 2 (monotone)
    cost = lp_cost(A, b, x, p)
    scale = max(np.max(np.abs(b)), 1e-300)
    for it in range(1, max_iter + 1):
        r = np.abs(A @ x - b)
        w = np.maximum(r, 1e-8 * scale) ** (p - 2)
        sw = np.sqrt(w)
        x_new = np.linalg.lstsq(A * sw[:, None], b * sw, rcond=None)[0]
        x = (1 - damping) * x + damping * x_new
        new_cost = lp_cost(A, b, x, p)
        if abs(cost - new_cost) <= tol * max(cost, 1e-300):
            return x, it
        cost = new_cost
    return x, max_iter


class LpRegressor(RegressorMixin, BaseEstimator):
    """Linear regression minimising ``sum |y - X w - c|^p``, optionally on sampled rows.

    With ``sampling=None`` the l_p problem is solved on every row (an LP for
    ``p = 1``, IRLS otherwise). With a sampler, ``n_samples`` rows (in
    expectation) are kept with probabilities proportional to their scores,
    computed on ``[X, 1, y]``, rescaled by ``q_i^(-1/p)``, and the weighted
    problem is solved on them only: a ``(1 + eps)``-approximate fit from
    ``O~(d^(max(1, p/2)) / eps^2)`` rows with sensitivity / Lewis-weight scores,
    where uniform sampling needs as many as the data has heavy rows.

    Parameters
    ----------
    p : float, default=1.0
        The loss exponent (``p >= 1``; 1 is least absolute deviations).
    sampling : {"uniform", "leverage", "root_leverage", "lewis", "sensitivity", \
"sensitivity+leverage"} or None, default=None
        Row scores (see :func:`skop.sampling.row_scores`); None fits all rows.
    n_samples : int, default=300
        Expected number of rows kept.
    fit_intercept : bool, default=True
    max_iter : int, default=100
        IRLS iterations (``p != 1``).
    tol : float, default=1e-10
        IRLS relative cost change to stop.
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    sample_indices_ : ndarray
        The rows the fit used.
    sample_scale_ : ndarray
        Their scales ``q_i^(-1/p)`` (ones without sampling).
    n_iter_ : int
        IRLS iterations (1 for the LP).
    n_features_in_ : int

    See Also
    --------
    sklearn.linear_model.QuantileRegressor : l_1 regression at ``quantile=0.5``.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.linear_model import LpRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 3))
    >>> y = X @ [1.0, -2.0, 0.5] + rng.laplace(size=2000)
    >>> model = LpRegressor(p=1, sampling="lewis", n_samples=300, random_state=0).fit(X, y)
    >>> np.abs(model.coef_ - [1.0, -2.0, 0.5]).max() < 0.3
    np.True_
    """

    _parameter_constraints = {
        "p": [Interval(Real, 1, None, closed="left")],
        "sampling": [StrOptions(set(SCORES)), None],
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, p=1.0, *, sampling=None, n_samples=300, fit_intercept=True, max_iter=100,
                 tol=1e-10, random_state=None):
        self.p = p
        self.sampling = sampling
        self.n_samples = n_samples
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _design(self, X):
        return np.column_stack([X, np.ones(len(X))]) if self.fit_intercept else X

    def fit(self, X, y):
        """Solve the (sampled) l_p regression."""
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        A = self._design(X)
        if self.sampling is None:
            rows, scale = np.arange(len(A)), np.ones(len(A))
        else:
            scores = row_scores(np.column_stack([A, y]), self.sampling, self.p,
                                random_state=self.random_state)
            rows, scale = sample_rows(scores, self.n_samples, self.p,
                                      random_state=self.random_state)
        if len(rows) < A.shape[1]:
            what = "sampled" if self.sampling else "given"
            raise ValueError(f"Only {len(rows)} row(s) were {what} (n_samples = {len(X)} in X) "
                             f"for {A.shape[1]} unknowns: raise n_samples or give more rows.")
        As, bs = A[rows] * scale[:, None], y[rows] * scale
        if self.p == 1:
            x, self.n_iter_ = solve_l1(As, bs), 1
        else:
            x, self.n_iter_ = solve_lp_irls(As, bs, self.p, max_iter=self.max_iter, tol=self.tol)
        self.coef_ = x[:X.shape[1]]
        self.intercept_ = float(x[-1]) if self.fit_intercept else 0.0
        self.sample_indices_, self.sample_scale_ = rows, scale
        return self

    def predict(self, X):
        """``X @ coef_ + intercept_``."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_ + self.intercept_
