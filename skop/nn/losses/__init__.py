"""Losses for training operators."""

from skop.nn.losses._losses import RelativeH1Loss, RelativeL2Loss, ScaledMSELoss

__all__ = ["RelativeH1Loss", "RelativeL2Loss", "ScaledMSELoss"]
