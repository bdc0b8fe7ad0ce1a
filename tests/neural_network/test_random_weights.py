"""Bandlimited random-weight networks: the bandwidth claim, the classifier and the transformer form."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skop.neural_network import (
    BandlimitedRandomFeatures,
    RandomWeightNetClassifier,
    RandomWeightNetRegressor,
)

torch.set_num_threads(1)


def _sine_rmse(bandwidth):
    x = np.linspace(-1, 1, 2000)[:, None]
    x_test = np.random.default_rng(5).uniform(-1, 1, (500, 1))
    net = RandomWeightNetRegressor(500, bandwidth=bandwidth, alpha=1e-14, random_state=0)
    net.fit(x, np.sin(16 * np.pi * x[:, 0]))
    return np.sqrt(np.mean((net.predict(x_test) - np.sin(16 * np.pi * x_test[:, 0])) ** 2))


def test_error_against_bandwidth_has_a_floor_and_rises_again():
    # sin(16 pi x), 500 tanh units; measured 0.70, 3.3e-7, 3.5e-2 (median of 5 seeds:
    # 0.70, 2.8e-7, 3.0e-2; asv_bench/scripts/random_weights_bandwidth.py).
    narrow, good, wide = (_sine_rmse(b) for b in (1, 20, 200))
    assert narrow > 0.5                     # the band misses the frequency: an error floor
    assert good < 1e-5
    assert wide > 100 * good                # too wide a band degrades again


def test_the_transformer_and_ridge_give_the_regressor():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(80, 3))
    y = np.sin(3 * X[:, 0]) * X[:, 1]
    kw = dict(n_hidden=50, bandwidth=3.0, random_state=2)
    net = RandomWeightNetRegressor(**kw, alpha=1e-3).fit(X, y)
    pipe = make_pipeline(BandlimitedRandomFeatures(**kw), Ridge(alpha=1e-3)).fit(X, y)
    # Two solvers of an ill-conditioned system (tanh features): equal to its conditioning.
    np.testing.assert_allclose(net.predict(X), pipe.predict(X), atol=1e-6)
    np.testing.assert_array_equal(net.weights_, pipe[0].weights_)
    assert np.all(np.abs(net.weights_) <= 3.0) and np.all(np.abs(net.biases_) <= 3.0)
    # Several targets keep their columns; one target stays 1-D.
    both = RandomWeightNetRegressor(**kw, alpha=1e-3).fit(X, np.column_stack([y, 2 * y]))
    np.testing.assert_allclose(both.predict(X)[:, 1], 2 * net.predict(X), atol=1e-10)
    assert net.predict(X).shape == (80,)


def test_classifier_on_iris_and_binary():
    X, y = load_iris(return_X_y=True)
    clf = make_pipeline(MinMaxScaler((-1, 1)),
                        RandomWeightNetClassifier(n_hidden=100, bandwidth=3, random_state=0))
    assert clf.fit(X[::2], y[::2]).score(X[1::2], y[1::2]) > 0.9
    binary = RandomWeightNetClassifier(n_hidden=50, bandwidth=3, random_state=0)
    names = np.where(y[:100] == 0, "setosa", "versicolor")
    binary.fit(MinMaxScaler((-1, 1)).fit_transform(X[:100]), names)
    assert binary.decision_function(X[:5]).shape == (5,)
    assert set(binary.predict(X[:100])) <= {"setosa", "versicolor"}
    with pytest.raises(ValueError, match="at least 2 classes; got 1 class"):
        RandomWeightNetClassifier().fit(X[:10], np.zeros(10))


def test_reproducible_and_independent_of_the_global_rng():
    X = np.random.default_rng(0).uniform(-1, 1, size=(30, 2))
    y = X.sum(1)
    torch.manual_seed(0)
    a = RandomWeightNetRegressor(20, random_state=3).fit(X, y).predict(X)
    state = torch.random.get_rng_state()
    b = RandomWeightNetRegressor(20, random_state=3).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    assert torch.equal(state, torch.random.get_rng_state())
