"""Operator-learning models composed from :mod:`skop.nn.layers`."""

from skop.nn.models._deeponet import ConvBranch, DeepONet, Parallel, PhysicsInformed, ProductBranch
from skop.nn.models._fno import FNO, FNOBlock
from skop.nn.models._icnn import (
    ConvICNN,
    LearnedProx,
    NonNegativeConv2d,
    NonNegativeLinear,
    VectorICNN,
)
from skop.nn.models._lsm import LSM
from skop.nn.models._mgno import MgNO, MgNOBlock
from skop.nn.models._spectral_basis import SpectralBasisNet
from skop.nn.models._unet import UNetOperator
from skop.nn.models._koopman_dictionary import KoopmanDictionaryNet

__all__ = [
    "FNO",
    "ConvBranch",
    "ConvICNN",
    "DeepONet",
    "FNOBlock",
    "KoopmanDictionaryNet",
    "LSM",
    "LearnedProx",
    "MgNO",
    "MgNOBlock",
    "NonNegativeConv2d",
    "NonNegativeLinear",
    "Parallel",
    "PhysicsInformed",
    "ProductBranch",
    "SpectralBasisNet",
    "UNetOperator",
    "VectorICNN",
]
