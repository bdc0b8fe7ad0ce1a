"""Linear models."""

from skop.linear_model._logistic import LogisticRegression
from skop.linear_model._lp_regression import LpRegressor
from skop.linear_model._weighted_least_squares import WeightedLeastSquaresRegressor

__all__ = ["LogisticRegression", "LpRegressor", "WeightedLeastSquaresRegressor"]
