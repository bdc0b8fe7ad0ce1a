"""skop's DeepONetRegressor against DeepXDE 1.15's DeepONetCartesianProd on the antiderivative.

Both sides train on the same arrays: ``skop.datasets.make_antiderivative`` (the
operator ``u -> int_0^x u``), 100 sensor values per input function and the
antiderivative at 100 shared points (``points`` of shape ``(100, 1)``); 150
training functions (``random_state=0``) and 1000 test functions
(``random_state=1``) by default, the sizes of DeepXDE's antiderivative
example. One torch thread on both sides. Printed as a markdown table:

* library / configuration, trainable parameters,
* optimizer steps (and epochs for skop),
* test rel-L2: the mean over test functions of ``||pred - true||_2 / ||true||_2``
  (``skop.metrics.relative_l2_error``; the same formula is written out in numpy
  on the peer side, and equals DeepXDE's ``"mean l2 relative error"`` metric),
* fit time (skop: ``fit``; DeepXDE: ``model.train``), wall clock,
* compile / setup time (DeepXDE: ``model.compile``; skop builds its network
  inside ``fit``, so that time is part of its fit time). Nearly all of
  DeepXDE's 1-2 s of compile is torch's one-off lazy import of ``torch._dynamo``
  on the first ``torch.optim.Adam(...)`` of a process, a second compile takes
  under a millisecond; the skop process constructs one throw-away Adam before
  its first fit so that the same one-off cost stays out of skop's fit time,
* the ratio of fit times skop / DeepXDE.

Rows:

1. ``skop (matched)``: ``DeepONetRegressor(branch_hidden=(40,),
   trunk_hidden=(40,), n_basis=40, activation="relu", optimizer="adam",
   lr=1e-3, weight_decay=0.0, lr_schedule="constant", batch_size=n_train,
   max_epochs=N)``; one full batch of the 150 functions is one optimizer step
   per epoch, i.e. one DeepXDE iteration.
2. ``skop (defaults)``: DeepONetRegressor's own defaults (wider nets, AdamW,
   cosine schedule, minibatches of 32, so about 5 steps per epoch) with
   ``max_epochs=N``; ``--skop-params`` (JSON) overrides this row's parameters.
3. ``DeepXDE``: ``dde.data.TripleCartesianProd`` + ``dde.nn.DeepONetCartesianProd(
   [100, 40, 40], [1, 40, 40], "relu", "Glorot normal")``, ``model.compile("adam",
   lr=1e-3, metrics=["mean l2 relative error"])``, ``model.train(iterations=N)``:
   full batch (DeepXDE's default ``batch_size=None``), constant learning rate.

What DeepXDE's network does (read from deepxde 1.15.0,
``deepxde/nn/pytorch/deeponet.py``, ``nn/deeponet_strategy.py``,
``nn/pytorch/fnn.py``, ``model.py``), and how skop's matched row compares:

* branch ``FNN([100, 40, 40])``: Linear-ReLU-Linear, the last layer linear;
  trunk ``FNN([1, 40, 40])`` likewise, **plus the activation applied to the
  trunk's output** (``SingleOutputStrategy.call``: ``activation_trunk(trunk(x))``),
  so the 40 basis functions are ReLU features. skop's trunk also ends in the
  activation (``final_activation=True``), its branch is linear at the end.
* output ``einsum("bi,ni->bn", branch, trunk) + b`` with one scalar trainable
  bias ``b`` initialised to 0; skop's ``DeepONet`` has the same (zero-initialised
  bias per output component). No ``1 / p`` scaling on either side.
* weights ``torch.nn.init.xavier_normal_`` ("Glorot normal"), biases zeros; the
  same in skop's ``Dense`` layers. Parameter count 7401 on both sides.
* loss: ``"MSE"`` = ``mean((y_true - y_pred) ** 2)`` on the **raw** outputs and
  inputs (no normalisation of sensors, coordinates or targets). skop
  standardises sensors, coordinates and targets inside the model and its MSE
  is in standardised units, so the two optimise different (equivalent up to
  scale and an affine reparametrisation) objectives from different starting
  functions: a fair comparison of the libraries' defaults, not a bitwise one.
* optimizer ``torch.optim.Adam(lr=1e-3, weight_decay=0)``, no schedule
  (``decay=None``); every iteration is one full-batch step over all 150
  functions x 100 points. Inputs are float32 (``dde.config`` default), the data
  are cast to float32 here as DeepXDE's examples do.
* per-iteration overheads inside ``model.train``: each step re-wraps the numpy
  inputs with ``torch.as_tensor(x).requires_grad_()`` (so backward also
  computes gradients w.r.t. the 150 x 100 sensor values and the points), and
  every ``display_every`` iterations (and at iteration 0 and the last one)
  ``_test`` runs a forward pass on the training set and on the whole test set
  and evaluates the metric. The peer side times those ``_test`` calls
  separately (``eval s`` in the breakdown), and ``--peer-breakdown`` also times
  a bare torch loop (same network, Adam, MSE, tensors made once) for the
  framework's per-step overhead.

DeepXDE is never a dependency of skop: its side runs in a subprocess with the
python of a separate environment (``DDE_BACKEND=pytorch``), the data travel as
``.npz`` through a temporary directory, and the results come back as JSON on
stdout (DeepXDE's own progress output is sent to stderr). Set up that
environment once::

    python -m venv /work/dde-env
    /work/dde-env/bin/pip install torch==2.13.0   # a CPU build
    /work/dde-env/bin/pip install "deepxde==1.15.*" numpy scipy

Run (one torch thread; DeepXDE's 10,000 iterations take about 20 s on one
core of a shared 2-core CPU, about 2 ms per iteration; skop's defaults row, five
steps of a ten times larger network per epoch, takes a few minutes)::

    python asv_bench/scripts/deeponet_vs_deepxde.py --dde-python /work/dde-env/bin/python

``--no-peer`` runs skop alone, ``--no-skop`` DeepXDE alone; ``--iterations``
sets DeepXDE's iterations and skop's ``max_epochs``; ``--display-every`` is
DeepXDE's (default 1000, its own default); ``--skop-params '{"n_basis": 64}'``
overrides the skop defaults row.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

PEER_SCRIPT = r'''
import contextlib, json, os, sys, time
import numpy as np

cfg = json.loads(sys.argv[1])
out = {}
with contextlib.redirect_stdout(sys.stderr):  # DeepXDE prints its progress on stdout
    import torch
    torch.set_num_threads(cfg["threads"])
    import deepxde as dde
    dde.config.set_random_seed(cfg["seed"])
    torch.set_num_threads(cfg["threads"])  # again: nothing on import may change it

    data = np.load(cfg["data"])
    X_train, y_train = data["X_train"].astype(np.float32), data["y_train"].astype(np.float32)
    X_test, y_test = data["X_test"].astype(np.float32), data["y_test"].astype(np.float32)
    points = data["points"].astype(np.float32)

    dataset = dde.data.TripleCartesianProd(
        X_train=(X_train, points), y_train=y_train, X_test=(X_test, points), y_test=y_test)
    net = dde.nn.DeepONetCartesianProd(
        [X_train.shape[1], cfg["width"], cfg["width"]],
        [points.shape[1], cfg["width"], cfg["width"]],
        "relu", "Glorot normal")
    model = dde.Model(dataset, net)
    start = time.perf_counter()
    model.compile("adam", lr=cfg["lr"], metrics=["mean l2 relative error"])
    out["compile_time"] = time.perf_counter() - start

    # Time DeepXDE's periodic evaluations (_test) inside train.
    eval_time = [0.0, 0]
    _test = model._test
    def timed_test(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return _test(*args, **kwargs)
        finally:
            eval_time[0] += time.perf_counter() - t0
            eval_time[1] += 1
    model._test = timed_test

    start = time.perf_counter()
    losshistory, train_state = model.train(iterations=cfg["iterations"],
                                           display_every=cfg["display_every"])
    out["fit_time"] = time.perf_counter() - start
    out["eval_time"], out["n_evals"] = eval_time
    out["iterations"] = int(train_state.step)

    start = time.perf_counter()
    pred = model.predict((X_test, points))
    out["predict_time"] = time.perf_counter() - start
    pred = np.asarray(pred, dtype=np.float64)
    y64 = data["y_test"].astype(np.float64)
    # skop.metrics.relative_l2_error: per-sample norms over the trailing axes, mean.
    diff = np.linalg.norm((pred - y64).reshape(len(y64), -1), axis=1)
    out["rel_l2"] = float(np.mean(diff / np.linalg.norm(y64.reshape(len(y64), -1), axis=1)))
    out["dde_metric_last"] = float(np.ravel(train_state.metrics_test)[0])
    out["train_loss_last"] = float(np.sum(train_state.loss_train))
    out["n_params"] = sum(p.numel() for p in net.parameters())
    out["deepxde"] = dde.__version__
    out["torch"] = torch.__version__
    out["threads"] = torch.get_num_threads()
    np.save(cfg["out"], pred)

    if cfg["breakdown"]:
        # The same network and step outside Model.train: tensors made once, no
        # requires_grad on the inputs, no periodic evaluation.
        import copy
        bare = copy.deepcopy(net)
        opt = torch.optim.Adam(bare.parameters(), lr=cfg["lr"])
        xb, xt, yt = map(torch.as_tensor, (X_train, points, y_train))
        n = cfg["breakdown"]
        for step in range(n + 50):
            if step == 50:  # warm-up excluded
                start = time.perf_counter()
            opt.zero_grad()
            loss = torch.mean((bare((xb, xt)) - yt) ** 2)
            loss.backward()
            opt.step()
        out["bare_step_time"] = (time.perf_counter() - start) / n
        # One Model._train_step, as train calls it (numpy in, requires_grad_).
        start = time.perf_counter()
        for _ in range(n):
            model._train_step(model.train_state.X_train, model.train_state.y_train, None)
        out["dde_step_time"] = (time.perf_counter() - start) / n
print(json.dumps(out))
'''


def relative_l2(y_true, y_pred):
    """``skop.metrics.relative_l2_error`` (mean over samples)."""
    diff = np.linalg.norm((y_pred - y_true).reshape(len(y_true), -1), axis=1)
    return float(np.mean(diff / np.linalg.norm(y_true.reshape(len(y_true), -1), axis=1)))


def make_data(path, n_train, n_test):
    from skop.datasets import make_antiderivative
    X_train, y_train, points = make_antiderivative(n_train, n_sensors=100, n_points=100,
                                                   random_state=0)
    X_test, y_test, points_test = make_antiderivative(n_test, n_sensors=100, n_points=100,
                                                      random_state=1)
    assert np.array_equal(points, points_test)
    np.savez(path, X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test,
             points=points)
    return np.load(path)


def run_skop(data, params):
    from skop.neural_operator import DeepONetRegressor
    est = DeepONetRegressor(**params)
    start = time.perf_counter()
    est.fit(data["X_train"], data["y_train"], query_points=data["points"])
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    pred = est.predict(data["X_test"], query_points=data["points"])
    predict_time = time.perf_counter() - start
    epochs = int(getattr(est, "n_iter_", params["max_epochs"]))
    steps = epochs * math.ceil(len(data["X_train"]) / est.batch_size)
    n_params = sum(p.numel() for p in est.module_.parameters() if p.requires_grad)
    return dict(pred=pred, fit_time=fit_time, predict_time=predict_time, epochs=epochs,
                steps=steps, n_params=n_params, compile_time=None, params=params)


def run_peer(data_path, args, tmp):
    cfg = dict(data=data_path, out=os.path.join(tmp, "peer_pred.npy"), threads=args.threads,
               seed=args.seed, iterations=args.iterations, display_every=args.display_every,
               lr=1e-3, width=40, breakdown=args.peer_breakdown)
    script = os.path.join(tmp, "peer_deeponet.py")
    with open(script, "w") as f:
        f.write(PEER_SCRIPT)
    env = dict(os.environ, DDE_BACKEND="pytorch", OMP_NUM_THREADS=str(args.threads),
               MKL_NUM_THREADS=str(args.threads))
    env.pop("PYTHONPATH", None)  # keep skop's environment out of the peer's
    proc = subprocess.run([args.dde_python, script, json.dumps(cfg)],
                          capture_output=True, text=True, env=env)
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise RuntimeError("the DeepXDE side failed")
    if args.verbose:
        sys.stderr.write(proc.stderr)
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["pred"] = np.load(cfg["out"])
    info["steps"] = info["iterations"]
    info["epochs"] = None
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dde-python", default="/work/dde-env/bin/python",
                        help="python of the environment that has DeepXDE 1.15")
    parser.add_argument("--iterations", type=int, default=10000,
                        help="DeepXDE iterations = skop max_epochs")
    parser.add_argument("--n-train", type=int, default=150)
    parser.add_argument("--n-test", type=int, default=1000)
    parser.add_argument("--display-every", type=int, default=1000,
                        help="DeepXDE's display_every (its periodic test-set evaluation)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skop-params", default="{}",
                        help="JSON dict of DeepONetRegressor parameters for the defaults row")
    parser.add_argument("--peer-breakdown", type=int, default=0, metavar="N",
                        help="also time N bare torch steps and N Model._train_step calls")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-skop", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="show DeepXDE's output")
    args = parser.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    # torch's one-off import of torch._dynamo on the first optimizer of a process
    # (1-2 s): paid here, as DeepXDE pays it in model.compile, not in a fit time.
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data_path = os.path.join(tmp, "antiderivative.npz")
        data = make_data(data_path, args.n_train, args.n_test)
        y_test = data["y_test"]
        if not args.no_skop:
            matched = dict(branch_hidden=(40,), trunk_hidden=(40,), n_basis=40,
                           activation="relu", optimizer="adam", lr=1e-3, weight_decay=0.0,
                           lr_schedule="constant", batch_size=args.n_train,
                           max_epochs=args.iterations, random_state=args.seed)
            rows.append(("skop DeepONetRegressor (matched)", run_skop(data, matched)))
            defaults = dict(max_epochs=args.iterations, random_state=args.seed)
            defaults.update(json.loads(args.skop_params))
            rows.append(("skop DeepONetRegressor (defaults)", run_skop(data, defaults)))
        if not args.no_peer:
            rows.append(("DeepXDE DeepONetCartesianProd", run_peer(data_path, args, tmp)))

    peer = next((r for name, r in rows if name.startswith("DeepXDE")), None)
    print(f"\nantiderivative, 100 sensors -> 100 points; {args.n_train} train / {args.n_test} "
          f"test functions, {args.iterations} iterations / epochs, {args.threads} thread(s)\n")
    print("| library / config | params | steps (epochs) | test rel-L2 | fit s | compile/setup s "
          "| fit skop / DeepXDE |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows:
        steps = f"{r['steps']}" + (f" ({r['epochs']})" if r["epochs"] is not None else "")
        setup = "in fit" if r["compile_time"] is None else f"{r['compile_time']:.3f}"
        ratio = (f"{r['fit_time'] / peer['fit_time']:.2f}"
                 if peer is not None and r is not peer else "-")
        print(f"| {name} | {r['n_params']} | {steps} | {relative_l2(y_test, r['pred']):.3e} "
              f"| {r['fit_time']:.2f} | {setup} | {ratio} |")
    for name, r in rows:
        if r is peer:
            per_it = r["fit_time"] / max(r["steps"], 1)
            print(f"\n{name}: deepxde {r['deepxde']}, torch {r['torch']}, "
                  f"{r['threads']} thread(s); "
                  f"{per_it * 1e3:.2f} ms per iteration in train, of which {r['n_evals']} "
                  f"evaluations (display_every={args.display_every}) took {r['eval_time']:.2f} s; "
                  f"last train loss {r['train_loss_last']:.3e}, DeepXDE's test metric "
                  f"{r['dde_metric_last']:.3e}; predict {r['predict_time']:.3f} s")
            if "bare_step_time" in r:
                print(f"  Model._train_step {r['dde_step_time'] * 1e3:.2f} ms, bare torch step "
                      f"(same net, Adam, MSE) {r['bare_step_time'] * 1e3:.2f} ms")
        else:
            print(f"\n{name}: {r['params']}; predict {r['predict_time']:.3f} s")


if __name__ == "__main__":
    main()
