"""Streaming top eigenvector against IncrementalPCA at about equal memory (spiked rows, heavy rows)."""

import numpy as np
from sklearn.decomposition import IncrementalPCA

from benchmarks.common import quick
from skop.decomposition import StreamingTopEigenvector


class StreamingEigenvector:
    params = [["block-power", "oja", "incremental-pca"]]
    param_names = ["method"]

    def setup(self, method):
        n, d = (2000, 20) if quick() else (20000, 100)
        rng = np.random.default_rng(0)
        v1 = rng.standard_normal(d)
        self.v1 = v1 / np.linalg.norm(v1)
        G = rng.standard_normal((n, d))
        self.A = G + (np.sqrt(15) - 1) * np.outer(G @ self.v1, self.v1)
        U = rng.standard_normal((5, d))
        U /= np.linalg.norm(U, axis=1, keepdims=True)
        self.A[rng.choice(n, 5, replace=False)] = U * np.sqrt(4 * (self.A ** 2).sum()
                                                              / (d * np.log(d)))
        self.v1 = np.linalg.eigh(self.A.T @ self.A)[1][:, -1]

    def _model(self, method):
        if method == "incremental-pca":
            return IncrementalPCA(1, batch_size=7)
        return StreamingTopEigenvector(method, block_size=len(self.A) // 8, random_state=0)

    def time_fit(self, method):
        self._model(method).fit(self.A)

    def track_misalignment(self, method):
        return float(1 - abs(self._model(method).fit(self.A).components_[0] @ self.v1))
