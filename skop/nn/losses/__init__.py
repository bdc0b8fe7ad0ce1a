"""Losses for training operators and dictionaries."""

from skop.nn.losses._koopman import EDMDResidualLoss
from skop.nn.losses._nested import NestedProjectionLoss, nested_residuals
from skop.nn.losses._proximal import ProximalMatchingLoss, SquaredDenoisingLoss
from skop.nn.losses._losses import (
    PhysicsInformedLoss,
    RelativeH1Loss,
    RelativeL2Loss,
    ScaledMSELoss,
)

__all__ = [
    "EDMDResidualLoss",
    "NestedProjectionLoss",
    "PhysicsInformedLoss",
    "ProximalMatchingLoss",
    "RelativeH1Loss",
    "RelativeL2Loss",
    "ScaledMSELoss",
    "SquaredDenoisingLoss",
    "nested_residuals",
]
