"""The paper's claim, test-sized: naive Bayes needs O(log n) samples, LR O(n).

Zheng et al. (2023), simulation "easy", K = 2: pooled naive Bayes reaches
Bayes error + 0.01 with <= 20 training samples at n = 100 and n = 400
features; L2 logistic regression (lbfgs, C = 1, raw features as in the
paper's simulation) needs >= 200 at n = 100 and >= 500 at n = 400. The Bayes
error is below 1e-12 here, so the target is a test error of 0.01.

Sizes are the paper's orders of magnitude; the pool, test set and repeats are
shrunk to keep the test at a few seconds. With 5 repeats and 3000 test points
the mean errors that decide the claim sit well away from 0.01 (LR at m = 100,
n = 100: about 0.014-0.035 over subset seeds; NB at m = 20: 0).
"""

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.naive_bayes import GaussianNB

from skop.datasets import make_easy_gaussian_mixture
from skop.linear_model import LogisticRegression
from skop.model_selection import (
    compare_learning_curves,
    samples_to_reach_error,
    summarize_learning_curves,
)
from skop.naive_bayes import PooledGaussianNB

SIZES = {100: [4, 10, 20, 50, 100, 200], 400: [4, 10, 20, 100, 200, 500]}


@pytest.fixture(scope="module", params=[100, 400], ids=["n100", "n400"])
def curves(request):
    n = request.param
    X, y = make_easy_gaussian_mixture(1000, n, 2, random_state=0)
    X_test, y_test = make_easy_gaussian_mixture(3000, n, 2, random_state=1)
    estimators = {
        "pooled NB": PooledGaussianNB(),
        "GaussianNB": GaussianNB(),
        "LR": LogisticRegression(C=1.0, max_iter=1000),
    }
    res = compare_learning_curves(
        estimators, X, y, X_test, y_test, train_sizes=SIZES[n], n_repeats=5,
        random_state=0,
    )
    return n, res


def test_bayes_error_is_negligible():
    for n in SIZES:
        assert norm.cdf(-np.sqrt(2 + 2 * n) / 2) < 1e-12


def test_naive_bayes_needs_few_samples_and_lr_many(curves):
    n, res = curves
    target = 0.01  # Bayes error (< 1e-12) + 0.01
    reached = samples_to_reach_error(res, target)
    assert reached["pooled NB"] is not None and reached["pooled NB"] <= 20
    lr_needs = {100: 200, 400: 500}[n]
    # LR reaches the target only at the largest grid size: >= 200 / >= 500.
    assert reached["LR"] == lr_needs


def test_pooled_beats_sklearn_gaussian_nb_with_few_samples(curves):
    _, res = curves
    summary = summarize_learning_curves(res)
    pooled, sk = summary["pooled NB"]["mean"], summary["GaussianNB"]["mean"]
    # m = 4 and m = 10: per-class variances from 1-5 samples are unstable.
    assert pooled[0] < sk[0] - 0.2
    assert pooled[1] <= sk[1]
    assert summary["GaussianNB"]["mean"][-1] < 0.01  # it gets there eventually


def test_logistic_regression_improves_with_samples(curves):
    _, res = curves
    mean = summarize_learning_curves(res)["LR"]["mean"]
    assert mean[0] > 0.2  # m = 4: far from the Bayes error
    assert np.all(np.diff(mean) < 0.02)  # no real increase along the curve
    assert mean[-1] < 0.01
