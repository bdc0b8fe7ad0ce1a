"""Speed of ``make_navier_stokes``, measured on a few steps and extrapolated.

The published Navier-Stokes benchmark data are 1,200 flows solved on a
256 x 256 reference grid with dt = 1e-4 to t = 20 (200,000 Heun steps each) and
subsampled to 64 x 64. That is far beyond a CPU session, so this script times a
fixed number of steps per configuration, per chunk of flows advancing together,
and reports the per-step cost, samples per second and the projected time for
1,200 flows, for:

* the published recipe (256 reference, dt = 1e-4);
* skop's default (128 reference = 2 x 64, dt from the CFL bound);
* the cheapest resolved option (64 reference, default dt).

Usage (one torch thread)::

    python asv_bench/scripts/navier_stokes_speed.py [--steps 40] [--device cpu]
"""

import argparse
import math
import time

import numpy as np
import torch

from skop.datasets._grf import sample_grf
from skop.datasets._navier_stokes import (
    _CHUNK_VALUES,
    _FNO_SIGMA,
    _SpectralNS,
    default_time_step,
    kolmogorov_forcing,
)


def time_per_step(reference, batch, n_steps, device):
    """Seconds per Heun / Crank-Nicolson step for ``batch`` flows together."""
    w0 = sample_grf(0, 0, batch, reference, n_dims=2, alpha=2.5, tau=7.0, sigma=_FNO_SIGMA,
                    max_mode=reference // 3, zero_mean=True)
    solver = _SpectralNS(reference, 1e-5, 1e-4, device, torch.float64)
    w_hat = torch.fft.rfft2(torch.from_numpy(w0).to(device)) * solver.mask
    f_hat = torch.fft.rfft2(torch.tensor(kolmogorov_forcing(reference), device=device))
    w_hat = solver.step(w_hat, f_hat)  # warm-up (plans, allocations)
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(n_steps):
        w_hat = solver.step(w_hat, f_hat)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / n_steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--final-time", type=float, default=20.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    budget = _CHUNK_VALUES.get(device.type, _CHUNK_VALUES["cuda"])
    rows = []
    for label, reference, dt in [
        ("published: 256 ref, dt 1e-4", 256, 1e-4),
        ("skop default: 128 ref, CFL dt", 128, default_time_step(128, 1.0)),
        ("64 ref, CFL dt", 64, default_time_step(64, 1.0)),
    ]:
        batch = max(1, budget // reference**2)
        step = time_per_step(reference, batch, args.steps, device)
        n_steps = math.ceil(args.final_time / dt - 1e-9)
        per_sample = step * n_steps / batch
        rows.append((label, batch, dt, n_steps, step * 1e3, 1.0 / per_sample,
                     1200 * per_sample / 3600))
    print(f"device {device}, {args.threads} thread(s), t = {args.final_time:g}, "
          f"{args.steps} timed steps per row\n")
    print("| configuration | chunk | dt | steps | ms / step (chunk) | samples / s | "
          "1,200 samples (h) |")
    print("|---|---|---|---|---|---|---|")
    for label, batch, dt, n_steps, ms, rate, hours in rows:
        print(f"| {label} | {batch} | {dt:.3g} | {n_steps} | {ms:.2f} | {rate:.3g} | "
              f"{hours:.3g} |")


if __name__ == "__main__":
    np.seterr(all="raise")
    main()
