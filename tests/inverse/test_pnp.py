"""Plug-and-play solvers, TV, Tikhonov and image metrics."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skop.inverse import (
    Blur,
    GaussianMeasurement,
    Inpainting,
    LearnedProximalNetwork,
    ParallelBeamTomography,
    PnPADMM,
    PnPPGD,
    SubsampledFourier,
    TikhonovReconstruction,
    TVDenoiser,
    gaussian_psf,
    tv_norm,
    tv_prox,
)
from skop.metrics import peak_signal_noise_ratio, psnr_scorer, structural_similarity


def _squares(n=6, size=16, seed=0):
    rng = np.random.default_rng(seed)
    X = np.zeros((n, size, size))
    for i in range(n):
        a, b = rng.integers(2, size // 2, 2)
        X[i, a:a + size // 3, b:b + size // 3] = 1.0
    return X


def test_tv_prox_minimises_its_objective():
    rng = np.random.default_rng(0)
    v = torch.as_tensor(rng.normal(size=(2, 10, 10)))
    x = tv_prox(v, 0.3, n_iter=300)

    def objective(z):
        return 0.5 * (z - v).pow(2).flatten(1).sum(1) + 0.3 * tv_norm(z)

    best = objective(x)
    g = torch.Generator().manual_seed(0)
    for radius in (1e-3, 1e-2, 1e-1):
        other = x + radius * torch.randn(x.shape, generator=g, dtype=torch.float64)
        assert (objective(other) >= best - 1e-6).all()
    # On a constant image TV is zero: the prox leaves it unchanged.
    const = torch.full((1, 5, 5), 0.7, dtype=torch.float64)
    torch.testing.assert_close(tv_prox(const, 1.0), const)


def test_pnp_admm_tv_deblurs_and_its_objective_decreases():
    X = _squares()
    A = Blur(gaussian_psf(1.0, 5), X.shape[1:])
    Y = A(X).numpy() + 0.01 * np.random.default_rng(1).normal(size=X.shape)
    est = PnPADMM(A, TVDenoiser(0.005), rho=0.1, n_iter=100).fit(Y)
    X_hat, hist = est.reconstruct(Y, return_history=True)
    gain = peak_signal_noise_ratio(X, X_hat, data_range=1) - peak_signal_noise_ratio(
        X, Y, data_range=1)
    assert gain > 3.0
    obj = hist["objective"].mean(1)
    assert obj[-1] < obj[0] and np.all(np.diff(obj[2:]) <= 1e-6 * obj[0])
    tik = TikhonovReconstruction(A, alpha=0.01).fit(Y).transform(Y)
    assert peak_signal_noise_ratio(X, X_hat) > peak_signal_noise_ratio(X, tik)


def test_pgd_matches_admm_on_the_same_objective():
    X = _squares(3)
    A = Inpainting(np.random.default_rng(2).random(X.shape[1:]) < 0.7)
    Y = A(X).numpy()
    admm = PnPADMM(A, TVDenoiser(0.05), rho=1.0, n_iter=400, tol=1e-9).fit(Y).transform(Y)
    pgd = PnPPGD(A, TVDenoiser(0.05), step=1.0, n_iter=400, tol=1e-9).fit(Y).transform(Y)
    # Both minimise 1/2 ||A x - y||^2 + 0.05 TV(x) (rho = 1 / step = 1).
    np.testing.assert_allclose(admm, pgd, atol=5e-3)


@pytest.mark.parametrize("A", [
    Blur(gaussian_psf(1.0, 3), (8, 8)),
    Inpainting(np.random.default_rng(0).random((8, 8)) < 0.5),
    SubsampledFourier(np.random.default_rng(0).random((8, 8)) < 0.5),
    GaussianMeasurement(40, (8, 8), random_state=0),
    ParallelBeamTomography(8, 5),
], ids=lambda A: type(A).__name__)
@pytest.mark.parametrize("solver", [PnPADMM, PnPPGD])
def test_every_operator_gives_finite_reconstructions(A, solver):
    X = _squares(2, 8)
    Y = A(X).numpy()
    X_hat = solver(A, TVDenoiser(0.01), n_iter=20).fit(Y).transform(Y)
    assert X_hat.shape == X.shape and np.isfinite(X_hat).all()
    # Measurements passed flattened give flattened reconstructions (Gaussian
    # measurements are vectors already: their reconstructions are images).
    flat = solver(A, TVDenoiser(0.01), n_iter=5).fit(Y.reshape(2, -1)).transform(Y.reshape(2, -1))
    assert flat.shape == ((2, 64) if len(A.out_shape) > 1 else X.shape)


def test_pnp_with_a_learned_prox_and_its_exact_objective():
    rng = np.random.default_rng(0)
    X = _squares(40, 8, seed=3)
    lpn = LearnedProximalNetwork(sigma=0.1, hidden=8, n_layers=2, max_epochs=3, random_state=0)
    A = Blur(gaussian_psf(1.0, 3), (8, 8))
    Y = A(X).numpy() + 0.01 * rng.normal(size=X.shape)
    with pytest.raises(ValueError, match="not fitted"):
        PnPADMM(A, lpn).fit(Y)
    est = PnPADMM(A, lpn, rho=0.1, n_iter=10).fit(Y, X)  # trains the prior on X
    assert est.prior_ is not lpn and not hasattr(lpn, "net_")
    X_hat, hist = est.reconstruct(Y[:4], return_history=True)
    assert np.isfinite(X_hat).all() and hist["objective"].shape[1] == 4
    # The reported R is the learned prox's regulariser at the preimage PnP knows.
    z = est.prior_.transform(X[:2])
    np.testing.assert_allclose(est.prior_.regularizer(z, preimage=X[:2]),
                               est.prior_.regularizer(z), rtol=1e-5, atol=1e-6)


def test_grid_search_tunes_the_solver_by_psnr():
    X = _squares(6)
    A = Blur(gaussian_psf(1.0, 5), X.shape[1:])
    Y = A(X).numpy() + 0.01 * np.random.default_rng(1).normal(size=X.shape)
    search = GridSearchCV(PnPADMM(A, TVDenoiser(0.005), n_iter=30), {"rho": [0.1, 10.0]},
                          scoring=psnr_scorer, cv=2).fit(Y, X)
    assert search.best_params_ == {"rho": 0.1}
    assert make_pipeline(PnPADMM(A, n_iter=5)).fit(Y).transform(Y).shape == X.shape


def test_bad_inputs_are_clear_errors():
    A = Blur(gaussian_psf(1.0, 3), (8, 8))
    with pytest.raises(ValueError, match=r"measures \(n, 8, 8\)"):
        PnPADMM(A).fit(np.ones((2, 8, 9)))
    with pytest.raises(ValueError, match="NaN"):
        PnPADMM(A).fit(np.full((2, 8, 8), np.nan))
    est = PnPADMM(A, n_iter=2).fit(np.ones((2, 8, 8)))
    with pytest.raises(ValueError, match="NaN"):
        est.transform(np.full((1, 8, 8), np.nan))
    with pytest.raises(ValueError, match="clean signals"):
        PnPADMM(A, LearnedProximalNetwork()).fit(np.ones((2, 8, 8)), np.ones((2, 7, 7)))


def test_image_metrics():
    rng = np.random.default_rng(0)
    a = rng.random((3, 32, 32))
    b = a + 0.1 * rng.normal(size=a.shape)
    mse = ((a - b) ** 2).reshape(3, -1).mean(1)
    np.testing.assert_allclose(peak_signal_noise_ratio(a, b, data_range=1.0, aggregate=None),
                               -10 * np.log10(mse))
    assert structural_similarity(a, a) == pytest.approx(1.0)
    s = structural_similarity(a, b, data_range=1.0, aggregate=None)
    assert np.all((0.5 < s) & (s < 1))
    # Reference values (scikit-image 0.26, gaussian_weights=True, sigma=1.5,
    # use_sample_covariance=False) for these arrays.
    np.testing.assert_allclose(s, [0.93827790, 0.94434586, 0.94290434], atol=1e-7)
    with pytest.raises(ValueError, match="different shapes"):
        peak_signal_noise_ratio(a, b[:2])


def test_wiener_filter():
    from skop.inverse import WienerFilter

    rng = np.random.default_rng(0)
    X = rng.random((30, 12, 12))
    A = Blur(gaussian_psf(0.5, 3), (12, 12))  # no zeros in its transfer function
    # Without noise the Wiener filter is the exact inverse.
    exact = WienerFilter(A, noise_level=0.0).fit(A(X).numpy(), X).transform(A(X[:3]).numpy())
    np.testing.assert_allclose(exact, X[:3], atol=1e-8)
    # With noise, the spectrum learned from clean signals beats Tikhonov's best alpha.
    from skimage.data import lfw_subset

    faces = lfw_subset()[:100]
    A = Blur(gaussian_psf(1.0, 5), faces.shape[1:])
    Y = A(faces).numpy() + 0.02 * rng.standard_normal(faces.shape)
    wiener = WienerFilter(A, noise_level=0.02).fit(Y[:70], faces[:70]).transform(Y[70:])
    tik = max(peak_signal_noise_ratio(faces[70:], TikhonovReconstruction(A, alpha=a)
                                      .fit(Y[70:]).transform(Y[70:]), data_range=1)
              for a in (3e-3, 1e-2, 3e-2, 1e-1))
    assert peak_signal_noise_ratio(faces[70:], wiener, data_range=1) > tik
    with pytest.raises(ValueError, match="diagonal in Fourier"):
        WienerFilter(Inpainting(np.ones((4, 4), dtype=bool))).fit(np.ones((2, 4, 4)))
