"""The base class of every torch-backed skop estimator.

The estimator is a plain scikit-learn ``BaseEstimator``: ``__init__`` stores
parameters, ``fit`` validates them and builds a skorch ``NeuralNet`` that owns
the training loop, callbacks and device handling, kept as the fitted ``net_``.
Subclasses say which module to build and which loss to train it with, and
may override the hooks listed in :class:`BaseTorchEstimator` (data, batches,
normalisation, callbacks, post-step constraints, inference).
"""

import contextlib
import copy
import math
import warnings
import weakref
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from skorch.callbacks import EarlyStopping, PrintLog
from skorch.dataset import Dataset
from skorch.helper import predefined_split
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from skop.base._callbacks import (
    DivergenceGuard,
    EpochProgressBar,
    KeepBestOnInterrupt,
    PostStep,
    TrainingDiverged,
)
from skop.base._data import (
    TensorBatches,
    map_tensors,
    n_samples,
    take,
    to_float_tensors,
)
from skop.base._net import PRECISIONS, _SkopNet
from skop.base._schedule import LR_SCHEDULES, OPTIMIZERS, lr_schedule_callback, resolve_optimizer
from skop.nn._init import build_module
from skop.nn.layers import Standardized
from skop.utils import derive_seed, draw_seed, make_generator, resolve_device


def channel_stats(t):
    """Mean and standard deviation per channel (axis 1), broadcastable to ``t``.

    Statistics are pooled over samples and grid points, so they do not depend
    on the resolution (a per-grid-point normaliser would break super-resolution).
    A constant channel gets scale 1.
    """
    axes = [a for a in range(t.ndim) if a != 1]
    loc = t.mean(dim=axes, keepdim=True)
    scale = t.std(dim=axes, keepdim=True, correction=0)
    constant = scale <= 1e-12 * loc.abs().clamp_min(1.0)
    scale = torch.where(constant, torch.ones_like(scale), scale)
    return loc, scale


def _silent(*args, **kwargs):
    """A picklable sink that discards skorch's messages."""


# Fitted module -> (stamp, its copy in the inference dtype); see _inference_module.
_INFERENCE_COPIES = weakref.WeakKeyDictionary()

# Parameters that configure the optimizer: a warm start with changed values
# builds a new optimizer (its state, e.g. Adam's moments, starts afresh).
_OPTIMIZER_PARAMS = ("optimizer", "weight_decay", "optimizer_kwargs")

