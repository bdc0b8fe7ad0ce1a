"""
How wide a band? Shallow networks with random weights
=====================================================

A one-hidden-layer network whose hidden weights and biases are drawn from
``U[-bandwidth, bandwidth]`` and frozen, with only the output layer solved by
ridge least squares, approximates a target only if the band holds its
frequencies: fitting ``sin(16 pi x)`` with 500 tanh units, too narrow a band
leaves an error floor (the lower bound of Li, Lin & Liu, 2023), and too wide a
band makes the features rough and the error grows again. scikit-learn's
``RBFSampler`` + ``Ridge`` at the same feature count is shown for reference.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.kernel_approximation import RBFSampler
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from skop.neural_network import RandomWeightNetRegressor

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
x = np.linspace(-1, 1, 2000)[:, None]
y = np.sin(16 * np.pi * x[:, 0])
x_test = np.random.default_rng(5).uniform(-1, 1, (1000, 1))
y_test = np.sin(16 * np.pi * x_test[:, 0])

bandwidths = np.geomspace(1, 300, 8 if QUICK else 20)
seeds = range(1 if QUICK else 3)
errors = []
for b in bandwidths:
    rmse = [np.sqrt(np.mean((RandomWeightNetRegressor(500, bandwidth=b, alpha=1e-14, random_state=s)
                             .fit(x, y).predict(x_test) - y_test) ** 2)) for s in seeds]
    errors.append(np.median(rmse))
    print(f"bandwidth {b:7.1f}: RMSE {errors[-1]:.2g}")

rbf = make_pipeline(RBFSampler(gamma=1000, n_components=500, random_state=0), Ridge(alpha=1e-10))
rbf_error = np.sqrt(np.mean((rbf.fit(x, y).predict(x_test) - y_test) ** 2))
print(f"RBFSampler (gamma 1000) + Ridge: RMSE {rbf_error:.2g}")

# %%
fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(bandwidths, errors, "o-", label="random-weight tanh network (500 units)")
ax.axhline(rbf_error, color="gray", ls="--", label="RBFSampler + Ridge (500 features)")
ax.set(xlabel="bandwidth", ylabel="test RMSE", title="sin(16 pi x) on [-1, 1]")
ax.legend()
plt.show()
