"""FNO on Burgers (the FNO paper's regime) trained with AdamW and with Lion-K, same epochs.

    python asv_bench/scripts/lion_vs_adamw.py [--epochs 50] [--n-train 1000]

Reports held-out relative L2 per optimizer and learning rate (each optimizer's
best rate over a small grid is its score) and the ratio to AdamW.
"""
import argparse
import time

import torch

from skop.datasets import fno_burgers_params, make_burgers
from skop.metrics import relative_l2_error
from skop.neural_operator import FNORegressor

GRID = {"adamw": [1e-3, 3e-3], "lion": [1e-4, 3e-4, 1e-3], "lion-nuclear": [3e-3, 1e-2, 3e-2]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--resolution", type=int, default=256)
    args = parser.parse_args()
    torch.set_num_threads(1)
    X, y = make_burgers(args.n_train + 200, args.resolution, random_state=0, **fno_burgers_params())
    X_train, y_train, X_test, y_test = X[:args.n_train], y[:args.n_train], X[args.n_train:], y[args.n_train:]
    best = {}
    for optimizer, rates in GRID.items():
        name, _, direction = optimizer.partition("-")
        for lr in rates:
            t0 = time.perf_counter()
            model = FNORegressor(max_epochs=args.epochs, random_state=0, optimizer=name, lr=lr,
                                 weight_decay=1e-4 if name == "adamw" else 1e-3,
                                 optimizer_kwargs={"direction": direction} if direction else None)
            model.fit(X_train, y_train)
            err = float(relative_l2_error(y_test, model.predict(X_test)))
            print(f"{optimizer:>13} lr={lr:g}: rel-L2 {err:.4g}  ({time.perf_counter() - t0:.0f} s)",
                  flush=True)
            best[optimizer] = min(best.get(optimizer, float("inf")), err)
    for optimizer, err in best.items():
        print(f"best {optimizer}: {err:.4g}  ratio to AdamW {err / best['adamw']:.2f}")


if __name__ == "__main__":
    main()
