"""LSM against FNO on 2-D Navier-Stokes, 10 snapshots in -> 10 out, equal wall-clock budget.

The benchmark of the FNO and LSM papers (LSM Table 1, nu = 1e-5: FNO 0.1556,
LSM 0.1535 at full GPU budget), on data from ``skop.datasets.make_navier_stokes``
at 64 x 64. Both models learn one step (the last ``t_in = 10`` snapshots -> the
next) from every window of the training trajectories (``time_windows``) and are
evaluated by autoregressive rollout (``rollout_errors``) over the 10 test
steps: the mean relative L2 error over the rolled-out block, as the papers
report, and the error at steps 1, 5 and 10. Each model gets the same budget: a
short probe measures its seconds per epoch and ``max_epochs`` is set so its
whole one-cycle schedule fits (helpers shared with ``mgno_vs_fno.py``).

    python asv_bench/scripts/ns_lsm_vs_fno.py --viscosity 1e-5 [--budget 600] \
        [--data ns.npz] [--n-train 120 --n-test 30] [--reference 64] \
        [--lsm-params '{"width": 16}'] [--fno-params '{}']

``--data`` caches the trajectories (generated when the file is missing; the
published data use a 256 x 256 reference and 1,000 / 200 flows, out of reach
of a CPU session: see ``navier_stokes_speed.py``).
"""

import argparse
import json
import os
import time

import numpy as np
import torch
from mgno_vs_fno import budget_epochs, fit_timed, n_parameters

from skop.datasets import make_navier_stokes
from skop.metrics import relative_l2_error
from skop.neural_operator import FNORegressor, LSMRegressor, rollout, time_windows


def load(args):
    if args.data and os.path.exists(args.data):
        data = np.load(args.data)
        return data["X"].astype(np.float64), data["y"].astype(np.float64)
    t0 = time.perf_counter()
    X, y = make_navier_stokes(args.n_train + args.n_test, args.resolution, args.viscosity,
                              reference_resolution=args.reference, device="cpu", random_state=0)
    print(f"generated {X.shape} -> {y.shape} in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.data:
        np.savez(args.data, X=X.astype(np.float32), y=y.astype(np.float32))
    return X, y


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--viscosity", type=float, default=1e-5)
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--reference", type=int, default=64)
    parser.add_argument("--n-train", type=int, default=120)
    parser.add_argument("--n-test", type=int, default=30)
    parser.add_argument("--budget", type=float, default=600.0, help="seconds per model")
    parser.add_argument("--data", default="")
    parser.add_argument("--fno-params", default="{}")
    parser.add_argument("--lsm-params", default="{}")
    args = parser.parse_args()
    torch.set_num_threads(1)
    X, y = load(args)
    n_train = len(X) - args.n_test
    X_train, y_train = time_windows(np.concatenate([X[:n_train], y[:n_train]], axis=1), t_in=X.shape[1])
    X_test, y_test = X[n_train:], y[n_train:]
    print(f"{len(X_train)} training windows from {n_train} flows; {len(X_test)} test flows",
          flush=True)
    common = dict(n_spatial_dims=2, grid="periodic", random_state=0)
    models = {
        "FNORegressor": lambda **kw: FNORegressor(
            **{"n_modes": 12, "width": 20, **common, **json.loads(args.fno_params), **kw}),
        "LSMRegressor": lambda **kw: LSMRegressor(
            **{**common, **json.loads(args.lsm_params), **kw}),
    }
    print(f"\nNavier-Stokes nu = {args.viscosity:g}, {args.resolution} x {args.resolution}, "
          f"10 -> 10 by rollout, equal budget ({args.budget:.0f} s each)\n")
    lines = ["| model | epochs | rollout rel-L2 | step 1 | step 5 | step 10 | parameters | "
             "s / epoch | fit (s) |", "|---|---|---|---|---|---|---|---|---|"]
    for name, factory in models.items():
        epochs, per_epoch = budget_epochs(factory, X_train, y_train, args.budget)
        print(f"{name}: {per_epoch:.1f} s / epoch -> {epochs} epochs", flush=True)
        est = factory(max_epochs=epochs)
        seconds = fit_timed(est, X_train, y_train)
        pred = rollout(est, X_test, y_test.shape[1])
        steps = [relative_l2_error(y_test[:, k], pred[:, k]) for k in range(y_test.shape[1])]
        lines.append(
            f"| {name} | {est.n_iter_} | {relative_l2_error(y_test, pred):.4f} | {steps[0]:.4f} "
            f"| {steps[4]:.4f} | {steps[-1]:.4f} | {n_parameters(est):,} | "
            f"{seconds / est.n_iter_:.1f} | {seconds:.0f} |")
        print(lines[-1], flush=True)
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
