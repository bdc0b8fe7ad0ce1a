"""
==============================================================
DeepONet: sound propagation from a moving source, in real time
==============================================================

Borrel-Jensen et al. ("Sound propagation in realistic interactive 3D scenes with
parameterized sources using deep neural operators") train a DeepONet whose
branch net reads the *source position* and whose trunk net reads a point
``(x, y, t)``: once trained, the pressure field of a source anywhere in the
room is one network evaluation, instead of a wave-equation solve -- what
interactive audio needs.

Here the setting is reduced to 2-D for a CPU: the linear acoustic wave equation
``p_tt = c^2 (p_xx + p_yy)`` in a square room with rigid (sound-hard) walls,
a Gaussian pressure pulse at the source, solved by skop's finite-difference
reference solver (:func:`~skop.datasets.make_acoustic_source`). The model is
evaluated on source positions it never saw, and its evaluation time is
compared with the solver's.
"""

# %%
# Data: 250 simulations, each a source position and its pressure field
# ----------------------------------------------------------------------
# ``points`` are the ``(x, y, t)`` query points (a 21 x 21 grid at 21 times);
# ``y`` holds the pressure there, one row per source.
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from skop.datasets import make_acoustic_source
from skop.metrics import relative_l2_error
from skop.neural_operator import DeepONetRegressor

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"

setting = dict(source_width=0.2, final_time=0.5, n_times=11)
n_train, n_test = (40, 10) if QUICK else (200, 50)
X, y, points = make_acoustic_source(n_train + n_test, random_state=0, **setting)
X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
print(X.shape, y.shape, points.shape)

# %%
# Fit
# ---
# As in the paper: a modified-MLP trunk on Fourier features of ``(x, y, t)``;
# each step trains on 2000 random query points of 16 sources.
est = DeepONetRegressor(
    n_basis=100, branch_hidden=(128, 128, 128), trunk_hidden=(128, 128, 128),
    architecture="modified", activation="tanh", fourier_features=32, fourier_scale=1.0,
    query_batch_size=2000, batch_size=16, max_epochs=5 if QUICK else 300, random_state=0)
t0 = time.perf_counter()
est.fit(X_train, y_train, query_points=points)
print(f"fit: {time.perf_counter() - t0:.0f} s")
print(f"rel-L2, training sources: {relative_l2_error(y_train, est.predict(X_train)):.3f}; "
      f"unseen sources: {relative_l2_error(y_test, est.predict(X_test)):.3f}")

# %%
# Predicted and reference fields for an unseen source
# ---------------------------------------------------
n_t, n_xy = setting["n_times"], 21
pred = est.predict(X_test[:1]).reshape(n_t, n_xy, n_xy)
true = y_test[0].reshape(n_t, n_xy, n_xy)
times = np.unique(points[:, 2])
fig, axes = plt.subplots(2, 4, figsize=(11, 5.5), sharex=True, sharey=True)
for col, k in enumerate(np.linspace(0, n_t - 1, 4).astype(int)):
    for row, (field, name) in enumerate([(true, "solver"), (pred, "DeepONet")]):
        ax = axes[row, col]
        ax.imshow(field[k], origin="lower", extent=(0, 1, 0, 1), vmin=-0.5, vmax=1.0,
                  cmap="RdBu_r")
        ax.plot(*X_test[0], "k+")
        ax.set_title(f"{name}, t = {times[k]:.2f}", fontsize=9)
fig.tight_layout()

# %%
# Real time: network evaluations against a solver run
# ---------------------------------------------------
# What interactive audio needs is the pressure at the *listener* over time
# for the current source position: the network evaluates it at 200 times at
# one receiver point, while the solver must simulate the whole room (161 x 161
# nodes, leapfrog up to t = 0.5) for every new source position. The full
# 21 x 21 x 11 field is timed too. Inference in float32, one thread.
source = X_test[:1]
t0 = time.perf_counter()
make_acoustic_source(1, source_region=((source[0, 0],) * 2, (source[0, 1],) * 2),
                     random_state=0, **setting)
solver_s = time.perf_counter() - t0
est.set_params(inference_precision="float32")
listener = np.column_stack([np.full(200, 0.3), np.full(200, 0.7),
                            np.linspace(0, setting["final_time"], 200)])


def best_of(fn, repeats=20):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


receiver_s = best_of(lambda: est.predict(source, query_points=listener))
field_s = best_of(lambda: est.predict(source))
print(f"solver run {solver_s * 1e3:.1f} ms; DeepONet at the listener (200 times) "
      f"{receiver_s * 1e3:.2f} ms ({solver_s / receiver_s:.0f}x faster), whole field "
      f"{field_s * 1e3:.1f} ms ({solver_s / field_s:.1f}x)")
