"""Model comparison: learning curves of several classifiers and their display."""

from skop.model_selection._learning_curves import (
    compare_learning_curves,
    samples_to_reach_error,
    summarize_learning_curves,
)
from skop.model_selection._plot import LearningCurveComparisonDisplay

__all__ = [
    "LearningCurveComparisonDisplay",
    "compare_learning_curves",
    "samples_to_reach_error",
    "summarize_learning_curves",
]
