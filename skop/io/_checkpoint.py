"""Checkpoints during ``fit`` and resuming an interrupted fit, as skorch callbacks.

:class:`TrainingCheckpoint` writes, at the end of epochs, everything the
rest of the fit depends on: weights, optimizer state, history, the state of
the learning-rate schedule and of the fit's random generators (shuffling and
batch noise). :class:`ResumeTraining` loads it when a new fit begins and
trains only the epochs that remain, so an interrupted CPU fit resumed this
way ends bit-identical to an uninterrupted one. Both are written in the safe
skop.io format (JSON + safetensors): a checkpoint never runs code on load.
"""

import math
import shutil
from pathlib import Path

import torch
from skorch.callbacks import Callback, LRScheduler
from skorch.history import History

from skop.io._codec import Decoder, Encoder
from skop.io._persist import device_map, read_document, write_document
from skop.io._registry import UntrustedFileError


def _generators(net):
    """The fit's random generators: shuffling, and the batch transform's, if any."""
    found = {"shuffle": getattr(net, "iterator_train__generator", None),
             "batches": getattr(getattr(net, "iterator_train__transform", None), "generator", None)}
    return {name: g for name, g in found.items() if isinstance(g, torch.Generator)}


def _schedulers(net):
    return {name: cb for name, cb in net.callbacks_
            if isinstance(cb, LRScheduler) and hasattr(cb, "lr_scheduler_")}


def _module(net):
    return getattr(net.module_, "_orig_mod", net.module_)


class TrainingCheckpoint(Callback):
    """Write the training state to ``dirname/last`` (and ``dirname/best``) during a fit.

    Pass it in a torch estimator's ``callbacks``, e.g.
    ``FNORegressor(callbacks=[TrainingCheckpoint("run1")])``.

    Parameters
    ----------
    dirname : str or path-like
        Directory of the checkpoints; ``last`` holds the latest, ``best`` the
        epoch with the lowest ``monitor``.
    monitor : str or None, default="train_loss"
        History key of the ``best`` checkpoint (``"valid_loss"`` with early
        stopping); None writes no ``best``.
    every : int, default=1
        Write ``last`` every ``every`` epochs (and at the end of the fit).

    See Also
    --------
    ResumeTraining : Continue a fit from ``last``.
    skorch.callbacks.Checkpoint : skorch's pickle-based checkpoint.
    """

    def __init__(self, dirname, monitor="train_loss", every=1):
        self.dirname = dirname
        self.monitor = monitor
        self.every = every

    def initialize(self):
        self.best_ = math.inf
        return self

    def on_epoch_end(self, net, **kwargs):
        epochs = len(net.history)
        if epochs % self.every == 0:
            self._write(net, "last")
        if self.monitor is not None:
            score = net.history[-1, self.monitor]
            if score < self.best_:
                self.best_ = score
                self._write(net, "best")

    def on_train_end(self, net, **kwargs):
        if len(net.history) % self.every:
            self._write(net, "last")

    def _write(self, net, which):
        encoder = Encoder(estimator=_refuse)
        node = encoder({
            "epochs": len(net.history),
            "module": dict(_module(net).state_dict()),
            "optimizer": net.optimizer_.state_dict(),
            "history": net.history.to_list(),
            "generators": {name: g.get_state() for name, g in _generators(net).items()},
            "schedulers": {name: {"state": cb.lr_scheduler_.state_dict(),
                                  "batch_idx": cb.batch_idx_}
                           for name, cb in _schedulers(net).items()},
        }, "checkpoint")
        # Write beside, then swap: a fit killed mid-write keeps the previous one.
        target = Path(self.dirname) / which
        staging = target.with_name(which + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        write_document(staging, "checkpoint", node, encoder.arrays)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)


class ResumeTraining(Callback):
    """Resume a fit from a :class:`TrainingCheckpoint` when it begins.

    If ``dirname/which`` exists and the net is fresh (no history), its
    weights, optimizer, history, schedule and generator states are loaded
    and only ``max_epochs`` minus the epochs already done are trained; the
    estimator's parameters must be those of the interrupted fit (its
    architecture is checked: weights load with ``strict=True``). Without a
    checkpoint the fit starts from scratch, so the same code starts and
    resumes a run. Put it after the :class:`TrainingCheckpoint`.

    Parameters
    ----------
    dirname : str or path-like
    which : {"last", "best"}, default="last"
    """

    def __init__(self, dirname, which="last"):
        self.dirname = dirname
        self.which = which

    def initialize(self):
        self.resumed_epochs_ = 0
        return self

    def on_train_begin(self, net, **kwargs):
        path = Path(self.dirname) / self.which
        if len(net.history) or not path.exists():
            return
        doc, arrays = read_document(path, "checkpoint")
        device = torch.device(net.device)
        state = Decoder(arrays, estimator=_refuse, device=device_map(device))(doc["checkpoint"])
        _module(net).load_state_dict(state["module"], strict=True)
        net.optimizer_.load_state_dict(state["optimizer"])
        net.history = History(state["history"])
        for name, generator in _generators(net).items():
            generator.set_state(state["generators"][name].cpu())
        schedulers = _schedulers(net)
        if set(schedulers) != set(state["schedulers"]):
            raise ValueError(f"The checkpoint's learning-rate schedules {sorted(state['schedulers'])} "
                             f"differ from this fit's {sorted(schedulers)}: resume with the "
                             "interrupted fit's parameters.")
        for name, cb in schedulers.items():
            cb.lr_scheduler_.load_state_dict(state["schedulers"][name]["state"])
            cb.batch_idx_ = state["schedulers"][name]["batch_idx"]
        self.resumed_epochs_ = state["epochs"]
        for _, cb in net.callbacks_:   # e.g. a ParamSchedule keeps the interrupted fit's clock
            if hasattr(cb, "on_resume"):
                cb.on_resume(net, epochs_done=state["epochs"])
        # skorch's loop reads max_epochs after on_train_begin: train what remains.
        net.max_epochs = max(net.max_epochs - state["epochs"], 0)


def _refuse(value, where=None):
    raise UntrustedFileError(f"A checkpoint holds no estimators ({where}).")
