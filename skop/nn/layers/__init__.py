"""Building blocks of skop's torch models."""

from skop.nn.layers._continuous_conv import ContinuousConv
from skop.nn.layers._grid import DomainPadding, GridEmbedding
from skop.nn.layers._mlp import MLP, Dense, FourierFeatures, ModifiedMLP, PeriodicFeatures, Sine
from skop.nn.layers._multigrid import BoundaryConv, MultigridConv, Prolongation
from skop.nn.layers._normalization import Standardized
from skop.nn.layers._pointwise import PointwiseLinear, PointwiseMLP
from skop.nn.layers._set_attention import SetAttentionBlock
from skop.nn.layers._spectral_block import NeuralSpectralBlock
from skop.nn.layers._spectral_conv import SpectralConv

__all__ = [
    "BoundaryConv",
    "ContinuousConv",
    "MultigridConv",
    "Prolongation",
    "MLP",
    "Dense",
    "FourierFeatures",
    "ModifiedMLP",
    "NeuralSpectralBlock",
    "PeriodicFeatures",
    "SetAttentionBlock",
    "Sine",
    "DomainPadding",
    "GridEmbedding",
    "PointwiseLinear",
    "PointwiseMLP",
    "SpectralConv",
    "Standardized",
]
