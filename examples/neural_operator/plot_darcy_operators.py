"""
==========================================================
Four neural operators on Darcy flow: FNO, MgNO, U-Net, LSM
==========================================================

Darcy flow, ``-div(a grad u) = 1`` on the unit square with ``u = 0`` on the
boundary and a piecewise-constant permeability ``a`` (the Fourier neural
operator benchmark, :func:`~skop.datasets.make_darcy`), learned by four of
skop's operators with the same data, the same number of epochs and one CPU
thread:

* :class:`~skop.neural_operator.FNORegressor`, Fourier layers;
* :class:`~skop.neural_operator.MgNORegressor`, multigrid V-cycles;
* :class:`~skop.neural_operator.UNetOperatorRegressor`, a U-Net with kernels
  on the continuum;
* :class:`~skop.neural_operator.LSMRegressor`, a U-Net with latent spectral
  blocks.

We compare test error, training curves against wall-clock time, error maps,
and what each model does on a grid twice as fine as the training grid.
The sizes here are a gallery's (a few minutes); the equal-budget comparisons
at 65 x 65 and 1000 samples are ``asv_bench/scripts/mgno_vs_fno.py`` and
``lsm_vs_fno.py``.
"""

# %%
# Data: 33 x 33 nodes, and a 65 x 65 test set for the zero-shot question
# ------------------------------------------------------------------------
import os
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch

from skop.datasets import make_darcy
from skop.metrics import relative_l2_error
from skop.neural_operator import (
    FNORegressor,
    LSMRegressor,
    MgNORegressor,
    UNetOperatorRegressor,
)

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
n_train, n_test, res = (40, 10, 17) if QUICK else (300, 50, 33)
epochs = 2 if QUICK else 15
a, u = make_darcy(n_train + n_test, res, random_state=0)
a_train, u_train, a_test, u_test = a[:n_train], u[:n_train], a[n_train:], u[n_train:]
# Both grids come from the same 129 x 129 reference solution, so the fine test set is
# the same kind of data on nodes of spacing 1/64.
a_fine, u_fine = make_darcy(n_test, 2 * res - 1, random_state=1)

common = dict(n_spatial_dims=2, grid="nodes", max_epochs=epochs, random_state=0)
models = {
    "FNO": FNORegressor(n_modes=8 if QUICK else 12, **common),
    # Mirrored about the boundary nodes instead of zero-padded: modes count on
    # a period of twice the domain, hence more of them.
    "FNO (mirrored)": FNORegressor(n_modes=8 if QUICK else 16, domain_padding="even", **common),
    "MgNO": MgNORegressor(**common),
    "U-Net operator": UNetOperatorRegressor(**common),
    "LSM": LSMRegressor(width=16, off_grid="resample", **common),
}

# %%
# Fit: same data, same epochs
# ---------------------------
results = {}
for name, est in models.items():
    t0 = time.perf_counter()
    est.fit(a_train, u_train)
    seconds = time.perf_counter() - t0
    err = relative_l2_error(u_test, est.predict(a_test))
    n_params = sum(p.numel() for p in est.module_.parameters())
    results[name] = dict(seconds=seconds, err=err, params=n_params)
    print(f"{name:15s} test rel-L2 {err:.4f}  fit {seconds:5.1f} s  {n_params:,} parameters")

# %%
# Training error against wall-clock time
# --------------------------------------
# Each model's training loss is its relative L2 error on the training batches;
# the x-axis is the cumulative time of the epochs (skorch's history).
fig, ax = plt.subplots(figsize=(6, 4))
for name, est in models.items():
    elapsed = np.cumsum([row["dur"] for row in est.history_])
    ax.semilogy(elapsed, est.loss_curve_, "o-", ms=3, label=f"{name} ({results[name]['err']:.3f})")
ax.set_xlabel("training time (s, one thread)")
ax.set_ylabel("training rel-L2")
ax.legend(title="test rel-L2", fontsize=8)
fig.tight_layout()

# %%
# Error maps on one test sample
# -----------------------------
fig, axes = plt.subplots(1, 2 + len(models), figsize=(3 * (2 + len(models)), 3))
axes[0].imshow(a_test[0], origin="lower", cmap="gray")
axes[0].set_title("permeability a")
axes[1].imshow(u_test[0], origin="lower")
axes[1].set_title("solution u")
scale = np.abs(u_test[0]).max()
for ax, (name, est) in zip(axes[2:], models.items()):
    error = est.predict(a_test[:1])[0] - u_test[0]
    ax.imshow(error, origin="lower", cmap="RdBu_r", vmin=-0.1 * scale, vmax=0.1 * scale)
    ax.set_title(f"{name}: error (+-10%)", fontsize=9)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()

# %%
# A grid twice as fine
# --------------------
# FNO's weights live on Fourier modes and the U-Net operator's kernels on the
# continuum, so both evaluate directly on the fine grid (zero-shot). With zero
# padding FNO loses to interpolation; mirrored (``domain_padding="even"``),
# every Fourier layer sees a period of exactly twice the domain on both grids
# (measured with 1000 training samples: 0.0185 zero-shot vs 0.0198 by
# upsampling, ``asv_bench/scripts/fno_darcy.py superres --padding even
# --modes 16``). MgNO's 3 x 3 kernels are in grid units: it runs, warns, and is a different
# operator there. LSM refuses unless asked to resample (``off_grid="resample"``
# here): the input is interpolated to the training grid and the prediction
# back. The baseline is the coarse prediction interpolated bilinearly.
from scipy.interpolate import RegularGridInterpolator  # noqa: E402

coarse_nodes = np.linspace(0, 1, res)
fine_nodes = np.linspace(0, 1, 2 * res - 1)
points = np.stack(np.meshgrid(fine_nodes, fine_nodes, indexing="ij"), axis=-1)
for name, est in models.items():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        direct = relative_l2_error(u_fine, est.predict(a_fine))
    coarse = est.predict(a_fine[:, ::2, ::2])
    upsampled = np.stack([RegularGridInterpolator((coarse_nodes, coarse_nodes), c)(points)
                          for c in coarse])
    print(f"{name:15s} on the 2x grid: {direct:.4f} directly, "
          f"{relative_l2_error(u_fine, upsampled):.4f} by bilinear upsampling")
