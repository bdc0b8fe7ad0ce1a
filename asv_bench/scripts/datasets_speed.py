"""Speed and accuracy of skop's PDE data generators, as markdown tables.

Targets (CPU, one torch thread): ``make_burgers(1200, 256)`` <= 60 s and
``make_darcy(1200, 64)`` <= 120 s. The machine may be shared, so every
generator runs ``--repeats`` times and the best and the median are reported,
with the load average before the runs.

Accuracy: the defaults against finer runs of the *same* samples (the random
fields are drawn mode by mode, so a finer reference grid refines the same
problem):

* Burgers at 256 points: default (1024-point reference, 200 steps) vs an
  8192-point reference with 3200 steps; also each refinement alone.
* Darcy at 65 nodes: default (129-node reference) vs 257 and 513 nodes.

Usage::

    python asv_bench/scripts/datasets_speed.py            # full (~10 minutes)
    python asv_bench/scripts/datasets_speed.py --quick    # tiny smoke run
"""

import argparse
import os
import statistics
import time

import numpy as np
import torch

from skop.datasets import make_burgers, make_darcy


def _time(fn, repeats):
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        fn(seed)
        times.append(time.perf_counter() - start)
    return times


def speed_table(n_samples, repeats, n_jobs):
    rows = []
    cases = [
        ("make_burgers", 256, lambda s: make_burgers(n_samples, 256, device="cpu", random_state=s)),
        ("make_darcy", 64, lambda s: make_darcy(n_samples, 64, random_state=s)),
    ]
    if n_jobs:
        cases.append(
            (f"make_darcy n_jobs={n_jobs}", 64,
             lambda s: make_darcy(n_samples, 64, n_jobs=n_jobs, random_state=s))
        )  # fmt: skip
    for name, resolution, fn in cases:
        load = os.getloadavg()[0]
        times = _time(fn, repeats)
        best, median = min(times), statistics.median(times)
        rows.append(
            f"| {name}({n_samples}, {resolution}) | {load:.1f} | {best:.1f} | {median:.1f} "
            f"| {n_samples / best:.1f} | {n_samples / median:.1f} |"
        )
        print(rows[-1], flush=True)
    header = [
        "| call | load avg | best s | median s | samples/s (best) | samples/s (median) |",
        "|---|---|---|---|---|---|",
    ]
    return header + rows


def _differences(y, y_fine):
    axes = tuple(range(1, y.ndim))
    scale = np.abs(y_fine).max(axis=axes)
    max_rel = (np.abs(y - y_fine).max(axis=axes) / scale).max()
    rel_l2 = (np.linalg.norm((y - y_fine).reshape(len(y), -1), axis=1)
              / np.linalg.norm(y_fine.reshape(len(y), -1), axis=1)).mean()  # fmt: skip
    return max_rel, rel_l2


def accuracy_table(quick):
    n_burgers, n_darcy = (2, 2) if quick else (64, 16)
    fine_reference, fine_step = (2048, 1 / 800) if quick else (8192, 1 / 3200)
    rows = []

    def burgers(**kwargs):
        return make_burgers(n_burgers, 256, device="cpu", random_state=0, **kwargs)[1]

    y = burgers()
    fine = burgers(reference_resolution=fine_reference, time_step=fine_step)
    for label, other in [
        (f"reference {fine_reference}, dt 1/{round(1 / fine_step)}", fine),
        (f"reference {fine_reference}, default dt", burgers(reference_resolution=fine_reference)),
        (f"default reference, dt 1/{round(1 / fine_step)}", burgers(time_step=fine_step)),
    ]:
        max_rel, rel_l2 = _differences(y, other)
        rows.append(
            f"| Burgers 256 (ref 1024, dt 1/200) | {label} | {max_rel:.1e} | {rel_l2:.1e} |"
        )
        print(rows[-1], flush=True)

    def darcy(reference):
        return make_darcy(n_darcy, 65, reference_resolution=reference, random_state=0)[1]

    u = darcy(129)
    for reference in (257,) if quick else (257, 513):
        max_rel, rel_l2 = _differences(u, darcy(reference))
        rows.append(
            f"| Darcy 65 (ref 129) | reference {reference} | {max_rel:.1e} | {rel_l2:.1e} |"
        )
        print(rows[-1], flush=True)
    header = [
        "| data (default) | compared with | max rel. difference | mean rel-L2 |",
        "|---|---|---|---|",
    ]
    return header + rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-samples", type=int, default=1200)
    parser.add_argument("--n-jobs", type=int, default=0, help="also time make_darcy(n_jobs=...)")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    n_samples = 16 if args.quick else args.n_samples
    repeats = 1 if args.quick else args.repeats
    tables = []
    if not args.skip_speed:
        tables.append("\n".join(speed_table(n_samples, repeats, args.n_jobs)))
    if not args.skip_accuracy:
        tables.append("\n".join(accuracy_table(args.quick)))
    print("\n\n" + "\n\n".join(tables))


if __name__ == "__main__":
    main()
