"""Pure PyTorch layers, models and losses of skop.

Nothing here imports scikit-learn: the modules are usable on their own in any
torch training code. Tensors are channel-first, ``(batch, channels, *grid)``.
"""

from skop.nn.layers import (
    MLP,
    BoundaryConv,
    ContinuousConv,
    Dense,
    DomainPadding,
    FourierFeatures,
    GridEmbedding,
    ModifiedMLP,
    MultigridConv,
    PeriodicFeatures,
    PointwiseLinear,
    PointwiseMLP,
    Prolongation,
    Sine,
    SpectralConv,
    Standardized,
)
from skop.nn._init import build_module, generator_aware, reset_parameters
from skop.nn.losses import (
    EDMDResidualLoss,
    PhysicsInformedLoss,
    RelativeH1Loss,
    RelativeL2Loss,
    ScaledMSELoss,
)
from skop.nn.models import (
    FNO,
    ConvBranch,
    DeepONet,
    FNOBlock,
    KoopmanDictionaryNet,
    MgNO,
    MgNOBlock,
    Parallel,
    PhysicsInformed,
    ProductBranch,
    UNetOperator,
)

__all__ = [
    "FNO",
    "MLP",
    "BoundaryConv",
    "ContinuousConv",
    "ConvBranch",
    "Dense",
    "DeepONet",
    "DomainPadding",
    "EDMDResidualLoss",
    "FNOBlock",
    "FourierFeatures",
    "GridEmbedding",
    "KoopmanDictionaryNet",
    "MgNO",
    "MgNOBlock",
    "ModifiedMLP",
    "MultigridConv",
    "Parallel",
    "PeriodicFeatures",
    "PhysicsInformed",
    "PhysicsInformedLoss",
    "PointwiseLinear",
    "PointwiseMLP",
    "ProductBranch",
    "Prolongation",
    "RelativeH1Loss",
    "RelativeL2Loss",
    "ScaledMSELoss",
    "Sine",
    "SpectralConv",
    "Standardized",
    "UNetOperator",
    "build_module",
    "generator_aware",
    "reset_parameters",
]
