"""Metrics and scorers for operator learning."""

from skop.metrics._regression import relative_l2_error, relative_l2_scorer

__all__ = ["relative_l2_error", "relative_l2_scorer"]
