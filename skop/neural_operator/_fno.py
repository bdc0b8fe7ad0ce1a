"""FNORegressor: the Fourier neural operator as a scikit-learn regressor."""

import warnings
from numbers import Integral, Real

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from skop.base import BaseTorchEstimator
from skop.neural_operator._base import (
    GRID_PARAMETER_CONSTRAINTS,
    GRID_PARAMETERS_DOC,
    BaseNeuralOperator,
)
from skop.nn import FNO
from skop.nn.layers._grid import padded_length
from skop.nn.layers._mlp import ACTIVATIONS


def _n_modes_tuple(n_modes, n_dims):
    if isinstance(n_modes, Integral):
        return (int(n_modes),) * n_dims
    return tuple(int(k) for k in n_modes)


# "auto" defaults by dimension. 1-D: tuned on the FNO paper's Burgers problem.
# 2-D and 3-D: measured on 16 x 16 Darcy against neuraloperator 2.0 (same
# modes, epochs and threads, seeds 0-2; asv_bench/scripts/fno_vs_neuraloperator.py):
# width 20 with a channel MLP (0.5) in every layer and a 40-channel projection
# gave rel-L2 0.0290 / 0.0284 / 0.0291 against its 0.0278 / 0.0311 / 0.0288 in
# 0.58x its time (0.65x in a single-seed run); the plain layer at width 24 with a 128-channel projection
# 0.0292 / 0.0294 / 0.0295 (0.66x); width 24 with the MLP 0.0282 / 0.0278 /
# 0.0285 but 0.75-0.80x.
_AUTO = {1: {"width": 32, "batch_size": 10, "lr": 1e-3, "channel_mlp": None},
         2: {"width": 20, "batch_size": 32, "lr": 1e-2, "channel_mlp": 0.5}}
# Node grids include the boundary, so their data are rarely periodic: pad.
# 0.2 measured best for zero-shot evaluation on Darcy (0.1 rounds to no
# padding at all on a 16-node grid).
_AUTO_NODE_PADDING = 0.2


def auto_projection_channels(n_dims, width):
    """``projection_channels="auto"``: the FNO paper's 128 in 1-D, twice the
    width (neuraloperator's ratio) on 2-D / 3-D grids."""
    return 128 if n_dims == 1 else 2 * width


