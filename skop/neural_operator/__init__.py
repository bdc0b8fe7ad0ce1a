"""Neural-operator regressors: functions in, functions (or numbers) out."""

from skop.neural_operator._deeponet import DeepONetRegressor
from skop.neural_operator._fno import FNORegressor
from skop.neural_operator._mgno import MgNORegressor

__all__ = ["DeepONetRegressor", "FNORegressor", "MgNORegressor"]
