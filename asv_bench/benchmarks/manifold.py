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


class UnseenEllipses:
    """Ragged fit on 8 ellipses (aspect 1..3), transform of 3 unseen ones as new clouds.

    Tracks the worst unseen cloud's smallest cosine (k = 7) against the top
    singular vectors of its own smoothing operator, with and without attention.
    """

    params = [0, 1]
    param_names = ["n_attention_layers"]
    timeout = 900

    def setup(self, layers):
        from skop.manifold._probes import knn_smoother

        def ellipse(n, aspect, seed):
            return make_circle(n, random_state=seed)[0] * np.array([aspect, 1.0])

        rng = np.random.default_rng(0)
        self.train = [ellipse(int(rng.integers(120, 220)), a, i)
                      for i, a in enumerate(np.linspace(1, 3, 8))]
        self.test = [ellipse(170, a, 100 + i) for i, a in enumerate([1.3, 2.2, 2.8])]
        self.targets = []
        for cloud in self.test:
            S, _ = knn_smoother(cloud, 10, "auto")
            U, _, _ = np.linalg.svd(np.linalg.matrix_power(S.toarray(), 40))
            self.targets.append(U[:, :7])
        self.epochs = 3 if quick() else 150

    def _fit(self, layers):
        return LearnedSpectralBasis(n_components=7, n_attention_layers=layers,
                                    max_epochs=self.epochs, random_state=0).fit(self.train)

    def time_fit(self, layers):
        self._fit(layers)

    def track_unseen_cosine(self, layers):
        bases = self._fit(layers).transform(self.test)
        return min(_min_cosine(t, b) for t, b in zip(self.targets, bases))
