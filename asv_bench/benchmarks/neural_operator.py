"""Benchmarks of the neural-operator estimators on skop-generated PDE data."""

import numpy as np

from benchmarks.common import cache, quick
from skop.datasets import fno_burgers_params, make_burgers, make_darcy
from skop.metrics import relative_l2_error
from skop.neural_operator import (
    FNORegressor,
    LSMRegressor,
    MgNORegressor,
    UNetOperatorRegressor,
)


@cache
def burgers(n_train, n_test, resolution):
    # The FNO paper's regime (nu = 0.1 on a periodic domain of length 2 pi, t = 1).
    X, y = make_burgers(n_train + n_test, resolution, random_state=0, **fno_burgers_params())
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@cache
def darcy(n_train, n_test, resolution):
    a, u = make_darcy(n_train + n_test, resolution, random_state=0)
    return a[:n_train], u[:n_train], a[n_train:], u[n_train:]


def _sizes(full, tiny):
    return tiny if quick() else full


class FNOBurgers:
    """FNO on the FNO paper's Burgers regime (``fno_burgers_params``, 256 points)."""

    timeout = 1800
    params = [[5]] if not quick() else [[1]]
    param_names = ["max_epochs"]

    def setup(self, max_epochs):
        n_train, n_test, res = _sizes((1000, 200, 256), (40, 10, 32))
        self.X, self.y, self.X_test, self.y_test = burgers(n_train, n_test, res)
        self.params = dict(max_epochs=max_epochs, random_state=0)
        if quick():
            self.params.update(width=8, n_modes=4)
        self.fitted = FNORegressor(**self.params).fit(self.X, self.y)

    def time_fit(self, max_epochs):
        FNORegressor(**self.params).fit(self.X, self.y)

    def peakmem_fit(self, max_epochs):
        FNORegressor(**self.params).fit(self.X, self.y)

    def time_predict(self, max_epochs):
        self.fitted.predict(self.X_test)

    def time_predict_superresolution(self, max_epochs):
        self.fitted.predict(np.repeat(self.X_test, 2, axis=1)[:, None, :])


class FNOBurgersAccuracy:
    """Test relative L2 of the defaults (only random_state set) in the paper's regime."""

    timeout = 3600

    def setup_cache(self):
        n_train, n_test, res = _sizes((1000, 200, 256), (40, 10, 32))
        X, y, X_test, y_test = burgers(n_train, n_test, res)
        params = {"max_epochs": 1, "width": 8, "n_modes": 4} if quick() else {}
        est = FNORegressor(random_state=0, **params).fit(X, y)
        return relative_l2_error(y_test, est.predict(X_test))

    def track_test_relative_l2(self, error):
        return error

    track_test_relative_l2.unit = "relative L2"


class FNODarcy:
    """FNO on Darcy flow, 64 x 64 from a 127 x 127 reference."""

    timeout = 1800

    def setup(self):
        n_train, n_test, res = _sizes((1000, 200, 64), (20, 5, 9))
        self.X, self.y, self.X_test, self.y_test = darcy(n_train, n_test, res)
        self.params = dict(n_modes=12, width=32, domain_padding=0.1, max_epochs=2,
                           n_spatial_dims=2, grid="nodes", random_state=0)
        if quick():
            self.params.update(width=4, n_modes=2, max_epochs=1)
        self.fitted = FNORegressor(**self.params).fit(self.X, self.y)

    def time_fit(self):
        FNORegressor(**self.params).fit(self.X, self.y)

    def peakmem_fit(self):
        FNORegressor(**self.params).fit(self.X, self.y)

    def time_predict(self):
        self.fitted.predict(self.X_test)

    def track_test_relative_l2_2_epochs(self):
        return relative_l2_error(self.y_test, self.fitted.predict(self.X_test))


