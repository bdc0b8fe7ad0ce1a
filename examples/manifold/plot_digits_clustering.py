"""
Clustering the digits with a learned spectral basis
===================================================

Spectral clustering embeds the data with the first eigenvectors of a graph
Laplacian and runs k-means there. :class:`skop.manifold.LearnedSpectralBasis`
learns such a basis from random smooth probes instead of an eigen-solve, and
keeps a ``transform`` for new points. Here both embed scikit-learn's 8x8
digits (1797 points in 64 dimensions); k-means on the row-normalised
embeddings is scored against the true labels (NMI, ARI).
"""

import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.manifold import SpectralEmbedding
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from skop.manifold import LearnedSpectralBasis

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
X, labels = load_digits(return_X_y=True)
X = X / 16.0

# All 10 learned functions: their span holds the constant and the top modes
# (as the top-k eigenvectors of Ng, Jordan & Weiss).
learned = LearnedSpectralBasis(n_components=10, n_neighbors=10, max_epochs=20 if QUICK else 200,
                               random_state=0).fit_transform(X)
graph = SpectralEmbedding(n_components=10, n_neighbors=10, random_state=0).fit_transform(X)
rng = np.random.default_rng(0)
random_basis = np.linalg.qr(rng.normal(size=(len(X), 10)))[0]

scores = {}
for name, F in (("learned basis", learned), ("graph Laplacian", graph),
                ("random basis", random_basis)):
    F = F / np.linalg.norm(F, axis=1, keepdims=True).clip(1e-12)
    pred = KMeans(10, n_init=10, random_state=0).fit_predict(F)
    scores[name] = (normalized_mutual_info_score(labels, pred), adjusted_rand_score(labels, pred))
    print(f"{name:>16}: NMI {scores[name][0]:.3f}  ARI {scores[name][1]:.3f}")

# %%
# The first two non-constant learned functions already separate several digits.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4))
ax0.scatter(learned[:, 1], learned[:, 2], c=labels, cmap="tab10", s=5)
ax0.set(title="learned basis functions 1 and 2", xticks=[], yticks=[])
names = list(scores)
width = 0.35
ax1.bar(np.arange(3) - width / 2, [scores[n][0] for n in names], width, label="NMI")
ax1.bar(np.arange(3) + width / 2, [scores[n][1] for n in names], width, label="ARI")
ax1.set_xticks(np.arange(3), names)
ax1.legend()
plt.show()
