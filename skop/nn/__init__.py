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
from skop.nn.losses import RelativeH1Loss, RelativeL2Loss, ScaledMSELoss
from skop.nn.models import FNO, FNOBlock

__all__ = [
    "FNO",
    "DomainPadding",
    "FNOBlock",
    "GridEmbedding",
    "PointwiseLinear",
    "PointwiseMLP",
    "RelativeH1Loss",
    "RelativeL2Loss",
    "ScaledMSELoss",
    "SpectralConv",
    "Standardized",
]
