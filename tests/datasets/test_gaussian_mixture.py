"""make_easy_gaussian_mixture: the simulation of Zheng et al. (2023)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import norm

from skop.datasets import make_easy_gaussian_mixture
from skop.naive_bayes import PooledGaussianNB


def test_shapes_labels_and_reproducibility():
    X, y = make_easy_gaussian_mixture(50, n_features=10, n_classes=3, random_state=0)
    assert X.shape == (50, 10) and y.shape == (50,)
    assert set(np.unique(y)) <= {0, 1, 2}
    X2, y2 = make_easy_gaussian_mixture(50, n_features=10, n_classes=3, random_state=0)
    assert_array_equal(X, X2)
    assert_array_equal(y, y2)
    state = np.random.get_state()[1].copy()
    make_easy_gaussian_mixture(5, random_state=1)
    assert_array_equal(np.random.get_state()[1], state)


def test_two_class_moments():
    # Means -1 / +1 everywhere; variance n on the first n/2 features, 1 after.
    n = 8
    X, y = make_easy_gaussian_mixture(40000, n_features=n, random_state=0)
    assert abs(y.mean() - 0.5) < 0.01
    for label, mean in ((0, -1.0), (1, 1.0)):
        Xk = X[y == label]
        # Standard errors: sqrt(var / 20000) <= 0.02; five of them is generous.
        assert_allclose(Xk.mean(0), mean, atol=0.1)
        assert_allclose(Xk.var(0), [n] * 4 + [1] * 4, rtol=0.05)


def test_more_classes_are_shifted_and_scaled():
    # K = 5: raw means -1, 1, 2, 4, 8 become (m - 4) / 4; variances / 16.
    X, y = make_easy_gaussian_mixture(50000, n_features=4, n_classes=5, random_state=0)
    expected = (np.array([-1, 1, 2, 4, 8]) - 4) / 4
    for label, mean in enumerate(expected):
        assert_allclose(X[y == label].mean(0), mean, atol=0.05)
    assert_allclose(X[y == 4].var(0), np.array([4, 4, 1, 1]) / 16, rtol=0.06)


def test_bayes_error_formula_for_two_classes():
    # With n = 2 the Bayes error Phi(-sqrt(2 + 2n) / 2) is large enough to
    # measure; the true-parameter naive Bayes (the Bayes rule) attains it.
    n = 2
    X, y = make_easy_gaussian_mixture(40000, n_features=n, random_state=0)
    bayes = norm.cdf(-np.sqrt(2 + 2 * n) / 2)
    clf = PooledGaussianNB().fit(X, y)
    error = np.mean(clf.predict(X) != y)
    # Binomial standard error sqrt(p (1 - p) / 40000) ~ 0.0016.
    assert abs(error - bayes) < 0.006


@pytest.mark.parametrize(
    "kwargs", [dict(n_samples=0), dict(n_features=1), dict(n_classes=1), dict(random_state="x")]
)
def test_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        make_easy_gaussian_mixture(**kwargs)
