"""Optimizers and learning-rate schedules by name."""

import math

import torch
from skorch.callbacks import LRScheduler

from skop.optim import LionK

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    # Lion-K; the direction ("sign", "l2", "nuclear") through optimizer_kwargs.
    "lion": LionK,
}

LR_SCHEDULES = ("constant", "cosine", "step", "onecycle")


def resolve_optimizer(optimizer, weight_decay):
    """The optimizer class and its skorch ``optimizer__*`` keyword arguments.

    ``"sgd"`` means SGD with Nesterov momentum 0.9 (plain SGD is rarely what a
    user of a name wants); ``"adam"`` / ``"adamw"`` use torch's fused kernels
    (one kernel per step instead of a dozen small ops per parameter: on a small
    network that was a fifth of the step; ``optimizer_kwargs={"fused": False}``
    restores the per-tensor loop); a class is used as given.
    """
    if isinstance(optimizer, str):
        cls = OPTIMIZERS[optimizer]
        kwargs = {"weight_decay": weight_decay}
        if optimizer == "sgd":
            kwargs.update(momentum=0.9, nesterov=True)
        if optimizer in ("adam", "adamw"):
            kwargs.update(fused=True)
        return cls, kwargs
    return optimizer, {"weight_decay": weight_decay}


class PerFitLRScheduler(LRScheduler):
    """skorch's ``LRScheduler`` with one full schedule per ``fit`` call.

    skorch resumes a schedule from the training history; with ``warm_start``
    that would continue a cosine past its end. Here every call to ``fit``
    starts the schedule anew from the estimator's ``lr``.
    """

    def on_train_begin(self, net, **kwargs):
        for group in net.optimizer_.param_groups:
            group["initial_lr"] = net.lr
            group["lr"] = net.lr
        self.batch_idx_ = 0
        self.lr_scheduler_ = self.policy_(net.optimizer_, **self.kwargs)


def lr_schedule_callback(schedule, lr, max_epochs, n_batches):
    """A skorch callback implementing the named schedule, or ``None``.

    Parameters
    ----------
    schedule : {"constant", "cosine", "step", "onecycle"}
        ``"cosine"`` decays to 0 over all batches, ``"step"`` halves the rate
        five times over the run, ``"onecycle"`` warms up then anneals.
    lr : float
    max_epochs : int
    n_batches : int
        Training batches per epoch.
    """
    total = max(1, max_epochs * n_batches)
    if schedule == "constant":
        return None
    if schedule == "cosine":
        return PerFitLRScheduler(policy=torch.optim.lr_scheduler.CosineAnnealingLR,
                                 T_max=total, step_every="batch", last_epoch=-1)
    if schedule == "step":
        return PerFitLRScheduler(policy=torch.optim.lr_scheduler.StepLR,
                                 step_size=max(1, math.ceil(max_epochs / 5)), gamma=0.5,
                                 step_every="epoch", last_epoch=-1)
    if schedule == "onecycle":
        return PerFitLRScheduler(policy=torch.optim.lr_scheduler.OneCycleLR, max_lr=lr,
                                 total_steps=total, step_every="batch", last_epoch=-1)
    raise ValueError(f"Unknown lr_schedule {schedule!r}; use one of {LR_SCHEDULES}.")
