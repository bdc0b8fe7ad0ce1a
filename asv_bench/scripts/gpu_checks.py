"""The GPU checks no CPU test can make, in one short script for a session that has a GPU.

Each check prints one line ``name: ok | FAIL ...`` with its numbers; the exit
status is the number of failures. Sizes are small (the whole script is meant
to take a few minutes on one GPU, including CUDA start-up):

* acoustics: ``make_acoustic_source(device="cuda")`` equals the CPU result (float64, 1e-12);
* FNO: float32 / bf16-mixed / fp16-mixed fits on CUDA reach the CPU float32 error
  (within 1.5x) and report their fit times;
* DeepONet / MgNO: a CUDA fit matches the CPU fit's error (within 1.5x);
* pickling: a CUDA-trained estimator unpickled with CUDA hidden predicts on the CPU
  (the ``__setstate__`` path simulated in the CPU suite);
* skop.io: a CUDA-trained estimator saved with :func:`skop.io.save` loads in a
  process with CUDA hidden and predicts what it predicted on the GPU;
* the other torch estimators (U-Net operator, LSM, learned proximal network
  with early stopping, learned spectral basis, random-weight network, pooled
  naive Bayes, Lion-K): a CUDA fit matches the CPU fit;
* ``compile=True`` (inductor) on CUDA fits to the float32 error;
* overhead: FNORegressor against a hand-written torch loop, both on the GPU;
* speed: seconds per epoch on one CPU thread against the GPU (float32, bf16).

    python asv_bench/scripts/gpu_checks.py [--device cuda] [--only persistence,others]

On a machine without CUDA, ``--device cpu`` runs the same code on the CPU (a
smoke test of the script itself).
"""

import argparse
import pickle
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

import skop.io
from skop.datasets import (make_acoustic_source, make_antiderivative, make_burgers, make_circle,
                           make_darcy, manifold_eigenfunctions)
from skop.inverse import LearnedProximalNetwork
from skop.manifold import LearnedSpectralBasis
from skop.metrics import relative_l2_error
from skop.naive_bayes import PooledGaussianNB
from skop.neural_network import RandomWeightNetRegressor
from skop.neural_operator import (DeepONetRegressor, FNORegressor, LSMRegressor, MgNORegressor,
                                  UNetOperatorRegressor)

from fno_overhead import fit_estimator, fit_hand  # beside this script

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


def _cpu_vs_device(name, make, fit, error, device, factor=1.5, slack=1e-3):
    results = {}
    for dev in ("cpu", device):
        est = make(dev)
        t = timed_fit(est, *fit)
        results[dev] = (float(error(est)), round(t, 2))
    check(name, results[device][0] <= factor * results["cpu"][0] + slack,
          f"error / fit s: cpu {results['cpu']}, {device} {results[device]}")
    return est


def other_estimators(device):
    a, u = make_darcy(100, 17, random_state=0)
    grid = dict(n_spatial_dims=2, grid="nodes", random_state=0)
    _cpu_vs_device("UNetOperator", lambda d: UNetOperatorRegressor(
        width=8, depth=2, kernel_size=5, lr=3e-3, max_epochs=20, device=d, **grid),
        (a[:80], u[:80]), lambda e: relative_l2_error(u[80:], e.predict(a[80:])), device)
    _cpu_vs_device("LSM", lambda d: LSMRegressor(
        width=8, n_heads=2, lr=3e-3, max_epochs=15, device=d, **grid),
        (a[:80], u[:80]), lambda e: relative_l2_error(u[80:], e.predict(a[80:])), device)
    # Early stopping draws the validation noise on the training device.
    rng = np.random.default_rng(0)
    clean = rng.normal(size=(600, 4)) @ rng.normal(size=(4, 16)) / 2
    noisy = clean + 0.3 * rng.normal(size=clean.shape)
    _cpu_vs_device("LPN (early stopping)", lambda d: LearnedProximalNetwork(
        sigma=0.3, hidden=32, max_epochs=30, lr=3e-3, early_stopping=True, device=d,
        random_state=0), (clean,),
        lambda e: np.mean((e.transform(noisy) - clean) ** 2), device, slack=1e-2)
    X, theta = make_circle(200, random_state=0)
    phi, _ = manifold_eigenfunctions("circle", theta, 5)

    def subspace_gap(e):
        qa, qb = np.linalg.qr(phi)[0], np.linalg.qr(e.basis_)[0]
        return 1 - np.linalg.svd(qa.T @ qb, compute_uv=False).min()
    _cpu_vs_device("LearnedSpectralBasis", lambda d: LearnedSpectralBasis(
        n_components=5, max_epochs=200, device=d, random_state=0), (X,), subspace_gap,
        device, slack=5e-3)
    x = np.linspace(-1, 1, 400)[:, None]
    f = np.sin(6 * x[:, 0])
    _cpu_vs_device("RandomWeightNet", lambda d: RandomWeightNetRegressor(
        300, bandwidth=10.0, alpha=1e-10, device=d, random_state=0), (x, f),
        lambda e: np.sqrt(np.mean((e.predict(x) - f) ** 2)), device, slack=1e-5)
    Xc = rng.normal(size=(2000, 6)) + np.repeat(np.eye(6)[:2], 1000, axis=0) * 2
    yc = np.repeat([0, 1], 1000)
    _cpu_vs_device("PooledGaussianNB", lambda d: PooledGaussianNB(device=d), (Xc, yc),
                   lambda e: 1 - e.score(Xc, yc), device, factor=1.0, slack=1e-3)
    Xb, yb = make_burgers(300, 128, random_state=0)
    _cpu_vs_device("FNO with Lion-K", lambda d: FNORegressor(
        optimizer="lion", lr=3e-4, max_epochs=15, device=d, random_state=0),
        (Xb[:250], yb[:250]), lambda e: relative_l2_error(yb[250:], e.predict(Xb[250:])), device)


