"""Deblurring faces: PnP-ADMM with a learned proximal network against classical baselines.

Data: scikit-image's bundled ``lfw_subset`` (its first 100 images are grey faces,
25 x 25, in [0, 1]; the other 100 are non-face patches, not used): the first 60
faces (and their mirror images) train the prior, the next 10 -- unseen by the
prior -- tune every method's parameters (validation), the last 30 are held out
for the table. (Tuning on faces the prior was trained on favours a prior that
memorised them: the longer it trained, the worse its held-out PSNR.)
Forward model: Gaussian PSF sigma = 1 (5 x 5, periodic), additive noise 0.02 or
0.04 (the same periodic blur simulates and inverts: every method shares that
advantage). Methods: the blurred input, Wiener (spectrum from the training faces), Tikhonov, PnP-ADMM with TV (both tuned on
the validation images), PnP-ADMM with the LPN (rho tuned likewise), PnP-ADMM
with BM3D when ``pip install bm3d`` is there. Reported: PSNR / SSIM on the
held-out faces. ``--digits-prior``: a prior trained on scikit-learn's digits
scores held-out digits with growing noise (-R should fall monotonically).

    python asv_bench/scripts/lpn_deblur.py [--epochs 100] [--sigma-train 0.05] [--digits-prior]
                                           [--no-lpn] [--bm3d-iter 20]

BM3D costs about half a second per 25 x 25 call here (per-image overhead), so
PnP-BM3D is tuned over a small grid; ``--no-lpn`` gives
the classical rows alone (no LPN training).
"""

import argparse
import time

import numpy as np
import torch

from skop.inverse import (
    Blur,
    LearnedProximalNetwork,
    PnPADMM,
    TikhonovReconstruction,
    TVDenoiser,
    WienerFilter,
    gaussian_psf,
)
from skop.metrics import peak_signal_noise_ratio, structural_similarity


def scores(x, x_hat):
    return (peak_signal_noise_ratio(x, x_hat, data_range=1.0),
            structural_similarity(x, x_hat, data_range=1.0))


def tune(make, grid, Y_val, X_val):
    best = max(grid, key=lambda p: peak_signal_noise_ratio(
        X_val, make(p).fit(Y_val).transform(Y_val), data_range=1.0))
    return best, make(best)


class BM3DPrior:
    """BM3D (the classical PnP peer) as a denoiser with ``transform``."""

    def __init__(self, sigma):
        self.sigma = sigma

    def __sklearn_tags__(self):
        from sklearn.utils import Tags, TargetTags
        tags = Tags(estimator_type=None, target_tags=TargetTags(required=False))
        tags.requires_fit = False
        return tags

    def transform(self, X):
        import bm3d
        return np.stack([bm3d.bm3d(x, self.sigma) for x in X])


