"""Benchmarks of the optimal-sampling module and the weighted least-squares fit.

* exact projection-DPP samples from a finite candidate set (one draw, and 100
  batched draws: the per-draw cost is the time divided by ``n_draws``);
* volume-rescaled sampling and continuous-domain DPPs (ensemble and rejection);
* ``WeightedLeastSquaresRegressor`` in pool mode, with the median error ratio
  to the best approximation tracked (a quality regression check).

Full sizes follow the DPPy comparison (N = 5000, rank 50); ``quick()`` (the
test suite) uses tiny ones.
"""

import numpy as np

from benchmarks.common import cache, quick
from skop.linear_model import WeightedLeastSquaresRegressor
from skop.preprocessing import LegendreFeatures, OrthonormalFeatures
from skop.sampling import (
    sample_projection_dpp,
    sample_projection_dpp_points,
    sample_volume_rescaled,
)


@cache
def orthonormal_matrix(N, m, seed=0):
    """A random N x m matrix with orthonormal columns (eigenvectors of a kernel)."""
    return np.linalg.qr(np.random.default_rng(seed).normal(size=(N, m)))[0]


@cache
def runge_pool(N, seed=0):
    X = np.random.default_rng(seed).uniform(-1, 1, size=(N, 1))
    return X, 1 / (1 + 25 * X[:, 0] ** 2)


def _sizes():
    return (200, 10) if quick() else (5000, 50)


class ProjectionDPPFinite:
    """Exact rank-m projection DPP on N candidates, CPU, float64."""

    params = [1, 100]
    param_names = ["n_draws"]

    def setup(self, n_draws):
        self.Q = orthonormal_matrix(*_sizes())

    def time_sample(self, n_draws):
        sample_projection_dpp(self.Q, n_draws, random_state=0, device="cpu")

    def time_sample_no_check(self, n_draws):
        sample_projection_dpp(self.Q, n_draws, random_state=0, device="cpu",
                              check_input=False)

    def peakmem_sample(self, n_draws):
        sample_projection_dpp(self.Q, n_draws, random_state=0, device="cpu")


class VolumeRescaledFinite:
    """m DPP points plus m i.i.d. points (n = 2m), 100 draws."""

    def setup(self):
        self.Q = orthonormal_matrix(*_sizes())

    def time_sample(self):
        sample_volume_rescaled(self.Q, 2 * self.Q.shape[1], 100, random_state=0,
                               device="cpu")


class ProjectionDPPContinuous:
    """Legendre DPP on [-1, 1]: Jacobi ensemble vs chain rule by rejection."""

    params = ["ensemble", "rejection"]
    param_names = ["method"]

    def setup(self, method):
        self.basis = LegendreFeatures(degree=4 if quick() else 19)

    def time_sample_100(self, method):
        sample_projection_dpp_points(self.basis, 100, method=method, random_state=0,
                                     device="cpu")


class WeightedLeastSquaresPool:
    """Pool mode fit: orthonormalise on the pool, sample n = 3m rows, solve."""

    params = ["dpp_repeat", "volume", "iid"]
    param_names = ["sampling"]

    def setup(self, sampling):
        N, self.m = (300, 5) if quick() else (5000, 20)
        self.X, self.y = runge_pool(N)
        self.basis = LegendreFeatures(degree=self.m - 1)

    def _reg(self, sampling, seed):
        return WeightedLeastSquaresRegressor(self.basis, sampling=sampling,
                                             n_samples=3 * self.m, random_state=seed,
                                             device="cpu")

    def time_fit(self, sampling):
        self._reg(sampling, 0).fit(self.X, self.y)

    def track_median_error_ratio(self, sampling):
        Psi = OrthonormalFeatures(self.basis).fit_transform(self.X)
        best = Psi @ (Psi.T @ self.y / len(self.y))
        e_star2 = np.mean((self.y - best) ** 2)
        ratios = []
        for seed in range(5 if quick() else 50):
            pred = self._reg(sampling, seed).fit(self.X, self.y).predict(self.X)
            ratios.append(np.mean((self.y - pred) ** 2) / e_star2)
        return float(np.median(ratios))

    track_median_error_ratio.unit = "ratio"


class LpSensitivityRegression:
    """l_1 regression on 300 sampled rows of a 20000 x 10 problem with 8 heavy rows."""

    params = [["uniform", "root_leverage", "lewis", None]]
    param_names = ["sampling"]
    timeout = 600

    def setup(self, sampling):
        from skop.linear_model._lp_regression import lp_cost, solve_l1

        from skop.datasets import make_heavy_row_regression

        n = 2000 if quick() else 20000
        self.X, self.y, _ = make_heavy_row_regression(n, 9, n_heavy=8, random_state=0)
        self.A = np.column_stack([self.X, np.ones(n)])
        self.cost = lambda m: lp_cost(self.A, self.y, np.r_[m.coef_, m.intercept_], 1)
        self.opt = lp_cost(self.A, self.y, solve_l1(self.A, self.y), 1)

    def _fit(self, sampling):
        from skop.linear_model import LpRegressor

        return LpRegressor(1, sampling=sampling, n_samples=300, random_state=0).fit(self.X, self.y)

    def time_fit(self, sampling):
        self._fit(sampling)

    def track_cost_ratio(self, sampling):
        return float(self.cost(self._fit(sampling)) / self.opt)
