"""
A learned spectral basis on the circle and the sphere
=====================================================

:class:`~skop.manifold.LearnedSpectralBasis` learns, from the points alone, an
ordered basis that approximates the Laplace-Beltrami eigenfunctions: fresh
smooth random probe functions are projected on the first ``k`` learned
functions, for every ``k``, and the residual is minimised. The energy each
function captures falls in groups whose sizes are the eigenvalue
multiplicities (1, 2, 2, ... on the circle; 1, 3, 5, 7 on the sphere), and the
decay rates give eigenvalue ratios (``m^2``; ``l (l + 1)``).
"""

import os

import matplotlib.pyplot as plt
import numpy as np
import torch

from skop.datasets import make_circle, make_sphere, manifold_eigenfunctions
from skop.manifold import LearnedSpectralBasis

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"


def min_cosine(A, B):
    """Smallest principal-angle cosine between two column spans (1: the same subspace)."""
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    return np.linalg.svd(qa.T @ qb, compute_uv=False).min()


# %%
# Circle: 200 near-uniform points, 9 functions
X, theta = make_circle(200, random_state=0)
circle = LearnedSpectralBasis(n_components=9, max_epochs=20 if QUICK else 300,
                              random_state=0).fit(X)
fourier, _ = manifold_eigenfunctions("circle", theta, 9)
for k in (1, 3, 5, 7, 9):
    print(f"circle, first {k}: cosine to the Fourier subspace "
          f"{min_cosine(fourier[:, :k], circle.basis_[:, :k]):.4f}")
print("eigenvalue ratios", np.round(circle.eigenvalues_[1:] / circle.eigenvalues_[1], 2))

# %%
# Sphere: Fibonacci points, 16 functions (degrees 0 to 3)
S, angles = make_sphere(200 if QUICK else 800, random_state=0)
sphere = LearnedSpectralBasis(n_components=16, n_neighbors=12, max_epochs=20 if QUICK else 400,
                              random_state=0).fit(S)
harmonics, _ = manifold_eigenfunctions("sphere", angles, 16)
for k in (1, 4, 9, 16):
    print(f"sphere, first {k}: cosine to the harmonics of degree < {int(np.sqrt(k))} "
          f"{min_cosine(harmonics[:, :k], sphere.basis_[:, :k]):.4f}")

# %%
# Captured energy per function (multiplicities) and basis functions
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
order = np.argsort(theta)
for j in range(1, 5):
    axes[0].plot(theta[order], circle.basis_[order, j], label=f"function {j}")
axes[0].set_xlabel("angle")
axes[0].set_title("learned basis on the circle")
axes[0].legend(fontsize=7)
for ax, model, name in [(axes[1], circle, "circle"), (axes[2], sphere, "sphere")]:
    captured = -np.diff(np.concatenate([[1.0], model.residuals_]))
    ax.bar(np.arange(len(captured)), captured)
    ax.set_yscale("log")
    ax.set_xlabel("function k")
    ax.set_title(f"{name}: probe energy captured (groups = multiplicities)", fontsize=9)
fig.tight_layout()
plt.show()