def compile_on_device(device):
    X, y = make_burgers(300, 128, random_state=0)
    errors = {}
    for compiled in (False, True):
        est = FNORegressor(max_epochs=10, compile=compiled, device=device, random_state=0)
        t = timed_fit(est, X[:250], y[:250])
        errors[compiled] = (relative_l2_error(y[250:], est.predict(X[250:])), round(t, 1))
    check("FNO compile=True", errors[True][0] < 1.5 * errors[False][0],
          f"rel-L2 / fit s: eager {errors[False]}, compiled {errors[True]}")


def skop_io_without_cuda(est):
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/fno"
        skop.io.save(est, path)
        X = np.random.default_rng(1).normal(size=(3, 128))
        np.save(f"{tmp}/X.npy", X)
        expected = est.predict(X)
        code = ("import os, sys, numpy as np; os.environ['CUDA_VISIBLE_DEVICES'] = ''; "
                "import skop.io; est = skop.io.load(sys.argv[1]); "
                "np.save(sys.argv[2], est.predict(np.load(sys.argv[3]))); print(est.device_)")
        out = subprocess.run([sys.executable, "-c", code, path, f"{tmp}/P.npy", f"{tmp}/X.npy"],
                             capture_output=True, text=True)
        if out.returncode:
            return check("skop.io load on a CPU-only process", False, out.stderr[-400:])
        diff = float(np.abs(np.load(f"{tmp}/P.npy") - expected).max())
        check("skop.io load on a CPU-only process", diff < 1e-4,
              f"device {out.stdout.strip()}, max |cpu - gpu prediction| = {diff:.1e}")


def overhead_on_device(device, epochs=5):
    # fno_overhead.py's comparison (same module, data, optimizer, schedule) on the device.
    X, y = make_burgers(1000, 256, random_state=0)
    FNORegressor(max_epochs=1, device=device, random_state=0).fit(X[:40], y[:40])  # warm-up
    rows = [fit_estimator(X, y, epochs, rep, device) / fit_hand(X, y, epochs, rep, device)
            for rep in range(3)]
    print(f"overhead: estimator / hand loop on {device}, Burgers 1000 x 256, {epochs} epochs: "
          f"{', '.join(f'{r:.2f}' for r in rows)} (median {np.median(rows):.2f})", flush=True)


def speed(device):
    # Seconds per epoch (the mean over the epochs after the first).
    a, u = make_darcy(500, 64, random_state=0)
    kw = dict(width=32, n_modes=12, n_spatial_dims=2, grid="nodes", random_state=0)
    per_epoch = {}
    for label, dev, precision, epochs in (("cpu, 1 thread", "cpu", "float32", 2),
                                          (f"{device} float32", device, "float32", 5),
                                          (f"{device} bf16-mixed", device, "bf16-mixed", 5)):
        est = FNORegressor(device=dev, precision=precision, max_epochs=epochs, **kw).fit(a, u)
        per_epoch[label] = np.mean([row["dur"] for row in est.history_[1:]])
    base = per_epoch["cpu, 1 thread"]
    print("speed: FNO 2-D Darcy 500 x 64 x 64, width 32, s / epoch: " + ", ".join(
        f"{k} {v:.3f} ({base / v:.0f}x)" for k, v in per_epoch.items()), flush=True)


def persistence(device):
    # A CUDA-trained FNO with early stopping (validation data and weight
    # snapshots on the device), loaded by pickle and by skop.io with CUDA hidden.
    X, y = make_burgers(120, 128, random_state=0)
    est = FNORegressor(max_epochs=4, early_stopping=True, precision="fp16-mixed",
                       device=device, random_state=0).fit(X, y)
    unpickle_without_cuda(est)
    skop_io_without_cuda(est)


CHECKS = {"acoustics": acoustics, "fno": fno, "deeponet_mgno": deeponet_and_mgno,
          "persistence": persistence, "others": other_estimators,
          "compile": compile_on_device, "overhead": overhead_on_device, "speed": speed}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--only", default=",".join(CHECKS),
                        help=f"comma-separated subset of {', '.join(CHECKS)}")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, device {args.device}, "
          f"cuda available: {torch.cuda.is_available()}", flush=True)
    for name in args.only.split(","):
        CHECKS[name](args.device)
    sys.exit(len(FAILURES))


if __name__ == "__main__":
    main()