class BaseTorchEstimator(BaseEstimator, metaclass=ABCMeta):
    """Training, seeding, device and precision policy shared by torch estimators.

    Subclasses implement :meth:`_build_module` and :meth:`_build_criterion`,
    run their ``fit`` body inside ``with self._fit_transaction():`` and call
    :meth:`_fit_arrays` / :meth:`_predict_array` with data already in the
    module's layout. Everything else (normalisation, optimizer, schedules,
    early stopping, divergence and interrupt handling, progress display,
    precision, reproducibility) lives here once.

    Hooks a subclass may override, so that no estimator fakes data:

    * data: ``_fit_arrays(X, y)`` takes a tensor tree (an array, or a dict /
      tuple of arrays passed to the module as keyword / positional inputs)
      and ``y=None`` for unsupervised fits; :func:`skop.base.pad_sets` turns
      ragged sets into padded arrays and masks;
    * :meth:`_batch_transform` -- a new batch at every step (noise from the
      fit's generator, subsampled query points);
    * :meth:`_normalization` -- input / output statistics, or ``None`` for a
      side that must not be rescaled;
    * :meth:`_build_criterion` receives the targets, so the loss can depend on
      the data; :meth:`_training_callbacks` adds e.g. a
      :class:`skop.base.ParamSchedule` for a loss parameter that changes by epoch;
    * :meth:`_post_step` -- a constraint applied after every optimizer step;
    * ``_inference_grad = True`` -- prediction with gradients enabled (a
      prox that is a gradient); :meth:`_predict_batches` yields per-batch
      outputs of any structure.

    Parameters
    ----------
    max_epochs : int, default=100
        Passes over the training data.
    batch_size : int or "auto", default=20
        Samples per optimisation step (capped at the number of training
        samples); ``"auto"`` lets the estimator choose from the data
        (:meth:`_auto_param`).
    lr : float or "auto", default=1e-3
        Learning rate (peak rate for ``"onecycle"``); ``"auto"`` as for
        ``batch_size``.
    optimizer : {"adam", "adamw", "sgd", "rmsprop", "lion"} or torch optimizer class, default="adamw"
        ``"sgd"`` uses Nesterov momentum 0.9. ``"lion"`` is
        :class:`skop.optim.LionK` (Lion; ``optimizer_kwargs={"direction":
        "nuclear"}`` for the Muon-like variant); it wants a learning rate
        3-10x smaller than AdamW's and a larger ``weight_decay``.
    weight_decay : float, default=1e-4
        Weight decay passed to the optimizer.
    optimizer_kwargs : dict or None, default=None
        Further optimizer arguments (``{"betas": (0.9, 0.99)}``,
        ``{"momentum": 0.5}``); a parameter like any other, so
        ``GridSearchCV`` can tune it.
    lr_schedule : {"constant", "cosine", "step", "onecycle"}, default="cosine"
        Learning-rate schedule over the whole fit.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the samples and stop when their loss
        has not improved for ``n_iter_no_change`` epochs, keeping the best weights.
    validation_fraction : float, default=0.1
        Held-out fraction used by early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks (checkpoints, custom logging, ...). They are
        copied at each fit, so the objects passed in are never modified.
    warm_start : bool, default=False
        Continue from the fitted weights (and normalisation) on the next
        ``fit``. Changed training parameters (``lr``, ``max_epochs``,
        schedules, the loss) apply to the continuation; a changed optimizer,
        ``weight_decay`` or ``optimizer_kwargs`` builds a new optimizer;
        changed architecture parameters raise a ``ValueError``.
    precision : {"float32", "bf16-mixed", "fp16-mixed"}, default="float32"
        Training precision: float32, or automatic mixed precision with
        bfloat16 / float16 (``torch.autocast``; fp16 adds loss scaling). Weights
        stay float32; Fourier transforms always run in float32.
    compile : bool or dict, default=False
        Compile the module with ``torch.compile`` (through skorch) for
        training; a dict is passed to ``torch.compile`` as keyword arguments
        (``{"mode": "max-autotune"}``, ``{"backend": "aot_eager"}``).
        Prediction uses the uncompiled module in the inference precision.
    device : str, default="auto"
        ``"auto"`` trains on CUDA when available, else CPU; or ``"cpu"``, ``"cuda:0"``, ...
    inference_precision : {"auto", "float32", "float64"}, default="auto"
        Precision of ``predict``. ``"auto"`` is float64 on CPU, which makes a
        prediction independent of the batch it is computed in (to rounding),
        and float32 on GPUs, where float64 is many times slower.
    verbose : int, default=0
        0 silent, 1 a progress bar over epochs, 2 a table row per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, the validation split and batch noise,
        each through its own ``torch.Generator``. The caller's global torch
        and numpy random states are never used or changed. Two CPU fits with
        the same int seed are bit-identical at the same torch thread count
        (BLAS results may differ in the last bits between thread counts and
        CPUs).
    """

    _parameter_constraints = {
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "optimizer_kwargs": [dict, None],
        "lr_schedule": [StrOptions(set(LR_SCHEDULES))],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
        "precision": [StrOptions(set(PRECISIONS))],
        "compile": ["boolean", dict],
        "device": [str, torch.device],
        "inference_precision": [StrOptions({"auto", "float32", "float64"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    # Constructor parameters that determine the module; they cannot change
    # under warm_start. Subclasses extend the tuple.
    _module_params = ("compile",)
    # Whether inference needs autograd (e.g. the output is a gradient).
    _inference_grad = False

    @abstractmethod
    def __init__(self, *, max_epochs=100, batch_size=20, lr=1e-3, optimizer="adamw",
                 weight_decay=1e-4, optimizer_kwargs=None, lr_schedule="cosine",
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 callbacks=None, warm_start=False, precision="float32", compile=False,
                 device="auto", inference_precision="auto", verbose=0, random_state=None):
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.optimizer_kwargs = optimizer_kwargs
        self.lr_schedule = lr_schedule
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.precision = precision
        self.compile = compile
        self.device = device
        self.inference_precision = inference_precision
        self.verbose = verbose
        self.random_state = random_state

    # ---------------------------------------------------------------- hooks
    @abstractmethod
    def _build_module(self, X, y):
        """Return a fresh torch module for data shaped like ``X``, ``y`` (tensor trees).

        Called under ``torch.device("meta")``: build only, draw nothing; the
        base initialises every parameter from the fit's generator.
        """

    @abstractmethod
    def _build_criterion(self, y, y_scale):
        """Return the training loss for raw-unit targets ``y`` (``None`` if unsupervised)."""

    def _normalization(self, X, y):
        """``(x_stats, y_stats)`` for :class:`skop.nn.Standardized`.

        Each side is ``None`` (not rescaled) or ``(loc, scale)``; for a dict
        ``X`` the input side is a dict of name -> ``(loc, scale)`` or ``None``.
        The default standardises every floating input and the targets per
        channel (axis 1).
        """
        if isinstance(X, dict):
            x_stats = {name: channel_stats(t) if t.is_floating_point() else None
                       for name, t in X.items()}
        else:
            x_stats = channel_stats(X)
        y_stats = channel_stats(y) if isinstance(y, torch.Tensor) else None
        return x_stats, y_stats

    def _batch_transform(self, generator):
        """A ``transform(X_batch, y_batch) -> (X_batch, y_batch)`` for training batches, or None.

        ``generator`` is the fit's own generator on the training device.
        """
        return None

    def _eval_transform(self):
        """A deterministic ``transform(X_batch, y_batch)`` for validation batches, or None.

        E.g. attaching the query points that :meth:`_batch_transform`
        subsamples for training.
        """
        return None

    def _training_callbacks(self):
        """Extra ``(name, callback)`` pairs the method needs (e.g. a ParamSchedule)."""
        return []

    def _post_step(self):
        """A picklable ``fn(module)`` applied after each optimizer step, or None."""
        return None

    def _auto_param(self, name):
        """The value of a parameter set to ``"auto"``, chosen from the fitted layout."""
        raise ValueError(f"{type(self).__name__} has no automatic value for {name}.")

    def _param(self, name):
        """A parameter's value, with ``"auto"`` resolved by :meth:`_auto_param`."""
        value = getattr(self, name)
        if isinstance(value, str) and value == "auto":
            return self._auto_param(name)
        return value

    # ------------------------------------------------------------ properties
    @property
    def module_(self):
        """The trained torch module (raw inputs in, raw outputs out)."""
        check_is_fitted(self, "net_")
        module = self.net_.module_
        # torch.compile wraps the module; the trained weights are the original's.
        return getattr(module, "_orig_mod", module)

    @property
    def history_(self):
        """skorch's training history: one dict per epoch, across warm starts."""
        check_is_fitted(self, "net_")
        return self.net_.history

    # ------------------------------------------------------------- training
    @contextlib.contextmanager
    def _fit_transaction(self):
        """All or nothing: a fit that raises leaves the estimator as it was.

        Layout attributes, ``device_`` and the previous model (which a warm
        start trains on a copy of) are restored when the body raises.
        """
        saved = self.__dict__.copy()
        self._in_fit_transaction = True
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise
        finally:
            self.__dict__.pop("_in_fit_transaction", None)

    @contextlib.contextmanager
    def _incremental(self):
        """Run a ``fit`` as one ``partial_fit`` step: one epoch, continuing, constant lr.

        scikit-learn's idiom for data that does not fit in memory: call
        ``partial_fit`` on one chunk after another. The first call fits the
        normalisation on its chunk. The estimator's own parameters are
        restored afterwards (``get_params`` is unchanged).
        """
        names = ("warm_start", "max_epochs", "lr_schedule", "early_stopping")
        saved = {name: getattr(self, name) for name in names}
        self.warm_start, self.max_epochs = True, 1
        self.lr_schedule, self.early_stopping = "constant", False
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(self, name, value)

    def _fit_arrays(self, X, y=None):
        """Train on ``X``, ``y`` (numpy / tensor trees, module layout). Sets the fitted state."""
        if not self.__dict__.get("_in_fit_transaction"):
            raise RuntimeError("_fit_arrays must run inside `with self._fit_transaction():`.")
        device = resolve_device(self.device)
        seed = draw_seed(self.random_state)
        X, y = to_float_tensors(X), to_float_tensors(y)
        train, valid = self._split(X, y, seed)
        n_train = n_samples(train[0])
        continuing = self.warm_start and hasattr(self, "net_")
        epochs_before = len(self.loss_curve_) if continuing else 0
        # Each fit, and each warm-started continuation, shuffles and draws
        # noise from its own streams: a continuation does not replay the first.
        streams = (derive_seed(seed, "shuffle", epochs_before),
                   derive_seed(seed, "batches", epochs_before))
        if continuing:
            net = self._continued_net(train, n_train, valid, device, streams)
        else:
            net = self._new_net(train, n_train, valid, device, seed, streams)
        try:
            net.partial_fit(*(map_tensors(lambda t: t.to(device), part) for part in train))
        except TrainingDiverged as exc:
            lr = self._param("lr")
            raise ValueError(
                f"{type(self).__name__} training diverged: {exc}. Lower the learning "
                f"rate (lr={lr:g}, try lr={lr / 10:g}), use lr_schedule='onecycle' "
                "for a warm-up, or check X and y for extreme values."
            ) from None
        self.net_ = net
        self.device_ = device
        # What skop.io needs to rebuild the network through _new_net: the
        # training data's layout (empty tensors) and size, not the data.
        self._train_layout = map_tensors(lambda t: t.new_empty((0, *t.shape[1:])), train)
        self._n_train = n_train
        self._fit_signature = {name: copy.deepcopy(getattr(self, name))
                               for name in (*self._module_params, *_OPTIMIZER_PARAMS)}
        self._record_history(epochs_before)
        return self

    def _split(self, X, y, seed):
        """Training and (for early stopping) validation tensor trees."""
        if not self.early_stopping:
            return (X, y), None
        n = n_samples(X)
        n_valid = int(math.ceil(self.validation_fraction * n))
        if n_valid < 1 or n - n_valid < 1:
            raise ValueError(
                f"early_stopping needs at least one training and one validation sample; "
                f"got n_samples={n} with validation_fraction={self.validation_fraction}."
            )
        order = torch.randperm(n, generator=make_generator(derive_seed(seed, "split")))
        valid_idx, train_idx = order[:n_valid], order[n_valid:]
        return (take(X, train_idx), take(y, train_idx)), (take(X, valid_idx), take(y, valid_idx))

    def _wrap(self, core, X, y):
        x_stats, y_stats = self._normalization(X, y)
        y_loc, y_scale = y_stats if y_stats is not None else (None, None)
        if isinstance(x_stats, dict):
            return Standardized(core, y_loc=y_loc, y_scale=y_scale, inputs=x_stats)
        x_loc, x_scale = x_stats if x_stats is not None else (None, None)
        return Standardized(core, x_loc, x_scale, y_loc, y_scale)

    def _new_net(self, train, n_train, valid, device, seed, streams):
        X, y = train
        core = build_module(lambda: self._build_module(X, y),
                            make_generator(derive_seed(seed, "init")))
        module = self._wrap(core, X, y)
        net = _SkopNet(
            module=module,
            criterion=self._build_criterion(y, module.y_scale),
            iterator_train=TensorBatches,
            iterator_train__shuffle=True,
            iterator_valid=TensorBatches,
            device=str(device),
            predict_nonlinearity=None,
            compile=isinstance(self.compile, dict) or bool(self.compile),
            **{f"compile__{k}": v for k, v in
               (self.compile if isinstance(self.compile, dict) else {}).items()},
            **self._optimizer_params(),
            **self._net_training_params(n_train, valid, device, streams),
        )
        return net.initialize()

    def _restore_net(self, module_state, optimizer_state, history, device):
        """Rebuild ``net_`` through the code of ``fit`` and load saved state into it (skop.io).

        The module is built for zero-valued data of the training layout; its
        weights and normalisation buffers are then loaded with ``strict=True``
        (a missing, extra or mis-shaped tensor is an error).
        """
        n = min(self._n_train, 2)
        X, y = map_tensors(lambda t: torch.zeros((n, *t.shape[1:]), dtype=t.dtype),
                           self._train_layout)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # statistics of placeholder data
            net = self._new_net((X, y), self._n_train, None, device, 0, (0, 0))
        module = getattr(net.module_, "_orig_mod", net.module_)
        module.load_state_dict(module_state, strict=True)
        net.optimizer_.load_state_dict(optimizer_state)
        # torch checks parameter groups, not the shapes of the state tensors
        # (Adam's moments): a mis-shaped one would only fail at the next step.
        for param, state in net.optimizer_.state.items():
            for key, value in state.items():
                if torch.is_tensor(value) and value.ndim and value.shape != param.shape:
                    raise ValueError(f"optimizer state {key!r} has shape {tuple(value.shape)}, "
                                     f"its parameter {tuple(param.shape)}.")
        net.history = history
        self.net_ = net
        self.device_ = device

    def _continued_net(self, train, n_train, valid, device, streams):
        """A copy of the fitted net, set up to continue (the fitted one stays intact)."""
        self._check_warm_start_params()
        if torch.device(self.net_.device) != device:
            raise ValueError(
                f"warm_start=True continues on the device of the previous fit "
                f"({self.net_.device}); got device={self.device!r}. Set warm_start=False."
            )
        net = copy.deepcopy(self.net_)
        params = self._net_training_params(n_train, valid, device, streams)
        # skorch's set_params re-initialises components for prefixed keys and
        # has none to re-initialise for the iterators': their arguments are
        # plain attributes it reads when it builds each epoch's iterator.
        for key in [k for k in params if k.startswith("iterator_")]:
            setattr(net, key, params.pop(key))
        # Likewise a replaced default callback (set_params only sets *its* parameters);
        # the callbacks are re-initialised below, as "callbacks" is set.
        net.callbacks__print_log = params.pop("callbacks__print_log")
        net.set_params(**params)
        # The loss may have changed; the normalisation is the first fit's.
        net.criterion = self._build_criterion(train[1], getattr(self.module_, "y_scale", None))
        net.initialize_criterion()
        if self._changed_since_fit(_OPTIMIZER_PARAMS):
            for key in [k for k in vars(net) if k.startswith("optimizer__")]:
                delattr(net, key)
            for key, value in self._optimizer_params().items():
                setattr(net, key, value)
            net.initialize_optimizer()
        return net

    def _changed_since_fit(self, names):
        """The parameters among ``names`` whose values differ from the last fit's."""
        return [name for name in names if self._fit_signature[name] != getattr(self, name)]

    def _check_warm_start_params(self):
        changed = self._changed_since_fit(self._module_params)
        if changed:
            desc = ", ".join(f"{name}={self._fit_signature[name]!r} -> {getattr(self, name)!r}"
                             for name in changed)
            raise ValueError(
                f"warm_start=True cannot change the architecture ({desc}): the fitted "
                "weights would not fit it. Restore the previous values or set warm_start=False."
            )

    def _optimizer_params(self):
        optimizer, kwargs = resolve_optimizer(self.optimizer, self.weight_decay)
        kwargs.update(self.optimizer_kwargs or {})
        return {"optimizer": optimizer, **{f"optimizer__{k}": v for k, v in kwargs.items()}}

    def _net_training_params(self, n_train, valid, device, streams):
        """The skorch parameters that may change between (warm-started) fits."""
        lr = self._param("lr")
        batch_size = min(self._param("batch_size"), n_train)
        n_batches = math.ceil(n_train / batch_size)
        callbacks = [("divergence_guard", DivergenceGuard()),
                     ("keep_best", KeepBestOnInterrupt())]
        schedule = lr_schedule_callback(self.lr_schedule, lr, self.max_epochs, n_batches)
        if schedule is not None:
            callbacks.append(("lr_schedule", schedule))
        if valid is not None:
            callbacks.append(("early_stopping", EarlyStopping(
                patience=self.n_iter_no_change, load_best=True,
                sink=print if self.verbose >= 2 else _silent)))
        post_step = self._post_step()
        if post_step is not None:
            callbacks.append(("post_step", PostStep(post_step)))
        callbacks.extend(self._training_callbacks())
        if self.verbose == 1:
            callbacks.append(("progress_bar", EpochProgressBar(desc=type(self).__name__)))
        callbacks.extend(copy.deepcopy(list(self.callbacks or [])))
        shuffle_seed, batch_seed = streams
        return dict(
            lr=lr,
            max_epochs=self.max_epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            iterator_train__generator=make_generator(shuffle_seed),
            iterator_train__transform=self._batch_transform(make_generator(batch_seed, device)),
            iterator_valid__transform=self._eval_transform(),
            train_split=None if valid is None else predefined_split(
                Dataset(*(map_tensors(lambda t: t.to(device), part) for part in valid))),
            warm_start=True,
            precision=self.precision,
            verbose=int(self.verbose >= 2),
            # skorch's PrintLog formats a table every epoch even when it prints
            # nothing: more than a small model's training step. Keep it only
            # when the table is shown.
            callbacks__print_log=PrintLog() if self.verbose >= 2 else None,
        )

    def _record_history(self, epochs_before):
        rows = [r for r in self.net_.history if "train_loss" in r]
        self.loss_curve_ = np.array([r["train_loss"] for r in rows])
        valid = [r["valid_loss"] for r in rows if "valid_loss" in r]
        self.validation_loss_curve_ = np.array(valid) if valid else None
        self.n_iter_ = len(rows) - epochs_before
        self.interrupted_ = dict(self.net_.callbacks_)["keep_best"].interrupted_

    # ------------------------------------------------------------ inference
    def _inference_dtype(self):
        if self.inference_precision == "auto":
            return torch.float64 if self.device_.type == "cpu" else torch.float32
        return getattr(torch, self.inference_precision)

    def _inference_module(self):
        """The fitted module in the inference dtype, cast once and cached.

        The cache is keyed on the fitted module (weakly, outside the
        estimator's ``__dict__``: predicting changes no attribute), on the
        net's optimizer-step count (a fused optimizer step leaves the version
        counters alone) and on the version counters of its tensors (a module
        changed in place by hand), so a module trained further is cast again.
        """
        dtype = self._inference_dtype()
        module = self.module_
        if dtype == torch.float32:
            return module
        stamp = (dtype, getattr(self.net_, "n_optimizer_steps", 0),
                 tuple(t._version for t in module.state_dict(keep_vars=True).values()))
        cached = _INFERENCE_COPIES.get(module)
        if cached is None or cached[0] != stamp:
            # A private copy: the fitted module keeps training in float32.
            cached = (stamp, copy.deepcopy(module).to(dtype).eval())
            _INFERENCE_COPIES[module] = cached
        return cached[1]

    def _predict_batches(self, X, transform=None):
        """Run the trained module on ``X`` (numpy / tensor tree, module layout), batch by batch.

        Yields each batch's output (a tensor or a tree of them) as float64 on
        the CPU. Gradients are enabled when ``_inference_grad`` is set.
        ``transform(X_batch, None) -> (X_batch, _)``, if given, completes each
        batch on the device first (e.g. attaches query points).
        """
        check_is_fitted(self, "net_")
        dtype = self._inference_dtype()
        module = self._inference_module()
        was_training = module.training
        module.eval()
        X = to_float_tensors(X, dtype)
        pinned = self.device_.type == "cuda"
        batch = max(4 * self._param("batch_size"), 64)
        grad = torch.enable_grad() if self._inference_grad else torch.no_grad()

        def to_device(t):
            return (t.pin_memory() if pinned else t).to(self.device_, non_blocking=pinned)

        try:
            with grad:
                for start in range(0, n_samples(X), batch):
                    chunk = map_tensors(to_device, take(X, slice(start, start + batch)))
                    if transform is not None:
                        chunk, _ = transform(chunk, None)
                    out = module(**chunk) if isinstance(chunk, dict) else module(chunk)
                    yield map_tensors(lambda t: t.detach().to("cpu", torch.float64), out)
        finally:
            module.train(was_training)

    def _predict_array(self, X, transform=None):
        """Run the trained module on ``X`` (module layout) -> one float64 numpy array."""
        outputs = list(self._predict_batches(X, transform))
        return torch.cat(outputs).numpy() if outputs else np.empty((0,))

    # ------------------------------------------------------------ pickling
    def __setstate__(self, state):
        super().__setstate__(state)
        device = self.__dict__.get("device_")
        if device is not None and device.type == "cuda" and not torch.cuda.is_available():
            # skorch has already mapped the weights to the CPU; follow it.
            warnings.warn(
                f"{type(self).__name__} was trained on {device}, but CUDA is not available "
                "here: it predicts on the CPU.", UserWarning, stacklevel=2)
            self.device_ = torch.device("cpu")
