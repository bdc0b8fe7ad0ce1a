"""LearnedSpectralBasis on the sphere and the circle against scikit-learn's SpectralEmbedding.

    python asv_bench/scripts/spectral_basis_sphere.py
"""
import numpy as np, torch, time
torch.set_num_threads(1)
from skop.datasets import make_sphere, manifold_eigenfunctions
from skop.manifold import LearnedSpectralBasis
from sklearn.manifold import SpectralEmbedding
X, a = make_sphere(800, random_state=0)
t0=time.time(); m = LearnedSpectralBasis(n_components=16, max_epochs=400, n_neighbors=12, random_state=0).fit(X); t1=time.time()-t0
phi, lam = manifold_eigenfunctions("sphere", a, 16)
def mc(A,B):
    qa,_=np.linalg.qr(A); qb,_=np.linalg.qr(B); return np.linalg.svd(qa.T@qb,compute_uv=False).min()
print(f"fit {t1:.1f}s", "min cos k=1,4,9,16:", [round(mc(phi[:,:k], m.basis_[:,:k]),4) for k in (1,4,9,16)])
dec=-np.diff(np.concatenate([[1.0], m.residuals_])); print("decrements", dec.round(4))
print("eig ratios", (m.eigenvalues_[1:]/m.eigenvalues_[1:4].mean()).round(2), "(expect 1 x3, 3 x5, 6 x7)")
t0=time.time(); se=SpectralEmbedding(n_components=16, n_neighbors=12, random_state=0).fit_transform(X); t2=time.time()-t0
print(f"SpectralEmbedding {t2:.2f}s", "min cos (with constant) k=4,9,16:", [round(mc(phi[:,:k], np.column_stack([np.ones(len(X)), se])[:, :k]),4) for k in (4,9,16)])
from skop.datasets import make_circle
Xc, t = make_circle(200, random_state=0); phic,_=manifold_eigenfunctions("circle", t, 9)
t0=time.time(); sec=SpectralEmbedding(n_components=8, n_neighbors=10, random_state=0).fit_transform(Xc); t3=time.time()-t0
print(f"circle SpectralEmbedding {t3:.2f}s min cos k=3,5,7,9", [round(mc(phic[:,:k], np.column_stack([np.ones(len(Xc)), sec])[:, :k]),4) for k in (3,5,7,9)])
