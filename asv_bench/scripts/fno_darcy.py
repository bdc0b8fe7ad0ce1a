"""FNO on Darcy flow: test error against epochs, and zero-shot super-resolution.

Darcy data (-div(a grad u) = 1, u = 0 on the boundary, piecewise-constant
a in {3, 12}) come from skop's finite-difference solver on a finer reference
grid. Two experiments, CPU, one torch thread:

``curve``   1000 train / 200 test at 64 x 64: test relative L2 every few epochs
            (a skorch callback passed through ``callbacks=``).
``superres`` fit at 33 x 33, predict at 65 x 65 (both nested in one 129 x 129
            reference), against bilinear upsampling of the 33 x 33 prediction.

    python asv_bench/scripts/fno_darcy.py curve --epochs 60
    python asv_bench/scripts/fno_darcy.py superres --epochs 60 [--grid periodic]
        [--padding even --modes 22]
"""

import argparse
import time

import numpy as np
import torch
from scipy.interpolate import RegularGridInterpolator
from skorch.callbacks import Callback

from skop.datasets import make_darcy
from skop.metrics import relative_l2_error
from skop.neural_operator import FNORegressor

# The FNO paper's Darcy model (12 modes, width 32, 4 layers, padding ~0.1),
# with a 64-channel projection: the 128-channel one of the paper costs 1.5x per
# epoch on CPU, where the budget is epochs.
# Darcy grids are node grids (x_i = i / (n - 1), boundary included): grid="nodes"
# gives the coordinates and the padded period one physical meaning at every
# resolution.
FNO_PARAMS = dict(n_modes=12, width=32, n_layers=4, projection_channels=64,
                  domain_padding=0.1, batch_size=20, lr=1e-3, n_spatial_dims=2,
                  random_state=0)


class TestError(Callback):
    """Record the test relative L2 error every ``every`` epochs."""

    def __init__(self, X, y, every):
        self.X, self.y, self.every = X, y, every

    def initialize(self):
        self.curve_ = []
        self.start_ = time.perf_counter()
        return self

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        if epoch % self.every and epoch != net.max_epochs:
            return
        net.module_.eval()
        with torch.no_grad():
            X = torch.as_tensor(self.X[:, None], dtype=torch.float32)
            pred = torch.cat([net.module_(b) for b in X.split(100)])[:, 0].numpy()
        net.module_.train()
        err = relative_l2_error(self.y, pred)
        self.curve_.append((epoch, time.perf_counter() - self.start_, err))
        print(f"epoch {epoch:4d}  {self.curve_[-1][1]:7.1f} s  test rel-L2 {err:.4f}",
              flush=True)


def curve(args):
    t0 = time.perf_counter()
    a, u = make_darcy(args.n_train + args.n_test, args.resolution, random_state=0)
    print(f"make_darcy({args.n_train + args.n_test}, {args.resolution}): "
          f"{time.perf_counter() - t0:.1f} s")
    a_tr, u_tr, a_te, u_te = a[:args.n_train], u[:args.n_train], a[args.n_train:], u[args.n_train:]
    tracker = TestError(a_te, u_te, every=args.every)
    est = FNORegressor(max_epochs=args.epochs, callbacks=[tracker], grid=args.grid,
                       **FNO_PARAMS)
    t0 = time.perf_counter()
    est.fit(a_tr, u_tr)
    fit_time = time.perf_counter() - t0
    err = relative_l2_error(u_te, est.predict(a_te))
    used = [cb for _, cb in est.net_.callbacks_ if isinstance(cb, TestError)][0]
    print("\n| epoch | time (s) | test relative L2 |\n|---|---|---|")
    for epoch, seconds, e in used.curve_:
        print(f"| {epoch} | {seconds:.0f} | {e:.4f} |")
    print(f"\nfinal (float64 predict): test relative L2 {err:.4f}, fit {fit_time:.0f} s")


def bilinear_upsample(u, fine):
    coarse = np.linspace(0, 1, u.shape[-1])
    target = np.linspace(0, 1, fine)
    mesh = np.stack(np.meshgrid(target, target, indexing="ij"), axis=-1)
    return np.stack([RegularGridInterpolator((coarse, coarse), s)(mesh) for s in u])


def superres(args):
    a, u = make_darcy(args.n_train + args.n_test, 65, random_state=0)
    a33, u33 = a[:, ::2, ::2], u[:, ::2, ::2]
    n = args.n_train
    params = {**FNO_PARAMS, "domain_padding": args.padding}
    if args.modes:
        params["n_modes"] = args.modes
    est = FNORegressor(max_epochs=args.epochs, grid=args.grid, **params)
    t0 = time.perf_counter()
    est.fit(a33[:n], u33[:n])
    print(f"fit at 33 x 33: {time.perf_counter() - t0:.0f} s")
    pred33 = est.predict(a33[n:])
    pred65 = est.predict(a[n:])
    rows = [
        ("FNO at the training grid 33 x 33", relative_l2_error(u33[n:], pred33)),
        ("FNO zero-shot at 65 x 65", relative_l2_error(u[n:], pred65)),
        ("bilinear upsampling of the 33 x 33 prediction to 65 x 65",
         relative_l2_error(u[n:], bilinear_upsample(pred33, 65))),
        ("bilinear upsampling of the true 33 x 33 solution to 65 x 65",
         relative_l2_error(u[n:], bilinear_upsample(u33[n:], 65))),
        # Why zero-shot loses: the same model at 65 x 65, fed the 33 x 33
        # permeability interpolated to 65 x 65 instead of the sharp 65 x 65 one.
        ("FNO at 65 x 65 on the bilinearly upsampled 33 x 33 input",
         relative_l2_error(u[n:], est.predict(bilinear_upsample(a33[n:], 65)))),
        ("FNO at 65 x 65, subsampled to 33 x 33, against the 33 x 33 truth",
         relative_l2_error(u33[n:], pred65[:, ::2, ::2])),
    ]
    print("\n| prediction | test relative L2 |\n|---|---|")
    for name, err in rows:
        print(f"| {name} | {err:.4f} |")


def _padding(text):
    return text if text == "even" else float(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("experiment", choices=["curve", "superres"])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--n-test", type=int, default=200)
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--padding", type=_padding, default=0.1,
                        help="domain_padding of the superres experiment (a fraction, or 'even')")
    parser.add_argument("--modes", type=int, default=None,
                        help="n_modes of the superres experiment (default 12)")
    parser.add_argument("--grid", choices=["nodes", "periodic"], default="nodes",
                        help="grid convention given to FNORegressor (Darcy data: nodes)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    {"curve": curve, "superres": superres}[args.experiment](args)


if __name__ == "__main__":
    main()
