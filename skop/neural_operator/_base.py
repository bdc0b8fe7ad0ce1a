"""Shape handling shared by neural-operator regressors.

Conventions (documented on every operator estimator):

* ``X`` of shape ``(n_samples, n_points)`` is a 1-D function sampled at
  ``n_points`` (what scikit-learn tools and Pipelines pass around);
* ``X`` of shape ``(n_samples, *grid)`` or ``(n_samples, channels, *grid)`` is
  a function on a ``len(grid)``-D grid; the number of spatial axes is
  ``len(n_modes)`` when ``n_modes`` is a tuple, otherwise every axis after
  the first is spatial (no channel axis);
* ``y`` of the same spatial shape is a function target (an operator), ``y`` of
  shape ``(n_samples,)`` or ``(n_samples, n_outputs)`` otherwise is a scalar or
  vector target (a functional), predicted by a pooling head.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from skop.base import BaseTorchEstimator

MAX_SPATIAL_DIMS = 3


class BaseNeuralOperator(RegressorMixin, BaseTorchEstimator):
    """Regressor mapping functions on grids to functions (or to numbers).

    Subclasses set ``_spatial_dims_param`` (the parameter whose length gives the
    dimension, e.g. ``"n_modes"``) and build their module from the fitted
    layout attributes ``n_spatial_dims_``, ``n_channels_in_``,
    ``n_channels_out_`` and ``n_outputs_`` (``None`` for function targets).
    """

    _spatial_dims_param = "n_modes"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.three_d_array = True
        return tags

    # ------------------------------------------------------------ layouts
    def _declared_spatial_dims(self):
        value = getattr(self, self._spatial_dims_param)
        return None if np.isscalar(value) else len(value)

    def _spatial_dims_of(self, X):
        declared = self._declared_spatial_dims()
        d = X.ndim - 1 if declared is None else declared
        if not 1 <= d <= MAX_SPATIAL_DIMS:
            raise ValueError(
                f"X has shape {X.shape}: {d} spatial axes, but 1 to {MAX_SPATIAL_DIMS} are "
                f"supported. Pass (n_samples, *grid) or (n_samples, channels, *grid)."
            )
        if X.ndim - 1 not in (d, d + 1):
            raise ValueError(
                f"X has shape {X.shape}, but {self._spatial_dims_param}="
                f"{getattr(self, self._spatial_dims_param)!r} means {d} spatial axes: expected "
                f"(n_samples, *grid) with {d} grid axes or (n_samples, channels, *grid)."
            )
        return d

    @staticmethod
    def _with_channel_axis(A, d):
        return A[:, None] if A.ndim == d + 1 else A

    def _target_layout(self, y, grid):
        """``(kind, y in module layout)`` for the target ``y``."""
        d = len(grid)
        if y.ndim >= 2 and tuple(y.shape[1:]) == grid:
            return "field", y[:, None]
        if y.ndim == d + 2 and tuple(y.shape[2:]) == grid:
            return "field", y
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
    def _reject_sparse(self, A, name):
        if sp.issparse(A):
            raise ValueError(
                f"{type(self).__name__} does not accept sparse {name}: functions on grids are "
                f"dense arrays. Pass {name}.toarray()."
            )

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
        d = self._spatial_dims_of(X)
        Xm = self._with_channel_axis(X, d)
        kind, ym = self._target_layout(y, tuple(Xm.shape[2:]))
        return Xm, ym, kind, y.ndim, X.ndim == 2

    def _fit_operator(self, X, y):
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
        return self._fit_arrays(Xm, ym)

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
