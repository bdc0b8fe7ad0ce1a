"""Neural-operator regressors: functions in, functions (or numbers) out."""

from skop.neural_operator._deeponet import DeepONetRegressor
from skop.neural_operator._fno import FNORegressor
from skop.neural_operator._lsm import LSMRegressor
from skop.neural_operator._mgno import MgNORegressor
from skop.neural_operator._rollout import rollout, rollout_errors, time_windows
from skop.neural_operator._unet import UNetOperatorRegressor

__all__ = [
    "DeepONetRegressor",
    "FNORegressor",
    "LSMRegressor",
    "MgNORegressor",
    "UNetOperatorRegressor",
    "rollout",
    "rollout_errors",
    "time_windows",
]
