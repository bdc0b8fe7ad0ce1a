import numpy as np
import pytest

from skop.metrics import relative_l2_error, relative_l2_scorer


def test_relative_l2_error_any_trailing_shape():
    rng = np.random.RandomState(0)
    y = rng.randn(5, 3, 4, 4)
    assert relative_l2_error(y, y) == 0
    assert relative_l2_error(y, 1.5 * y) == pytest.approx(0.5)
    per_sample = relative_l2_error(y, y + 1, aggregate="none")
    assert per_sample.shape == (5,)
    expected = [np.linalg.norm(np.ones(48)) / np.linalg.norm(s) for s in y]
    np.testing.assert_allclose(per_sample, expected)
    assert relative_l2_error(y, y + 1, aggregate="median") == pytest.approx(np.median(expected))


def test_relative_l2_error_is_resolution_independent():
    x_coarse = np.linspace(0, 1, 64, endpoint=False)
    x_fine = np.linspace(0, 1, 256, endpoint=False)
    err = [relative_l2_error(np.sin(2 * np.pi * x)[None], (np.sin(2 * np.pi * x)
                                                            + 0.1 * np.cos(2 * np.pi * x))[None])
           for x in (x_coarse, x_fine)]
    assert err[0] == pytest.approx(err[1])


def test_relative_l2_error_errors():
    with pytest.raises(ValueError, match="different shapes"):
        relative_l2_error(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="identically zero"):
        relative_l2_error(np.zeros((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        relative_l2_error(np.ones((2, 3)), np.full((2, 3), np.nan))


def test_scorer_is_negative_error():
    from sklearn.base import BaseEstimator, RegressorMixin

    class Identity(RegressorMixin, BaseEstimator):
        def fit(self, X, y):
            return self

        def predict(self, X):
            return 2 * X

    X = np.ones((3, 4))
    assert relative_l2_scorer(Identity(), X, X) == pytest.approx(-1.0)
