"""FNO training precision and torch.compile on CPU: error and time next to float32.

Burgers data (``make_burgers``, periodic, 128 points), ``FNORegressor`` with the
same seed, data and epochs in each row; one torch thread. bf16 autocast runs on
CPUs (the FFTs stay float32 inside ``SpectralConv``); on GPUs the same options
are the fast path. ``compile=True`` uses inductor (its one-off compile time is
included in the fit time, and reported separately as the first epoch).

    python asv_bench/scripts/fno_precision.py [--epochs 20] [--n-train 400]
"""

import argparse
import time

import numpy as np
import torch

from skop.datasets import make_burgers
from skop.metrics import relative_l2_error
from skop.neural_operator import FNORegressor

VARIANTS = [
    ("float32", dict(precision="float32")),
    ("bf16-mixed", dict(precision="bf16-mixed")),
    ("fp16-mixed", dict(precision="fp16-mixed")),
    ("float32 + compile (inductor)", dict(compile=True)),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--n-train", type=int, default=400)
    parser.add_argument("--n-test", type=int, default=100)
    parser.add_argument("--skip-compile", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    X, y = make_burgers(args.n_train + args.n_test, 128, random_state=0)
    n = args.n_train
    print("| variant | test rel-L2 | fit (s) | first epoch (s) | later epochs (s, mean) |")
    print("|---|---|---|---|---|")
    for name, params in VARIANTS:
        if args.skip_compile and "compile" in params:
            continue
        est = FNORegressor(max_epochs=args.epochs, random_state=0, **params)
        t0 = time.perf_counter()
        est.fit(X[:n], y[:n])
        fit = time.perf_counter() - t0
        durations = [row["dur"] for row in est.history_]
        err = relative_l2_error(y[n:], est.predict(X[n:]))
        print(f"| {name} | {err:.2e} | {fit:.1f} | {durations[0]:.1f} | "
              f"{np.mean(durations[1:]):.2f} |", flush=True)


if __name__ == "__main__":
    main()
