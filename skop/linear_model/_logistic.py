"""L2 logistic regression solved with full-batch L-BFGS in torch (CPU or GPU).

The objective, the binary/multinomial parametrisation and the stopping rule
follow :class:`sklearn.linear_model.LogisticRegression` with ``solver="lbfgs"``
so that the two are interchangeable: same parameter names, same fitted
attributes, coefficients equal up to the solver tolerance.
"""

import warnings
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import expit, log_expit, log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from skop.utils import resolve_device

# scipy's L-BFGS-B stops when the relative decrease of the objective falls
# under ftol; scikit-learn uses 64 machine epsilons and so do we (torch's
# criterion is absolute, the objective is a mean loss of order one).
_FTOL = 64 * np.finfo(np.float64).eps
# L-BFGS memory, as scipy's default ``maxcor`` used by scikit-learn.
_HISTORY = 10
# Cap on function evaluations: line searches, not iterations, may hit it.
_EVALS_PER_ITER = 20


def _tensor(a, device):
    """A float64 tensor of numpy ``a`` on ``device`` (copies read-only arrays)."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not a.flags.writeable:
        a = a.copy()  # torch cannot wrap read-only memory (e.g. memmaps)
    return torch.as_tensor(a, device=device)


def _loss_and_grad(X, target, weight, l2, binary):
    """Closure-ready ``(coef, intercept) -> loss``, also filling the ``.grad``.

    The loss is ``sum_i s_i loss_i / sum_i s_i + l2 / 2 ||W||^2`` where
    ``weight`` is already divided by its sum and ``l2 = 1 / (C * sum(s))``, as
    scikit-learn scales the penalty; the minimiser is that of
    ``C * sum_i s_i loss_i + ||W||^2 / 2``. The gradient is written by hand
    (two matrix products and one pass over the ``(n, K)`` scores) rather than
    by autograd, which would keep the log-softmax graph and take an extra
    pass; it is the whole cost of a solve on large feature matrices.
    """
    rows = torch.arange(X.shape[0], device=X.device)

    def loss(coef, intercept):
        raw = X @ coef.T if intercept is None else torch.addmm(intercept, X, coef.T)
        if binary:
            z = raw[:, 0]
            pointwise = torch.logaddexp(torch.zeros_like(z), z) - target * z
            resid = torch.sigmoid(z).sub_(target).mul_(weight)[:, None]
        else:
            lse = torch.logsumexp(raw, dim=1)
            pointwise = lse - raw[rows, target]
            resid = raw.sub_(lse[:, None]).exp_()  # softmax probabilities
            resid[rows, target] -= 1.0
            resid.mul_(weight[:, None])
        coef.grad = torch.addmm(coef, resid.T, X, beta=l2)
        if intercept is not None:
            intercept.grad = resid.sum(0)
        return weight @ pointwise + 0.5 * l2 * (coef * coef).sum()

    return loss


def _solution(params):
    """``[coef | intercept]`` as one numpy array."""
    arrays = [p.detach().cpu().numpy() for p in params]
    if len(arrays) == 2:
        arrays[1] = arrays[1][:, None]
    return np.hstack(arrays)


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """L2-regularised logistic regression fitted by full-batch L-BFGS in torch.

    A drop-in replacement for :class:`sklearn.linear_model.LogisticRegression`
    with ``solver="lbfgs"``: the same objective, parameter names, attributes
    and methods. Two classes use the binomial loss with one coefficient
    vector, more classes the multinomial (softmax) loss with one vector per
    class. The whole solve runs in torch float64, so on a GPU it is the fast
    path for large feature matrices (e.g. linear probes on frozen features).

    Parameters
    ----------
    penalty : {"l2"} or None, default="l2"
        ``"l2"`` adds ``||W||^2 / 2`` to ``C`` times the summed loss; None fits
        without penalty (``C`` is then ignored).
    C : float, default=1.0
        Inverse regularisation strength; smaller is stronger. ``np.inf``
        fits without penalty (scikit-learn >= 1.8 spelling of ``penalty=None``).
    l1_ratio : float or None, default=0.0
        Only ``0`` (or None), the pure L2 penalty, is supported; accepted so
        that scikit-learn code passing ``l1_ratio=0`` runs unchanged.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept per class.
    tol : float, default=1e-4
        Stop when the largest absolute gradient entry of the mean objective
        falls under ``tol`` (scikit-learn's ``gtol``).
    max_iter : int, default=100
        Maximum number of L-BFGS iterations.
    class_weight : dict or "balanced", default=None
        Weights per class, multiplied into ``sample_weight``; ``"balanced"``
        uses ``n_samples / (n_classes * bincount(y))``.
    solver : {"lbfgs"}, default="lbfgs"
        Only L-BFGS; accepted so that code written for scikit-learn runs.
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_`` when refitting.
    verbose : int, default=0
        Print the final objective and iteration count when positive.
    device : str or torch.device, default="auto"
        Where to solve; ``"auto"`` picks CUDA when available, else CPU.
        Fitted attributes are numpy arrays on every device.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients; one row for two classes (the second class is positive).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (zeros when ``fit_intercept=False``).
    n_iter_ : ndarray of shape (1,)
        Number of L-BFGS iterations run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.linear_model.LogisticRegression : The scikit-learn original.
    skop.naive_bayes.PooledGaussianNB : The generative counterpart.

    Notes
    -----
    On a CPU, scikit-learn's solver is usually faster (its loss is compiled
    Cython and numpy's BLAS handles the tall-and-skinny gradient product well);
    this class pays off on a GPU, where the whole solve stays on the device.
    The first fit of a process also imports ``torch.optim`` machinery (a
    one-off of about a second).

    The minimised objective is ``sum_i s_i loss_i / S + ||W||^2 / (2 C S)``
    with ``S = sum_i s_i``, exactly scikit-learn's scaling, solved by one
    :class:`torch.optim.LBFGS` run with a strong-Wolfe line search. The
    coefficients agree with scikit-learn's to the accuracy both solvers are
    asked for: about ``1e-3`` relative at the default ``tol=1e-4``, ``1e-6``
    at ``tol=1e-8`` (see the tests).

    References
    ----------
    .. [1] J. Nocedal, "Updating quasi-Newton matrices with limited storage",
       Mathematics of Computation, 1980.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skop.linear_model import LogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LogisticRegression(C=1.0, max_iter=200, device="cpu").fit(X, y)
    >>> clf.coef_.shape
    (3, 4)
    >>> round(clf.score(X, y), 2)
    0.97
    """

    _parameter_constraints: dict = {
        "penalty": [StrOptions({"l2"}), None],
        "C": [Interval(Real, 0, None, closed="right")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), None],
        "fit_intercept": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "solver": [StrOptions({"lbfgs"})],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "device": [str, torch.device],
    }

    def __init__(
        self,
        penalty="l2",
        *,
        C=1.0,
        l1_ratio=0.0,
        fit_intercept=True,
        tol=1e-4,
        max_iter=100,
        class_weight=None,
        solver="lbfgs",
        warm_start=False,
        verbose=0,
        device="auto",
    ):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.solver = solver
        self.warm_start = warm_start
        self.verbose = verbose
        self.device = device

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model by minimising the penalised log-loss with L-BFGS.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; an integer weight is the same as repeating
            the sample.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        if self.l1_ratio not in (None, 0):
            raise ValueError(
                f"l1_ratio={self.l1_ratio!r} asks for an L1 penalty, which this "
                "L-BFGS solver does not support; use l1_ratio=0 (pure L2) or "
                "sklearn.linear_model.LogisticRegression(solver='saga')."
            )
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32))
        check_classification_targets(y)
        classes, y_idx = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {classes[0]!r}."
            )
        weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if self.class_weight is not None:
            # "balanced" counts the weighted samples, as scikit-learn does.
            per_class = compute_class_weight(
                self.class_weight, classes=classes, y=y, sample_weight=weight
            )
            weight = weight * per_class[y_idx]
        device = resolve_device(self.device)
        binary = len(classes) == 2
        theta0 = self._initial_theta(classes, X.shape[1], binary)
        theta, n_iter = self._solve(X, y_idx, weight, theta0, binary, device)

        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(theta[:, : X.shape[1]])
        self.intercept_ = (
            theta[:, -1].copy() if self.fit_intercept else np.zeros(theta.shape[0])
        )
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

    def _initial_theta(self, classes, n_features, binary):
        n_rows = 1 if binary else len(classes)
        shape = (n_rows, n_features + int(self.fit_intercept))
        theta = np.zeros(shape)
        warm = (
            self.warm_start
            and hasattr(self, "coef_")
            and self.coef_.shape == (n_rows, n_features)
            and np.array_equal(getattr(self, "classes_", None), classes)
        )
        if warm:
            theta[:, :n_features] = self.coef_
            if self.fit_intercept:
                theta[:, -1] = self.intercept_
        return theta

    def _solve(self, X, y_idx, weight, theta0, binary, device):
        """One full-batch L-BFGS run; returns the solution and iterations used."""
        total = float(weight.sum())
        if total <= 0:
            raise ValueError(
                "The sample weights sum to zero: there is nothing to fit. Pass at "
                "least one sample with a positive weight."
            )
        if self.max_iter == 0:
            return theta0, 0
        X_t = _tensor(X, device)
        if binary:
            target = _tensor(y_idx, device)
        else:
            target = torch.as_tensor(y_idx, device=device, dtype=torch.int64)
        l2 = 0.0 if self.penalty is None else 1.0 / (self.C * total)
        loss = _loss_and_grad(X_t, target, _tensor(weight / total, device), l2, binary)
        n_features = X.shape[1]
        coef = _tensor(theta0[:, :n_features], device)
        intercept = _tensor(theta0[:, -1], device) if self.fit_intercept else None
        params = [coef] if intercept is None else [coef, intercept]
        optimizer = torch.optim.LBFGS(
            params,
            lr=1.0,
            max_iter=self.max_iter,
            max_eval=_EVALS_PER_ITER * self.max_iter,
            tolerance_grad=self.tol,
            tolerance_change=_FTOL,
            history_size=_HISTORY,
            line_search_fn="strong_wolfe",
        )

        def closure():
            return loss(coef, intercept)

        optimizer.step(closure)
        n_iter = int(optimizer.state[coef].get("n_iter", 0))
        if n_iter < self.max_iter and not self.verbose:
            return _solution(params), n_iter
        # Only a run that used up max_iter (or a verbose one) pays for one more
        # evaluation, to tell convergence from running out of iterations.
        final = closure()
        grad_max = max(float(p.grad.abs().max()) for p in params)
        if grad_max > self.tol and n_iter >= self.max_iter:
            warnings.warn(
                f"L-BFGS did not converge in max_iter={self.max_iter} iterations "
                f"(largest gradient entry {grad_max:.2e} > tol={self.tol:g}). "
                "Increase max_iter or scale the features (e.g. StandardScaler).",
                ConvergenceWarning,
            )
        if self.verbose:
            print(
                f"[LogisticRegression] {n_iter} iterations, objective "
                f"{float(final):.6g}, max |grad| {grad_max:.2e} on {device}"
            )
        return _solution(params), n_iter

    # -------------------------------------------------------------- predict
    def decision_function(self, X):
        """Signed scores ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Query points.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the score of the second class (positive means
            ``classes_[1]``); else one score per class.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        scores = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X):
        """Predict the class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Query points.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def predict_log_proba(self, X):
        """Log-probability of each class for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Query points.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log posterior probabilities, in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        return log_softmax(scores, axis=1)

    def predict_proba(self, X):
        """Probability of each class for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Query points.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Posterior probabilities, in the order of ``classes_``; rows sum to 1.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        return np.exp(log_softmax(scores, axis=1))
