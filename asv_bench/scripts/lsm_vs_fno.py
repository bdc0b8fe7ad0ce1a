"""LSM against FNO on Darcy flow, side by side in one run, at an equal wall-clock budget.

The LSM paper's Darcy claim (Table 1: LSM 0.0065 against FNO 0.0108 at 85 x 85,
full GPU budget) measured on this CPU: ``make_darcy`` on 65 x 65 nodes (from a
129 x 129 reference), 1000 train / 200 test, one torch thread. Each model gets
the same budget: a short probe measures its seconds per epoch and
``max_epochs`` is set so its whole learning-rate schedule fits (see
``mgno_vs_fno.py``, whose helpers this script shares). ``--equal-epochs`` also
trains both for the same number of epochs.

    python asv_bench/scripts/lsm_vs_fno.py [--budget 900] [--equal-epochs 10] \
        [--lsm-params '{"width": 16}'] [--fno-params '{}']

FNO: ``n_modes=12`` (the FNO paper's Darcy setting), its 2-D defaults
otherwise. LSM: its defaults (the paper's 5 levels, patch 4, 4 tokens, 12
basis functions) with ``width`` from ``--lsm-params`` (default 32, the
paper's Navier-Stokes width; its Darcy width 64 is ~19 M parameters).
"""

import argparse
import json
import time

import torch
from mgno_vs_fno import budget_epochs, fit_timed, print_table, row

from skop.datasets import make_darcy
from skop.neural_operator import FNORegressor, LSMRegressor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--resolution", type=int, default=65)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--n-test", type=int, default=200)
    parser.add_argument("--budget", type=float, default=900.0, help="seconds per model")
    parser.add_argument("--equal-epochs", type=int, default=0, help="also train both this long")
    parser.add_argument("--fno-params", default="{}")
    parser.add_argument("--lsm-params", default="{}")
    args = parser.parse_args()
    torch.set_num_threads(1)
    fno_params, lsm_params = json.loads(args.fno_params), json.loads(args.lsm_params)
    t0 = time.perf_counter()
    a, u = make_darcy(args.n_train + args.n_test, args.resolution, random_state=0)
    print(f"data: {a.shape} in {time.perf_counter() - t0:.0f} s", flush=True)
    X, y, X_test, y_test = a[:args.n_train], u[:args.n_train], a[args.n_train:], u[args.n_train:]
    common = dict(n_spatial_dims=2, grid="nodes", random_state=0)
    models = {
        "FNORegressor": lambda **kw: FNORegressor(**{"n_modes": 12, **common, **fno_params, **kw}),
        "LSMRegressor": lambda **kw: LSMRegressor(**{**common, **lsm_params, **kw}),
    }
    if args.budget > 0:
        rows = []
        for name, factory in models.items():
            epochs, per_epoch = budget_epochs(factory, X, y, args.budget)
            print(f"{name}: {per_epoch:.1f} s / epoch -> {epochs} epochs", flush=True)
            est = factory(max_epochs=epochs)
            rows.append(row(name, est, fit_timed(est, X, y), X_test, y_test))
        print_table(f"Darcy {args.resolution} x {args.resolution}, equal budget "
                    f"({args.budget:.0f} s each)", rows)
    if args.equal_epochs:
        rows = []
        for name, factory in models.items():
            est = factory(max_epochs=args.equal_epochs)
            rows.append(row(name, est, fit_timed(est, X, y), X_test, y_test))
        print_table(f"Darcy {args.resolution} x {args.resolution}, equal epochs "
                    f"({args.equal_epochs})", rows)


if __name__ == "__main__":
    main()
