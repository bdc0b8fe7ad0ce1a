"""Overhead of FNORegressor over a hand-written torch loop on the same work.

Both sides train the same module architecture, on the same
standardised data, with the same optimizer, cosine schedule, loss, batch size
and number of epochs; only the loop differs (skorch via skop's base vs. a
plain ``for`` loop). Prints a markdown table.

    python asv_bench/scripts/fno_overhead.py [--epochs 5] [--repeats 3] [--device cpu]

``gpu_checks.py`` runs the same comparison on a GPU through these functions.
"""

import argparse
import copy
import time

import numpy as np
import torch

from skop.datasets import make_burgers
from skop.neural_operator import FNORegressor
from skop.nn import RelativeL2Loss


def hand_loop(module, X, y, epochs, batch_size, lr, weight_decay, seed):
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(module.parameters(), lr=lr, weight_decay=weight_decay)
    n_batches = int(np.ceil(len(X) / batch_size))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * n_batches)
    loss_fn = RelativeL2Loss()
    module.train()
    for _ in range(epochs):
        order = torch.randperm(len(X), device=X.device)
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            opt.zero_grad()
            loss = loss_fn(module(X[idx]), y[idx])
            loss.backward()
            opt.step()
            sched.step()
    return module


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)

    X, y = make_burgers(args.n_train, 256, random_state=0)
    est = FNORegressor(max_epochs=args.epochs, device=args.device, random_state=0)
    est.fit(X[:40], y[:40])  # warm-up: first-call costs of torch
    rows = []
    for rep in range(args.repeats):
        # Alternate which side runs first, so drifts in machine load cancel.
        sides = [lambda: fit_estimator(X, y, args.epochs, rep, args.device),
                 lambda: fit_hand(X, y, args.epochs, rep, args.device)]
        if rep % 2:
            t_hand, t_est = sides[1](), sides[0]()
        else:
            t_est, t_hand = sides[0](), sides[1]()
        rows.append((t_est, t_hand, t_est / t_hand))
        print(f"repeat {rep}: estimator {t_est:.2f} s, hand loop {t_hand:.2f} s, "
              f"ratio {t_est / t_hand:.3f}", flush=True)

    t_est, t_hand, ratio = np.median(np.array(rows), axis=0)
    print()
    print("| n_train | epochs | estimator fit (s, median) | hand-written loop (s, median) "
          "| ratio (median of paired ratios) |")
    print("|---|---|---|---|---|")
    print(f"| {args.n_train} | {args.epochs} | {t_est:.2f} | {t_hand:.2f} | {ratio:.3f} |")


def _synchronize(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def fit_estimator(X, y, epochs, seed, device="cpu"):
    t0 = time.perf_counter()
    FNORegressor(max_epochs=epochs, device=device, random_state=seed).fit(X, y)
    _synchronize(device)
    return time.perf_counter() - t0


def fit_hand(X, y, epochs, seed, device="cpu"):
    # The estimator's architecture and normalisation, with the weights of a
    # 1-epoch fit on 20 samples (initial weights of this scale, same layout).
    est = FNORegressor(max_epochs=epochs, device=device, random_state=seed)
    ref = FNORegressor(max_epochs=1, device=device, random_state=seed).fit(X[:20], y[:20])
    module = copy.deepcopy(ref.module_)
    Xt = torch.as_tensor(X[:, None], dtype=torch.float32, device=device)
    yt = torch.as_tensor(y[:, None], dtype=torch.float32, device=device)
    t0 = time.perf_counter()
    hand_loop(module, Xt, yt, epochs, ref.net_.batch_size, ref.net_.lr, est.weight_decay, seed)
    _synchronize(device)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