def digits_prior():
    """The learned prior scores how natural a digit is: -R against added noise."""
    from sklearn.datasets import load_digits

    digits = load_digits().images / 16.0
    t0 = time.perf_counter()
    lpn = LearnedProximalNetwork(sigma=0.1, hidden=32, max_epochs=30, batch_size=64,
                                 strong_convexity=1e-3, random_state=0).fit(digits[:1500])
    print(f"digits LPN trained in {time.perf_counter() - t0:.0f} s", flush=True)
    held_out = digits[1500:1530]
    rng = np.random.default_rng(1)
    levels = [0.0, 0.05, 0.1, 0.2, 0.3]
    prior = [float(np.mean(lpn.score_samples(held_out + s * rng.standard_normal(held_out.shape))))
             for s in levels]
    print("mean -R (learned log-prior) of 30 held-out digits + noise of std " +
          ", ".join(f"{s}: {p:.2f}" for s, p in zip(levels, prior)), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--sigma-train", type=float, default=0.05)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--noise", type=float, nargs="+", default=[0.02, 0.04])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--digits-prior", action="store_true",
                        help="also: -R of held-out digits against added noise")
    parser.add_argument("--no-lpn", action="store_true", help="the classical rows only")
    parser.add_argument("--bm3d-iter", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    from skimage.data import lfw_subset

    faces = lfw_subset()[:100]
    train, X_val, test = faces[:60], faces[60:70], faces[70:]
    X_train = np.concatenate([train, train[:, :, ::-1]])
    t0 = time.perf_counter()
    lpn = None if args.no_lpn else LearnedProximalNetwork(
        sigma=args.sigma_train, hidden=args.hidden, max_epochs=args.epochs,
        batch_size=args.batch_size, random_state=0).fit(X_train)
    if lpn is not None:
        print(f"LPN trained in {time.perf_counter() - t0:.0f} s ({args.epochs} epochs, "
              f"sigma {args.sigma_train})", flush=True)

    if args.digits_prior:
        digits_prior()

    A = Blur(gaussian_psf(1.0, 5), faces.shape[1:])
    for noise in args.noise:
        rng = np.random.default_rng(0)
        Y_test = A(test).numpy() + noise * rng.standard_normal(test.shape)
        Y_val = A(X_val).numpy() + noise * rng.standard_normal(X_val.shape)
        rows = [("blurred input", "", Y_test)]
        Y_train = A(train).numpy() + noise * rng.standard_normal(train.shape)
        wiener = WienerFilter(A, noise_level=noise).fit(Y_train, train)
        rows.append((f"Wiener (spectrum of the {len(train)} training faces)", f"noise_level={noise}",
                     wiener.transform(Y_test)))
        alpha, tik = tune(lambda a: TikhonovReconstruction(A, alpha=a),
                          [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], Y_val, X_val)
        rows.append(("Tikhonov", f"alpha={alpha}", tik.fit(Y_test).transform(Y_test)))
        (w, rho), tv = tune(lambda p: PnPADMM(A, TVDenoiser(p[0]), rho=p[1], n_iter=100),
                            [(w, r) for w in (0.002, 0.005, 0.01, 0.02, 0.05) for r in (0.1, 0.3, 1.0)],
                            Y_val, X_val)
        rows.append(("PnP-ADMM, TV", f"weight={w}, rho={rho}", tv.fit(Y_test).transform(Y_test)))
        hist = None
        if lpn is not None:
            rho, pnp = tune(lambda r: PnPADMM(A, lpn, rho=r, n_iter=50),
                            [0.003, 0.01, 0.03, 0.1, 0.3, 1.0], Y_val, X_val)
            X_lpn, hist = pnp.fit(Y_test).reconstruct(Y_test, return_history=True)
            rows.append(("PnP-ADMM, LPN", f"rho={rho}", X_lpn))
        try:
            import bm3d  # noqa: F401
            t0 = time.perf_counter()
            (s, r), bm = tune(lambda p: PnPADMM(A, BM3DPrior(p[0]), rho=p[1],
                                                n_iter=args.bm3d_iter),
                              [(f * noise, 1.0) for f in (0.5, 1, 2)], Y_val, X_val)
            rows.append(("PnP-ADMM, BM3D", f"sigma={s}, rho={r}",
                         bm.fit(Y_test).transform(Y_test)))
            print(f"PnP-BM3D: {time.perf_counter() - t0:.0f} s", flush=True)
        except ImportError:
            print("(bm3d not installed: pip install bm3d for the classical PnP peer)")
        print(f"\nGaussian blur sigma 1, noise {noise}, {len(test)} held-out faces 25 x 25\n")
        print(f"| method | parameters (tuned on {len(X_val)} validation faces) | PSNR (dB) | SSIM |")
        print("|---|---|---|---|")
        base = scores(test, Y_test)[0]
        for name, params, X_hat in rows:
            p, s = scores(test, X_hat)
            print(f"| {name} | {params} | {p:.2f} ({p - base:+.2f}) | {s:.3f} |")
        if hist is None:
            continue
        obj = hist["objective"].mean(1)
        print(f"LPN PnP objective (mean over images): it 1 {obj[0]:.4f}, it 5 {obj[4]:.4f}, "
              f"last ({len(obj)}) {obj[-1]:.4f}; monotone from it 2: "
              f"{bool(np.all(np.diff(obj[1:]) <= 1e-9))}", flush=True)


if __name__ == "__main__":
    main()
