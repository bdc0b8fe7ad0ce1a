"""Orthonormal feature maps (bases) for least-squares approximation."""

from skop.preprocessing._orthonormal import OrthonormalFeatures
from skop.preprocessing._tensor_basis import (
    ChebyshevFeatures,
    FourierFeatures,
    HermiteFeatures,
    LegendreFeatures,
    TensorProductFeatures,
)

__all__ = [
    "ChebyshevFeatures",
    "FourierFeatures",
    "HermiteFeatures",
    "LegendreFeatures",
    "OrthonormalFeatures",
    "TensorProductFeatures",
]
