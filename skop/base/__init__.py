"""The torch-estimator base: one place for training, seeding, device and precision.

skorch owns the training loop; :class:`BaseTorchEstimator` turns it into a
scikit-learn estimator that validates its input, is reproducible from
``random_state`` and never leaves a diverged or half-trained model behind.
"""

from skop.base._callbacks import DivergenceGuard, EpochProgressBar, KeepBestOnInterrupt
from skop.base._data import TensorBatches
from skop.base._torch_estimator import BaseTorchEstimator, channel_stats

__all__ = [
    "BaseTorchEstimator",
    "DivergenceGuard",
    "EpochProgressBar",
    "KeepBestOnInterrupt",
    "TensorBatches",
    "channel_stats",
]
