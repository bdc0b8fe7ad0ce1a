"""Layouts, grids and ``score`` shared by neural-operator regressors.

The layout rule (documented on every operator estimator, the same at fit and
predict):

* ``X`` of shape ``(n_samples, n_points)`` is a 1-D function sampled at
  ``n_points`` (what scikit-learn tools and Pipelines pass around);
* ``X`` of shape ``(n_samples, *grid)`` or ``(n_samples, channels, *grid)`` is
  a function on a ``d``-D grid. ``d`` is the estimator's ``n_spatial_dims``
  (or the length of a tuple-valued mode parameter). When neither is given
  it is inferred, and only where one reading is possible: a grid axis has at
  least 2 points (so a size-1 second axis is a channel axis), and a target
  ``y`` on the grid decides between "no channel axis" and "a channel axis".
  Any remaining ambiguity is a ``ValueError`` naming ``n_spatial_dims``;
* ``y`` on the grid of ``X`` (with or without a channel axis) is a function
  target (an operator); ``y`` of shape ``(n_samples,)`` or
  ``(n_samples, n_outputs)`` otherwise is a scalar or vector target (a
  functional), predicted by a pooling head.
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from skop.base import BaseTorchEstimator
from skop.nn import RelativeH1Loss, RelativeL2Loss, ScaledMSELoss
from skop.nn.layers._grid import GRID_CONVENTIONS

MAX_SPATIAL_DIMS = 3

# Parameters every grid operator shares (documented in each estimator).
GRID_PARAMETER_CONSTRAINTS = {
    "n_spatial_dims": [Interval(Integral, 1, MAX_SPATIAL_DIMS, closed="both"), None],
    "grid": [StrOptions(set(GRID_CONVENTIONS))],
}

GRID_PARAMETERS_DOC = """n_spatial_dims : int or None, default=None
        Number of spatial axes of ``X`` (1 to 3). ``None`` infers it where
        the data allow only one reading (see the data layout above) and
        raises a ``ValueError`` otherwise.
    grid : {"periodic", "nodes"}, default="periodic"
        Where the samples sit on the unit domain: ``"periodic"`` cells
        ``x_i = i / n`` (:func:`skop.datasets.make_burgers`) or ``"nodes"``
        ``x_i = i / (n - 1)`` including both boundaries
        (:func:`skop.datasets.make_darcy`). Grid coordinates and domain
        padding follow it, so one physical period at every resolution."""


class FunctionDataMixin:
    """What every operator regressor shares about its data: functions are dense, nd, multi-output."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.three_d_array = True
        return tags

    def _reject_sparse(self, A, name):
        if sp.issparse(A):
            raise ValueError(
                f"{type(self).__name__} does not accept sparse {name}: functions are sampled "
                f"as dense arrays. Pass {name}.toarray()."
            )


