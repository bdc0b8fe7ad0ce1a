"""Error ratios of optimal weighted least squares: i.i.d. vs DPP repetitions vs volume.

The experiment of Nouy & Michel (2023) on a discrete measure: ``N`` uniform
points on [-1, 1], the Legendre polynomials of degree < m orthonormalised on
them, the Runge function ``1 / (1 + 25 x^2)``. For each sampler and number of
points ``n``, ``--draws`` independent samples are drawn (batched), weighted
least squares with ``w = m / k_m`` is solved on each, and the ratio
``||f - f_n||^2 / ||f - P_m f||^2`` on the N points is summarised by its median,
90% and 99% quantiles and mean. Prints a markdown table.

Run::

    python asv_bench/scripts/wls_error_ratios.py       # N=5000, m=20, 500 draws
    python asv_bench/scripts/wls_error_ratios.py --draws 100 --seed 1
"""

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from skop.preprocessing import LegendreFeatures, OrthonormalFeatures  # noqa: E402
from skop.sampling import (  # noqa: E402
    sample_christoffel,
    sample_dpp_repetitions,
    sample_projection_dpp,
    sample_volume_rescaled,
)

torch.set_num_threads(1)


def error_ratios(Psi, f, idx):
    """Ratio e^2 / e*^2 of the weighted LS fit on each row of ``idx`` (batched)."""
    N, m = Psi.shape
    c_star = Psi.T @ f / N
    e_star2 = np.mean((f - Psi @ c_star) ** 2)
    w = m / (Psi**2).sum(1)
    sw = np.sqrt(w[idx])
    A = torch.as_tensor(Psi[idx] * sw[..., None])
    b = torch.as_tensor(f[idx] * sw)[..., None]
    # gelsd: minimum-norm solution for the (rare) singular i.i.d. draws.
    coef = torch.linalg.lstsq(A, b, driver="gelsd").solution[..., 0].numpy()
    return ((f - coef @ Psi.T) ** 2).mean(1) / e_star2


def draw(method, Q, n, draws, seed):
    """(draws, n) pool indices for a sampler; None when n does not fit it."""
    m = Q.shape[1]
    kw = dict(n_draws=draws, random_state=seed, device="cpu", check_input=False)
    if method == "i.i.d. optimal":
        return sample_christoffel(Q, n, **kw)
    if method == "DPP repetitions":  # n = m: one DPP, interpolation
        if n == m:
            return sample_projection_dpp(Q, **kw)
        return sample_dpp_repetitions(Q, n // m, **kw) if n % m == 0 else None
    # volume-rescaled with n = m is the DPP itself: not repeated.
    return sample_volume_rescaled(Q, n, **kw) if n > m else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-pool", type=int, default=5000)
    parser.add_argument("--m", type=int, default=20)
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--multiples", type=int, nargs="+", default=[1, 2, 3, 5])
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    X = rng.uniform(-1, 1, size=(args.n_pool, 1))
    f = 1 / (1 + 25 * X[:, 0] ** 2)
    Psi = OrthonormalFeatures(LegendreFeatures(degree=args.m - 1)).fit_transform(X)
    Q = Psi / np.sqrt(args.n_pool)
    m = args.m
    print(
        f"N = {args.n_pool} uniform points on [-1, 1], Legendre m = {m}, Runge "
        f"function, {args.draws} draws per cell, seed {args.seed}. Ratio = "
        "||f - f_n||^2 / ||f - P_m f||^2 on the pool (exact E = m + 1 = "
        f"{m + 1} for the DPP with n = m).\n"
    )
    print("| method | n | n/m | median | q90 | q99 | mean | time (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    methods = ["i.i.d. optimal", "DPP repetitions", "volume-rescaled"]
    for j, method in enumerate(methods):
        for k in args.multiples:
            n = k * m
            start = time.perf_counter()
            idx = draw(method, Q, n, args.draws, 1000 * args.seed + 100 * j + k)
            if idx is None:
                continue
            r = error_ratios(Psi, f, idx)
            elapsed = time.perf_counter() - start
            q50, q90, q99 = np.quantile(r, [0.5, 0.9, 0.99])
            print(
                f"| {method} | {n} | {k} | {q50:.3g} | {q90:.3g} | {q99:.3g} | "
                f"{r.mean():.3g} | {elapsed:.2f} |"
            )


if __name__ == "__main__":
    main()
