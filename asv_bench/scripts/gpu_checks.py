"""The GPU checks no CPU test can make, in one short script for a session that has a GPU.

Each check prints one line ``name: ok | FAIL ...`` with its numbers; the exit
status is the number of failures. Sizes are small (the whole script is meant
to take a few minutes on one GPU, including CUDA start-up):

* acoustics: ``make_acoustic_source(device="cuda")`` equals the CPU result (float64, 1e-12);
* FNO: float32 / bf16-mixed / fp16-mixed fits on CUDA reach the CPU float32 error
  (within 1.5x) and report their fit times;
* DeepONet / MgNO: a CUDA fit matches the CPU fit's error (within 1.5x);
* pickling: a CUDA-trained estimator unpickled with CUDA hidden predicts on the CPU
  (the ``__setstate__`` path simulated in the CPU suite).

    python asv_bench/scripts/gpu_checks.py [--device cuda]

On a machine without CUDA, ``--device cpu`` runs the same code on the CPU (a
smoke test of the script itself).
"""

import argparse
import pickle
import subprocess
import sys
import time

import numpy as np
import torch

from skop.datasets import make_acoustic_source, make_antiderivative, make_burgers, make_darcy
from skop.metrics import relative_l2_error
from skop.neural_operator import DeepONetRegressor, FNORegressor, MgNORegressor

FAILURES = []


def check(name, ok, detail):
    print(f"{name}: {'ok' if ok else 'FAIL'} {detail}", flush=True)
    if not ok:
        FAILURES.append(name)


def timed_fit(est, *args, **kwargs):
    t0 = time.perf_counter()
    est.fit(*args, **kwargs)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def acoustics(device):
    kw = dict(resolution=81, output_resolution=11, n_times=6, random_state=0)
    _, y_cpu, _ = make_acoustic_source(8, device="cpu", **kw)
    _, y_dev, _ = make_acoustic_source(8, device=device, **kw)
    diff = float(np.abs(y_dev - y_cpu).max())
    check("acoustics solver", diff < 1e-12, f"max |device - cpu| = {diff:.1e}")


def fno(device):
    X, y = make_burgers(300, 128, random_state=0)
    base = dict(max_epochs=15, random_state=0)
    ref = FNORegressor(device="cpu", **base)
    t_cpu = timed_fit(ref, X[:250], y[:250])
    e_cpu = relative_l2_error(y[250:], ref.predict(X[250:]))
    for precision in ("float32", "bf16-mixed", "fp16-mixed"):
        est = FNORegressor(device=device, precision=precision, **base)
        t = timed_fit(est, X[:250], y[:250])
        e = relative_l2_error(y[250:], est.predict(X[250:]))
        check(f"FNO {precision}", e < 1.5 * e_cpu,
              f"rel-L2 {e:.2e} (cpu float32 {e_cpu:.2e}), fit {t:.1f} s (cpu {t_cpu:.1f} s)")
    return est


def deeponet_and_mgno(device):
    X, y, P = make_antiderivative(250, random_state=0)
    kw = dict(max_epochs=200, random_state=0)
    errors = {}
    for dev in ("cpu", device):
        est = DeepONetRegressor(device=dev, **kw)
        t = timed_fit(est, X[:200], y[:200], query_points=P)
        errors[dev] = (relative_l2_error(y[200:], est.predict(X[200:])), t)
    check("DeepONet", errors[device][0] < 1.5 * errors["cpu"][0] + 1e-3,
          f"rel-L2 / fit s: cpu {errors['cpu']}, {device} {errors[device]}")
    a, u = make_darcy(120, 17, random_state=0)
    kw = dict(max_epochs=10, n_spatial_dims=2, grid="nodes", random_state=0)
    errors = {}
    for dev in ("cpu", device):
        est = MgNORegressor(device=dev, **kw)
        t = timed_fit(est, a[:100], u[:100])
        errors[dev] = (relative_l2_error(u[100:], est.predict(a[100:])), t)
    check("MgNO", errors[device][0] < 1.5 * errors["cpu"][0],
          f"rel-L2 / fit s: cpu {errors['cpu']}, {device} {errors[device]}")


def unpickle_without_cuda(est):
    # A fresh interpreter with CUDA hidden loads the model and predicts.
    blob = pickle.dumps(est)
    code = ("import os, pickle, sys, numpy as np; os.environ['CUDA_VISIBLE_DEVICES'] = ''; "
            "est = pickle.loads(sys.stdin.buffer.read()); "
            "print(est.device_, np.isfinite(est.predict(np.zeros((2, 128)))).all())")
    out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True)
    text = out.stdout.decode().strip()
    check("unpickle on a CPU-only process", out.returncode == 0 and text.endswith("True"),
          text or out.stderr.decode()[-300:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, device {args.device}, "
          f"cuda available: {torch.cuda.is_available()}", flush=True)
    acoustics(args.device)
    est = fno(args.device)
    deeponet_and_mgno(args.device)
    unpickle_without_cuda(est)
    sys.exit(len(FAILURES))


if __name__ == "__main__":
    main()
