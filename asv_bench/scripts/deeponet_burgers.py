"""DeepONet on the FNO paper's Burgers problem, next to FNORegressor on the same split.

Data: ``make_burgers(1200, 256, **fno_burgers_params())`` (nu = 0.1 on a periodic
domain of length 2 pi to t = 1), 1000 train / 200 test. The published DeepONet
figure for this problem is a test relative L2 error of about 0.0028 (FNO: 0.0016).

DeepONet gets a wall-clock budget (default 15 minutes, one torch thread): a short
probe measures its seconds per epoch, then ``max_epochs`` is set so the whole
learning-rate schedule fits the budget. The test error is recorded along the
way (a callback evaluating the model every few epochs), which gives the
error-vs-time curve. FNORegressor runs with its defaults (only ``random_state``).

    python asv_bench/scripts/deeponet_burgers.py [--budget 900] [--params '{...}'] [--no-fno]
                                                 [--augment-shifts K]

``--augment-shifts K`` adds K circular shifts of every training pair (the
periodic Burgers solution operator commutes with translations, so a shifted
pair is exact data): DeepONet, unlike FNO, is not translation-equivariant by
construction, and its overfitting (train error 10x below test) is the gap this
closes or not.
"""

import argparse
import json
import time

import numpy as np
import torch
from skorch.callbacks import Callback

from skop.datasets import fno_burgers_params, make_burgers
from skop.metrics import relative_l2_error
from skop.neural_operator import DeepONetRegressor, FNORegressor

DEFAULTS = dict(periodic_features=16, loss="relative_l2", branch_hidden=(256, 256, 256),
                trunk_hidden=(256, 256, 256), n_basis=128)


def shifted_copies(X, y, k, seed=0):
    """``X, y`` and ``k`` copies, each pair rolled by its own random offset."""
    rng = np.random.default_rng(seed)
    Xs, ys = [X], [y]
    for _ in range(k):
        shifts = rng.integers(1, X.shape[1], size=len(X))
        idx = (np.arange(X.shape[1])[None, :] - shifts[:, None]) % X.shape[1]
        Xs.append(np.take_along_axis(X, idx, axis=1))
        ys.append(np.take_along_axis(y, idx, axis=1))
    return np.concatenate(Xs), np.concatenate(ys)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for DeepONet")
    parser.add_argument("--params", default="{}", help="DeepONetRegressor parameters (JSON)")
    parser.add_argument("--no-fno", action="store_true")
    parser.add_argument("--points", type=int, default=20, help="points on the error curve")
    parser.add_argument("--augment-shifts", type=int, default=0,
                        help="add this many random circular shifts of each training pair")
    args = parser.parse_args()
    torch.set_num_threads(1)
    X, y = make_burgers(1200, 256, random_state=0, **fno_burgers_params())
    X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
    if args.augment_shifts:
        X_train, y_train = shifted_copies(X_train, y_train, args.augment_shifts)
        print(f"training set with {args.augment_shifts} shifted copies: {len(X_train)} pairs")
    params = {**DEFAULTS, **json.loads(args.params)}

    probe = DeepONetRegressor(max_epochs=3, random_state=0, **params)
    t0 = time.perf_counter()
    probe.fit(X_train, y_train)
    per_epoch = (time.perf_counter() - t0) / 3
    epochs = max(3, int(args.budget / (per_epoch * 1.05)))
    every = max(1, epochs // args.points)
    print(f"DeepONet {params}: {per_epoch:.2f} s/epoch -> max_epochs={epochs}", flush=True)

    curve = []

    class Curve(Callback):
        def on_train_begin(self, net, **kwargs):
            self.start = time.perf_counter()

        def on_epoch_end(self, net, **kwargs):
            epoch = len(net.history)
            if epoch % every and epoch != epochs:
                return
            est_state = est.__dict__.copy()
            est.net_ = net  # evaluate the model being trained, through the estimator
            est.device_ = torch.device("cpu")
            err = relative_l2_error(y_test, est.predict(X_test))
            est.__dict__.clear()
            est.__dict__.update(est_state)
            curve.append((time.perf_counter() - self.start, epoch, err))
            print(f"  {curve[-1][0]:7.0f} s  epoch {epoch:5d}  test rel-L2 {err:.3e}", flush=True)

    est = DeepONetRegressor(max_epochs=epochs, random_state=0, callbacks=[("curve", Curve())],
                            **params)
    t0 = time.perf_counter()
    est.fit(X_train, y_train)
    fit_s = time.perf_counter() - t0
    err = relative_l2_error(y_test, est.predict(X_test))
    train_err = relative_l2_error(y_train, est.predict(X_train))
    rows = [("DeepONetRegressor", epochs, err, train_err, fit_s)]

    if not args.no_fno:
        fno = FNORegressor(random_state=0)
        t0 = time.perf_counter()
        fno.fit(X_train, y_train)
        fno_s = time.perf_counter() - t0
        rows.append(("FNORegressor (defaults)", fno.max_epochs,
                     relative_l2_error(y_test, fno.predict(X_test)),
                     relative_l2_error(y_train, fno.predict(X_train)), fno_s))

    print("\n| model | epochs | test rel-L2 | train rel-L2 | fit (s) |")
    print("|---|---|---|---|---|")
    for name, ep, e, tr, s in rows:
        print(f"| {name} | {ep} | {e:.2e} | {tr:.2e} | {s:.0f} |")
    print("\nDeepONet error vs time (s, epoch, test rel-L2):")
    print(json.dumps([(round(t), e, float(f"{v:.4g}")) for t, e, v in curve]))


if __name__ == "__main__":
    main()
