"""Bandlimited random-weight networks against scikit-learn's RBFSampler + Ridge (sin(16 pi x))."""

import numpy as np
from sklearn.kernel_approximation import RBFSampler
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from skop.neural_network import RandomWeightNetRegressor


class RandomWeightsSine:
    params = [["random-weights", "rbf-sampler"]]
    param_names = ["method"]

    def setup(self, method):
        self.x = np.linspace(-1, 1, 2000)[:, None]
        self.y = np.sin(16 * np.pi * self.x[:, 0])
        self.x_test = np.random.default_rng(5).uniform(-1, 1, (1000, 1))
        self.y_test = np.sin(16 * np.pi * self.x_test[:, 0])

    def _model(self, method):
        if method == "random-weights":
            return RandomWeightNetRegressor(500, bandwidth=20, alpha=1e-14, random_state=0)
        return make_pipeline(RBFSampler(gamma=1000, n_components=500, random_state=0),
                             Ridge(alpha=1e-10))

    def time_fit(self, method):
        self._model(method).fit(self.x, self.y)

    def track_rmse(self, method):
        pred = self._model(method).fit(self.x, self.y).predict(self.x_test)
        return float(np.sqrt(np.mean((pred - self.y_test) ** 2)))
