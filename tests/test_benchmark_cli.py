"""``python -m skop benchmark``: registries, data cache, budget, report, peer adapter."""

import json
import subprocess
import sys
import time
import types

import numpy as np
import pytest
import torch

from skop.benchmark import (
    ESTIMATORS,
    PROBLEMS,
    PeakMemory,
    Problem,
    epochs_for_budget,
    load_problem,
    register_estimator,
    register_problem,
    run_benchmark,
)
from skop.neural_operator import FNORegressor


def test_quick_benchmark_end_to_end(tmp_path):
    """The documented quick run: every problem x every skop operator, a table, JSON, plot."""
    proc = subprocess.run(
        [sys.executable, "-m", "skop", "benchmark", "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads((tmp_path / "results.json").read_text())
    rows = {(r["problem"], r["estimator"]): r for r in report["results"]}
    skop_names = ["FNO", "DeepONet", "MgNO", "U-Net operator", "LSM"]
    for problem in ["burgers", "darcy", "navier_stokes"]:
        for name in skop_names:
            r = rows[problem, name]
            assert r["status"] == "ok", r
            assert np.isfinite(r["rel_l2"]) and r["n_params"] > 0 and r["epochs"] >= 1
            assert r["fit_s"] > 0 and r["predict_ms_per_sample"] > 0
            assert f"| {problem} | {name} |" in (tmp_path / "results.md").read_text()
    # Trained within 2 s, FNO already beats predicting the mean (rel-L2 ~1) by far
    # on the smooth problems (measured: burgers 0.034, navier_stokes 0.094).
    assert rows["burgers", "FNO"]["rel_l2"] < 0.2
    assert rows["navier_stokes", "FNO"]["rel_l2"] < 0.3
    assert (tmp_path / "error_vs_time.png").stat().st_size > 10_000
    assert report["settings"]["budget_s"] == 2.0 and report["settings"]["quick"]
    # The generated data are cached, keyed by parameters.
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 3


@pytest.fixture
def counting_problem():
    calls = []

    def generate(n, seed):
        calls.append((n, seed))
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(n, 32))
        return X[:n // 2], 2 * X[:n // 2], X[n // 2:], 2 * X[n // 2:]

    sizes = {"n": 12}
    problem = register_problem(Problem("counting", "y = 2 x", 1, "periodic",
                                       lambda quick: dict(n=sizes["n"], seed=0), generate))
    yield problem, calls, sizes
    del PROBLEMS["counting"]


def test_cache_is_keyed_by_parameters(tmp_path, counting_problem):
    problem, calls, sizes = counting_problem
    first = load_problem(problem, cache_dir=tmp_path, log=lambda m: None)
    again = load_problem(problem, cache_dir=tmp_path, log=lambda m: None)
    assert len(calls) == 1
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    sizes["n"] = 20  # other parameters: other data, never the stale file
    changed = load_problem(problem, cache_dir=tmp_path, log=lambda m: None)
    assert len(calls) == 2 and len(changed[0]) == 10
    assert len(list(tmp_path.glob("counting-*.npz"))) == 2


def test_foreign_file_under_the_cache_name_is_regenerated(tmp_path, counting_problem):
    from skop.benchmark._problems import cache_path

    problem, calls, _ = counting_problem
    path, _ = cache_path(problem, problem.params(False), tmp_path)
    np.savez(path, key="something else", X_train=np.zeros(1), y_train=np.zeros(1),
             X_test=np.zeros(1), y_test=np.zeros(1))
    X, *_ = load_problem(problem, cache_dir=tmp_path, log=lambda m: None)
    assert len(calls) == 1 and X.shape == (6, 32)


def test_a_registered_estimator_joins_without_editing_the_command(counting_problem):
    @register_estimator("FNO-narrow", problems=["counting"])
    def narrow(problem, **params):
        return FNORegressor(n_modes=4, width=4, n_layers=1, n_spatial_dims=1, **params)

    try:
        results = run_benchmark(["counting"], ["FNO-narrow"], epochs=3, log=lambda m: None)
    finally:
        del ESTIMATORS["FNO-narrow"]
    (row,) = results
    assert row["status"] == "ok" and row["epochs"] == 3
    assert row["n_params"] == sum(p.numel() for p in narrow(PROBLEMS["counting"], max_epochs=1)
                                  .fit(np.ones((4, 32)), np.ones((4, 32))).module_.parameters())


def test_a_failing_estimator_is_reported_and_the_others_still_run(counting_problem):
    @register_estimator("broken")
    def broken(problem, **params):
        raise RuntimeError("deliberately broken")

    try:
        results = run_benchmark(["counting"], ["broken", "FNO"], epochs=2, log=lambda m: None)
    finally:
        del ESTIMATORS["broken"]
    status = {r["estimator"]: r["status"] for r in results}
    assert status["broken"] == "failed: RuntimeError: deliberately broken"
    assert status["FNO"] == "ok"


def test_unknown_names_are_errors_that_list_the_registered_ones():
    with pytest.raises(ValueError, match="Unknown problems .*'nope'.*registered.*darcy"):
        run_benchmark(["nope"])
    with pytest.raises(ValueError, match="Unknown estimators .*'nope'.*registered.*FNO"):
        run_benchmark(["darcy"], ["nope"])
    proc = subprocess.run([sys.executable, "-m", "skop", "benchmark", "--problems", "nope"],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "Unknown problems" in proc.stderr


def test_unequal_epoch_peer_needs_its_reference():
    with pytest.raises(ValueError, match="same_epochs_as"):
        register_estimator("x", budgeted=False)


class _Timed:
    """Stands in for an estimator whose epochs take known times."""

    def __init__(self, max_epochs, durations):
        self.max_epochs, self.durations = max_epochs, durations

    def fit(self, X, y):
        self.history_ = [{"dur": d} for d in self.durations[:self.max_epochs]]
        return self


def test_budget_epochs_exclude_the_warm_up_epoch():
    make = lambda max_epochs: _Timed(max_epochs, [5.0, 0.5, 0.5])  # noqa: E731
    epochs, per_epoch = epochs_for_budget(make, None, None, budget_s=10.0, probe_epochs=2)
    assert per_epoch == 0.5 and epochs == 20
    # A budget shorter than an epoch still trains one.
    assert epochs_for_budget(make, None, None, budget_s=0.1)[0] == 1


def test_peak_memory_sees_an_allocation():
    with PeakMemory("cpu") as memory:
        block = np.ones(40 * 2**20 // 8)  # 40 MiB, touched, held for 50 ms
        time.sleep(0.05)
        del block
    assert memory.peak_mib is not None and 30 < memory.peak_mib < 200


def _fake_neuralop(monkeypatch):
    """A stand-in ``neuralop`` package: the adapter's logic, without the library."""

    class FNO(torch.nn.Module):
        def __init__(self, n_modes, in_channels, out_channels, hidden_channels, n_layers,
                     projection_channel_ratio, domain_padding):
            super().__init__()
            self.n_modes, self.padding = n_modes, domain_padding
            conv = torch.nn.Conv1d if len(n_modes) == 1 else torch.nn.Conv2d
            self.net = conv(in_channels, out_channels, 1)

        def forward(self, x):
            return self.net(x)

    class LpLoss:
        def __init__(self, d, p, reduction):
            self.d = d

        def __call__(self, pred, y):
            diff, ref = (pred - y).flatten(1), y.flatten(1)
            return (diff.norm(dim=1) / ref.norm(dim=1)).mean()

    neuralop = types.ModuleType("neuralop")
    models, losses = types.ModuleType("neuralop.models"), types.ModuleType("neuralop.losses")
    models.FNO, losses.LpLoss = FNO, LpLoss
    for name, mod in [("neuralop", neuralop), ("neuralop.models", models),
                      ("neuralop.losses", losses)]:
        monkeypatch.setitem(sys.modules, name, mod)


@pytest.mark.parametrize("with_channel", [False, True])
def test_peer_adapter_layouts_and_units(monkeypatch, with_channel):
    from skop.benchmark._peer import NeuralopFNO

    _fake_neuralop(monkeypatch)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 8, 8))
    y = 3.0 * X + 5.0  # a pointwise affine map: the 1x1 convolution can learn it
    if with_channel:
        X, y = X[:, None], y[:, None]
    peer = NeuralopFNO.like_skop(dict(n_modes=4, n_spatial_dims=2, grid="nodes"),
                                 max_epochs=200, random_state=0, device="cpu")
    pred = peer.fit(X, y).predict(X)
    assert pred.shape == y.shape
    # Predictions come back in y's units (the standardisation is undone).
    np.testing.assert_allclose(pred, y, rtol=0, atol=0.05)
    # skop's n_modes=k is neuraloperator's 2k; node grids get FNO's padding.
    assert peer.module_.n_modes == (8, 8) and peer.module_.padding == 0.2
    assert len(peer.history_) == 200 and all(h["dur"] > 0 for h in peer.history_)


def test_peer_trains_for_fno_epochs(monkeypatch, counting_problem):
    from skop.benchmark import _estimators

    _fake_neuralop(monkeypatch)
    monkeypatch.setattr(_estimators.importlib.util, "find_spec", lambda name: object())
    results = run_benchmark(["counting"], ["neuraloperator FNO", "FNO"], budget_s=0.5,
                            log=lambda m: None)
    rows = {r["estimator"]: r for r in results}
    assert [r["estimator"] for r in results] == ["FNO", "neuraloperator FNO"]
    assert rows["neuraloperator FNO"]["status"] == "ok"
    assert rows["neuraloperator FNO"]["epochs"] == rows["FNO"]["epochs"]
