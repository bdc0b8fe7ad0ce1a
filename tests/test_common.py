"""scikit-learn's common estimator checks over every public skop estimator.

Estimators are found by discovery (:func:`skop.utils.all_estimators`), not by a
hand-written list, so a new estimator is checked the moment it is exported.
No check is listed as an expected failure and a skip counts as a failure.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skop.utils import all_estimators

# Parameters that keep the common checks fast. Applied to an estimator only when
# it has the parameter; quality thresholds in the checks are still met with them.
FAST_PARAMS = {
    "max_epochs": 20,
}

# Per-estimator parameters (by class name), for estimators that need them to be
# constructed or to stay fast in the checks.
CHECK_PARAMS = {
    "FNORegressor": {"width": 16, "n_modes": 8, "n_layers": 2},
    "MgNORegressor": {"width": 8, "n_layers": 2},
    "UNetOperatorRegressor": {"width": 8, "depth": 2, "kernel_size": 3, "lr": 3e-3,
                              "lr_schedule": "cosine"},
    "LSMRegressor": {"width": 8, "n_heads": 2, "lr": 3e-3},
    "DeepONetRegressor": {"n_basis": 16, "branch_hidden": (32,), "trunk_hidden": (32,)},
    "FourierDictionary": {"n_modes": 1},
    "LearnedProximalNetwork": {"hidden": 16, "n_layers": 2},
    "PnPADMM": {"n_iter": 10},
    "LearnedSpectralBasis": {"n_components": 3},
    "PnPPGD": {"n_iter": 10},
}


def _instances():
    for name, cls in all_estimators():
        est = cls(**CHECK_PARAMS.get(name, {}))
        params = est.get_params()
        est.set_params(**{k: v for k, v in FAST_PARAMS.items() if k in params})
        if "random_state" in params:
            est.set_params(random_state=0)
        yield est


def test_discovery_finds_estimators():
    names = [name for name, _ in all_estimators()]
    assert "FNORegressor" in names


@pytest.mark.no_skip
@parametrize_with_checks(list(_instances()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
