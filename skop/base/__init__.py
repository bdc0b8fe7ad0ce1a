"""The torch-estimator base: one place for training, seeding, device and precision.

skorch owns the training loop; :class:`BaseTorchEstimator` turns it into a
scikit-learn estimator that validates its input, is reproducible from
``random_state`` and never leaves a diverged or half-trained model behind.
Method-specific training behaviour plugs in through hooks and callbacks
(:class:`ParamSchedule`, :class:`PostStep`, :class:`AddNoise`).
"""

from skop.base._callbacks import (
    DivergenceGuard,
    EpochProgressBar,
    KeepBestOnInterrupt,
    ParamSchedule,
    PostStep,
)
from skop.base._data import AddNoise, TensorBatches, pad_sets
from skop.base._net import PRECISIONS
from skop.base._torch_estimator import BaseTorchEstimator, channel_stats

__all__ = [
    "PRECISIONS",
    "AddNoise",
    "BaseTorchEstimator",
    "DivergenceGuard",
    "EpochProgressBar",
    "KeepBestOnInterrupt",
    "ParamSchedule",
    "PostStep",
    "TensorBatches",
    "channel_stats",
    "pad_sets",
]