class BaseNeuralOperator(FunctionDataMixin, RegressorMixin, BaseTorchEstimator):
    """Regressor mapping functions on grids to functions (or to numbers).

    Subclasses store the shared ``n_spatial_dims`` and ``grid`` parameters, may
    set ``_spatial_dims_param`` (a parameter whose tuple value gives the
    dimension, e.g. ``"n_modes"``) and build their module from the fitted
    layout attributes ``n_spatial_dims_``, ``n_channels_in_``,
    ``n_channels_out_`` and ``n_outputs_`` (``None`` for function targets).
    """

    _spatial_dims_param = None
    _module_params = (*BaseTorchEstimator._module_params, "n_spatial_dims", "grid")

    # ------------------------------------------------------------ layouts
    def _declared_spatial_dims(self):
        """``d`` from ``n_spatial_dims`` or a tuple-valued mode parameter, or None."""
        explicit = self.n_spatial_dims
        tuple_dims = None
        if self._spatial_dims_param is not None:
            value = getattr(self, self._spatial_dims_param)
            tuple_dims = None if np.isscalar(value) else len(value)
        if explicit is not None and tuple_dims is not None and explicit != tuple_dims:
            raise ValueError(
                f"n_spatial_dims={explicit} contradicts {self._spatial_dims_param}="
                f"{getattr(self, self._spatial_dims_param)!r} ({tuple_dims} axes)."
            )
        return explicit if explicit is not None else tuple_dims

    @staticmethod
    def _y_on_grid(y, grid):
        """Whether ``y`` is a function on ``grid`` (with or without a channel axis)."""
        d = len(grid)
        return (y.ndim == d + 1 and tuple(y.shape[1:]) == grid) or (
            y.ndim == d + 2 and tuple(y.shape[2:]) == grid)

    def _spatial_dims_of(self, X, y):
        """The number of spatial axes of ``X`` at fit, by the layout rule."""
        declared = self._declared_spatial_dims()
        if declared is None and X.ndim == 2:
            return 1  # a table: its columns are the grid, whatever their number
        candidates = [d for d in (X.ndim - 1, X.ndim - 2) if 1 <= d <= MAX_SPATIAL_DIMS]
        if declared is not None:
            if declared not in candidates:
                raise ValueError(
                    f"X has shape {X.shape}, but n_spatial_dims={declared}: expected "
                    f"(n_samples, *grid) with {declared} grid axes or (n_samples, channels, *grid)."
                )
            return declared
        # A grid axis holds at least 2 points: a size-1 axis is a channel axis.
        possible = [d for d in candidates if min(X.shape[X.ndim - d:]) >= 2]
        on_grid = [d for d in possible if self._y_on_grid(y, tuple(X.shape[X.ndim - d:]))]
        if len(on_grid) == 1:
            return on_grid[0]
        if len(possible) == 1 and not on_grid:
            return possible[0]
        if not possible:
            raise ValueError(
                f"X has shape {X.shape}: no reading with 1 to {MAX_SPATIAL_DIMS} grid axes of "
                "at least 2 points. Pass (n_samples, *grid) or (n_samples, channels, *grid)."
            )
        readings = "; ".join(
            f"n_spatial_dims={d}: grid {tuple(X.shape[X.ndim - d:])}"
            + (f" with {X.shape[1]} channels" if X.ndim - d == 2 else "")
            for d in (on_grid or possible))
        raise ValueError(
            f"X of shape {X.shape} with y of shape {y.shape} is ambiguous ({readings}). "
            f"Pass n_spatial_dims to {type(self).__name__} to say which."
        )

    @staticmethod
    def _with_channel_axis(A, d):
        return A[:, None] if A.ndim == d + 1 else A

    def _target_layout(self, y, grid):
        """``(kind, y in module layout)`` for the target ``y``."""
        d = len(grid)
        if self._y_on_grid(y, grid):
            return "field", (y[:, None] if y.ndim == d + 1 else y)
        if y.ndim == 1:
            return "vector", y[:, None]
        if y.ndim == 2:
            return "vector", y
        raise ValueError(
            f"y has shape {y.shape}; expected a function on the grid of X "
            f"((n_samples, *{grid}) or (n_samples, channels, *{grid})), or scalar / vector "
            f"targets of shape (n_samples,) or (n_samples, n_outputs)."
        )

    # ------------------------------------------------------------ fit / predict
    def _validate_fit(self, X, y):
        self._reject_sparse(X, "X")
        self._reject_sparse(y, "y")
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        X = validate_data(self, X, dtype=np.float64, allow_nd=True, ensure_all_finite=True,
                          reset=True)
        y = check_array(y, dtype=np.float64, ensure_2d=False, allow_nd=True,
                        ensure_all_finite=True, input_name="y")
        if len(y) != len(X):
            raise ValueError(
                f"X and y have inconsistent numbers of samples: {len(X)} and {len(y)}."
            )
        d = self._spatial_dims_of(X, y)
        Xm = self._with_channel_axis(X, d)
        kind, ym = self._target_layout(y, tuple(Xm.shape[2:]))
        return Xm, ym, kind, y.ndim, X.ndim == 2

    def _fit_operator(self, X, y):
        with self._fit_transaction():
            Xm, ym, kind, y_ndim, table = self._validate_fit(X, y)
            if self.warm_start and hasattr(self, "net_"):
                self._check_warm_start_layout(Xm, ym, kind)
            self.n_spatial_dims_ = Xm.ndim - 2
            self.n_channels_in_ = Xm.shape[1]
            self.grid_shape_ = tuple(Xm.shape[2:])
            self.n_channels_out_ = ym.shape[1]
            self.n_outputs_ = ym.shape[1] if kind == "vector" else None
            self._target_ndim = y_ndim
            self._fit_on_table = table
            self._set_fit_layout()
            return self._fit_arrays(Xm, ym)

    def _set_fit_layout(self):
        """Set method-specific fitted attributes from the layout (e.g. kept modes)."""

    def _build_criterion(self, y, y_scale):
        """The ``loss`` parameter's criterion: ``"auto"`` is the relative L2 error
        for function targets and the MSE in standardised units for scalar /
        vector targets; ``"h1"`` and ``"relative_l2"`` compare functions."""
        loss = self.loss
        if loss == "auto":
            loss = "mse" if self.n_outputs_ is not None else "relative_l2"
        if loss == "mse":
            return ScaledMSELoss(y_scale)
        if self.n_outputs_ is not None:
            raise ValueError(
                f"loss={self.loss!r} compares functions, but y holds scalar / vector targets; "
                "use loss='mse' or 'auto'."
            )
        if loss == "h1":
            return RelativeH1Loss(self.n_spatial_dims_, self.grid)
        return RelativeL2Loss()

    def _check_warm_start_layout(self, Xm, ym, kind):
        previous = ("vector" if self.n_outputs_ else "field", self.n_channels_in_,
                    self.n_channels_out_, self.n_spatial_dims_)
        now = (kind, Xm.shape[1], ym.shape[1], Xm.ndim - 2)
        if previous != now:
            raise ValueError(
                "warm_start=True needs data of the same layout as the previous fit "
                f"(target kind, input channels, output channels, dims) = {previous}; got {now}. "
                "Set warm_start=False to fit a new model."
            )

    def _validate_predict(self, X):
        check_is_fitted(self, "net_")
        self._reject_sparse(X, "X")
        shape = X.shape if hasattr(X, "shape") else np.asarray(X).shape
        if self._fit_on_table and len(shape) == 2:
            return self._validate_predict_table(X, shape[1])
        X = check_array(X, dtype=np.float64, allow_nd=True, ensure_all_finite=True)
        d = self.n_spatial_dims_
        if X.ndim not in (d + 1, d + 2):
            raise ValueError(
                f"X has shape {X.shape}, but {type(self).__name__} was fitted on {d}-D grids: "
                f"expected (n_samples, *grid) with {d} grid axes or (n_samples, channels, *grid)."
            )
        Xm = self._with_channel_axis(X, d)
        if Xm.shape[1] != self.n_channels_in_:
            raise ValueError(
                f"X has shape {X.shape}, i.e. {Xm.shape[1]} channel(s) on a {d}-D grid, but "
                f"{type(self).__name__} was fitted on {self.n_channels_in_} channel(s) "
                f"(training grid {self.grid_shape_})."
            )
        return Xm

    def _validate_predict_table(self, X, n_columns):
        """A 2-D X when the model was fitted on a 2-D X: scikit-learn's feature rules."""
        if n_columns != self.n_features_in_:
            raise ValueError(
                f"X has {n_columns} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input. The columns of a 2-D X are fixed "
                "like any scikit-learn feature; to evaluate the operator at another resolution "
                "(zero-shot super-resolution) pass X with an explicit channel axis, "
                "X[:, None, :]."
            )
        X = validate_data(self, X, dtype=np.float64, reset=False, ensure_all_finite=True)
        return X[:, None]

    def _predict_operator(self, X):
        Xm = self._validate_predict(X)
        out = self._predict_array(Xm)
        if self.n_outputs_ is not None:
            return out[:, 0] if self._target_ndim == 1 else out
        # A single-channel function target is returned without its channel axis,
        # exactly as it was given.
        if out.shape[1] == 1 and self._target_ndim == self.n_spatial_dims_ + 1:
            return out[:, 0]
        return out

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of the prediction, for every target layout.

        The outputs of each sample are flattened (channels and grid points of
        a function target, or the entries of a vector target) and scored with
        :func:`sklearn.metrics.r2_score`, as scikit-learn scores multi-output
        regression. Scalar and vector targets use its default uniform average
        over outputs (identical to ``RegressorMixin.score``). Function targets
        are scored by the pooled ``R^2 = 1 - SSE / SST`` over all channels and
        grid points, each point's values centred on their mean over samples:
        scikit-learn's ``multioutput="variance_weighted"``, except that points
        where every sample has the same value (a Dirichlet boundary,
        ``u = 0``) still count their errors instead of an R^2 of 0 or 1 of
        their own.

        Parameters
        ----------
        X : array-like
            Input functions, in any layout :meth:`predict` accepts.
        y : array-like
            True targets, in the layout of the training targets (on the grid
            of ``X``).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R^2 of ``self.predict(X)`` against ``y``.
        """
        y_pred = self.predict(X)
        y = np.asarray(y, dtype=np.float64)
        if y.shape != y_pred.shape:
            raise ValueError(
                f"y has shape {y.shape}, but the prediction for X has shape {y_pred.shape}."
            )
        if self.n_outputs_ is not None:
            n = len(y)
            return float(r2_score(y.reshape(n, -1), y_pred.reshape(n, -1),
                                  sample_weight=sample_weight))
        return pooled_r2(y, y_pred, sample_weight)


def pooled_r2(y, y_pred, sample_weight=None):
    """``1 - SSE / SST`` over all outputs of all samples, each output centred on its mean.

    scikit-learn's ``r2_score(..., multioutput="variance_weighted")`` on the
    flattened outputs, except that outputs constant over the samples (a
    Dirichlet boundary) still count their errors.
    """
    if y.shape != y_pred.shape:
        raise ValueError(f"y has shape {y.shape}, but the prediction has shape {y_pred.shape}.")
    n = len(y)
    y, y_pred = y.reshape(n, -1), y_pred.reshape(n, -1)
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w = w[:, None] / w.sum()
    sse = float((w * (y - y_pred) ** 2).sum())
    sst = float((w * (y - (w * y).sum(axis=0)) ** 2).sum())
    if sst == 0.0:
        return 1.0 if sse == 0.0 else 0.0  # r2_score's convention for constant y
    return 1.0 - sse / sst
