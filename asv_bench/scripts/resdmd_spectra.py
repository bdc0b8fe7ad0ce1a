"""ResDMD's headline numbers: exact spectra of a linear map, spurious EDMD
eigenvalues and pseudospectrum bounds of the Chirikov standard map.

    python asv_bench/scripts/resdmd_spectra.py
"""

import numpy as np
import torch

from skop.datasets import make_linear_map, make_standard_map
from skop.dynamics import FourierDictionary, MonomialDictionary, ResDMD


def linear_map():
    X, Y = make_linear_map(200, matrix=0.9, random_state=0)
    est = ResDMD(MonomialDictionary(degree=5)).fit(X, Y)
    print("Linear map x -> 0.9 x, monomials up to degree 5, M = 200\n")
    print("| k | eigenvalue | 0.9^k | residual |\n|---|---|---|---|")
    for k, (lam, res) in enumerate(zip(est.eigenvalues_, est.residuals_)):
        print(f"| {k} | {lam.real:.15f}{lam.imag:+.0e}j | {0.9**k:.15f} | {res:.1e} |")


def standard_map():
    z = np.array([0.0, 0.5, 0.9])
    print("\nChirikov standard map, K = 1, 7 x 7 Fourier dictionary "
          f"(1 - |z| = {', '.join(f'{v:g}' for v in 1 - np.abs(z))})\n")
    print("| M | seed | residual < 0.1 | tau(0) | tau(0.5) | tau(0.9) |\n|---|---|---|---|---|---|")
    for M, seeds in ((20_000, (0, 1, 2)), (200_000, (0,))):
        for seed in seeds:
            X, Y = make_standard_map(M, K=1.0, random_state=seed)
            est = ResDMD(FourierDictionary(n_modes=3)).fit(X, Y)
            tau = est.pseudospectrum(z)
            verified = est.residuals_ < 0.1
            print(f"| {M} | {seed} | {verified.sum()}/{verified.size} ({verified.mean():.1%}) "
                  f"| {tau[0]:.4f} | {tau[1]:.4f} | {tau[2]:.4f} |")


if __name__ == "__main__":
    torch.set_num_threads(1)
    linear_map()
    standard_map()
