"""Pure PyTorch layers, models and losses of skop.

Nothing here imports scikit-learn: the modules are usable on their own in any
torch training code. Tensors are channel-first, ``(batch, channels, *grid)``.
"""

from skop.nn.layers import (
    DomainPadding,
    GridEmbedding,
    PointwiseLinear,
    PointwiseMLP,
    SpectralConv,
    Standardized,
)
from skop.nn._init import build_module, generator_aware, reset_parameters
from skop.nn.losses import EDMDResidualLoss, RelativeH1Loss, RelativeL2Loss, ScaledMSELoss
from skop.nn.models import FNO, FNOBlock, KoopmanDictionaryNet

__all__ = [
    "FNO",
    "DomainPadding",
    "EDMDResidualLoss",
    "FNOBlock",
    "GridEmbedding",
    "KoopmanDictionaryNet",
    "PointwiseLinear",
    "PointwiseMLP",
    "RelativeH1Loss",
    "RelativeL2Loss",
    "ScaledMSELoss",
    "SpectralConv",
    "Standardized",
    "build_module",
    "generator_aware",
    "reset_parameters",
]
