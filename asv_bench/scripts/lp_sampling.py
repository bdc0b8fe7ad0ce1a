"""l_1 regression from sampled rows (Woodruff & Yasuda): cost ratio to the optimum per sampler.

    python asv_bench/scripts/lp_sampling.py [--repeats 100]

n = 20000, d = 10 (9 features + intercept), Laplace noise, 8 heavy rows
(scaled 1000x, responses from another trend); 300 rows sampled in
expectation; cost ||A x - b||_1 of the sampled fit over the optimum of the
full problem, median / 90% / max over the repeats. Then fit times (full LP,
scikit-learn's QuantileRegressor at the median, sampled fits) and the
subspace distortion max_x | ||S A x||_1 / ||A x||_1 - 1 | over 2000 random
directions against the sample size.
"""
import argparse
import time

import numpy as np
from sklearn.linear_model import QuantileRegressor

from skop.datasets import make_heavy_row_regression
from skop.linear_model import LpRegressor
from skop.linear_model._lp_regression import lp_cost, solve_l1
from skop.sampling import row_scores, sample_rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    X, y, _ = make_heavy_row_regression(20000, 9, n_heavy=8, random_state=0)
    A = np.column_stack([X, np.ones(len(X))])
    t0 = time.perf_counter()
    opt = lp_cost(A, y, solve_l1(A, y), 1)
    t_full = time.perf_counter() - t0
    t0 = time.perf_counter()
    qr = QuantileRegressor(quantile=0.5, alpha=0, solver="highs").fit(X, y)
    t_qr = time.perf_counter() - t0
    print(f"full LP (dual, HiGHS) {t_full:.2f} s; QuantileRegressor {t_qr:.2f} s, cost ratio "
          f"{lp_cost(A, y, np.r_[qr.coef_, qr.intercept_], 1) / opt:.6f}")
    print("| sampler | median | 90% | max | fit time (s) |")
    print("|---|---|---|---|---|")
    for sampling in ("uniform", "leverage", "root_leverage", "lewis"):
        ratios, t0 = [], time.perf_counter()
        for seed in range(args.repeats):
            m = LpRegressor(1, sampling=sampling, n_samples=300, random_state=seed).fit(X, y)
            ratios.append(lp_cost(A, y, np.r_[m.coef_, m.intercept_], 1) / opt)
        t = (time.perf_counter() - t0) / args.repeats
        print(f"| {sampling} | {np.median(ratios):.4f} | {np.quantile(ratios, 0.9):.4f} | "
              f"{max(ratios):.4f} | {t:.3f} |")

    print("\nsubspace distortion (max over 2000 directions), median of 10 draws")
    Ab = np.column_stack([A, y])
    dirs = np.random.default_rng(1).normal(size=(Ab.shape[1], 2000))
    full_norms = np.abs(Ab @ dirs).sum(0)
    scores = {s: row_scores(Ab, s, 1) for s in ("uniform", "leverage", "root_leverage", "lewis")}
    print("| m | " + " | ".join(scores) + " |")
    print("|---|" + "---|" * len(scores))
    for m in (100, 300, 1000, 3000):
        row = []
        for s, u in scores.items():
            dist = []
            for seed in range(10):
                keep, scale = sample_rows(u, m, 1, random_state=seed)
                est = np.abs((Ab[keep] * scale[:, None]) @ dirs).sum(0)
                dist.append(np.max(np.abs(est / full_norms - 1)))
            row.append(f"{np.median(dist):.3f}")
        print(f"| {m} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
