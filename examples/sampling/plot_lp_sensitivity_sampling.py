"""
l_1 regression from a few hundred sampled rows
==============================================

Least absolute deviations on 20 000 rows, 8 of them heavy (a thousand times
larger, with their own trend), solved on about 300 rows drawn with
probabilities from the rows' scores and rescaled by ``1 / q_i``
(:class:`skop.linear_model.LpRegressor`; Woodruff & Yasuda, 2023). Uniform
sampling usually misses the heavy rows and its fit pays for them on the full
data; root-leverage and l_1 Lewis-weight scores keep them and land within a
few percent of the optimum.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

from skop.datasets import make_heavy_row_regression
from skop.linear_model import LpRegressor
from skop.linear_model._lp_regression import lp_cost, solve_l1

QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
n, repeats = (4000, 5) if QUICK else (20000, 30)
X, y, heavy = make_heavy_row_regression(n, 9, n_heavy=8, heavy_scale=1000, random_state=0)

A = np.column_stack([X, np.ones(n)])
opt = lp_cost(A, y, solve_l1(A, y), 1)
ratios = {}
for sampling in ("uniform", "leverage", "root_leverage", "lewis"):
    ratios[sampling] = [
        lp_cost(A, y, np.r_[m.coef_, m.intercept_], 1) / opt
        for m in (LpRegressor(1, sampling=sampling, n_samples=300, random_state=s).fit(X, y)
                  for s in range(repeats))]
    print(f"{sampling:>14}: median cost / optimum {np.median(ratios[sampling]):.4f}, "
          f"max {max(ratios[sampling]):.4f}")

# %%
fig, ax = plt.subplots(figsize=(6, 4))
ax.boxplot(list(ratios.values()))
ax.set_xticks(range(1, len(ratios) + 1), list(ratios))
ax.set(ylabel="cost / optimal cost", yscale="log",
       title="l1 regression on 300 of 20000 rows (8 heavy rows)")
plt.show()
