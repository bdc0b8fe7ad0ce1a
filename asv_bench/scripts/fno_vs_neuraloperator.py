"""skop's FNORegressor against neuraloperator 2.0's FNO on small 2-D Darcy flow.

Both sides train on the same arrays (``skop.datasets.make_darcy``, 16 x 16 node
grids by default), for the same number of epochs on the same number of torch
threads, and are evaluated on the same test set at the training resolution and
zero-shot at twice the resolution (32 x 32; the same fields, a finer grid of the
same domain). Printed as a markdown table:

* rel-L2 at the training resolution,
* rel-L2 zero-shot at the fine resolution (the model evaluated on the fine grid),
* rel-L2 of the coarse prediction upsampled bilinearly to the fine grid (node
  grids: corners map to corners),
* fit time, and the ratio skop / neuraloperator.

neuraloperator is never a dependency of skop: its side runs in a subprocess with
the python of a separate environment, the data travel as ``.npz`` through a
temporary directory, and the peer's training loop is written out here (its
``FNO`` module, ``H1Loss`` / ``LpLoss``, AdamW and a cosine schedule stepped per
epoch, outputs standardised channel-wise as in its Darcy example). Set up that
environment once::

    python -m venv /work/nop-env
    /work/nop-env/bin/pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
    /work/nop-env/bin/pip install "neuraloperator==2.0.*"

Run (one torch thread, about 10 minutes with the defaults)::

    python asv_bench/scripts/fno_vs_neuraloperator.py --neuralop-python /work/nop-env/bin/python

``--seeds 0 1 2`` repeats both fits per seed and adds the means;
``--skop-params '{"width": 24, "batch_size": 32, "lr": 1e-2, "loss": "h1"}'``
overrides FNORegressor's parameters (JSON); ``--no-peer`` runs skop alone and
``--no-skop`` the peer alone. ``--data`` caches the data set as ``.npz`` (the
default lies under the system's temporary directory; nothing is downloaded).

Note on ``n_modes``: the two libraries count modes differently. skop's
``n_modes=k`` keeps ``k`` non-negative and ``k`` negative frequencies on every
axis but the last (``2k`` rows, ``k`` columns of the real FFT); neuraloperator's
``n_modes=m`` keeps ``m`` centred frequencies ``-m/2 .. m/2 - 1`` (``m`` rows) and
``m // 2 + 1`` columns. So skop's ``k`` is neuraloperator's ``2k``: ``--modes 4``
(the default) gives skop 8 x 4 modes and, through ``--peer-modes`` (default
``2 * --modes``), neuraloperator 8 x 5. Passing the same number to both (e.g.
``--modes 8 --peer-modes 8``) gives skop about three times the modes (16 x 8 against 8 x 5): on a 16 x 16 grid
that is the whole spectrum, which costs time and zero-shot accuracy.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

PEER_SCRIPT = r'''
import json, sys, time
import numpy as np
import torch
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg["threads"])
torch.manual_seed(cfg["seed"])
from neuralop.models import FNO
from neuralop.losses import H1Loss, LpLoss

data = np.load(cfg["data"])
a = torch.tensor(data["a_train"], dtype=torch.float32)[:, None]
u = torch.tensor(data["u_train"], dtype=torch.float32)[:, None]
# Channel-wise standardisation (neuraloperator's UnitGaussianNormalizer with
# dim=[0, 2, 3]); the Darcy example encodes the outputs, optionally the inputs.
a_loc, a_scale = a.mean(), a.std()
u_loc, u_scale = u.mean(), u.std()
if not cfg["encode_input"]:
    a_loc, a_scale = torch.tensor(0.0), torch.tensor(1.0)
a_n, u_n = (a - a_loc) / a_scale, (u - u_loc) / u_scale

model = FNO(n_modes=(cfg["modes"], cfg["modes"]), in_channels=1, out_channels=1,
            **cfg["model"])
opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg["epochs"])
loss_fn = H1Loss(d=2) if cfg["loss"] == "h1" else LpLoss(d=2, p=2)
n = len(a)
start = time.perf_counter()
model.train()
for epoch in range(cfg["epochs"]):
    order = torch.randperm(n)
    for s in range(0, n, cfg["batch_size"]):
        idx = order[s:s + cfg["batch_size"]]
        opt.zero_grad()
        loss = loss_fn(model(a_n[idx]), u_n[idx])
        loss.backward()
        opt.step()
    sched.step()
fit_time = time.perf_counter() - start
model.eval()
out = {"fit_time": fit_time,
       "n_params": sum(p.numel() for p in model.parameters())}
with torch.no_grad():
    for key in cfg["predict"]:
        x = torch.tensor(data[key], dtype=torch.float32)[:, None]
        pred = model((x - a_loc) / a_scale) * u_scale + u_loc
        np.save(cfg["out"] + f"_{key}.npy", pred[:, 0].double().numpy())
print(json.dumps(out))
'''


def relative_l2(y_true, y_pred):
    diff = np.linalg.norm((y_pred - y_true).reshape(len(y_true), -1), axis=1)
    return float(np.mean(diff / np.linalg.norm(y_true.reshape(len(y_true), -1), axis=1)))


def upsample_nodes(u, n_fine):
    """Bilinear interpolation between node grids ``x_i = i / (n - 1)``."""
    import torch
    from torch.nn import functional as F
    t = torch.as_tensor(u, dtype=torch.float64)[:, None]
    return F.interpolate(t, size=(n_fine, n_fine), mode="bilinear",
                         align_corners=True)[:, 0].numpy()


def make_data(path, n_train, n_test, coarse, fine):
    if os.path.exists(path):
        data = np.load(path)
        if (len(data["a_train"]) == n_train and len(data["a_test"]) == n_test
                and data["a_train"].shape[-1] == coarse and data["a_fine"].shape[-1] == fine):
            return path
    from skop.datasets import make_darcy
    a, u = make_darcy(n_train, coarse, random_state=0)
    a_test, u_test = make_darcy(n_test, coarse, random_state=1)
    a_fine, u_fine = make_darcy(n_test, fine, random_state=1)  # the same fields
    np.savez(path, a_train=a, u_train=u, a_test=a_test, u_test=u_test,
             a_fine=a_fine, u_fine=u_fine)
    return path


def run_skop(data, args):
    import torch

    from skop.neural_operator import FNORegressor
    torch.set_num_threads(args.threads)
    params = dict(n_modes=args.modes, max_epochs=args.epochs, random_state=args.seed)
    params.update(json.loads(args.skop_params))
    if "n_spatial_dims" in FNORegressor().get_params():
        params.setdefault("n_spatial_dims", 2)  # (n, 16, 16) could also read as 1-D
    elif isinstance(params["n_modes"], int):  # older skop: a tuple says the data are 2-D
        params["n_modes"] = (params["n_modes"],) * 2
    est = FNORegressor(**params)
    start = time.perf_counter()
    est.fit(data["a_train"], data["u_train"])
    fit_time = time.perf_counter() - start
    n_params = sum(p.numel() for p in est.module_.parameters())
    return est.predict(data["a_test"]), est.predict(data["a_fine"]), fit_time, n_params, params


def run_peer(data_path, args, tmp):
    model = dict(hidden_channels=24, n_layers=4, lifting_channel_ratio=2,
                 projection_channel_ratio=2, positional_embedding="grid")
    model.update(json.loads(args.peer_model))
    cfg = dict(data=data_path, out=os.path.join(tmp, "peer"), threads=args.threads,
               seed=args.seed, modes=args.peer_modes or 2 * args.modes, epochs=args.epochs,
               batch_size=args.peer_batch_size, lr=args.peer_lr, weight_decay=1e-4,
               loss=args.peer_loss, encode_input=args.peer_encode_input, model=model,
               predict=["a_test", "a_fine"])
    script = os.path.join(tmp, "peer_fno.py")
    with open(script, "w") as f:
        f.write(PEER_SCRIPT)
    proc = subprocess.run([args.neuralop_python, script, json.dumps(cfg)],
                          capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise RuntimeError("the neuraloperator side failed")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    pred = np.load(cfg["out"] + "_a_test.npy")
    pred_fine = np.load(cfg["out"] + "_a_fine.npy")
    return pred, pred_fine, info["fit_time"], info["n_params"], cfg


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neuralop-python", default="/work/nop-env/bin/python",
                        help="python of the environment that has neuraloperator 2.0")
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--n-test", type=int, default=200)
    parser.add_argument("--resolution", type=int, default=16)
    parser.add_argument("--fine-resolution", type=int, default=32)
    parser.add_argument("--modes", type=int, default=4, help="skop's n_modes")
    parser.add_argument("--peer-modes", type=int, default=None,
                        help="neuraloperator's n_modes (default: 2 * --modes)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="seeds of the model initialisation and shuffling (both sides)")
    parser.add_argument("--skop-params", default="{}",
                        help="JSON dict of FNORegressor parameters")
    parser.add_argument("--peer-model", default="{}",
                        help="JSON dict of neuralop FNO parameters (e.g. use_channel_mlp)")
    parser.add_argument("--peer-batch-size", type=int, default=32)
    parser.add_argument("--peer-lr", type=float, default=1e-2)
    parser.add_argument("--peer-loss", choices=["h1", "l2"], default="h1")
    parser.add_argument("--peer-encode-input", action="store_true")
    parser.add_argument("--data", default=None, help="cache .npz of the data set")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-skop", action="store_true")
    args = parser.parse_args()

    data_path = args.data or os.path.join(
        tempfile.gettempdir(),
        f"skop_darcy_{args.n_train}_{args.n_test}_{args.resolution}_{args.fine_resolution}.npz")
    make_data(data_path, args.n_train, args.n_test, args.resolution, args.fine_resolution)
    data = np.load(data_path)
    u_test, u_fine = data["u_test"], data["u_fine"]

    r, rf = args.resolution, args.fine_resolution
    print(f"\nDarcy {r} x {r} -> zero-shot {rf} x {rf}; {args.n_train} train / {args.n_test} "
          f"test, {args.epochs} epochs, {args.threads} thread(s)\n")
    print(f"| model | seed | params | rel-L2 @{r} | rel-L2 @{rf} zero-shot | bilinear {r}->{rf} "
          f"| fit s |")
    print("|---|---|---|---|---|---|---|")
    results, settings = {}, {}
    for seed in args.seeds:
        args.seed = seed
        rows = []
        if not args.no_skop:
            pred, pred_fine, t, n_params, params = run_skop(data, args)
            rows.append(("skop FNORegressor", pred, pred_fine, t, n_params, params))
        if not args.no_peer:
            with tempfile.TemporaryDirectory() as tmp:
                pred, pred_fine, t, n_params, cfg = run_peer(data_path, args, tmp)
            rows.append(("neuraloperator FNO", pred, pred_fine, t, n_params,
                         {"n_modes": cfg["modes"], **cfg["model"], "batch_size": cfg["batch_size"],
                          "lr": cfg["lr"], "loss": cfg["loss"]}))
        for name, pred, pred_fine, t, n_params, setting in rows:
            errors = (relative_l2(u_test, pred), relative_l2(u_fine, pred_fine),
                      relative_l2(u_fine, upsample_nodes(pred, rf)), t)
            results.setdefault(name, []).append(errors)
            settings[name] = setting
            print(f"| {name} | {seed} | {n_params} | {errors[0]:.4f} | {errors[1]:.4f} | "
                  f"{errors[2]:.4f} | {t:.0f} |", flush=True)
    if len(args.seeds) > 1:
        for name, rows in results.items():
            mean = np.mean(rows, axis=0)
            print(f"| {name} | mean | | {mean[0]:.4f} | {mean[1]:.4f} | {mean[2]:.4f} | "
                  f"{mean[3]:.0f} |")
    if len(results) == 2:
        (_, a), (_, b) = results.items()
        ratio = sum(row[3] for row in a) / sum(row[3] for row in b)
        print(f"\ntime ratio skop / neuraloperator (all seeds): {ratio:.2f}")
    for name, setting in settings.items():
        print(f"{name}: {setting}")


if __name__ == "__main__":
    main()
