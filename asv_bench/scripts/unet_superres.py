"""Zero-shot super-resolution of a U-Net on Darcy flow: fit at 33 x 33, predict at 65 and 129.

Every data set is solved on one 257-node reference grid, so the 33-, 65- and
129-node data of a seed are the same fields and solutions, subsampled
(``make_darcy(n, 129, reference_resolution=257)[:, ::2, ::2]`` is its 65-node
data, ``[:, ::4, ::4]`` its 33-node data). One UNetOperatorRegressor is
fitted at 33 x 33 nodes and evaluated on the test fields at every grid:

* the U-Net operator (kernels resized to the same physical support and
  rescaled by the cell-area ratio; up-samplings interpolate in and out),
  with bilinear and with Fourier kernel resizing;
* the same trained network with the rescaling switched off (a plain U-Net:
  its kernels are in grid units);
* bilinear interpolation of its 33 x 33 prediction (input subsampled to the
  training grid, output interpolated up);

and the error at 33 x 33 itself. One torch thread.

    python asv_bench/scripts/unet_superres.py [--n-train 800] [--n-test 100] [--epochs 100]

Measured once at a small budget (``--n-train 300 --n-test 50 --epochs 30``,
width 16, depth 3, 5 x 5 kernels; one thread, data 121 s, fit 133 s),
test relative L2:

| grid | U-Net operator (bilinear) | (Fourier) | plain U-Net | bilinear upsampling |
|---|---|---|---|---|
| 33 x 33 (training) | 0.0459 | | | |
| 65 x 65 | 0.0696 | 0.1264 | 0.5276 | 0.0452 |
| 129 x 129 | 0.0761 | 0.1885 | 0.9447 | 0.0449 |

The rescaling keeps the operator (a plain U-Net is 7-12x worse), but on
this smooth target interpolating the coarse prediction is still better.
"""

import argparse
import time
import warnings

import numpy as np
import torch
from torch.nn import functional as F

from skop.datasets import make_darcy
from skop.metrics import relative_l2_error
from skop.neural_operator import UNetOperatorRegressor


def bilinear_upsample(u, n):
    """Node-grid bilinear interpolation of ``(samples, m, m)`` onto ``n x n`` nodes."""
    t = torch.as_tensor(u)[:, None]
    return F.interpolate(t, size=(n, n), mode="bilinear", align_corners=True)[:, 0].numpy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-train", type=int, default=800)
    parser.add_argument("--n-test", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--kernel-size", type=int, default=5)
    parser.add_argument("--reference", type=int, default=257)
    args = parser.parse_args()
    torch.set_num_threads(1)

    t0 = time.perf_counter()
    a_train, u_train = make_darcy(args.n_train, 33, reference_resolution=args.reference,
                                  random_state=0)
    a129, u129 = make_darcy(args.n_test, 129, reference_resolution=args.reference,
                            random_state=1)
    tests = {n: (a129[:, ::s, ::s], u129[:, ::s, ::s]) for n, s in ((33, 4), (65, 2), (129, 1))}
    print(f"data ({args.n_train} train at 33, {args.n_test} test at 129, reference "
          f"{args.reference}): {time.perf_counter() - t0:.0f} s")

    est = UNetOperatorRegressor(width=args.width, depth=args.depth,
                                kernel_size=args.kernel_size, max_epochs=args.epochs,
                                n_spatial_dims=2, grid="nodes", random_state=0)
    t0 = time.perf_counter()
    est.fit(a_train, u_train)
    print(f"fit at 33 x 33 ({args.epochs} epochs, width {args.width}, depth {args.depth}, "
          f"kernel {args.kernel_size}): {time.perf_counter() - t0:.0f} s, "
          f"final training loss {est.loss_curve_[-1]:.4f}")

    a33, u33 = tests[33]
    pred33 = est.predict(a33)
    rows = [("33 x 33 (training grid)", relative_l2_error(u33, pred33), None, None, None)]
    for n in (65, 129):
        a, u = tests[n]
        agnostic = relative_l2_error(u, est.set_params(resize="bilinear").predict(a))
        fourier = relative_l2_error(u, est.set_params(resize="fourier").predict(a))
        est.set_params(resize="bilinear", resolution_agnostic=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "kernels in grid units"
            plain = relative_l2_error(u, est.predict(a))
        est.set_params(resolution_agnostic=True)
        upsampled = relative_l2_error(u, bilinear_upsample(pred33, n))
        rows.append((f"{n} x {n} (zero-shot)", agnostic, fourier, plain, upsampled))

    print("\n| grid | U-Net operator (bilinear) | U-Net operator (Fourier) | plain U-Net, "
          "same weights | bilinear upsampling of the 33 x 33 prediction |\n|---|---|---|---|---|")
    for name, *errors in rows:
        cells = " | ".join("" if e is None else f"{e:.4f}" for e in errors)
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    main()
