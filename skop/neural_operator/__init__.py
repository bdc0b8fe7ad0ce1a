"""Neural-operator regressors: functions on grids in, functions (or numbers) out."""

from skop.neural_operator._fno import FNORegressor

__all__ = ["FNORegressor"]
