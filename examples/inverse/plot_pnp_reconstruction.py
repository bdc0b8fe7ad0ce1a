"""
Plug-and-play reconstruction: deblurring faces and sparse-view CT
=================================================================

Two inverse problems ``y = A x + noise`` solved by PnP-ADMM
(:class:`~skop.inverse.PnPADMM`) with a learned proximal network as the prior,
against the classical baselines on the same operator:

* **deblurring**: scikit-image's bundled faces (the 100 faces of
  ``lfw_subset``, 25 x 25), Gaussian blur sigma = 1, noise 0.02; the prior is
  trained on 60 faces and their mirror images, parameters are picked on the
  next 10, the table is over the last 30;
* **sparse-view CT**: a parallel-beam transform with 15 angles of 48 x 48
  random-ellipse phantoms (generated here, like the Shepp-Logan phantom), noise
  1% of the sinogram's range; the prior is trained on 300 phantoms,
  parameters are picked on 8 fresh ones.

Parameters are picked on images the prior has not seen: on its training
images, a prior that memorised them looks better than it is. Because the
LPN is an exact prox, PnP-ADMM minimises a known objective; its value is
plotted per iteration.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from skimage.data import lfw_subset

from skop.inverse import (
    Blur,
    LearnedProximalNetwork,
    ParallelBeamTomography,
    PnPADMM,
    TikhonovReconstruction,
    TVDenoiser,
    gaussian_psf,
)
from skop.metrics import peak_signal_noise_ratio, structural_similarity

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"
epochs = 2 if QUICK else 60


def best(make, grid, Y, X):
    """The member of ``grid`` whose reconstruction of ``Y`` has the best PSNR against ``X``."""
    return max(grid, key=lambda p: peak_signal_noise_ratio(X, make(p).fit(Y).transform(Y),
                                                           data_range=1.0))


n_iter = 5 if QUICK else 40


def compare(A, prior, X_val, Y_val, X_test, Y_test, tv_weights, tik_alphas, rhos):
    if QUICK:  # no tuning in the quick run
        tv_weights, tik_alphas = tv_weights[1:2], tik_alphas[1:2]
    w = best(lambda w: PnPADMM(A, TVDenoiser(w), rho=0.3, n_iter=n_iter), tv_weights, Y_val, X_val)
    a = best(lambda a: TikhonovReconstruction(A, alpha=a), tik_alphas, Y_val, X_val)
    r = best(lambda r: PnPADMM(A, prior, rho=r, n_iter=n_iter),
             rhos[1:2] if QUICK else rhos, Y_val, X_val)
    lpn = PnPADMM(A, prior, rho=r, n_iter=n_iter).fit(Y_test)
    X_lpn, history = lpn.reconstruct(Y_test, return_history=True)
    results = {
        f"Tikhonov (alpha={a})": TikhonovReconstruction(A, alpha=a).fit(Y_test).transform(Y_test),
        f"PnP-ADMM, TV (weight={w})": PnPADMM(A, TVDenoiser(w), rho=0.3, n_iter=n_iter)
        .fit(Y_test).transform(Y_test),
        f"PnP-ADMM, LPN (rho={r})": X_lpn,
    }
    for name, X_hat in results.items():
        print(f"  {name:32s} PSNR {peak_signal_noise_ratio(X_test, X_hat, data_range=1):6.2f} dB"
              f"  SSIM {structural_similarity(X_test, X_hat, data_range=1):.3f}")
    return results, history["objective"].mean(1)


# %%
# Deblurring faces
faces = lfw_subset()[:100]  # the first 100 are faces, the rest non-face patches
train, val, test = faces[:60], faces[60:70], faces[70:]
if QUICK:
    train, val, test = train[:20], val[:4], test[:5]
# Trained at noise 0.1, five times the measurement noise, with a small
# ADMM penalty: the best of sigma 0.03 / 0.1 / 0.2 / 0.3 on the validation faces
# (23.2 / 24.0 / 23.8 / 23.3 dB after 300 epochs, the protocol of
# asv_bench/scripts/lpn_deblur.py). At 60 epochs such a prior is not there yet.
FACE_RHOS = [0.01, 0.03, 0.1]
prior = LearnedProximalNetwork(sigma=0.1, hidden=8 if QUICK else 32,
                               max_epochs=2 if QUICK else 300,
                               batch_size=16, random_state=0).fit(
    np.concatenate([train, train[:, :, ::-1]]))
A = Blur(gaussian_psf(1.0, 5), faces.shape[1:])
rng = np.random.default_rng(0)
Y_test = A(test).numpy() + 0.02 * rng.standard_normal(test.shape)
Y_val = A(val).numpy() + 0.02 * rng.standard_normal(val.shape)
print(f"deblurring: blurred input PSNR "
      f"{peak_signal_noise_ratio(test, Y_test, data_range=1):.2f} dB")
deblur, deblur_objective = compare(A, prior, val, Y_val, test, Y_test,
                                   [0.005, 0.01, 0.02, 0.05], [3e-3, 1e-2, 3e-2],
                                   FACE_RHOS)

# %%
# Sparse-view CT of random-ellipse phantoms


def ellipse_phantoms(n, size, rng):
    """Sums of random ellipses of random intensity, clipped to [0, 1]."""
    c = (np.arange(size) + 0.5) / size * 2 - 1
    yy, xx = np.meshgrid(c, c, indexing="ij")
    images = np.zeros((n, size, size))
    for img in images:
        for _ in range(rng.integers(3, 7)):
            x0, y0 = rng.uniform(-0.5, 0.5, 2)
            a, b = rng.uniform(0.1, 0.45, 2)
            t = rng.uniform(0, np.pi)
            u = (xx - x0) * np.cos(t) + (yy - y0) * np.sin(t)
            v = -(xx - x0) * np.sin(t) + (yy - y0) * np.cos(t)
            img[(u / a) ** 2 + (v / b) ** 2 <= 1] += rng.uniform(0.2, 0.6)
    return np.clip(images, 0, 1)


size = 16 if QUICK else 48
rng = np.random.default_rng(1)
phantoms = ellipse_phantoms(16 if QUICK else 300, size, rng)
ct_prior = LearnedProximalNetwork(sigma=0.05, hidden=8 if QUICK else 32, max_epochs=epochs,
                                  batch_size=16, random_state=0).fit(phantoms)
A_ct = ParallelBeamTomography(size, 15)
X_ct = ellipse_phantoms(3 if QUICK else 20, size, np.random.default_rng(2))
sino = A_ct(X_ct).numpy()
noise = 0.01 * (sino.max() - sino.min())
Y_ct = sino + noise * rng.standard_normal(sino.shape)
ct_val = ellipse_phantoms(4 if QUICK else 8, size, np.random.default_rng(3))
Y_ct_val = A_ct(ct_val).numpy() + noise * rng.standard_normal((len(ct_val), *A_ct.out_shape))
print(f"sparse-view CT, 15 angles, {size} x {size}:")
ct, ct_objective = compare(A_ct, ct_prior, ct_val, Y_ct_val, X_ct, Y_ct,
                           [0.001, 0.003, 0.01], [0.1, 0.3, 1.0], [0.03, 0.1, 0.3])

# %%
# Reconstructions and the PnP objective per iteration
fig, axes = plt.subplots(2, 5, figsize=(13, 5.5))
for row, (truth, first, results) in enumerate([(test[0], Y_test[0], deblur),
                                               (X_ct[0], None, ct)]):
    panels = [("truth", truth), ("blurred" if row == 0 else "sinogram",
                                 first if row == 0 else Y_ct[0])]
    panels += [(name.split(" (")[0], X_hat[0]) for name, X_hat in results.items()]
    for ax, (name, img) in zip(axes[row], panels):
        ax.imshow(img, cmap="gray", aspect="auto")
        ax.set_title(name, fontsize=8)
        ax.axis("off")
fig.tight_layout()

# R is known up to a constant, so the objective is shown relative to its last value.
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(deblur_objective - deblur_objective[-1], label="deblurring")
ax.plot(ct_objective - ct_objective[-1], label="sparse-view CT")
ax.set_xlabel("PnP-ADMM iteration")
ax.set_ylabel("objective - final objective")
ax.set_yscale("symlog", linthresh=1e-4)
ax.legend()
fig.tight_layout()
plt.show()
