"""Streaming top eigenvector against IncrementalPCA at about equal memory (spiked rows, heavy rows)."""

import numpy as np
from sklearn.decomposition import IncrementalPCA

from benchmarks.common import quick
from skop.datasets import make_spiked_rows
from skop.decomposition import StreamingTopEigenvector


class StreamingEigenvector:
    params = [["block-power", "oja", "incremental-pca"]]
    param_names = ["method"]

    def setup(self, method):
        n, d = (2000, 20) if quick() else (20000, 100)
        self.A, self.v1, _ = make_spiked_rows(n, d, spike=15, n_heavy=5, random_state=0)

    def _model(self, method):
        if method == "incremental-pca":
            return IncrementalPCA(1, batch_size=7)
        return StreamingTopEigenvector(method, block_size=len(self.A) // 8, random_state=0)

    def time_fit(self, method):
        self._model(method).fit(self.A)

    def track_misalignment(self, method):
        return float(1 - abs(self._model(method).fit(self.A).components_[0] @ self.v1))
