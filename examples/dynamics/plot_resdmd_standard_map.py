"""
=====================================================
Verified Koopman spectra of the Chirikov standard map
=====================================================

The Chirikov standard map ``p' = p + K sin(theta)``, ``theta' = theta + p'`` on
the torus preserves area, so its Koopman operator is unitary and its spectrum
lies on the unit circle. EDMD with a 7 x 7 Fourier dictionary nevertheless
returns eigenvalues all over the disc. :class:`~skop.dynamics.ResDMD` computes
a residual for every eigenpair from the same snapshots and the pseudospectrum
``tau(z)``, the smallest residual over the whole dictionary: the eigenvalues
deep inside the disc have residuals close to 1 (spurious), and ``tau(z)`` stays
above ``1 - |z|`` (up to quadrature error), as it must for a unitary operator.
"""

# %%
# Snapshot pairs and the fit
# --------------------------
# ``M`` states drawn uniformly on the torus (Monte Carlo quadrature for the
# area measure) and their images.
import os

import matplotlib.pyplot as plt
import numpy as np

from skop.datasets import make_linear_map, make_standard_map
from skop.dynamics import (
    FourierDictionary,
    KoopmanSpectrumDisplay,
    MonomialDictionary,
    ResDMD,
)

quick = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
n_samples = 2_000 if quick else 20_000
n_grid = 40 if quick else 120

X, Y = make_standard_map(n_samples, K=1.0, random_state=0)
est = ResDMD(FourierDictionary(n_modes=3), epsilon=0.1).fit(X, Y)
print(f"{est.n_dictionary_} eigenvalues, {est.verified_.sum()} with residual <= 0.1 "
      f"({100 * est.verified_.mean():.0f}%)")

# %%
# Residuals against modulus
# -------------------------
# A verified eigenvalue must lie near the unit circle; the converse fails:
# many eigenvalues of modulus ~0.9 have residuals of 0.4 and more.
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.scatter(np.abs(est.eigenvalues_), est.residuals_, s=15)
ax.axhline(est.epsilon, color="C3", ls="--", label=r"$\epsilon = 0.1$")
ax.set_xlabel(r"$|\lambda|$")
ax.set_ylabel("residual")
ax.legend()
fig.tight_layout()

# %%
# Eigenvalues and pseudospectrum
# ------------------------------
# Contours of ``tau(z)``: the level sets ``{tau < epsilon}`` approximate the
# epsilon-pseudospectrum and hug the unit circle, unlike the EDMD eigenvalues.
disp = KoopmanSpectrumDisplay.from_estimator(
    est, n_grid=n_grid, levels=[0.05, 0.1, 0.25, 0.5, 0.75]
)
disp.ax_.set_title(f"Standard map, K = 1, M = {n_samples}")

# %%
# The lower bound of a unitary operator
# -------------------------------------
# ``||(K - z) g|| >= (1 - |z|) ||g||`` for unitary ``K``, so ``tau(z) >= 1 - |z|``
# up to the quadrature error of the Gram matrices, which shrinks like
# ``M^{-1/2}``; the constant function gives ``tau(z) <= |1 - z|``.
z = np.array([0.0, 0.5, 0.9])
for zi, ti in zip(z, est.pseudospectrum(z)):
    print(f"tau({zi:.1f}) = {ti:.3f}   1 - |z| = {1 - abs(zi):.3f}")

# %%
# Sanity check: an exact invariant subspace
# -----------------------------------------
# For ``x -> 0.9 x`` the monomials up to degree 5 span an invariant subspace:
# EDMD is exact, the eigenvalues are ``0.9^k`` and every residual vanishes.
Xl, Yl = make_linear_map(200, matrix=0.9, random_state=0)
lin = ResDMD(MonomialDictionary(degree=5)).fit(Xl, Yl)
for lam, res in zip(lin.eigenvalues_.real, lin.residuals_):
    print(f"lambda = {lam:.6f}   residual = {res:.1e}")
plt.show()
