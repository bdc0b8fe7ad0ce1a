"""Metrics and scorers for operator learning and reconstruction."""

from skop.metrics._image import peak_signal_noise_ratio, psnr_scorer, structural_similarity
from skop.metrics._regression import relative_l2_error, relative_l2_scorer

__all__ = [
    "peak_signal_noise_ratio",
    "psnr_scorer",
    "relative_l2_error",
    "relative_l2_scorer",
    "structural_similarity",
]
