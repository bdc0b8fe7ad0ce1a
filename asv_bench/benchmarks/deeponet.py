"""Benchmarks of DeepONetRegressor: the antiderivative (DeepXDE's setting) and Burgers."""

import numpy as np

from benchmarks.common import cache, quick
from skop.datasets import fno_burgers_params, make_antiderivative, make_burgers
from skop.metrics import relative_l2_error
from skop.neural_operator import DeepONetRegressor


@cache
def antiderivative(n_train, n_test, n_points):
    X, y, points = make_antiderivative(n_train + n_test, n_sensors=100, n_points=n_points,
                                       random_state=0)
    _, y_off, points_off = make_antiderivative(n_train + n_test, n_sensors=100,
                                               n_points=n_points, query="random", random_state=0)
    return (X[:n_train], y[:n_train], X[n_train:], y[n_train:], points,
            y_off[n_train:], points_off[n_train:])


# DeepXDE's antiderivative example: widths 40, Adam 1e-3, full batch.
DEEPXDE_LIKE = dict(branch_hidden=(40,), trunk_hidden=(40,), n_basis=40, activation="relu",
                    optimizer="adam", lr=1e-3, weight_decay=0.0, lr_schedule="constant",
                    batch_size=150, random_state=0)


class DeepONetAntiderivative:
    """Fit / predict cost per iteration on 150 functions x 100 points (DeepXDE's sizes)."""

    timeout = 600
    params = [[200]] if not quick() else [[2]]
    param_names = ["iterations"]

    def setup(self, iterations):
        n_test = 5 if quick() else 1000
        (self.X, self.y, self.X_test, _, self.points, _, self.points_off) = antiderivative(
            150, n_test, 100)
        self.params = dict(DEEPXDE_LIKE, max_epochs=iterations)
        self.fitted = DeepONetRegressor(**self.params).fit(self.X, self.y,
                                                           query_points=self.points)

    def time_fit(self, iterations):
        DeepONetRegressor(**self.params).fit(self.X, self.y, query_points=self.points)

    def peakmem_fit(self, iterations):
        DeepONetRegressor(**self.params).fit(self.X, self.y, query_points=self.points)

    def time_predict(self, iterations):
        self.fitted.predict(self.X_test)

    def time_predict_per_sample_points(self, iterations):
        self.fitted.predict(self.X_test, query_points=self.points_off)


class DeepONetAntiderivativeAccuracy:
    """Test rel-L2 after 10,000 full-batch iterations, on and off the training points."""

    timeout = 1800

    def setup_cache(self):
        n_test, iterations = (5, 2) if quick() else (1000, 10000)
        X, y, X_test, y_test, points, y_off, points_off = antiderivative(150, n_test, 100)
        est = DeepONetRegressor(**dict(DEEPXDE_LIKE, max_epochs=iterations))
        est.fit(X, y, query_points=points)
        return (relative_l2_error(y_test, est.predict(X_test)),
                relative_l2_error(y_off, est.predict(X_test, query_points=points_off)))

    def track_test_relative_l2(self, errors):
        return errors[0]

    def track_test_relative_l2_off_grid(self, errors):
        return errors[1]

    track_test_relative_l2.unit = "relative L2"
    track_test_relative_l2_off_grid.unit = "relative L2"


class DeepONetBurgers:
    """DeepONet on the FNO paper's Burgers regime (256 points), a few epochs."""

    timeout = 1800
    params = [[5]] if not quick() else [[1]]
    param_names = ["max_epochs"]

    def setup(self, max_epochs):
        n_train, n_test, res = (40, 10, 32) if quick() else (1000, 200, 256)
        X, y = make_burgers(n_train + n_test, res, random_state=0, **fno_burgers_params())
        self.X, self.y, self.X_test = X[:n_train], y[:n_train], X[n_train:]
        self.params = dict(max_epochs=max_epochs, random_state=0, periodic_features=16,
                           loss="relative_l2")
        self.fitted = DeepONetRegressor(**self.params).fit(self.X, self.y)

    def time_fit(self, max_epochs):
        DeepONetRegressor(**self.params).fit(self.X, self.y)

    def time_predict(self, max_epochs):
        self.fitted.predict(self.X_test)

    def time_predict_finer_grid(self, max_epochs):
        fine = np.arange(2 * self.X.shape[1])[:, None] / (2 * self.X.shape[1])
        self.fitted.predict(self.X_test, query_points=fine)
