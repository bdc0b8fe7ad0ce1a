"""Linear models."""

from skop.linear_model._logistic import LogisticRegression

__all__ = ["LogisticRegression"]
