"""LearnedSpectralBasis beyond one cloud: a family of shapes (attention), a mesh-free
Laplacian peer (robust_laplacian), and spectral clustering of the digits.

    python asv_bench/scripts/spectral_basis_clouds.py [ellipses|robust|digits]

ellipses: fit on 8 ellipses (aspect 1..3, 120-220 points, ragged), transform 3
    unseen ellipses as new clouds (``cloud="self"``); mean over k = 3, 5, 7 of
    the smallest principal cosine against the top singular vectors of that
    cloud's smoothing operator S^t (what the loss targets).
robust: the sphere (800 points): subspace cosine against spherical harmonics
    and time, learned basis vs robust_laplacian.point_cloud_laplacian +
    scipy eigsh (optional peer: pip install robust-laplacian).
digits: sklearn's digits (1797 x 64): KMeans(10) on the basis vs on a
    normalised graph-Laplacian SpectralEmbedding, NMI / ARI against the labels.
"""
import sys
import time

import numpy as np
import torch
from scipy.sparse.linalg import eigsh
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.manifold import SpectralEmbedding
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from skop.datasets import make_circle, make_sphere, manifold_eigenfunctions
from skop.manifold import LearnedSpectralBasis
from skop.manifold._probes import knn_smoother

torch.set_num_threads(1)


def min_cosine(A, B):
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    return np.linalg.svd(qa.T @ qb, compute_uv=False).min()


def ellipse(n, aspect, seed):
    X, _ = make_circle(n, random_state=seed)
    return X * np.array([aspect, 1.0])


def smoother_basis(X, K, steps=40):
    S, _ = knn_smoother(X, 10, "auto")
    U, _, _ = np.linalg.svd(np.linalg.matrix_power(S.toarray(), steps))
    return U[:, :K]


def ellipses(K=7):
    rng = np.random.default_rng(0)
    train = [ellipse(int(rng.integers(120, 220)), a, i)
             for i, a in enumerate(np.linspace(1, 3, 8))]
    test = [ellipse(170, a, 100 + i) for i, a in enumerate([1.3, 2.2, 2.8])]

    def score(clouds, bases):
        return [np.mean([min_cosine(smoother_basis(c, K)[:, :k], b[:, :k]) for k in (3, 5, 7)])
                for c, b in zip(clouds, bases)]

    for layers in (0, 1, 2):
        t0 = time.perf_counter()
        m = LearnedSpectralBasis(n_components=K, n_attention_layers=layers, max_epochs=150,
                                 random_state=0).fit(train)
        t = time.perf_counter() - t0
        print(f"n_attention_layers={layers}: fit {t:.1f}s  train cos "
              f"{np.round(score(train, m.basis_), 3)}  unseen cos "
              f"{np.round(score(test, m.transform(test)), 3)}")


def robust():
    import robust_laplacian

    X, angles = make_sphere(800, random_state=0)
    phi, _ = manifold_eigenfunctions("sphere", angles, 16)
    t0 = time.perf_counter()
    m = LearnedSpectralBasis(n_components=16, max_epochs=400, n_neighbors=12,
                             random_state=0).fit(X)
    t_learned = time.perf_counter() - t0
    t0 = time.perf_counter()
    L, M = robust_laplacian.point_cloud_laplacian(X)
    _, V = eigsh(L, 16, M, sigma=-1e-8)
    t_peer = time.perf_counter() - t0
    T = smoother_basis(X, 16)   # the exact optimum of the learned basis's loss
    for name, B, t in (("learned", m.basis_, t_learned), ("robust_laplacian", V, t_peer),
                       ("kNN smoother SVD", T, float("nan"))):
        cosines = [float(round(min_cosine(phi[:, :k], B[:, :k]), 4)) for k in (4, 9, 16)]
        print(f"{name:>16}: {t:6.2f}s  min cos k=4,9,16: {cosines}")


def digits():
    X, labels = load_digits(return_X_y=True)
    X = X / 16.0
    K = 10
    t0 = time.perf_counter()
    B = LearnedSpectralBasis(n_components=K, n_neighbors=10, max_epochs=400,
                             random_state=0).fit_transform(X)
    t_learned = time.perf_counter() - t0
    t0 = time.perf_counter()
    E = SpectralEmbedding(n_components=K, n_neighbors=10, random_state=0).fit_transform(X)
    t_peer = time.perf_counter() - t0
    # All K learned columns (the span holds the constant; Ng-Jordan-Weiss use the top K).
    for name, F, t in (("learned", B, t_learned), ("SpectralEmbedding", E, t_peer)):
        # Rows normalised (as in Ng-Jordan-Weiss spectral clustering), 10 KMeans restarts.
        F = F / np.linalg.norm(F, axis=1, keepdims=True).clip(1e-12)
        pred = KMeans(10, n_init=10, random_state=0).fit_predict(F)
        print(f"{name:>17}: {t:6.2f}s  NMI {normalized_mutual_info_score(labels, pred):.3f}  "
              f"ARI {adjusted_rand_score(labels, pred):.3f}")


if __name__ == "__main__":
    for name in sys.argv[1:] or ("ellipses", "robust", "digits"):
        print(f"--- {name}")
        globals()[name]()
