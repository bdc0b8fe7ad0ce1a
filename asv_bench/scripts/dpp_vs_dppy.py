"""Exact projection-DPP sampling: skop vs DPPy, side by side on one CPU thread.

Finite case: a rank-``m`` projection DPP on ``N`` candidates given the
eigenvectors ``Q`` (``N x m``, orthonormal columns). DPPy:
``FiniteDPP("correlation", projection=True, K_eig_dec=(ones(m), Q))`` built
once, then ``sample_exact("GS")`` per sample (the Gram-Schmidt chain rule, O(N
m^2) per sample). skop: ``sample_projection_dpp(Q)`` per sample, which also
checks the input each call (``check_input=False`` is shown too), and 100
batched draws (per-sample time = total / 100).

Continuous case: the Legendre (uniform-weight Jacobi) ensemble of size ``m`` on
[-1, 1]. DPPy: ``JacobiEnsemble(beta=2).sample_banded_model(a=1, b=1)``,
one sample per call; skop: ``sample_projection_dpp_points`` (same tridiagonal
model), one call and 100 batched draws.

Both sides run in the same process, twice: interleaved (each repeat runs every
case once, in a random order, so calls start with caches disturbed by the
other cases) and back-to-back (the repeats of one case in a row, as timeit and
asv do). Each table gives the median and best wall times, the median CPU time
of the process (robust to preemption on a shared machine) and the DPPy / skop
ratios of the medians.
DPPy is a peer for comparison only (``pip install dppy``), not a dependency.

Run::

    python asv_bench/scripts/dpp_vs_dppy.py                   # N = 5000, m = 50
    python asv_bench/scripts/dpp_vs_dppy.py --N 20000 --m 100
"""

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from skop.preprocessing import LegendreFeatures  # noqa: E402
from skop.sampling import (  # noqa: E402
    sample_projection_dpp,
    sample_projection_dpp_points,
)

torch.set_num_threads(1)

try:
    from dppy.beta_ensembles import JacobiEnsemble
    from dppy.finite_dpps import FiniteDPP
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("DPPy is needed for this comparison: pip install dppy")


def timed(func):
    """Wall and CPU time of one call (CPU time ignores preemption by other jobs)."""
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--N", type=int, default=5000)
    parser.add_argument("--m", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    N, m, B = args.N, args.m, args.batch

    rng = np.random.RandomState(0)
    Q = np.linalg.qr(rng.standard_normal((N, m)))[0]
    dpp = FiniteDPP("correlation", projection=True, K_eig_dec=(np.ones(m), Q))
    jacobi = JacobiEnsemble(beta=2)
    legendre = LegendreFeatures(degree=m - 1)

    cases = {
        "DPPy sample_exact('GS'), 1 sample": lambda: dpp.sample_exact(
            "GS", random_state=rng
        ),
        "skop sample_projection_dpp, 1 sample": lambda: sample_projection_dpp(
            Q, random_state=rng, device="cpu"
        ),
        "skop, 1 sample, check_input=False": lambda: sample_projection_dpp(
            Q, random_state=rng, device="cpu", check_input=False
        ),
        f"skop, {B} batched samples (per sample)": lambda: sample_projection_dpp(
            Q, B, random_state=rng, device="cpu"
        ),
        "DPPy Jacobi ensemble, 1 sample": lambda: jacobi.sample_banded_model(
            a=1.0, b=1.0, size_N=m, random_state=rng
        ),
        "skop Legendre ensemble, 1 sample": lambda: sample_projection_dpp_points(
            legendre, random_state=rng, device="cpu"
        ),
        f"skop Legendre ensemble, {B} batched (per sample)": lambda: (
            sample_projection_dpp_points(legendre, B, random_state=rng, device="cpu")
        ),
    }
    per_sample = {name: (B if "batched" in name else 1) for name in cases}
    for func in cases.values():  # warm-up
        func()
    print(
        f"Exact projection DPP, N = {N}, rank m = {m}, one CPU thread, "
        f"{args.repeats} repeats, torch {torch.__version__}.\n"
    )
    rng_order = np.random.default_rng(1)
    for mode in ("interleaved", "back-to-back"):
        times = {name: [] for name in cases}
        cpu = {name: [] for name in cases}
        if mode == "interleaved":
            # Every repeat runs each case once, in a random order: each call
            # starts with caches disturbed by the other cases (cold-ish).
            schedule = [
                list(cases)[k]
                for _ in range(args.repeats)
                for k in rng_order.permutation(len(cases))
            ]
        else:  # timeit / asv style: the repeats of one case run in a row
            schedule = [name for name in cases for _ in range(args.repeats)]
        for name in schedule:
            wall_s, cpu_s = timed(cases[name])
            times[name].append(wall_s / per_sample[name])
            cpu[name].append(cpu_s / per_sample[name])
        _print_table(mode, cases, times, cpu)


def _print_table(mode, cases, times, cpu):
    med = {name: np.median(t) for name, t in times.items()}
    med_cpu = {name: np.median(t) for name, t in cpu.items()}
    print(f"\n{mode}:\n")
    print(
        "| sampler | wall median (ms) | wall best (ms) | CPU median (ms) | "
        "DPPy / skop, wall | DPPy / skop, CPU |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name in cases:
        ref = (
            "DPPy sample_exact('GS'), 1 sample"
            if "Legendre" not in name and "Jacobi" not in name
            else "DPPy Jacobi ensemble, 1 sample"
        )
        ratios = "| |"
        if not name.startswith("DPPy"):
            wall_ratio = med[ref] / med[name]
            cpu_ratio = med_cpu[ref] / med_cpu[name]
            ratios = f"| {wall_ratio:.1f}x | {cpu_ratio:.1f}x |"
        print(
            f"| {name} | {1e3 * med[name]:.3f} | {1e3 * min(times[name]):.3f} | "
            f"{1e3 * med_cpu[name]:.3f} {ratios}"
        )


if __name__ == "__main__":
    main()
