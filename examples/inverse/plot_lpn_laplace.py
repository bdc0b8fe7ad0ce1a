"""
Learned proximal networks: the MAP prox of a Laplace prior
==========================================================

The toy problem of Fang, Buchanan & Sulam (ICLR 2024): signals
``x ~ Laplace(0, 1)``, observations ``y = x + N(0, 1)``. The MAP denoiser, the
proximal operator of ``-log p(x) = |x|``, is soft-thresholding
``S_1(y) = sign(y) max(|y| - 1, 0)``.

A :class:`~skop.inverse.LearnedProximalNetwork` trained with *proximal
matching* (L1 warm-up, then the loss ``1 - exp(-(|f(y) - x| / gamma)^2)`` with
gamma falling 0.5 -> 0.1, as in the authors' notebook) approaches it; the same
network trained with the squared loss learns the posterior mean instead (0.50
at ``y = 1``, not 0). Because the network is the gradient of a convex
potential, the regulariser it is the prox of can be evaluated: ``R(x) - R(0)``
tracks ``|x|``.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
import torch

from skop.inverse import LearnedProximalNetwork

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
n, epochs = (4000, 20) if QUICK else (100_000, 200)

X = np.random.default_rng(0).laplace(size=(n, 1))
common = dict(sigma=1.0, hidden=50, n_layers=5, batch_size=200 if QUICK else 2000,
              max_epochs=epochs, random_state=0)
models = {
    "proximal matching": LearnedProximalNetwork(gamma=(0.5, 0.4, 0.3, 0.2, 0.1), **common),
    "squared loss (MMSE)": LearnedProximalNetwork(loss="l2", **common),
}
for model in models.values():
    model.fit(X)

# %%
# The learned denoisers against soft-thresholding, and the learned priors
y = np.linspace(-4, 4, 161)[:, None]
soft = np.sign(y[:, 0]) * np.maximum(np.abs(y[:, 0]) - 1, 0)
x_grid = np.linspace(-3, 3, 61)[:, None]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax1.plot(y, soft, "k--", label="soft-threshold $S_1$ (MAP)")
ax2.plot(x_grid, np.abs(x_grid), "k--", label="$|x|$")
for name, model in models.items():
    f = model.transform(y)[:, 0]
    print(f"{name}: mean |f - S_1| on [-4, 4] = {np.abs(f - soft).mean():.3f}, "
          f"f(0.5) = {model.transform([[0.5]])[0, 0]:.3f}, "
          f"f(1) = {model.transform([[1.0]])[0, 0]:.3f}")
    ax1.plot(y, f, label=name)
    R = model.regularizer(x_grid)
    ax2.plot(x_grid, R - model.regularizer([[0.0]])[0], label=name)
ax1.set_xlabel("y")
ax1.set_title("learned prox f(y)")
ax1.legend(fontsize=8)
ax2.set_xlabel("x")
ax2.set_title("learned regulariser R(x) - R(0)")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()
