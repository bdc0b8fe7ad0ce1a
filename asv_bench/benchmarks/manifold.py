"""Benchmarks of the learned spectral basis against scikit-learn's SpectralEmbedding.

On near-uniform circle samples: fit time, and the smallest principal-angle
cosine between the first 9 basis functions and the Fourier modes (1 is exact).
"""

import numpy as np
from sklearn.manifold import SpectralEmbedding

from benchmarks.common import quick
from skop.datasets import make_circle, manifold_eigenfunctions
from skop.manifold import LearnedSpectralBasis


def _min_cosine(A, B):
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    return float(np.linalg.svd(qa.T @ qb, compute_uv=False).min())


class CircleBasis:
    params = ["learned", "spectral-embedding"]
    param_names = ["method"]
    timeout = 600

    def setup(self, method):
        self.X, theta = make_circle(200, random_state=0)
        self.phi, _ = manifold_eigenfunctions("circle", theta, 9)
        self.steps = 5 if quick() else 300

    def _basis(self, method):
        if method == "learned":
            return LearnedSpectralBasis(n_components=9, max_epochs=self.steps,
                                        random_state=0).fit(self.X).basis_
        emb = SpectralEmbedding(n_components=8, n_neighbors=10, random_state=0)
        return np.column_stack([np.ones(len(self.X)), emb.fit_transform(self.X)])

    def time_fit(self, method):
        self._basis(method)

    def track_subspace_cosine(self, method):
        return _min_cosine(self.phi, self._basis(method))
