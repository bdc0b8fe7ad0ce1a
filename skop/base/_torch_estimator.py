"""The base class of every torch-backed skop estimator.

The estimator is a plain scikit-learn ``BaseEstimator``: ``__init__`` stores
parameters, ``fit`` validates them and builds a skorch ``NeuralNet`` that owns
the training loop, callbacks and device handling, kept as the fitted ``net_``.
Subclasses only say which module to build and which loss to train it with.
"""

import copy
import math
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping
from skorch.dataset import Dataset
from skorch.helper import predefined_split
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from skop.base._callbacks import (
    DivergenceGuard,
    EpochProgressBar,
    KeepBestOnInterrupt,
    TrainingDiverged,
)
from skop.base._data import TensorBatches
from skop.base._schedule import LR_SCHEDULES, OPTIMIZERS, lr_schedule_callback, resolve_optimizer
from skop.nn.layers import Standardized
from skop.utils import draw_seed, resolve_device, torch_rng


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


class BaseTorchEstimator(BaseEstimator, metaclass=ABCMeta):
    """Training, seeding, device and precision policy shared by torch estimators.

    Subclasses implement :meth:`_build_module` and :meth:`_build_criterion` and
    call :meth:`_fit_arrays` / :meth:`_predict_array` with data already in the
    module's layout. Everything else (normalisation, optimizer, schedules,
    early stopping, divergence and interrupt handling, progress display,
    reproducibility) lives here once.

    Parameters
    ----------
    max_epochs : int, default=100
        Passes over the training data.
    batch_size : int, default=20
        Samples per optimisation step (capped at the number of training samples).
    lr : float, default=1e-3
        Learning rate (peak rate for ``"onecycle"``).
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="adamw"
        ``"sgd"`` uses Nesterov momentum 0.9.
    weight_decay : float, default=1e-4
        Weight decay passed to the optimizer.
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
        Continue from the fitted weights (and normalisation) on the next ``fit``.
    device : str, default="auto"
        ``"auto"`` trains on CUDA when available, else CPU; or ``"cpu"``, ``"cuda:0"``, ...
    inference_precision : {"auto", "float32", "float64"}, default="auto"
        Precision of ``predict``. ``"auto"`` is float64 on CPU, which makes a
        prediction independent of the batch it is computed in, and float32 on
        GPUs, where float64 is many times slower. Training is always float32.
    verbose : int, default=0
        0 silent, 1 a progress bar over epochs, 2 a table row per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and the validation split. The caller's
        global torch and numpy random states are left untouched.
    """

    _parameter_constraints = {
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions(set(LR_SCHEDULES))],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
        "device": [str, torch.device],
        "inference_precision": [StrOptions({"auto", "float32", "float64"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    @abstractmethod
    def __init__(self, *, max_epochs=100, batch_size=20, lr=1e-3, optimizer="adamw",
                 weight_decay=1e-4, lr_schedule="cosine", early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, callbacks=None,
                 warm_start=False, device="auto", inference_precision="auto", verbose=0,
                 random_state=None):
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.device = device
        self.inference_precision = inference_precision
        self.verbose = verbose
        self.random_state = random_state

    # ---------------------------------------------------------------- hooks
    @abstractmethod
    def _build_module(self, X, y):
        """Return a fresh torch module for standardised data shaped like ``X``, ``y``."""

    @abstractmethod
    def _build_criterion(self, y, y_scale):
        """Return the training loss module, for raw-unit targets ``y``."""

    # ------------------------------------------------------------ properties
    @property
    def module_(self):
        """The trained torch module (raw inputs in, raw outputs out)."""
        check_is_fitted(self, "net_")
        return self.net_.module_

    @property
    def history_(self):
        """skorch's training history: one dict per epoch, across warm starts."""
        check_is_fitted(self, "net_")
        return self.net_.history

    # ------------------------------------------------------------- training
    def _fit_arrays(self, X, y):
        """Train on ``X``, ``y`` (numpy, module layout). Sets the fitted state."""
        self.device_ = resolve_device(self.device)
        seed = draw_seed(self.random_state)
        Xt = torch.as_tensor(np.require(X, dtype=np.float32, requirements="CW"))
        yt = torch.as_tensor(np.require(y, dtype=np.float32, requirements="CW"))
        train, valid = self._split(Xt, yt, seed)
        n_train = len(train[0])
        continuing = self.warm_start and hasattr(self, "net_")
        epochs_before = len(self.loss_curve_) if continuing else 0
        with torch_rng(seed, self.device_):
            if continuing:
                net = self.net_
                net.set_params(**self._net_training_params(n_train, valid))
            else:
                net = self._new_net(train, n_train, valid)
            try:
                net.partial_fit(*(t.to(self.device_) for t in train))
            except TrainingDiverged as exc:
                raise ValueError(
                    f"{type(self).__name__} training diverged: {exc}. Lower the learning "
                    f"rate (lr={self.lr:g}, try lr={self.lr / 10:g}), use lr_schedule='onecycle' "
                    "for a warm-up, or check X and y for extreme values."
                ) from None
        self.net_ = net
        self._record_history(epochs_before)
        return self

    def _split(self, X, y, seed):
        """Training and (for early stopping) validation tensors."""
        if not self.early_stopping:
            return (X, y), None
        n = len(X)
        n_valid = int(math.ceil(self.validation_fraction * n))
        if n_valid < 1 or n - n_valid < 1:
            raise ValueError(
                f"early_stopping needs at least one training and one validation sample; "
                f"got n_samples={n} with validation_fraction={self.validation_fraction}."
            )
        order = torch.as_tensor(np.random.RandomState(seed).permutation(n))
        valid_idx, train_idx = order[:n_valid], order[n_valid:]
        return (X[train_idx], y[train_idx]), (X[valid_idx], y[valid_idx])

    def _new_net(self, train, n_train, valid):
        X, y = train
        x_loc, x_scale = channel_stats(X)
        y_loc, y_scale = channel_stats(y)
        core = self._build_module(X, y)
        module = Standardized(core, x_loc, x_scale, y_loc, y_scale)
        optimizer, opt_kwargs = resolve_optimizer(self.optimizer, self.weight_decay)
        net = NeuralNet(
            module=module,
            criterion=self._build_criterion(y, y_scale),
            optimizer=optimizer,
            iterator_train=TensorBatches,
            iterator_train__shuffle=True,
            iterator_valid=TensorBatches,
            device=str(self.device_),
            predict_nonlinearity=None,
            **{f"optimizer__{k}": v for k, v in opt_kwargs.items()},
            **self._net_training_params(n_train, valid),
        )
        return net.initialize()

    def _net_training_params(self, n_train, valid):
        """The skorch parameters that may change between (warm-started) fits."""
        batch_size = min(self.batch_size, n_train)
        n_batches = math.ceil(n_train / batch_size)
        callbacks = [("divergence_guard", DivergenceGuard()),
                     ("keep_best", KeepBestOnInterrupt())]
        schedule = lr_schedule_callback(self.lr_schedule, self.lr, self.max_epochs, n_batches)
        if schedule is not None:
            callbacks.append(("lr_schedule", schedule))
        if valid is not None:
            callbacks.append(("early_stopping", EarlyStopping(
                patience=self.n_iter_no_change, load_best=True,
                sink=print if self.verbose >= 2 else _silent)))
        if self.verbose == 1:
            callbacks.append(("progress_bar", EpochProgressBar(desc=type(self).__name__)))
        callbacks.extend(copy.deepcopy(list(self.callbacks or [])))
        params = dict(
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            train_split=None if valid is None else predefined_split(
                Dataset(*(t.to(self.device_) for t in valid))),
            warm_start=True,
            # skorch's PrintLog writes its per-epoch table only when verbose.
            verbose=int(self.verbose >= 2),
        )
        return params

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

    def _predict_array(self, X):
        """Run the trained module on ``X`` (numpy, module layout) -> float64 numpy."""
        check_is_fitted(self, "net_")
        dtype = self._inference_dtype()
        module = self.net_.module_
        if dtype != torch.float32:
            # A private copy: the fitted module keeps training in float32.
            module = copy.deepcopy(module).to(dtype)
        was_training = module.training
        module.eval()
        Xt = torch.as_tensor(np.require(X, dtype=np.float64, requirements="CW")).to(dtype)
        batch = max(4 * self.batch_size, 64)
        outputs = []
        try:
            with torch.no_grad():
                for start in range(0, len(Xt), batch):
                    chunk = Xt[start:start + batch].to(self.device_)
                    outputs.append(module(chunk).to("cpu", torch.float64))
        finally:
            module.train(was_training)
        return torch.cat(outputs).numpy() if outputs else np.empty((0,))
