"""
The top eigenvector of a stream: random order, heavy rows
=========================================================

:class:`skop.decomposition.StreamingTopEigenvector` sees the rows of ``A``
once, in random order, and keeps only the heavy rows, the iterate and one
accumulator (``d (h + 2)`` numbers). Because every block of a random-order
stream looks like the whole matrix, one power step per block converges
(Kacham & Woodruff, 2024). Here spiked rows with a growing eigengap ``R``
and five planted heavy rows: the error ``1 - |<v, v_1>|`` against ``R`` for
the block power method, the same without keeping heavy rows apart, an
adversarial order, Oja's rule and scikit-learn's IncrementalPCA with
batches of 7 rows (about the same memory).
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import IncrementalPCA

from skop.datasets import make_spiked_rows
from skop.decomposition import StreamingTopEigenvector

QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
n, d = (4000, 30) if QUICK else (20000, 100)


def spiked(R, seed=0):
    return make_spiked_rows(n, d, spike=R, n_heavy=5, random_state=seed)


methods = {
    "block power (heavy rows kept)": lambda: StreamingTopEigenvector(block_size=n // 8,
                                                                     random_state=0),
    "block power, no heavy rows": lambda: StreamingTopEigenvector(
        block_size=n // 8, heavy_threshold=None, random_state=0),
    "Oja (rate 1e-3)": lambda: StreamingTopEigenvector("oja", learning_rate=1e-3,
                                                       random_state=0),
    "IncrementalPCA, batches of 7": lambda: IncrementalPCA(1, batch_size=7),
}
gaps, errors = [], {name: [] for name in [*methods, "adversarial order"]}
for R in (3, 6, 15, 30, 60):
    A, v1, gap = spiked(R)
    gaps.append(gap)
    for name, make in methods.items():
        errors[name].append(1 - abs(make().fit(A).components_[0] @ v1))
    worst = A[np.argsort(-np.abs(A @ v1))]
    model = StreamingTopEigenvector(block_size=n // 8, shuffle=False, random_state=0)
    errors["adversarial order"].append(1 - abs(model.fit(worst).components_[0] @ v1))
    print(f"R_eff {gap:5.1f}: " + ", ".join(f"{k} {v[-1]:.1e}" for k, v in errors.items()))

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
for name, values in errors.items():
    ax.loglog(gaps, values, "o-", label=name)
ax.loglog(gaps, 1 / np.sqrt(gaps), "k--", label="1 / sqrt(R)")
ax.set(xlabel="eigengap R", ylabel="1 - |<v, v1>|")
ax.legend(fontsize=8)
plt.show()
