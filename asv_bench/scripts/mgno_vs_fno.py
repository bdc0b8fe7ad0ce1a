"""MgNO against FNO, side by side in one run, at an equal wall-clock budget.

``--problem darcy`` (the MgNO paper's claim): ``make_darcy`` on 65 x 65 nodes
(from a 129 x 129 reference), 1000 train / 200 test. Each model gets the same
budget (default 15 minutes, one torch thread): a short probe measures its
seconds per epoch and ``max_epochs`` is set so its whole learning-rate
schedule fits the budget. Then both models are also trained for the same
number of epochs (``--equal-epochs``). Reported: test rel-L2, parameters,
seconds per epoch, epochs.

``--problem helmholtz``: ``make_helmholtz`` (-Laplace u - k^2 u = f, u = 0 on
the boundary): MgNO with ``boundary="dirichlet"`` against ``"periodic"``
padding and against FNO without domain padding, equal epochs.

    python asv_bench/scripts/mgno_vs_fno.py --problem darcy [--budget 900] [--equal-epochs 10]
    python asv_bench/scripts/mgno_vs_fno.py --problem helmholtz [--epochs 30] [--resolution 33]

Model parameters: FNO ``n_modes=12`` (the FNO paper's Darcy setting), everything
else its 2-D defaults; MgNO its defaults. ``--fno-params`` / ``--mgno-params``
(JSON) override them.
"""

import argparse
import json
import time

import torch

from skop.benchmark import epochs_for_budget
from skop.datasets import make_darcy
from skop.metrics import relative_l2_error
from skop.neural_operator import FNORegressor, MgNORegressor


def n_parameters(est):
    return sum(p.numel() for p in est.module_.parameters())


def fit_timed(est, X, y):
    t0 = time.perf_counter()
    est.fit(X, y)
    return time.perf_counter() - t0


def budget_epochs(factory, X, y, budget, probe_epochs=2):
    """Epochs that fit ``budget`` seconds with a 3% margin, from a short probe (first epoch excluded)."""
    return epochs_for_budget(factory, X, y, budget / 1.03, probe_epochs)


def row(name, est, seconds, X_test, y_test):
    err = relative_l2_error(y_test, est.predict(X_test))
    epochs = est.n_iter_
    return (name, epochs, err, n_parameters(est), seconds / epochs, seconds)


def print_table(title, rows):
    print(f"\n{title}\n")
    print("| model | epochs | test rel-L2 | parameters | s / epoch | fit (s) |")
    print("|---|---|---|---|---|---|")
    for name, epochs, err, params, per_epoch, seconds in rows:
        print(f"| {name} | {epochs} | {err:.4f} | {params:,} | {per_epoch:.1f} | {seconds:.0f} |",
              flush=True)


def darcy(args, fno_params, mgno_params):
    t0 = time.perf_counter()
    a, u = make_darcy(args.n_train + args.n_test, args.resolution, random_state=0)
    print(f"data: {a.shape} in {time.perf_counter() - t0:.0f} s", flush=True)
    X, y, X_test, y_test = a[:args.n_train], u[:args.n_train], a[args.n_train:], u[args.n_train:]
    common = dict(n_spatial_dims=2, grid="nodes", random_state=0)
    models = {
        "FNORegressor": lambda **kw: FNORegressor(**{"n_modes": 12, **common, **fno_params, **kw}),
        "MgNORegressor": lambda **kw: MgNORegressor(**{**common, **mgno_params, **kw}),
    }
    if args.budget > 0:
        rows = []
        for name, factory in models.items():
            epochs, per_epoch = budget_epochs(factory, X, y, args.budget)
            print(f"{name}: {per_epoch:.1f} s / epoch -> {epochs} epochs", flush=True)
            est = factory(max_epochs=epochs)
            rows.append(row(name, est, fit_timed(est, X, y), X_test, y_test))
        print_table(f"Equal budget ({args.budget:.0f} s each)", rows)
    if args.equal_epochs:
        rows = []
        for name, factory in models.items():
            est = factory(max_epochs=args.equal_epochs)
            rows.append(row(name, est, fit_timed(est, X, y), X_test, y_test))
        print_table(f"Equal epochs ({args.equal_epochs})", rows)


def helmholtz(args, fno_params, mgno_params):
    from skop.datasets import make_helmholtz

    f, u = make_helmholtz(args.n_train + args.n_test, args.resolution, random_state=0)
    X, y, X_test, y_test = f[:args.n_train], u[:args.n_train], f[args.n_train:], u[args.n_train:]
    common = dict(n_spatial_dims=2, grid="nodes", random_state=0, max_epochs=args.epochs)
    models = [
        ("MgNORegressor(boundary='dirichlet')",
         MgNORegressor(boundary="dirichlet", **common, **mgno_params)),
        ("MgNORegressor(boundary='periodic')",
         MgNORegressor(boundary="periodic", **common, **mgno_params)),
        ("FNORegressor(domain_padding=0)",
         FNORegressor(**{"n_modes": 12, "domain_padding": 0.0, **common, **fno_params})),
        ("FNORegressor(domain_padding='auto')",
         FNORegressor(**{"n_modes": 12, **common, **fno_params})),
    ]
    rows = [row(name, est, fit_timed(est, X, y), X_test, y_test) for name, est in models]
    print_table(f"Helmholtz, Dirichlet boundary, {args.resolution} x {args.resolution}, "
                f"{args.epochs} epochs", rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--problem", choices=["darcy", "helmholtz"], default="darcy")
    parser.add_argument("--resolution", type=int, default=None)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--n-test", type=int, default=200)
    parser.add_argument("--budget", type=float, default=900.0, help="seconds per model (darcy)")
    parser.add_argument("--equal-epochs", type=int, default=0, help="also train both this long")
    parser.add_argument("--epochs", type=int, default=30, help="epochs (helmholtz)")
    parser.add_argument("--fno-params", default="{}")
    parser.add_argument("--mgno-params", default="{}")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.resolution is None:
        args.resolution = 65 if args.problem == "darcy" else 33
    fno_params, mgno_params = json.loads(args.fno_params), json.loads(args.mgno_params)
    if args.problem == "darcy":
        darcy(args, fno_params, mgno_params)
    else:
        helmholtz(args, fno_params, mgno_params)


if __name__ == "__main__":
    main()
