"""Top eigenvector from a random-order stream: block power method vs the baselines.

    python asv_bench/scripts/streaming_eigenvector.py

Spiked rows (covariance I + (R - 1) v v^T, n = 20000, d = 100) with 5 planted
heavy rows (random directions, ||a||^2 = 4 ||A||_F^2 / (d log d)); R_eff is the
eigengap sigma_1^2 / sigma_2^2 of the whole matrix. Reported: 1 - |<v, v_1>|
for the block power method (8 blocks, heavy rows kept), the same without the
heavy-row handling, an adversarial order (rows sorted by decreasing
|<a, v_1>|: the last blocks miss v_1), Oja's rule (rate 1e-3, memory d) and
IncrementalPCA(1) with batches of 7 rows (about the block method's memory
d (h + 2) = 7 d).
"""
import time

import numpy as np
from sklearn.decomposition import IncrementalPCA

from skop.datasets import make_spiked_rows
from skop.decomposition import StreamingTopEigenvector


def main():
    print("| R | R_eff | block power | no heavy rows | adversarial order | Oja | IPCA(7) | 1/sqrt(R_eff) |")
    print("|---|---|---|---|---|---|---|---|")
    for R in (3.4, 15, 59):
        A, v1, gap = make_spiked_rows(20000, 100, spike=R, n_heavy=5, random_state=0)

        def err(model, X=A):
            return 1 - abs(model.fit(X).components_[0] @ v1)

        kw = dict(block_size=2500, n_samples=len(A), random_state=0)
        t0 = time.perf_counter()
        block = err(StreamingTopEigenvector(**kw))
        t_block = time.perf_counter() - t0
        plain = err(StreamingTopEigenvector(heavy_threshold=None, **kw))
        adversarial = err(StreamingTopEigenvector(shuffle=False, **kw),
                          A[np.argsort(-np.abs(A @ v1))])
        oja = err(StreamingTopEigenvector("oja", learning_rate=1e-3, random_state=0))
        ipca = err(IncrementalPCA(1, batch_size=7))
        print(f"| {R} | {gap:.1f} | {block:.2g} | {plain:.2g} | {adversarial:.2g} | {oja:.2g} | "
              f"{ipca:.2g} | {1 / np.sqrt(gap):.2g} |   (block power {t_block:.2f} s)")


if __name__ == "__main__":
    main()
