"""skorch callbacks that give every skop estimator the same training behaviour."""

import math
import warnings

import torch
from skorch.callbacks import Callback


class TrainingDiverged(RuntimeError):
    """Raised inside the skorch loop when the loss stops being finite."""


class DivergenceGuard(Callback):
    """Stop training as soon as a batch loss is NaN or infinite.

    A diverged model would otherwise keep training on NaN weights and the
    estimator would silently predict NaN. The estimator turns the exception into
    a ``ValueError`` that names the remedy.
    """

    def on_batch_end(self, net, batch=None, training=None, loss=None, **kwargs):
        # skorch has already recorded the batch loss as a Python float (its own
        # host sync); reading it back costs no second device synchronisation.
        key = "train_loss" if training else "valid_loss"
        # Plain list indexing: skorch's History.__getitem__ parses a key per call.
        value = list.__getitem__(net.history, -1)["batches"][-1].get(key)
        if value is not None and not math.isfinite(value):
            raise TrainingDiverged(
                f"loss became {value} at epoch {len(net.history)} "
                f"({'training' if training else 'validation'} batch)"
            )


class KeepBestOnInterrupt(Callback):
    """Keep the best weights seen so far; restore them if the fit is interrupted.

    skorch catches ``KeyboardInterrupt`` and ends training cleanly; without this
    callback the model would keep the weights of a half-finished epoch. The
    best epoch is judged by the validation loss when there is one, else by the
    training loss.
    """

    def initialize(self):
        self.best_state_ = None
        self.best_epoch_ = None
        self.best_loss_ = math.inf
        self.interrupted_ = False
        self._in_epoch = False
        return self

    def on_train_begin(self, net, **kwargs):
        # The module's tensors stay the same objects while it trains: collect
        # them once (state_dict() walks the module tree, which cost as much as
        # a small model's training step when done every epoch).
        self._state = net.module_.state_dict(keep_vars=True)

    def on_epoch_begin(self, net, **kwargs):
        self._in_epoch = True

    def on_epoch_end(self, net, **kwargs):
        self._in_epoch = False
        row = list.__getitem__(net.history, -1)
        loss = row.get("valid_loss", row.get("train_loss", math.inf))
        if loss < self.best_loss_:
            self.best_loss_ = loss
            self.best_epoch_ = row["epoch"]
            self._snapshot(getattr(self, "_state", None) or net.module_.state_dict())

    def _snapshot(self, state):
        # Copy into the tensors of the previous snapshot, not a new deepcopy.
        best = self.best_state_
        with torch.no_grad():
            if best is None:
                self.best_state_ = {k: v.detach().clone() for k, v in state.items()}
                return
            for key, value in state.items():
                best[key].copy_(value)

    def on_train_end(self, net, **kwargs):
        if not self._in_epoch:
            return
        self.interrupted_ = True
        self._in_epoch = False
        if self.best_state_ is not None:
            net.module_.load_state_dict(self.best_state_)
            where = f"restored the weights of epoch {self.best_epoch_} (best so far)"
        else:
            where = "no epoch finished, the weights are those of the interruption"
        warnings.warn(f"Training was interrupted; {where}.", UserWarning, stacklevel=2)

    def __getstate__(self):
        # The snapshot is only needed during fit; do not pickle a second model copy.
        state = self.__dict__.copy()
        state["best_state_"] = None
        state.pop("_state", None)
        return state


class EpochProgressBar(Callback):
    """A tqdm progress bar over epochs, with the latest losses as postfix.

    Parameters
    ----------
    desc : str, default="fit"
        Label of the bar (the estimator's name).
    """

    def __init__(self, desc="fit"):
        self.desc = desc

    def initialize(self):
        self.bar_ = None
        return self

    def on_train_begin(self, net, **kwargs):
        from tqdm.auto import tqdm

        self.bar_ = tqdm(total=net.max_epochs, desc=self.desc, unit="epoch", leave=True)

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        postfix = {k: f"{row[k]:.3g}" for k in ("train_loss", "valid_loss") if k in row}
        self.bar_.set_postfix(postfix, refresh=False)
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        if self.bar_ is not None:
            self.bar_.close()
            self.bar_ = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["bar_"] = None
        return state


class PostStep(Callback):
    """Call ``fn(module)`` after every optimizer step.

    For constraints the optimizer does not know about, e.g. clamping the
    weights of an input-convex network to be non-negative.

    Parameters
    ----------
    fn : callable
        ``fn(module)``; must be picklable (a module-level function or an
        object) because it is kept with the fitted net.
    """

    def __init__(self, fn):
        self.fn = fn

    def on_batch_end(self, net, training=None, **kwargs):
        if training:
            with torch.no_grad():
                self.fn(net.module_)


class ParamSchedule(Callback):
    """Set an attribute of the criterion (or module) from the epoch number.

    ``setattr(target, name, schedule(epoch, max_epochs))`` at the start of
    every epoch, e.g. the decreasing ``gamma`` of a proximal-matching loss.

    Parameters
    ----------
    name : str
        Attribute to set.
    schedule : callable
        ``schedule(epoch, max_epochs) -> value``, epochs counted from 0 within
        the current ``fit``; picklable.
    on : {"criterion", "module"}, default="criterion"
        Whose attribute.
    """

    def __init__(self, name, schedule, on="criterion"):
        self.name = name
        self.schedule = schedule
        self.on = on

    def on_train_begin(self, net, **kwargs):
        self.first_epoch_ = len(net.history)
        self.max_epochs_ = net.max_epochs

    def on_resume(self, net, epochs_done):
        """A fit resumed after ``epochs_done`` epochs (skop.io.ResumeTraining) keeps its schedule."""
        self.first_epoch_ = len(net.history) - epochs_done

    def on_epoch_begin(self, net, **kwargs):
        epoch = len(net.history) - 1 - self.first_epoch_
        target = net.criterion_ if self.on == "criterion" else net.module_
        setattr(target, self.name, self.schedule(epoch, self.max_epochs_))
