"""Bandlimited random-weight networks: the error against the bandwidth, and RBFSampler + Ridge.

    python asv_bench/scripts/random_weights_bandwidth.py

Target sin(16 pi x) on [-1, 1]: 2000 equispaced training points, 1000 random
test points, 500 tanh units, ridge alpha 1e-14; median test RMSE over 5 seeds
per bandwidth (the paper: too narrow a band has an error floor, too wide a
band degrades again). Then equal feature counts against scikit-learn's
RBFSampler + Ridge (gamma tuned on a grid), error and fit time.
"""
import time

import numpy as np
import torch
from sklearn.kernel_approximation import RBFSampler
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from skop.neural_network import RandomWeightNetRegressor

torch.set_num_threads(1)
x = np.linspace(-1, 1, 2000)[:, None]
y = np.sin(16 * np.pi * x[:, 0])
x_test = np.random.default_rng(5).uniform(-1, 1, (1000, 1))
y_test = np.sin(16 * np.pi * x_test[:, 0])


def rmse(model):
    return float(np.sqrt(np.mean((model.predict(x_test) - y_test) ** 2)))


print("bandwidth | median RMSE over 5 seeds (min, max)")
for b in (1, 5, 20, 60, 200):
    errs = [rmse(RandomWeightNetRegressor(500, bandwidth=b, alpha=1e-14, random_state=s).fit(x, y))
            for s in range(5)]
    print(f"{b:>9} | {np.median(errs):.2g} ({min(errs):.2g}, {max(errs):.2g})")

print("\n500 features | RMSE | fit time")
t0 = time.perf_counter()
net = RandomWeightNetRegressor(500, bandwidth=20, alpha=1e-14, random_state=0).fit(x, y)
print(f"random-weight tanh net, bandwidth 20 | {rmse(net):.2g} | {time.perf_counter() - t0:.3f} s")
for gamma in (10, 100, 1000, 10000):
    for alpha in (1e-10, 1e-6):
        t0 = time.perf_counter()
        pipe = make_pipeline(RBFSampler(gamma=gamma, n_components=500, random_state=0),
                             Ridge(alpha=alpha)).fit(x, y)
        print(f"RBFSampler gamma={gamma} + Ridge alpha={alpha:g} | {rmse(pipe):.2g} | "
              f"{time.perf_counter() - t0:.3f} s")
