"""UNetOperatorRegressor: a resolution-agnostic U-Net as a scikit-learn regressor."""

import contextlib
import warnings
from numbers import Integral

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from skop.base import BaseTorchEstimator
from skop.neural_operator._base import (
    GRID_PARAMETER_CONSTRAINTS,
    GRID_PARAMETERS_DOC,
    BaseNeuralOperator,
)
from skop.nn import UNetOperator
from skop.nn.layers._continuous_conv import (
    CONV_BOUNDARIES,
    RESIZE_METHODS,
    ContinuousConv,
    ContinuousConvTranspose,
)
from skop.nn.models._unet import MIN_COARSEST, max_depth


class UNetOperatorRegressor(BaseNeuralOperator):
    """U-Net neural operator, resolution-agnostic by continuous kernels (Berner et al., 2025).

    A U-Net (two ``kernel_size`` convolutions with GELU per level, stride-2
    down-sampling, transposed-convolution up-sampling with skip connections,
    a pointwise head; ``width * 2**level`` channels) whose convolutions are
    read as quadratures of integral operators, following "Principled
    Approaches for Extending Neural Architectures to Function Spaces for
    Operator Learning". At the training resolution it is a plain U-Net. On a
    grid ``s`` times finer (or coarser) per axis, every ``k``-tap kernel is
    resized to the same physical support, ``2 round(s (k - 1) / 2) + 1``
    taps (the paper's ``s k - s + 1``), divided by the cell-size ratio
    ``s^d``, with the padding scaled alike; strided convolutions keep their
    stride in grid points, and the up-samplings interpolate their input to
    their training grid and their output back. So ``predict`` works on any
    grid (zero-shot super-resolution), where a plain U-Net, whose kernels are
    in grid units, becomes a different operator.
    ``resolution_agnostic=False`` predicts with that plain U-Net (the same
    weights), for comparison; it and ``resize`` act at ``predict``, without
    refitting.

    Resolutions follow ``grid``: ``n`` cells or ``n - 1`` node spacings per
    axis, so 33 -> 65 nodes is ``s = 2`` exactly. Levels coarsen ``n`` points
    to ``(n - 1) // 2 + 1`` (node grids node onto node); any size works, with
    at least 2 points per axis on the coarsest level.

    Data layout: as :class:`FNORegressor` (``(n_samples, n_points)``,
    ``(n_samples, *grid)`` or ``(n_samples, channels, *grid)`` on 1-D or 2-D
    grids; function targets, or scalar / vector targets predicted by the mean
    of the output over the grid).

    Parameters
    ----------
    width : int, default=16
        Channels of the finest level; they double at every level.
    depth : int, default=3
        Down-samplings. A training grid too small for it (fewer than 2 points
        per axis on the coarsest level) builds the deepest U-Net it holds
        (``depth_``, with a warning).
    kernel_size : int, default=5
        Odd taps per axis of the level convolutions at the training
        resolution. The down- and up-samplings have 3 taps. A kernel must be
        smooth over its taps to be resolved on a finer grid: its sum is kept
        exactly, its higher moments to ``O(1 / kernel_size)``, so larger
        kernels transfer better (the paper used 9 taps at 128 points).
    boundary : {"dirichlet", "periodic"}, default="dirichlet"
        Padding of every convolution: zeros or circular.
    resize : {"bilinear", "fourier"}, default="bilinear"
        How kernels are resampled at another resolution: linear
        interpolation of the continuous kernel, or its trigonometric
        interpolant (Fourier zero-padding); the up-samplings interpolate
        features linearly (``"fourier"``: by FFT on periodic grids).
    resolution_agnostic : bool, default=True
        Rescale the kernels on other grids; ``False`` predicts with the plain
        U-Net of the trained kernels (warns on another grid).
    positional_embedding : bool, default=True
        Feed the grid coordinates (under ``grid``) as extra input channels.
    %(grid_parameters)s
    loss : {"auto", "relative_l2", "h1", "mse"}, default="auto"
        ``"auto"`` is the relative L2 error for function targets and the MSE
        for scalar / vector targets.
    max_epochs : int, default=100
    batch_size : int, default=16
    lr : float, default=1e-3
        Peak learning rate of the schedule.
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
        The training grid: the resolution the kernels are defined at.
    n_channels_in_, n_channels_out_ : int
    n_outputs_ : int or None
    depth_ : int
        Down-samplings of the trained U-Net.

    See Also
    --------
    skop.nn.UNetOperator : The torch module.
    skop.nn.ContinuousConv : The resolution-agnostic convolution.
    FNORegressor : Fourier layers, resolution-invariant by construction.
    MgNORegressor : Multigrid convolutions in grid units.

    References
    ----------
    Berner, J., M. Liu-Schiaffini, J. Kossaifi, V. Duruisseaux, B. Bonev,
    K. Azizzadenesheli, A. Anandkumar. "Principled Approaches for Extending
    Neural Architectures to Function Spaces for Operator Learning", 2025,
    arXiv:2506.10973.

    Examples
    --------
    >>> from skop.datasets import make_darcy
    >>> from skop.neural_operator import UNetOperatorRegressor
    >>> a, u = make_darcy(40, 17, random_state=0)
    >>> est = UNetOperatorRegressor(width=8, depth=2, max_epochs=5, n_spatial_dims=2,
    ...                             grid="nodes", random_state=0).fit(a[:30], u[:30])
    >>> est.predict(a[30:]).shape
    (10, 17, 17)
    >>> a_fine, _ = make_darcy(2, 33, random_state=1)
    >>> est.predict(a_fine).shape                  # zero-shot on a 2x finer grid
    (2, 33, 33)
    """

    __doc__ = __doc__ % {"grid_parameters": GRID_PARAMETERS_DOC}

    _parameter_constraints = {
        **BaseTorchEstimator._parameter_constraints,
        **GRID_PARAMETER_CONSTRAINTS,
        "width": [Interval(Integral, 1, None, closed="left")],
        "depth": [Interval(Integral, 0, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "boundary": [StrOptions(set(CONV_BOUNDARIES))],
        "resize": [StrOptions(set(RESIZE_METHODS))],
        "resolution_agnostic": ["boolean"],
        "positional_embedding": ["boolean"],
        "loss": [StrOptions({"auto", "relative_l2", "h1", "mse"})],
    }
    # resize and resolution_agnostic only act off the training grid: they
    # are applied to the fitted module at every predict, not fixed at fit.
    _module_params = (*BaseNeuralOperator._module_params, "width", "depth", "kernel_size",
                      "boundary", "positional_embedding")

    def __init__(self, width=16, *, depth=3, kernel_size=5, boundary="dirichlet",
                 resize="bilinear", resolution_agnostic=True, positional_embedding=True,
                 n_spatial_dims=None, grid="periodic", loss="auto", max_epochs=100,
                 batch_size=16, lr=1e-3, optimizer="adamw", weight_decay=1e-4,
                 optimizer_kwargs=None, lr_schedule="onecycle", early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, callbacks=None,
                 warm_start=False, precision="float32", compile=False, device="auto",
                 inference_precision="auto", verbose=0, random_state=None):
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
        self.depth = depth
        self.kernel_size = kernel_size
        self.boundary = boundary
        self.resize = resize
        self.resolution_agnostic = resolution_agnostic
        self.positional_embedding = positional_embedding
        self.n_spatial_dims = n_spatial_dims
        self.grid = grid
        self.loss = loss

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the operator on input functions ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points) or (n_samples, [channels,] n_1[, n_2])
            Input functions on a 1-D or 2-D grid.
        y : array-like of shape (n_samples, [channels,] n_1[, n_2]), (n_samples,) or (n_samples, n_outputs)
            Output functions on the same grid, or scalar / vector targets.

        Returns
        -------
        self : UNetOperatorRegressor
        """
        if self.kernel_size % 2 == 0:
            raise ValueError(
                f"kernel_size must be odd (a kernel centred on its point), got "
                f"{self.kernel_size}.")
        if self.warm_start and hasattr(self, "net_"):
            # A continuation on another grid trains with the current switches.
            self._configure(self.module_)
        return self._fit_operator(X, y)

    def predict(self, X):
        """Evaluate the learned operator on input functions ``X``, on any grid.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points) or (n_samples, [channels,] n_1[, n_2])
            Input functions; a grid other than the training grid is evaluated
            zero-shot (pass a 1-D function fitted as a table with a channel
            axis, ``X[:, None, :]``).

        Returns
        -------
        y : ndarray
            In the layout of the training targets, on the grid of ``X``.
        """
        Xm = self._validate_predict(X)
        shape = tuple(Xm.shape[2:])
        try:
            self.module_.model.check_grid(shape)
        except ValueError as exc:
            raise ValueError(f"{type(self).__name__}: {exc}") from None
        if shape != self.grid_shape_ and not self.resolution_agnostic:
            warnings.warn(
                f"UNetOperatorRegressor was fitted on a {self.grid_shape_} grid and "
                f"resolution_agnostic=False: its kernels are in grid units, so on a {shape} "
                "grid it is a different operator.", UserWarning, stacklevel=2)
        with self._switches():
            return self._predict_operator(X)

    def _configure(self, module):
        """Set ``resolution_agnostic`` and ``resize`` on ``module``; return the previous values."""
        layers = [m for m in module.modules()
                  if isinstance(m, (ContinuousConv, ContinuousConvTranspose))]
        previous = [(m, m.resolution_agnostic, m.resize) for m in layers]
        for m in layers:
            m.resolution_agnostic = bool(self.resolution_agnostic)
            m.resize = self.resize
        return previous

    @contextlib.contextmanager
    def _switches(self):
        """The estimator's inference switches on the fitted module (and its inference copy)."""
        modules = {id(m): m for m in (self.module_, self._inference_module())}
        saved = [entry for m in modules.values() for entry in self._configure(m)]
        try:
            yield
        finally:
            for m, agnostic, resize in saved:
                m.resolution_agnostic, m.resize = agnostic, resize

    def _set_fit_layout(self):
        if self.n_spatial_dims_ > 2:
            raise ValueError(
                f"UNetOperatorRegressor works on 1-D and 2-D grids; X has "
                f"{self.n_spatial_dims_} spatial axes.")
        allowed = max_depth(self.grid_shape_)
        self.depth_ = min(self.depth, allowed)
        if self.depth_ < self.depth:
            warnings.warn(
                f"depth={self.depth} needs at least {MIN_COARSEST} points per axis on the "
                f"coarsest level, i.e. {(MIN_COARSEST - 1) * 2**self.depth + 1} per axis; the "
                f"training grid {self.grid_shape_} holds depth_={self.depth_}, which the model "
                "is built with.", UserWarning, stacklevel=5)

    def _build_module(self, X, y):
        return UNetOperator(
            self.n_channels_in_, self.n_channels_out_, width=self.width, depth=self.depth_,
            kernel_size=self.kernel_size, n_dims=self.n_spatial_dims_,
            train_resolution=self.grid_shape_, grid=self.grid, boundary=self.boundary,
            resize=self.resize, resolution_agnostic=self.resolution_agnostic,
            positional_embedding=self.positional_embedding, pool=self.n_outputs_ is not None)
