"""LSMRegressor: the Latent Spectral Model as a scikit-learn regressor."""

import math
from numbers import Integral

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from skop.base import BaseTorchEstimator
from skop.neural_operator._base import (
    GRID_PARAMETER_CONSTRAINTS,
    GRID_PARAMETERS_DOC,
    BaseNeuralOperator,
)
from skop.nn import LSM
from skop.nn.layers._grid import resample
from skop.nn.models._lsm import PADDING_MODES

_MAX_AUTO_LEVELS = 5


def auto_levels(shape, cap=_MAX_AUTO_LEVELS):
    """The most U-Net levels (at most ``cap``) that leave 2 real points per axis at the bottom."""
    smallest = min(shape)
    return max(1, min(cap, 1 + int(math.floor(math.log2(smallest / 2))) if smallest >= 2 else 1))


class LSMRegressor(BaseNeuralOperator):
    """Latent Spectral Model regressor (Wu et al., ICML 2023).

    The input function with its grid coordinates is lifted pointwise, passes
    a U-Net with ``n_levels`` levels whose skip connections each go through a
    *neural spectral block* (:class:`skop.nn.NeuralSpectralBlock`: in every
    patch a few latent tokens attend to the pixels, pass a learned sine /
    cosine series, and the pixels attend back), and is projected pointwise.
    The paper reports it more accurate than FNO and U-Net on Darcy, Navier-
    Stokes, elasticity, plasticity, airfoil and pipe flow.

    Any grid size works: the features are padded to the divisibility the
    U-Net and the patches need and cropped back, with the padding masked out
    of the attention (the paper's code needs sizes divisible by
    ``16 * patch_size``). Any device: ``device="auto"`` takes a GPU when
    present.

    **Resolution.** The convolutions are 3-tap in grid units and the patches
    a fixed number of pixels, so the model is tied to its training grid.
    ``predict`` on another grid raises a ``ValueError`` unless
    ``off_grid="resample"``: then ``X`` is resampled to the training grid
    (Fourier interpolation for ``grid="periodic"``, multilinear between nodes
    for ``grid="nodes"``), evaluated there, and the prediction resampled back
    to the grid of ``X``. That is interpolation, not zero-shot
    super-resolution: detail finer than the training grid is not predicted.

    Data layout: as :class:`FNORegressor` (``(n_samples, n_points)``,
    ``(n_samples, *grid)`` or ``(n_samples, channels, *grid)`` on 1-D to 3-D
    grids; function or scalar / vector targets). For time-dependent data put
    the input time steps on the channel axis (``t_in`` channels in, ``t_out``
    out) and see :func:`skop.neural_operator.rollout`.

    Parameters
    ----------
    width : int, default=32
        Channels of the finest level (``width * 2**level`` below); a multiple
        of ``n_heads``. The paper: 32 (Navier-Stokes) or 64 (Darcy).
    n_levels : int or "auto", default="auto"
        U-Net levels. ``"auto"``: the paper's 5, fewer on grids smaller
        than 32 points per axis (2 points per axis left on the coarsest).
    patch_size : int or tuple of int, default=4
        Patch of every spectral block, in pixels per axis.
    n_tokens : int, default=4
        Latent tokens per head and patch.
    n_basis : int, default=12
        Sine / cosine pairs of the latent transition.
    n_heads : int, default=8
        Attention heads.
    boundary : {"dirichlet", "periodic"}, default="dirichlet"
        Padding of the convolutions: zeros or circular.
    off_grid : {"error", "resample"}, default="error"
        What ``predict`` does with a grid other than the training grid.
    %(grid_parameters)s
    loss : {"auto", "relative_l2", "h1", "mse"}, default="auto"
        ``"auto"``: the relative L2 error (the paper's loss) for function
        targets, the MSE for scalar / vector targets.
    max_epochs : int, default=100
    batch_size : int, default=20
        The paper's.
    lr : float, default=1e-3
        Peak of the one-cycle schedule (the paper: Adam 5e-4 to 1e-3).
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="adamw"
    weight_decay : float, default=1e-4
    optimizer_kwargs : dict or None, default=None
    lr_schedule : {"constant", "cosine", "step", "onecycle"}, default="onecycle"
    early_stopping : bool, default=False
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=10
    callbacks : list of skorch callbacks or None, default=None
    warm_start : bool, default=False
    precision : {"float32", "bf16-mixed", "fp16-mixed"}, default="float32"
    compile : bool or dict, default=False
    device : str, default="auto"
    inference_precision : {"auto", "float32", "float64"}, default="auto"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        See :class:`skop.base.BaseTorchEstimator`.

    Attributes
    ----------
    net_ : skorch.NeuralNet
    module_ : torch.nn.Module
        The trained module (standardisation included).
    loss_curve_ : ndarray of shape (n_epochs,)
    n_iter_ : int
    device_ : torch.device
    n_features_in_ : int
    n_spatial_dims_ : int
    grid_shape_ : tuple of int
    n_channels_in_, n_channels_out_ : int
    n_outputs_ : int or None
    n_levels_ : int
        U-Net levels of the trained model.

    See Also
    --------
    skop.nn.LSM : The torch module.
    FNORegressor : Fourier layers, resolution-invariant.
    UNetOperatorRegressor : A U-Net with kernels on the continuum.

    References
    ----------
    H. Wu, T. Hu, H. Luo, J. Wang, M. Long. "Solving High-Dimensional PDEs with
    Latent Spectral Models", ICML 2023.

    Examples
    --------
    >>> from skop.datasets import make_darcy
    >>> from skop.neural_operator import LSMRegressor
    >>> a, u = make_darcy(30, 17, random_state=0)
    >>> est = LSMRegressor(width=8, max_epochs=2, n_spatial_dims=2, grid="nodes",
    ...                    random_state=0).fit(a[:20], u[:20])
    >>> est.n_levels_, est.predict(a[20:]).shape
    (4, (10, 17, 17))
    """

    __doc__ = __doc__ % {"grid_parameters": GRID_PARAMETERS_DOC}

    _parameter_constraints = {
        **BaseTorchEstimator._parameter_constraints,
        **GRID_PARAMETER_CONSTRAINTS,
        "width": [Interval(Integral, 1, None, closed="left")],
        "n_levels": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "patch_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "n_tokens": [Interval(Integral, 1, None, closed="left")],
        "n_basis": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "boundary": [StrOptions(set(PADDING_MODES))],
        "off_grid": [StrOptions({"error", "resample"})],
        "loss": [StrOptions({"auto", "relative_l2", "h1", "mse"})],
    }
    # off_grid only acts at predict.
    _module_params = (*BaseNeuralOperator._module_params, "width", "n_levels", "patch_size",
                      "n_tokens", "n_basis", "n_heads", "boundary")

    def __init__(self, width=32, *, n_levels="auto", patch_size=4, n_tokens=4, n_basis=12,
                 n_heads=8, boundary="dirichlet", off_grid="error", n_spatial_dims=None,
                 grid="periodic", loss="auto", max_epochs=100, batch_size=20, lr=1e-3,
                 optimizer="adamw", weight_decay=1e-4, optimizer_kwargs=None,
                 lr_schedule="onecycle", early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, callbacks=None, warm_start=False, precision="float32",
                 compile=False, device="auto", inference_precision="auto", verbose=0,
                 random_state=None):
        super().__init__(
            max_epochs=max_epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
            weight_decay=weight_decay, optimizer_kwargs=optimizer_kwargs,
            lr_schedule=lr_schedule, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            callbacks=callbacks, warm_start=warm_start, precision=precision, compile=compile,
            device=device, inference_precision=inference_precision, verbose=verbose,
            random_state=random_state,
        )
        self.width = width
        self.n_levels = n_levels
        self.patch_size = patch_size
        self.n_tokens = n_tokens
        self.n_basis = n_basis
        self.n_heads = n_heads
        self.boundary = boundary
        self.off_grid = off_grid
        self.n_spatial_dims = n_spatial_dims
        self.grid = grid
        self.loss = loss

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the operator on input functions ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points) or (n_samples, [channels,] \\*grid)
            Input functions on a 1-D to 3-D grid.
        y : array-like of shape (n_samples, [channels,] \\*grid), (n_samples,) or (n_samples, n_outputs)
            Output functions on the same grid, or scalar / vector targets.

        Returns
        -------
        self : LSMRegressor
        """
        if self.width % self.n_heads:
            raise ValueError(
                f"width={self.width} must be a multiple of n_heads={self.n_heads} (every "
                "spectral block splits its channels between the heads).")
        return self._fit_operator(X, y)

    def predict(self, X):
        """Evaluate the learned operator on input functions ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points) or (n_samples, [channels,] \\*grid)
            On the training grid, or on any grid with ``off_grid="resample"``.

        Returns
        -------
        y : ndarray
            In the layout of the training targets, on the grid of ``X``.
        """
        Xm = self._validate_predict(X)
        shape = tuple(Xm.shape[2:])
        if shape == self.grid_shape_:
            return self._predict_operator(X)
        if self.off_grid == "error":
            raise ValueError(
                f"LSMRegressor was fitted on a {self.grid_shape_} grid and X is on a {shape} "
                "grid. Its convolutions and patches are in grid points, so it is a different "
                "operator there: resample X to the training grid, or set off_grid='resample' "
                "to have predict interpolate the input to the training grid and the "
                "prediction back.")
        return self._predict_resampled(Xm, shape)

    def _predict_resampled(self, Xm, shape):
        """Interpolate to the training grid, predict, interpolate back (``off_grid="resample"``)."""
        coarse = resample(torch.from_numpy(Xm), self.grid_shape_, self.grid).numpy()
        out = self._predict_array(np.ascontiguousarray(coarse))
        if self.n_outputs_ is not None:
            return out[:, 0] if self._target_ndim == 1 else out
        out = resample(torch.from_numpy(out), shape, self.grid).numpy()
        if out.shape[1] == 1 and self._target_ndim == self.n_spatial_dims_ + 1:
            return out[:, 0]
        return out

    def _set_fit_layout(self):
        if self.n_levels == "auto":
            self.n_levels_ = auto_levels(self.grid_shape_)
        else:
            self.n_levels_ = self.n_levels
        patch = self.patch_size
        if not isinstance(patch, Integral) and len(patch) != self.n_spatial_dims_:
            raise ValueError(
                f"patch_size={patch!r} has {len(patch)} entries, but X has "
                f"{self.n_spatial_dims_} spatial axes.")

    def _build_module(self, X, y):
        patch = self.patch_size if isinstance(self.patch_size, Integral) else tuple(self.patch_size)
        return LSM(self.n_channels_in_, self.n_channels_out_, width=self.width,
                   n_levels=self.n_levels_, n_dims=self.n_spatial_dims_, grid=self.grid,
                   patch_size=patch, n_tokens=self.n_tokens, n_basis=self.n_basis,
                   n_heads=self.n_heads, boundary=self.boundary,
                   pool=self.n_outputs_ is not None)