def trainable_modes(n_modes, grid_shape, domain_padding, grid):
    """The modes per axis that a (padded) training grid can hold.

    An axis of ``N`` points holds ``N // 2`` frequencies on each side; a
    weight attached to a frequency the training grid cannot represent would
    never be trained, yet would switch on at a finer grid.
    """
    held = []
    for k, n in zip(n_modes, grid_shape):
        if domain_padding == "even":  # the period of the mirrored axis
            length = 2 * (n - 1)
        else:
            length = padded_length(n, domain_padding, grid)
        held.append(max(1, min(k, length // 2)))
    return tuple(held)


class FNORegressor(BaseNeuralOperator):
    """Fourier neural operator regressor (Li et al., 2021).

    Learns a map between functions sampled on a regular 1-, 2- or 3-D grid:
    a pointwise lifting of the input function and its grid coordinates, a stack
    of Fourier layers ``v <- gelu(K v + W v)`` whose kernel ``K`` multiplies
    the lowest Fourier modes by learned weights, and a pointwise projection.
    The weights live on Fourier modes, not on grid points, so a model fitted at
    one resolution predicts at another (zero-shot super-resolution).

    Data layout:

    * ``X`` of shape ``(n_samples, n_points)`` is a 1-D function (this is the
      layout Pipelines and scikit-learn's tools use; its columns are fixed);
    * ``X`` of shape ``(n_samples, *grid)`` or ``(n_samples, channels, *grid)``
      is a function on a ``d``-D grid, ``d`` given by ``n_spatial_dims`` or
      the length of a tuple ``n_modes``. Otherwise ``d`` is inferred where only
      one reading is possible (a grid axis has at least 2 points, so
      ``X[:, None, :]`` is one channel on a 1-D grid; a target on the grid
      decides whether the second axis is a channel axis) and an ambiguous
      ``X`` (e.g. ``(n, 64, 64)`` with ``y`` of the same shape: a 64 x 64
      grid, or 64 channels on 64 points?) raises a ``ValueError``;
    * ``y`` with the spatial shape of ``X`` (with or without a channel axis)
      is a function target; ``y`` of shape ``(n_samples,)`` or
      ``(n_samples, n_outputs)`` otherwise is a scalar or vector target,
      predicted by averaging the projected field over the domain.

    Inputs and targets are standardised per channel inside the model;
    predictions come back in the units of ``y``.

    The 1-D defaults (16 modes, width 32, 4 layers, batch 10, AdamW at 1e-3
    with a cosine decay over 100 epochs, relative-L2 loss) were tuned on the
    FNO paper's Burgers problem (:func:`skop.datasets.fno_burgers_params`),
    where they reach a test relative L2 error of about 1e-3 in a few minutes
    on one CPU thread (paper: 1.6e-3). On 2-D and 3-D grids ``"auto"`` picks
    width 20, a channel MLP in every layer, a projection of twice the width,
    batch 32 and lr 1e-2, measured on Darcy flow against neuraloperator 2.0.

    ``n_modes=k`` keeps the frequencies ``0 .. k-1`` *and* ``-k .. -1`` on
    every axis but the last, as in the original FNO code; neuraloperator
    2.0's ``n_modes=m`` keeps ``m`` frequencies in all (``-m/2 .. m/2-1``), so
    skop's ``k`` is neuraloperator's ``2k``.

    Parameters
    ----------
    n_modes : int or tuple of int, default=16
        Fourier modes kept per spatial axis (the lowest ``n_modes`` non-negative
        and, on all but the last axis, negative frequencies). A tuple's length
        is the number of spatial dimensions (1 to 3). A training grid (after
        padding) of fewer than ``2 * n_modes`` points holds fewer modes: the
        model is built with those (``n_modes_``, with a warning) and uses only
        them at every resolution.
    width : int or "auto", default="auto"
        Channels in the Fourier layers; ``"auto"`` is 32 on 1-D grids and 20
        on 2-D / 3-D grids.
    n_layers : int, default=4
        Number of Fourier layers.
    projection_channels : int or "auto", default="auto"
        Hidden channels of the pointwise projection; ``"auto"`` is 128 on 1-D
        grids (the FNO paper's) and twice the width on 2-D / 3-D grids.
    channel_mlp : float, "auto" or None, default="auto"
        Add a gated pointwise MLP with ``channel_mlp * width`` hidden channels
        to every Fourier layer, as neuraloperator 2.0's FNO does (see
        :class:`skop.nn.models.FNOBlock`); ``None`` keeps the original layer.
        ``"auto"`` is ``None`` on 1-D grids and 0.5 on 2-D / 3-D grids.
    activation : {"gelu", "silu", "relu", "tanh", "sin"}, default="gelu"
        Non-linearity of the Fourier layers and the MLPs.
    domain_padding : float, "even" or "auto", default="auto"
        Padding before the Fourier layers, as a fraction of the domain (the
        padded period is ``1 + domain_padding`` at every resolution), for
        non-periodic problems (Dirichlet boundaries). ``"even"`` (node grids
        only) pads nothing: every Fourier layer sees each axis mirrored about
        its boundary nodes, a period of exactly twice the domain at every
        resolution (modes count on that period, so ``n_modes`` covers half
        the frequencies it covers on the unit period). Measured on Darcy flow
        (fit at 33 x 33 nodes, predict at 65 x 65): zero padding 0.0179 on the
        training grid but 0.0340 zero-shot; ``"even"`` 0.0198 and 0.0185
        zero-shot, below bilinear upsampling (0.0198). ``"auto"`` is 0.2 for
        ``grid="nodes"`` (data with boundaries) and 0 for periodic data.
    positional_embedding : bool, default=True
        Feed the grid coordinates (positions on the unit domain under
        ``grid``) as extra input channels.
    %(grid_parameters)s
    loss : {"auto", "relative_l2", "h1", "mse"}, default="auto"
        Training loss. ``"auto"`` is the relative L2 error for function targets
        and the mean squared error (in standardised units) for scalar / vector
        targets. ``"h1"`` adds the error of the gradients (relative H1 norm).
    max_epochs : int, default=100
        Passes over the training data.
    batch_size : int or "auto", default="auto"
        Samples per optimisation step; ``"auto"`` is 10 on 1-D grids and 32 on
        2-D / 3-D grids.
    lr : float or "auto", default="auto"
        Learning rate (peak rate of the schedule); ``"auto"`` is 1e-3 on 1-D
        grids and 1e-2 on 2-D / 3-D grids.
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="adamw"
        Optimizer.
    weight_decay : float, default=1e-4
        Weight decay.
    optimizer_kwargs : dict or None, default=None
        Further optimizer arguments, e.g. ``{"betas": (0.9, 0.99)}``.
    lr_schedule : {"constant", "cosine", "step", "onecycle"}, default="cosine"
        Learning-rate schedule over the fit.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop when its loss stops
        improving for ``n_iter_no_change`` epochs; keeps the best weights.
    validation_fraction : float, default=0.1
        Held-out fraction for early stopping.
    n_iter_no_change : int, default=10
        Early-stopping patience in epochs.
    callbacks : list of skorch callbacks, default=None
        Extra skorch callbacks (e.g. ``skorch.callbacks.Checkpoint``).
    warm_start : bool, default=False
        Continue training the fitted model on the next ``fit`` (new training
        parameters and loss apply; an architecture change raises).
    precision : {"float32", "bf16-mixed", "fp16-mixed"}, default="float32"
        Training precision (automatic mixed precision; FFTs stay float32).
    compile : bool, default=False
        Train a ``torch.compile``-d module.
    device : str, default="auto"
        ``"auto"`` (CUDA if available, else CPU), ``"cpu"``, ``"cuda"``, ``"cuda:N"``.
    inference_precision : {"auto", "float32", "float64"}, default="auto"
        Precision of ``predict``: ``"auto"`` is float64 on CPU (predictions that
        do not depend on batch composition) and float32 on GPU.
    verbose : int, default=0
        0 silent, 1 progress bar, 2 a table row per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and validation split (explicit
        generators; the global RNGs are untouched); two CPU fits with the same
        int seed give bit-identical predictions at the same thread count.

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The skorch net that trained the model.
    module_ : torch.nn.Module
        The trained module (standardisation included): raw ``X`` in, raw ``y`` out.
    history_ : skorch.History
        Per-epoch training record.
    loss_curve_ : ndarray of shape (n_epochs,)
        Training loss per epoch (across warm starts).
    validation_loss_curve_ : ndarray of shape (n_epochs,) or None
        Validation loss per epoch when early stopping is on.
    n_iter_ : int
        Epochs run by the last ``fit``.
    interrupted_ : bool
        Whether the last fit was stopped by Ctrl-C (the best weights so far are kept).
    device_ : torch.device
        The device the model was trained on.
    n_features_in_ : int
        Size of ``X``'s second axis at fit.
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame.
    n_spatial_dims_ : int
        Number of spatial axes.
    grid_shape_ : tuple of int
        Training grid.
    n_channels_in_, n_channels_out_ : int
        Input and output channels.
    n_modes_ : tuple of int
        Fourier modes per axis of the trained model (``n_modes``, clipped to
        what the training grid holds).
    n_outputs_ : int or None
        Number of scalar outputs of the pooling head; ``None`` for function targets.

    See Also
    --------
    skop.nn.FNO : The underlying torch module.
    skop.datasets.make_burgers : Burgers-equation operator data.
    skop.datasets.make_darcy : Darcy-flow operator data.

    References
    ----------
    Z. Li, N. Kovachki, K. Azizzadenesheli, B. Liu, K. Bhattacharya, A. Stuart,
    A. Anandkumar. "Fourier Neural Operator for Parametric Partial Differential
    Equations", ICLR 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.neural_operator import FNORegressor
    >>> rng = np.random.RandomState(0)
    >>> x = np.linspace(0, 1, 64, endpoint=False)
    >>> a = rng.randn(200, 1)
    >>> X = np.sin(2 * np.pi * (x + a))            # 200 functions on 64 points
    >>> y = np.cos(2 * np.pi * (x + a))            # their (scaled) derivatives
    >>> est = FNORegressor(n_modes=8, width=16, max_epochs=30, random_state=0).fit(X, y)
    >>> est.predict(X[:3]).shape
    (3, 64)
    >>> est.predict(np.sin(2 * np.pi * (np.linspace(0, 1, 128, endpoint=False) + a[:3]))[:, None]
    ...             ).shape                       # zero-shot at 128 points
    (3, 128)
    """

    __doc__ = __doc__ % {"grid_parameters": GRID_PARAMETERS_DOC}

    _parameter_constraints = {
        **BaseTorchEstimator._parameter_constraints,
        **GRID_PARAMETER_CONSTRAINTS,
        "n_modes": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "width": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "projection_channels": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "channel_mlp": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"}), None],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "domain_padding": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto", "even"})],
        "positional_embedding": ["boolean"],
        "loss": [StrOptions({"auto", "relative_l2", "h1", "mse"})],
    }

    _spatial_dims_param = "n_modes"
    _module_params = (*BaseNeuralOperator._module_params, "n_modes", "width", "n_layers",
                      "projection_channels", "domain_padding", "positional_embedding",
                      "channel_mlp", "activation")

    def __init__(self, n_modes=16, *, width="auto", n_layers=4, projection_channels="auto",
                 channel_mlp="auto", activation="gelu", domain_padding="auto",
                 positional_embedding=True, n_spatial_dims=None, grid="periodic", loss="auto", max_epochs=100, batch_size="auto", lr="auto",
                 optimizer="adamw", weight_decay=1e-4, optimizer_kwargs=None,
                 lr_schedule="cosine", early_stopping=False, validation_fraction=0.1,
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
        self.n_modes = n_modes
        self.width = width
        self.n_layers = n_layers
        self.projection_channels = projection_channels
        self.channel_mlp = channel_mlp
        self.activation = activation
        self.domain_padding = domain_padding
        self.positional_embedding = positional_embedding
        self.n_spatial_dims = n_spatial_dims
        self.grid = grid
        self.loss = loss

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the operator on input functions ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points) or (n_samples, [channels,] n_1, ..., n_d)
            Input functions on a regular grid.
        y : array-like of shape (n_samples, [channels,] n_1, ..., n_d), (n_samples,) or (n_samples, n_outputs)
            Output functions on the same grid, or scalar / vector targets.

        Returns
        -------
        self : FNORegressor
            The fitted estimator.
        """
        self._check_n_modes()
        return self._fit_operator(X, y)

    def predict(self, X):
        """Evaluate the learned operator.

        ``X`` may be on a different grid than at fit (zero-shot
        super-resolution) when it is given in the N-D layout
        ``(n_samples, [channels,] *grid)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points) or (n_samples, [channels,] n_1, ..., n_d)
            Input functions.

        Returns
        -------
        y : ndarray
            Output functions on the grid of ``X`` (in the layout of the training
            targets), or scalar / vector predictions.
        """
        return self._predict_operator(X)

    def _check_n_modes(self):
        if not isinstance(self.n_modes, Integral):
            modes = tuple(self.n_modes)
            if not 1 <= len(modes) <= 3 or not all(
                    isinstance(k, Integral) and k >= 1 for k in modes):
                raise ValueError(
                    f"n_modes must be a positive int or a tuple of 1 to 3 positive ints, "
                    f"got {self.n_modes!r}."
                )

    def _set_fit_layout(self):
        if self.domain_padding == "even" and self.grid != "nodes":
            raise ValueError("domain_padding='even' mirrors node grids about their boundary "
                             "nodes: set grid='nodes' (or a numeric domain_padding).")
        requested = _n_modes_tuple(self.n_modes, self.n_spatial_dims_)
        if len(requested) != self.n_spatial_dims_:
            raise ValueError(
                f"n_modes={self.n_modes!r} has {len(requested)} entries for "
                f"{self.n_spatial_dims_} spatial axes."
            )
        self.n_modes_ = trainable_modes(requested, self.grid_shape_,
                                        self._param("domain_padding"), self.grid)
        if self.n_modes_ != requested:
            warnings.warn(
                f"n_modes={self.n_modes!r} needs at least 2 * n_modes points per axis, but the "
                f"(padded) training grid {self.grid_shape_} holds only {self.n_modes_}; the "
                f"model is built with n_modes_={self.n_modes_} and uses only those modes at "
                "every resolution.", UserWarning, stacklevel=5)

    def _build_module(self, X, y):
        return FNO(
            in_channels=self.n_channels_in_,
            out_channels=self.n_channels_out_,
            n_modes=self.n_modes_,
            width=self._param("width"),
            n_layers=self.n_layers,
            projection_channels=self._param("projection_channels"),
            domain_padding=self._param("domain_padding"),
            positional_embedding=self.positional_embedding,
            grid=self.grid,
            n_outputs=self.n_outputs_,
            channel_mlp=self._param("channel_mlp"),
            activation=self._param("activation"),
        )

    def _auto_param(self, name):
        if name == "domain_padding":
            return _AUTO_NODE_PADDING if self.grid == "nodes" else 0.0
        if name == "projection_channels":
            return auto_projection_channels(self.n_spatial_dims_, self._param("width"))
        return _AUTO[min(self.n_spatial_dims_, 2)][name]
