"""Zero-shot super-resolution on Burgers: fit at 64 points, predict at 256.

The same 1200 functions are generated once at 256 points (nested periodic
grids); the FNO is fitted with its defaults on every 4th point and evaluated
at 256 points directly, next to linear and Fourier (band-limited)
interpolation of its 64-point prediction.

The data is in the regime of the FNO paper's released data
(``fno_burgers_params``); ``--regime unit`` uses ``make_burgers``'s defaults
(nu = 0.1 on the unit interval, nearly dissipated).

    python asv_bench/scripts/fno_burgers_superres.py [--regime fno|unit]
"""

import argparse
import time

import numpy as np
import torch

from skop.datasets import fno_burgers_params, make_burgers
from skop.metrics import relative_l2_error
from skop.neural_operator import FNORegressor


def linear_upsample(u, factor):
    """Periodic linear interpolation onto a grid ``factor`` times finer."""
    n = u.shape[1]
    x_fine = np.arange(n * factor) / factor
    return np.stack([np.interp(x_fine, np.arange(n + 1), np.append(row, row[0])) for row in u])


def fourier_upsample(u, factor):
    """Band-limited interpolation: zero-pad the spectrum."""
    n = u.shape[1]
    spec = np.fft.rfft(u, axis=1)
    return np.fft.irfft(spec, n=n * factor, axis=1) * factor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--regime", choices=["fno", "unit"], default="fno")
    args = parser.parse_args()
    torch.set_num_threads(1)
    params = fno_burgers_params() if args.regime == "fno" else {}
    print(f"regime: {args.regime}")
    X, y = make_burgers(1200, 256, random_state=0, **params)
    X64, y64 = X[:, ::4], y[:, ::4]
    t0 = time.perf_counter()
    est = FNORegressor(random_state=0).fit(X64[:1000], y64[:1000])
    print(f"fit at 64 points: {time.perf_counter() - t0:.0f} s")
    pred64 = est.predict(X64[1000:])
    pred256 = est.predict(X[1000:, None, :])
    rows = [
        ("FNO at the training grid, 64 points", relative_l2_error(y64[1000:], pred64)),
        ("FNO zero-shot at 256 points", relative_l2_error(y[1000:], pred256)),
        ("linear interpolation of the 64-point prediction to 256",
         relative_l2_error(y[1000:], linear_upsample(pred64, 4))),
        ("Fourier interpolation of the 64-point prediction to 256",
         relative_l2_error(y[1000:], fourier_upsample(pred64, 4))),
    ]
    print("\n| prediction | test relative L2 |\n|---|---|")
    for name, err in rows:
        print(f"| {name} | {err:.5f} |")


if __name__ == "__main__":
    main()