def _grid_operator_darcy(estimator, extra=None):
    """Fit / predict / peak memory / tracked error of a grid operator on Darcy 33 x 33 nodes."""

    class Bench:
        timeout = 1800

        def setup(self):
            n_train, n_test, res = _sizes((400, 100, 33), (12, 4, 9))
            self.X, self.y, self.X_test, self.y_test = darcy(n_train, n_test, res)
            self.params = dict(max_epochs=1 if quick() else 3, n_spatial_dims=2, grid="nodes",
                               random_state=0, **(extra or {}))
            if quick():
                self.params.update(width=4)
            self.fitted = estimator(**self.params).fit(self.X, self.y)

        def time_fit(self):
            estimator(**self.params).fit(self.X, self.y)

        def peakmem_fit(self):
            estimator(**self.params).fit(self.X, self.y)

        def time_predict(self):
            self.fitted.predict(self.X_test)

        def track_test_relative_l2_3_epochs(self):
            return relative_l2_error(self.y_test, self.fitted.predict(self.X_test))

    return Bench


class MgNODarcy(_grid_operator_darcy(MgNORegressor)):
    """MgNORegressor on Darcy 33 x 33 nodes."""


class UNetOperatorDarcy(_grid_operator_darcy(UNetOperatorRegressor, {"depth": 2})):
    """UNetOperatorRegressor on Darcy 33 x 33 nodes."""


class LSMDarcy(_grid_operator_darcy(LSMRegressor, {"width": 16, "n_heads": 4})):
    """LSMRegressor on Darcy 33 x 33 nodes (width 16: the paper's 64 is ~19 M parameters)."""


class FNOOptimizers:
    """FNO on Burgers with AdamW against Lion-K (sign and nuclear), same epochs: held-out rel-L2."""

    timeout = 1800
    params = [["adamw", "lion", "lion-nuclear"]]
    param_names = ["optimizer"]
    # AdamW's default rate; Lion's sign steps 3x smaller; nuclear steps are per tensor.
    LR = {"adamw": 1e-3, "lion": 3e-4, "lion-nuclear": 1e-2}

    def setup(self, optimizer):
        n_train, n_test, res = _sizes((1000, 200, 256), (40, 10, 32))
        self.X, self.y, self.X_test, self.y_test = burgers(n_train, n_test, res)
        name, _, direction = optimizer.partition("-")
        self.params = dict(max_epochs=2 if quick() else 50, random_state=0, optimizer=name,
                           lr=self.LR[optimizer],
                           optimizer_kwargs={"direction": direction} if direction else None)
        if quick():
            self.params.update(width=8, n_modes=4)

    def track_relative_l2(self, optimizer):
        model = FNORegressor(**self.params).fit(self.X, self.y)
        return float(relative_l2_error(self.y_test, model.predict(self.X_test)))


class SpectralTransform:
    """SpectralConv forward + backward with FFTs against truncated-DFT products (CPU)."""

    params = [["fft", "matmul"], ["darcy16-padded", "darcy64", "burgers256"]]
    param_names = ["transform", "problem"]
    # (batch, channels, grid, modes): the 2-D defaults on padded 16-node Darcy,
    # 64 x 64 Darcy with 12 modes, 1-D Burgers with 16 modes.
    SHAPES = {"darcy16-padded": (32, 24, (18, 18), (4, 4)),
              "darcy64": (32, 32, (64, 64), (12, 12)),
              "burgers256": (10, 32, (256,), (16,))}

    def setup(self, transform, problem):
        import torch

        from skop.nn import SpectralConv
        batch, channels, grid, modes = self.SHAPES[problem]
        if quick():
            batch = 2
        gen = torch.Generator().manual_seed(0)
        self.layer = SpectralConv(channels, channels, modes, transform=transform)
        self.x = torch.randn(batch, channels, *grid, generator=gen, requires_grad=True)
        self.layer(self.x).sum().backward()  # build the cached indices / matrices

    def time_forward_backward(self, transform, problem):
        self.layer(self.x).sum().backward()
