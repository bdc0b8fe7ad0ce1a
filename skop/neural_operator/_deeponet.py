"""DeepONetRegressor: the deep operator network as a scikit-learn regressor."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from skop.base import BaseTorchEstimator, channel_stats
from skop.neural_operator._base import FunctionDataMixin, pooled_r2
from skop.neural_operator._query import (
    AttachPoints,
    QueryBatches,
    box,
    check_points,
    grid_points,
    target_at_points,
    target_on_grid,
)
from skop.nn import (
    MLP,
    ConvBranch,
    DeepONet,
    FourierFeatures,
    ModifiedMLP,
    Parallel,
    PeriodicFeatures,
    PhysicsInformed,
    PhysicsInformedLoss,
    ProductBranch,
    RelativeL2Loss,
    ScaledMSELoss,
)
from skop.nn.layers._grid import GRID_CONVENTIONS
from skop.nn.layers._mlp import ACTIVATIONS


class _Trunk(torch.nn.Sequential):
    """Optional Fourier features, then an MLP (activated output, as in DeepONet)."""


class DeepONetRegressor(FunctionDataMixin, RegressorMixin, BaseTorchEstimator):
    """Deep operator network regressor (Lu et al., 2021).

    Learns an operator ``G`` from input functions observed at fixed sensors
    to output functions evaluated at *any* query point:
    ``G(u)(x) ~ sum_k b_k(u) t_k(x) + b_0``, with a branch net ``b`` on the
    sensor values and a trunk net ``t`` on the coordinates ``x``.

    Data layout:

    * ``X`` of shape ``(n_samples, n_sensors)``: each input function at the
      same sensors (or any vector of parameters, e.g. a source position).
      With ``branch="cnn"``: a function on a grid, ``(n_samples, n_points)``
      (1-D), ``(n_samples, H, W)`` or ``(n_samples, channels, H, W)``.
      Several input functions (MIONet): their sensor values side by side
      and ``branch_inputs`` giving how many columns each has;
    * ``y`` at explicit query points, ``fit(X, y, query_points=P)``: ``P`` of
      shape ``(n_points, d)`` shared by every sample or ``(n_samples,
      n_points, d)`` per sample; ``y`` of shape ``(n_samples, n_points)``
      or, with several output components, ``(n_samples, n_outputs,
      n_points)``;
    * ``y`` on a regular grid (no ``query_points``): ``(n_samples, n_points)``
      is a 1-D grid over ``domain`` (the unit interval by default), with
      coordinates under the ``grid`` convention; ``(n_samples, *grid)`` or
      ``(n_samples, n_outputs, *grid)`` needs ``n_spatial_dims`` (or a
      ``domain`` with one pair per axis) to tell the two apart; ``(n_samples,)``
      is one value per sample.

    ``predict(X)`` evaluates at the training points (returned in the layout
    of ``y``); ``predict(X, query_points=P)`` anywhere else, shared or per
    sample, returning ``(n_samples, n_points)`` (or ``(n_samples, n_outputs,
    n_points)``).

    Sensor values, coordinates and targets are standardised (per sensor,
    per coordinate, per output component) inside the model; predictions come
    in the units of ``y``.

    Parameters
    ----------
    n_basis : int, default=100
        Latent features ``p`` per output component (the rank of the
        operator's expansion).
    branch : {"mlp", "cnn"} or callable, default="mlp"
        Branch network: an MLP on the sensor values, a strided CNN
        (:class:`skop.nn.ConvBranch`) for inputs on a 1-D / 2-D grid, or a
        factory ``branch(input_shape, out_features) -> torch.nn.Module``
        (``input_shape`` excludes the sample axis).
    branch_hidden : tuple of int, default=(128, 128)
        Hidden widths of the MLP branch.
    trunk_hidden : tuple of int, default=(128, 128)
        Hidden widths of the trunk.
    activation : {"relu", "tanh", "gelu", "silu", "sin"}, default="gelu"
        Activation of both networks.
    architecture : {"mlp", "modified"}, default="mlp"
        ``"modified"`` uses the modified MLP of Wang et al. (2021) for the
        MLP branch and the trunk (:class:`skop.nn.ModifiedMLP`), as the
        acoustics DeepONet of Borrel-Jensen et al. (2023) does.
    fourier_features : int, default=0
        Random Fourier features of the (standardised) query coordinates fed
        to the trunk (:class:`skop.nn.FourierFeatures`); 0 for none.
    fourier_scale : float, default=1.0
        Standard deviation of their frequencies.
    periodic_features : int, default=0
        ``K > 0`` makes the trunk exactly periodic over ``domain``: it sees
        only the harmonics ``cos, sin(2 pi k x / L)``, ``k = 1..K``, of each
        coordinate, ``L`` the domain's length on that axis (the unit length
        without a ``domain``; :class:`skop.nn.PeriodicFeatures`). For periodic
        problems (Burgers' equation); replaces ``fourier_features``.
    output_strategy : {"split", "independent"}, default="split"
        Several output components: ``"split"`` shares one branch and one
        trunk whose ``n_outputs * n_basis`` features are split among the
        components; ``"independent"`` uses a branch and a trunk per component.
    branch_inputs : tuple of int or None, default=None
        Several input functions (MIONet): the number of columns of ``X`` of
        each, in order; each gets its own MLP branch and their outputs are
        multiplied.
    conv_channels : tuple of int, default=(16, 32, 64)
        Channels of the strided convolutions of ``branch="cnn"``.
    n_spatial_dims : int or None, default=None
        Grid axes of ``y`` when no ``query_points`` are given (see the data
        layout above).
    domain : sequence of (float, float) or None, default=None
        The box ``[(low, high), ...]`` the grid of ``y`` covers, one pair
        per axis; ``None`` is the unit cube. Also bounds the collocation
        points of physics-informed training.
    grid : {"periodic", "nodes"}, default="periodic"
        Coordinates of the grid of ``y``: ``x_i = low + (high - low) i / n``
        (periodic cells) or ``low + (high - low) i / (n - 1)`` (nodes,
        both ends included).
    loss : {"mse", "relative_l2"}, default="mse"
        Data loss: mean squared error in standardised units, or the relative
        L2 error per sample.
    query_batch_size : int or None, default=None
        Query points per optimisation step: each step trains on a random
        subset of this many points (the same for the batch's samples) --
        minibatching over points as well as functions. ``None`` uses all.
    physics_residual : callable or None, default=None
        Physics-informed term ``residual(G, x, u) -> tensor``: ``G`` is the
        prediction ``(batch, n_outputs, n_collocation)`` at collocation
        points ``x`` ``(batch, n_collocation, d)`` (tracked by autograd, so
        ``torch.autograd.grad(G.sum(), x, create_graph=True)`` gives
        derivatives), ``u`` the raw branch input of the batch. Its mean
        square, times ``physics_weight``, is added to the loss. Must be
        picklable (a module-level function) for the estimator to pickle.
    physics_weight : float, default=1.0
        Weight of the physics term.
    n_collocation : int, default=128
        Collocation points per sample and step, uniform in ``domain`` (or the
        bounding box of the training points).
    max_epochs : int, default=500
        Passes over the training functions.
    batch_size : int, default=32
        Functions per optimisation step.
    lr : float, default=1e-3
        Learning rate (peak of the schedule).
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="adamw"
    weight_decay : float, default=0.0
    optimizer_kwargs : dict or None, default=None
    lr_schedule : {"constant", "cosine", "step", "onecycle"}, default="cosine"
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
        See :class:`skop.base.BaseTorchEstimator` for these training
        parameters.

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The skorch net that trained the model.
    module_ : torch.nn.Module
        The trained module: raw sensor values and coordinates in, raw values out.
    loss_curve_ : ndarray of shape (n_epochs,)
        Training loss per epoch.
    validation_loss_curve_ : ndarray or None
        Validation loss per epoch under early stopping.
    n_iter_ : int
        Epochs run by the last fit.
    interrupted_ : bool
        Whether the last fit was interrupted (Ctrl-C).
    device_ : torch.device
        Training device.
    n_features_in_ : int
        Size of ``X``'s second axis.
    n_outputs_ : int
        Output components.
    n_query_dims_ : int
        Coordinates per query point ``d``.
    query_points_ : ndarray of shape (n_points, d) or None
        The training query points when they were shared (the grid's points for
        a target on a grid); ``None`` when they were given per sample.
    grid_shape_ : tuple of int or None
        The grid of ``y`` at fit, when it was given on a grid.

    See Also
    --------
    skop.nn.DeepONet : The torch module.
    skop.datasets.make_antiderivative : The antiderivative benchmark.
    skop.datasets.make_acoustic_source : Room acoustics, source -> pressure field.
    FNORegressor : Operators between functions on grids.

    References
    ----------
    L. Lu, P. Jin, G. Pang, Z. Zhang, G. E. Karniadakis. "Learning nonlinear
    operators via DeepONet based on the universal approximation theorem of
    operators", Nature Machine Intelligence 3, 218-229, 2021.

    P. Jin, S. Meng, L. Lu. "MIONet: Learning multiple-input operators via
    tensor product", SIAM J. Sci. Comput. 44, 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.datasets import make_antiderivative
    >>> from skop.neural_operator import DeepONetRegressor
    >>> X, y, points = make_antiderivative(200, n_sensors=50, n_points=30, random_state=0)
    >>> est = DeepONetRegressor(n_basis=32, branch_hidden=(64,), trunk_hidden=(64,),
    ...                         max_epochs=20, random_state=0)
    >>> est.fit(X, y, query_points=points).predict(X[:3]).shape
    (3, 30)
    >>> off_grid = np.array([[0.05], [0.55]])        # points never seen in training
    >>> est.predict(X[:3], query_points=off_grid).shape
    (3, 2)
    """

    _parameter_constraints = {
        **BaseTorchEstimator._parameter_constraints,
        "n_basis": [Interval(Integral, 1, None, closed="left")],
        "branch": [StrOptions({"mlp", "cnn"}), callable],
        "branch_hidden": [tuple, list],
        "trunk_hidden": [tuple, list],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "architecture": [StrOptions({"mlp", "modified"})],
        "fourier_features": [Interval(Integral, 0, None, closed="left")],
        "fourier_scale": [Interval(Real, 0, None, closed="neither")],
        "periodic_features": [Interval(Integral, 0, None, closed="left")],
        "output_strategy": [StrOptions({"split", "independent"})],
        "branch_inputs": [tuple, list, None],
        "conv_channels": [tuple, list],
        "n_spatial_dims": [Interval(Integral, 1, None, closed="left"), None],
        "domain": ["array-like", None],
        "grid": [StrOptions(set(GRID_CONVENTIONS))],
        "loss": [StrOptions({"mse", "relative_l2"})],
        "query_batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "physics_residual": [callable, None],
        "physics_weight": [Interval(Real, 0, None, closed="left")],
        "n_collocation": [Interval(Integral, 1, None, closed="left")],
    }

    _module_params = (*BaseTorchEstimator._module_params, "n_basis", "branch",
                      "branch_hidden", "trunk_hidden", "activation", "architecture",
                      "fourier_features", "fourier_scale", "periodic_features", "output_strategy", "branch_inputs",
                      "conv_channels", "physics_residual")

    def __init__(self, n_basis=100, *, branch="mlp", branch_hidden=(128, 128),
                 trunk_hidden=(128, 128), activation="gelu", architecture="mlp",
                 fourier_features=0, fourier_scale=1.0, periodic_features=0,
                 output_strategy="split",
                 branch_inputs=None, conv_channels=(16, 32, 64), n_spatial_dims=None,
                 domain=None, grid="periodic", loss="mse", query_batch_size=None,
                 physics_residual=None, physics_weight=1.0, n_collocation=128,
                 max_epochs=500, batch_size=32, lr=1e-3, optimizer="adamw", weight_decay=0.0,
                 optimizer_kwargs=None, lr_schedule="cosine", early_stopping=False,
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
        self.n_basis = n_basis
        self.branch = branch
        self.branch_hidden = branch_hidden
        self.trunk_hidden = trunk_hidden
        self.activation = activation
        self.architecture = architecture
        self.fourier_features = fourier_features
        self.fourier_scale = fourier_scale
        self.periodic_features = periodic_features
        self.output_strategy = output_strategy
        self.branch_inputs = branch_inputs
        self.conv_channels = conv_channels
        self.n_spatial_dims = n_spatial_dims
        self.domain = domain
        self.grid = grid
        self.loss = loss
        self.query_batch_size = query_batch_size
        self.physics_residual = physics_residual
        self.physics_weight = physics_weight
        self.n_collocation = n_collocation

    # ------------------------------------------------------------ inputs
    def _branch_input(self, X, reset):
        """``X`` as the branch reads it: (n, m) for MLPs, (n, C, *grid) for the CNN."""
        self._reject_sparse(X, "X")
        shape = X.shape if hasattr(X, "shape") else np.asarray(X).shape
        if not reset and len(shape) > 2 and tuple(shape[1:]) != self._input_shape:
            raise ValueError(
                f"X has shape {shape}: {shape[1:]} values per sample, but "
                f"{type(self).__name__} was fitted on {self._input_shape} (the sensors are "
                "fixed; the query points are free).")
        X = validate_data(self, X, dtype=np.float64, allow_nd=True, ensure_all_finite=True,
                          reset=reset)
        if reset:
            self._input_shape = tuple(X.shape[1:])
        if self.branch == "cnn":
            if X.ndim > 4:
                raise ValueError(
                    f"branch='cnn' takes X of shape (n, n_points), (n, H, W) or (n, C, H, W); "
                    f"got {X.shape}.")
            return X[:, None] if X.ndim in (2, 3) else X
        if self.branch == "mlp":
            return X.reshape(len(X), -1)
        return X

    def _target_and_points(self, X, y, query_points):
        """Targets ``(n, n_outputs, q)``, shared points or None, per-sample points or None."""
        self._reject_sparse(y, "y")
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None.")
        y = check_array(y, dtype=np.float64, ensure_2d=False, allow_nd=True,
                        ensure_all_finite=True, input_name="y")
        if len(y) != len(X):
            raise ValueError(
                f"X and y have inconsistent numbers of samples: {len(X)} and {len(y)}.")
        self.grid_shape_ = None
        if query_points is not None:
            P = check_points(query_points, len(X))
            ym, self._output_axis = target_at_points(y, P.shape[-2])
            self._y_shape = None
            return ym, (P if P.ndim == 2 else None), (P if P.ndim == 3 else None)
        dims = self.n_spatial_dims
        if dims is None and self.domain is not None:
            dims = len(np.atleast_2d(np.asarray(self.domain, dtype=np.float64)))
        ym, grid, self._output_axis = target_on_grid(y, dims)
        self._y_shape = tuple(y.shape[1:])
        self.grid_shape_ = grid
        P = grid_points(grid, box(self.domain, len(grid)), self.grid)
        return ym, P, None

    # ------------------------------------------------------------ fit / predict
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, query_points=None):
        """Fit the operator on input functions ``X`` and outputs ``y`` at query points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_sensors) (or a grid with ``branch="cnn"``)
            Input functions at the sensors.
        y : array-like of shape (n_samples, n_points), (n_samples, n_outputs, n_points), (n_samples, [n_outputs,] n_1, ..., n_d) or (n_samples,)
            Output functions at the query points, or on a grid.
        query_points : array-like of shape (n_points, d) or (n_samples, n_points, d), default=None
            Coordinates of the values of ``y``; ``None`` when ``y`` is on a grid.

        Returns
        -------
        self : DeepONetRegressor
            The fitted estimator.
        """
        with self._fit_transaction():
            continuing = self.warm_start and hasattr(self, "net_")
            previous = (self._input_shape, self.n_outputs_, self.n_query_dims_) if (
                continuing) else None
            # A continuation checks X against the fitted features, as partial_fit must.
            U = self._branch_input(X, reset=not continuing)
            ym, shared, per_sample = self._target_and_points(U, y, query_points)
            points = shared if shared is not None else per_sample
            self.n_outputs_ = ym.shape[1]
            self.n_query_dims_ = points.shape[-1]
            now = (self._input_shape, self.n_outputs_, self.n_query_dims_)
            if previous is not None and previous != now:
                raise ValueError(
                    "warm_start=True (and partial_fit) needs data of the layout of the previous "
                    f"fit, (input shape, n_outputs, query dimension) = {previous}; got {now}. "
                    "Set warm_start=False to fit a new model.")
            self._check_branch_inputs(U)
            self.query_points_ = shared
            self._points_stats = self._coordinate_stats(points)
            self._bounds = self._collocation_bounds(points)
            inputs = {"u": U} if per_sample is None else {"u": U, "points": per_sample}
            return self._fit_arrays(inputs, ym)

    def partial_fit(self, X, y, query_points=None):
        """One pass over a chunk of data, continuing the fitted model.

        For data that do not fit in memory: call ``partial_fit`` on one
        chunk after another (from disk, a generator, a memory map). Each call
        runs one epoch at the constant rate ``lr``; the first call builds the
        model and fits the normalisation on its chunk. Later chunks must have
        the layout of the first (same sensors, outputs and query dimension;
        the query points may differ).

        Parameters
        ----------
        X, y, query_points
            As in :meth:`fit`.

        Returns
        -------
        self : DeepONetRegressor
        """
        with self._incremental():
            return self.fit(X, y, query_points=query_points)

    def predict(self, X, query_points=None):
        """Evaluate the learned operator on ``X`` at the training or at new query points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_sensors) (or a grid with ``branch="cnn"``)
            Input functions at the sensors of the fit.
        query_points : array-like of shape (n_points, d) or (n_samples, n_points, d), default=None
            Where to evaluate; ``None`` evaluates at the training points
            (shared points or the grid of the fit).

        Returns
        -------
        y : ndarray
            ``(n_samples, n_points)`` (or ``(n_samples, n_outputs, n_points)``)
            at ``query_points``; in the layout of the training ``y`` otherwise.
        """
        check_is_fitted(self, "net_")
        U = self._branch_input(X, reset=False)
        if query_points is None:
            if self.query_points_ is None:
                raise ValueError(
                    f"{type(self).__name__} was fitted on query points given per sample: pass "
                    "query_points to predict.")
            out = self._predict_array({"u": U}, AttachPoints(self.query_points_))
            return self._as_fit_layout(out)
        P = check_points(query_points, len(U), self.n_query_dims_)
        if P.ndim == 2:
            out = self._predict_array({"u": U}, AttachPoints(P))
        else:
            out = self._predict_array({"u": U, "points": P})
        return out if self._output_axis else out[:, 0]

    def _as_fit_layout(self, out):
        if self._y_shape is None:  # fitted on explicit shared points
            return out if self._output_axis else out[:, 0]
        return out.reshape(len(out), *self._y_shape)

    def score(self, X, y, sample_weight=None, query_points=None):
        """Coefficient of determination R^2 of the prediction, pooled over outputs.

        ``1 - SSE / SST`` over every output value, each point's values
        centred on their mean over samples (as
        :meth:`FNORegressor.score`); for a single output per sample it is
        scikit-learn's R^2.

        Parameters
        ----------
        X : array-like
            Input functions.
        y : array-like
            True outputs, in the layout :meth:`predict` returns.
        sample_weight : array-like of shape (n_samples,), default=None
        query_points : array-like, default=None
            Passed to :meth:`predict`.

        Returns
        -------
        score : float
        """
        y_pred = self.predict(X, query_points=query_points)
        return pooled_r2(np.asarray(y, dtype=np.float64), y_pred, sample_weight)

    # ------------------------------------------------------------ module
    def _check_branch_inputs(self, U):
        if self.branch_inputs is None:
            return
        sizes = tuple(self.branch_inputs)
        if self.branch != "mlp":
            raise ValueError("branch_inputs (several input functions) needs branch='mlp'.")
        if not all(isinstance(s, Integral) and s >= 1 for s in sizes) or sum(sizes) != U.shape[1]:
            raise ValueError(
                f"branch_inputs={self.branch_inputs!r} must be positive column counts summing to "
                f"the {U.shape[1]} columns of X.")

    def _coordinate_stats(self, points):
        flat = torch.as_tensor(points.reshape(-1, points.shape[-1]), dtype=torch.float32)
        loc, scale = channel_stats(flat)
        return loc[0], scale[0]

    def _collocation_bounds(self, points):
        if self.domain is not None and len(np.atleast_2d(self.domain)) == points.shape[-1]:
            return box(self.domain, points.shape[-1])
        flat = points.reshape(-1, points.shape[-1])
        return np.stack([flat.min(axis=0), flat.max(axis=0)], axis=1)

    def _mlp(self, n_in, hidden, n_out, final_activation):
        cls = ModifiedMLP if self.architecture == "modified" else MLP
        return cls(n_in, tuple(hidden), n_out, self.activation, final_activation)

    def _one_branch(self, U, n_out):
        if callable(self.branch):
            return self.branch(tuple(U.shape[1:]), n_out)
        if self.branch == "cnn":
            return ConvBranch(U.shape[1], n_out, U.ndim - 2, tuple(self.conv_channels),
                              self.activation)
        if self.branch_inputs is not None:
            return ProductBranch([self._mlp(s, self.branch_hidden, n_out, False)
                                  for s in self.branch_inputs], self.branch_inputs)
        return self._mlp(U.shape[1], self.branch_hidden, n_out, False)

    def _one_trunk(self, n_out):
        d = self.n_query_dims_
        layers = []
        if self.periodic_features:
            # The trunk sees standardised coordinates: the period shrinks alike.
            lengths = np.diff(box(self.domain, d), axis=1)[:, 0]
            periods = lengths / self._points_stats[1].double().numpy()
            layers.append(PeriodicFeatures(periods, self.periodic_features))
            d = 2 * self.periodic_features * d
        elif self.fourier_features:
            features = FourierFeatures(d, self.fourier_features, self.fourier_scale)
            layers.append(features)
            d = d + 2 * self.fourier_features
        layers.append(self._mlp(d, self.trunk_hidden, n_out, True))
        return _Trunk(*layers)

    def _build_module(self, X, y):
        p, n_out = self.n_basis, self.n_outputs_
        U = X["u"]
        if self.output_strategy == "independent" and n_out > 1:
            branch = Parallel([self._one_branch(U, p) for _ in range(n_out)])
            trunk = Parallel([self._one_trunk(p) for _ in range(n_out)])
        else:
            branch, trunk = self._one_branch(U, n_out * p), self._one_trunk(n_out * p)
        return DeepONet(branch, trunk, p, n_out)

    def _normalization(self, X, y):
        u_stats = channel_stats(X["u"])
        return {"u": u_stats, "points": self._points_stats}, channel_stats(y)

    def _wrap(self, core, X, y):
        module = super()._wrap(core, X, y)
        if self.physics_residual is None:
            return module
        return PhysicsInformed(module, self.physics_residual)

    def _batch_transform(self, generator):
        n_collocation = self.n_collocation if self.physics_residual is not None else 0
        return QueryBatches(self.query_points_, self.query_batch_size, n_collocation,
                            self._bounds, generator)

    def _eval_transform(self):
        return None if self.query_points_ is None else AttachPoints(self.query_points_)

    def _build_criterion(self, y, y_scale):
        data = ScaledMSELoss(y_scale) if self.loss == "mse" else RelativeL2Loss()
        if self.physics_residual is None:
            return data
        return PhysicsInformedLoss(data, self.physics_weight)
