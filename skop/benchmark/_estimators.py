"""skop's operators on the leaderboard, and neuraloperator's FNO when installed.

Each factory gives the estimator its defaults plus what the problem settles
(spatial dimensions, grid convention); nothing is tuned per problem except
FNO's ``n_modes`` (16 on 1-D, 12 on 2-D: the FNO paper's settings).
"""

import importlib.util

from skop.benchmark._registry import register_estimator


def _layout(problem):
    return dict(n_spatial_dims=problem.n_spatial_dims, grid=problem.grid)


def fno_params(problem):
    """FNORegressor's settings on ``problem`` (shared with the peer FNO)."""
    return dict(n_modes=16 if problem.n_spatial_dims == 1 else 12, **_layout(problem))


@register_estimator("FNO")
def _fno(problem, **params):
    from skop.neural_operator import FNORegressor

    return FNORegressor(**fno_params(problem), **params)


@register_estimator("DeepONet")
def _deeponet(problem, **params):
    from skop.neural_operator import DeepONetRegressor

    # The CNN branch reads a 2-D grid as an image; the MLP branch would see
    # 65 x 65 = 4225 unrelated sensors.
    branch = "cnn" if problem.n_spatial_dims == 2 else "mlp"
    return DeepONetRegressor(branch=branch, **_layout(problem), **params)


@register_estimator("MgNO")
def _mgno(problem, **params):
    from skop.neural_operator import MgNORegressor

    return MgNORegressor(**_layout(problem), **params)


@register_estimator("U-Net operator")
def _unet(problem, **params):
    from skop.neural_operator import UNetOperatorRegressor

    return UNetOperatorRegressor(**_layout(problem), **params)


@register_estimator("LSM")
def _lsm(problem, **params):
    from skop.neural_operator import LSMRegressor

    return LSMRegressor(**_layout(problem), **params)


def _neuralop_installed():
    return importlib.util.find_spec("neuralop") is not None


@register_estimator("neuraloperator FNO", available=_neuralop_installed, budgeted=False,
                    same_epochs_as="FNO")
def _neuralop_fno(problem, **params):
    from skop.benchmark._peer import NeuralopFNO

    return NeuralopFNO.like_skop(fno_params(problem), **params)
