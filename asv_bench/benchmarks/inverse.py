"""Benchmarks of learned proximal networks and plug-and-play reconstruction.

``LPNLaplace`` fits the Laplace toy and tracks the distance of the learned prox
to soft-thresholding (the MAP denoiser). ``PnPDeblur`` reconstructs blurred
faces (scikit-image's ``lfw_subset``) with PnP-ADMM and TV, Tikhonov and
Wiener, tracking PSNR; the LPN prior is trained once per run.
"""

import numpy as np

from benchmarks.common import cache, quick
from skop.inverse import (
    Blur,
    LearnedProximalNetwork,
    PnPADMM,
    TikhonovReconstruction,
    TVDenoiser,
    WienerFilter,
    gaussian_psf,
)
from skop.metrics import peak_signal_noise_ratio


class LPNLaplace:
    timeout = 900

    def setup(self):
        n, self.epochs = (2000, 2) if quick() else (20_000, 40)
        self.X = np.random.default_rng(0).laplace(size=(n, 1))

    def _fit(self):
        return LearnedProximalNetwork(sigma=1.0, hidden=50, n_layers=5, batch_size=500,
                                      gamma=(0.5, 0.3, 0.1), max_epochs=self.epochs,
                                      random_state=0).fit(self.X)

    def time_fit(self):
        self._fit()

    def track_distance_to_soft_threshold(self):
        y = np.linspace(-4, 4, 81)[:, None]
        soft = np.sign(y[:, 0]) * np.maximum(np.abs(y[:, 0]) - 1, 0)
        return float(np.abs(self._fit().transform(y)[:, 0] - soft).mean())


@cache
def _faces(noise):
    from skimage.data import lfw_subset

    faces = lfw_subset()[:100]
    A = Blur(gaussian_psf(1.0, 5), faces.shape[1:])
    rng = np.random.default_rng(0)
    Y = A(faces).numpy() + noise * rng.standard_normal(faces.shape)
    return faces, A, Y


@cache
def _face_prior(epochs):
    faces, _, _ = _faces(0.02)
    train = np.concatenate([faces[:70], faces[:70, :, ::-1]])
    return LearnedProximalNetwork(sigma=0.05, hidden=32, max_epochs=epochs, batch_size=16,
                                  random_state=0).fit(train)


class PnPDeblur:
    params = ["tikhonov", "wiener", "pnp-tv", "pnp-lpn"]
    param_names = ["method"]
    timeout = 1200

    def setup(self, method):
        self.faces, self.A, self.Y = _faces(0.02)
        n_test = 5 if quick() else 30
        self.X_test, self.Y_test = self.faces[-n_test:], self.Y[-n_test:]
        self.n_iter = 5 if quick() else 50
        if method == "tikhonov":
            self.est = TikhonovReconstruction(self.A, alpha=0.03)
        elif method == "wiener":
            self.est = WienerFilter(self.A, noise_level=0.02).fit(self.Y[:70], self.faces[:70])
        elif method == "pnp-tv":
            self.est = PnPADMM(self.A, TVDenoiser(0.005), rho=0.3, n_iter=self.n_iter)
        else:
            self.est = PnPADMM(self.A, _face_prior(2 if quick() else 200), rho=0.3,
                               n_iter=self.n_iter)
        if method != "wiener":
            self.est.fit(self.Y_test)

    def time_reconstruct(self, method):
        self.est.transform(self.Y_test)

    def track_psnr(self, method):
        return peak_signal_noise_ratio(self.X_test, self.est.transform(self.Y_test), data_range=1)
