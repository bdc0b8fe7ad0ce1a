"""
=========================================================
Navier-Stokes: rolling out FNO and LSM one step at a time
=========================================================

Two-dimensional incompressible flow on the periodic unit square in vorticity
form, forced by ``0.1 (sin 2 pi (x + y) + cos 2 pi (x + y))`` and started from
a random vorticity field (:func:`~skop.datasets.make_navier_stokes`, the
benchmark of the Fourier neural operator and latent spectral model papers).
Given the first 10 snapshots ``w(t = 1 .. 10)``, predict the next 10.

Both operators learn a *single step*, the last 10 snapshots to the next one,
from every window of the training trajectories
(:func:`~skop.neural_operator.time_windows`), and predict the 10 future
snapshots by feeding their own predictions back
(:func:`~skop.neural_operator.rollout`). Errors compound along the rollout;
:func:`~skop.neural_operator.rollout_errors` reports them step by step.

The sizes are a gallery's (32 x 32 solved directly, a few minutes on one CPU
thread); the 64 x 64 equal-budget comparison is
``asv_bench/scripts/ns_lsm_vs_fno.py``.
"""

# %%
# Trajectories and one-step training windows
# ------------------------------------------
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from skop.datasets import make_navier_stokes
from skop.metrics import relative_l2_error
from skop.neural_operator import (
    FNORegressor,
    LSMRegressor,
    rollout,
    rollout_errors,
    time_windows,
)

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
n_flows, n_test, res, t_in = (10, 2, 16, 4) if QUICK else (60, 10, 32, 10)
epochs = 2 if QUICK else 25

start = time.perf_counter()
X, y = make_navier_stokes(n_flows, res, 1e-3, t_in=t_in, t_out=t_in, reference_resolution=res,
                          device="cpu", random_state=0)
print(f"{n_flows} flows of {X.shape[1] + y.shape[1]} snapshots on {res} x {res} "
      f"in {time.perf_counter() - start:.0f} s")
trajectories = np.concatenate([X, y], axis=1)
W_train, W_target = time_windows(trajectories[:-n_test], t_in=t_in)
X_test, y_test = X[-n_test:], y[-n_test:]
print(f"training windows: {W_train.shape} -> {W_target.shape}")

fig, axes = plt.subplots(1, 5, figsize=(13, 2.8))
for ax, k in zip(axes, np.linspace(0, trajectories.shape[1] - 1, 5).astype(int)):
    ax.imshow(trajectories[-1, k].T, origin="lower", cmap="RdBu_r")
    ax.set_title(f"w(t = {k + 1})")
    ax.axis("off")
fig.suptitle("One test flow: the forcing organises the vorticity into diagonal bands")
plt.tight_layout()

# %%
# Fit one-step operators
# ----------------------
common = dict(n_spatial_dims=2, grid="periodic", max_epochs=epochs, random_state=0)
models = {
    "FNO": FNORegressor(n_modes=8 if QUICK else 12, width=20, **common),
    "LSM": LSMRegressor(width=8 if QUICK else 16, n_heads=2 if QUICK else 4, **common),
}
for name, model in models.items():
    start = time.perf_counter()
    model.fit(W_train, W_target)
    print(f"{name}: fitted in {time.perf_counter() - start:.0f} s, one-step test error "
          f"{relative_l2_error(y_test[:, :1], model.predict(X_test)):.4f}")

# %%
# Errors along the rollout
# ------------------------
fig, ax = plt.subplots(figsize=(5.5, 3.5))
for name, model in models.items():
    errors = rollout_errors(model, X_test, y_test)
    print(f"{name}: rollout rel-L2 per step {np.round(errors, 4)}")
    ax.plot(np.arange(1, len(errors) + 1), errors, marker="o", label=name)
ax.set_xlabel("rolled-out step")
ax.set_ylabel("test relative L2 error")
ax.set_yscale("log")
ax.legend()
ax.set_title("Errors compound along the rollout")
plt.tight_layout()

# %%
# Vorticity snapshots side by side
# --------------------------------
predictions = {name: rollout(model, X_test, y_test.shape[1]) for name, model in models.items()}
steps = [0, y_test.shape[1] // 2, y_test.shape[1] - 1]
fig, axes = plt.subplots(3, len(steps), figsize=(3 * len(steps), 8.4))
rows = {"truth": y_test, **predictions}
vmax = np.abs(y_test[0]).max()
for i, (label, field) in enumerate(rows.items()):
    for j, k in enumerate(steps):
        axes[i, j].imshow(field[0, k].T, origin="lower", cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        axes[i, j].set_title(f"{label}, t = {t_in + k + 1}")
        axes[i, j].axis("off")
plt.tight_layout()
plt.show()
