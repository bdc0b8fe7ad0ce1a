"""Image-quality metrics for reconstructions: PSNR and SSIM, per image."""

import numpy as np
from scipy.ndimage import gaussian_filter


def _pair(x_true, x_pred):
    x_true = np.asarray(x_true, dtype=np.float64)
    x_pred = np.asarray(x_pred, dtype=np.float64)
    if x_true.shape != x_pred.shape:
        raise ValueError(f"x_true and x_pred have different shapes: {x_true.shape} and "
                         f"{x_pred.shape}.")
    if x_true.ndim < 2:
        raise ValueError("Pass a batch of images (n_samples, ...), got a 1-D array.")
    if not (np.isfinite(x_true).all() and np.isfinite(x_pred).all()):
        raise ValueError("x_true and x_pred must be finite (NaN or inf found).")
    return x_true, x_pred


def _data_range(x_true, data_range):
    if data_range is None:
        return float(x_true.max() - x_true.min()) or 1.0
    return float(data_range)


def peak_signal_noise_ratio(x_true, x_pred, *, data_range=None, aggregate="mean"):
    """PSNR in dB, ``10 log10(data_range^2 / MSE)`` per sample.

    Parameters
    ----------
    x_true, x_pred : array-like of shape (n_samples, ...)
        Reference and reconstructed samples (images, or flattened images).
    data_range : float, default=None
        Peak-to-peak range of the signal; None: that of ``x_true`` (the whole
        batch, so every image is measured on the same scale).
    aggregate : {"mean", None}, default="mean"
        The mean over samples, or None for one value per sample.

    Returns
    -------
    psnr : float or ndarray of shape (n_samples,)
        ``inf`` for a perfect reconstruction.
    """
    x_true, x_pred = _pair(x_true, x_pred)
    peak = _data_range(x_true, data_range)
    mse = ((x_true - x_pred) ** 2).reshape(len(x_true), -1).mean(1)
    with np.errstate(divide="ignore"):
        values = 10 * np.log10(peak ** 2 / mse)
    return values if aggregate is None else float(values.mean())


def structural_similarity(x_true, x_pred, *, data_range=None, sigma=1.5, aggregate="mean"):
    """SSIM (Wang et al. 2004) of 2-D images, Gaussian window, per sample.

    Parameters
    ----------
    x_true, x_pred : array-like of shape (n_samples, H, W) or (n_samples, C, H, W)
        Reference and reconstructed images (channels averaged).
    data_range : float, default=None
        As in :func:`peak_signal_noise_ratio`.
    sigma : float, default=1.5
        Standard deviation of the Gaussian window (the reference choice).
    aggregate : {"mean", None}, default="mean"

    Returns
    -------
    ssim : float or ndarray of shape (n_samples,)
    """
    x_true, x_pred = _pair(x_true, x_pred)
    if x_true.ndim not in (3, 4):
        raise ValueError(f"SSIM needs images (n, H, W) or (n, C, H, W), got shape "
                         f"{x_true.shape}.")
    peak = _data_range(x_true, data_range)
    c1, c2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    window = [0] * (x_true.ndim - 2) + [sigma, sigma]  # no smoothing across samples / channels

    def blur(a):
        return gaussian_filter(a, window, mode="reflect", truncate=3.5)

    mu_x, mu_y = blur(x_true), blur(x_pred)
    sxx = blur(x_true * x_true) - mu_x ** 2
    syy = blur(x_pred * x_pred) - mu_y ** 2
    sxy = blur(x_true * x_pred) - mu_x * mu_y
    ssim_map = ((2 * mu_x * mu_y + c1) * (2 * sxy + c2)) / (
        (mu_x ** 2 + mu_y ** 2 + c1) * (sxx + syy + c2))
    # As the reference implementation: the mean over pixels whose window
    # lies inside the image.
    pad = int(3.5 * sigma + 0.5)
    if min(x_true.shape[-2:]) > 2 * pad:
        ssim_map = ssim_map[..., pad:-pad, pad:-pad]
    values = ssim_map.reshape(len(x_true), -1).mean(1)
    return values if aggregate is None else float(values.mean())


class _PSNRScorer:
    """``scorer(estimator, X, y)``: mean PSNR of the estimator's output for ``X`` against ``y``.

    Uses ``predict`` when the estimator has it, else ``transform`` (the
    reconstruction estimators of :mod:`skop.inverse` are transformers from
    measurements to signals); ``y`` is reshaped to the output's shape.
    """

    def __call__(self, estimator, X, y):
        method = estimator.predict if hasattr(estimator, "predict") else estimator.transform
        X_hat = np.asarray(method(X), dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if y.size != X_hat.size:
            raise ValueError(f"y of shape {y.shape} does not match the output of shape "
                             f"{X_hat.shape}.")
        return peak_signal_noise_ratio(y.reshape(X_hat.shape), X_hat)

    def __repr__(self):
        return "psnr_scorer"


psnr_scorer = _PSNRScorer()
