"""Train every registered operator on every problem under one budget; report.

Each budgeted estimator gets the same wall-clock budget per problem: a short
probe fit measures its seconds per epoch (its first epoch, which pays for
warm-up, excluded) and ``max_epochs`` is set so the whole learning-rate
schedule fits the budget -- stopping a cosine schedule half-way would
handicap the slower models twice. A peer compared at equal epochs copies the
epochs of the entry it is compared with.
"""

import ctypes
import gc
import json
import os
import platform
import threading
import time

import numpy as np
import torch

from skop.benchmark._problems import load_problem
from skop.benchmark._registry import ESTIMATORS, PROBLEMS
from skop.metrics import relative_l2_error


def _release_free_memory():
    """Return the allocator's free pages to the OS (glibc), so RSS counts live memory.

    Without it the memory a previous fit freed stays resident and is reused,
    and the next fit's peak reads as zero.
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _rss_bytes():
    """Resident memory of this process (Linux); None elsewhere."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class PeakMemory:
    """Peak memory above the level at entry, while the block runs, in MiB.

    On CUDA it is torch's peak allocation; on the CPU the resident set size,
    sampled every 5 ms by a thread (so a spike shorter than that may be
    missed), after the allocator's free pages are returned to the OS.
    ``peak_mib`` is None where neither can be read.
    """

    def __init__(self, device):
        self.cuda = torch.device(device).type == "cuda"
        self.peak_mib = None

    def __enter__(self):
        if self.cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self._base = torch.cuda.memory_allocated()
            return self
        _release_free_memory()
        self._base = _rss_bytes()
        self._peak = self._base
        self._stop = threading.Event()
        if self._base is not None:
            self._thread = threading.Thread(target=self._poll, daemon=True)
            self._thread.start()
        return self

    def _poll(self):
        while not self._stop.wait(0.005):
            self._peak = max(self._peak, _rss_bytes() or 0)

    def __exit__(self, *exc):
        if self.cuda:
            torch.cuda.synchronize()
            self.peak_mib = (torch.cuda.max_memory_allocated() - self._base) / 2**20
        elif self._base is not None:
            self._stop.set()
            self._thread.join()
            self._peak = max(self._peak, _rss_bytes() or 0)
            self.peak_mib = (self._peak - self._base) / 2**20
        return False


def epochs_for_budget(make, X, y, budget_s, probe_epochs=1):
    """Epochs of ``make(max_epochs=...)`` that fit ``budget_s`` seconds, and s / epoch."""
    probe = make(max_epochs=probe_epochs + 1)
    probe.fit(X, y)
    per_epoch = float(np.mean([row["dur"] for row in probe.history_][1:]))
    return max(1, int(budget_s / per_epoch)), per_epoch


def _n_parameters(est):
    module = getattr(est, "module_", None)
    return None if module is None else sum(p.numel() for p in module.parameters())


def _device_of(est):
    return str(getattr(est, "device_", "cpu"))


def _resolve(device):
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def evaluate(make, epochs, X, y, X_test, y_test, device="cpu"):
    """Fit ``make(max_epochs=epochs)`` on ``device`` and measure it; a dict of the results."""
    est = make(max_epochs=epochs)
    with PeakMemory(device) as memory:
        start = time.perf_counter()
        est.fit(X, y)
        fit_s = time.perf_counter() - start
    est.predict(X_test[:1])  # warm-up: first-call costs are not per-sample costs
    start = time.perf_counter()
    y_pred = est.predict(X_test)
    predict_s = time.perf_counter() - start
    if y_pred.shape != y_test.shape:
        raise ValueError(f"predict returned {y_pred.shape} for targets of shape {y_test.shape}")
    return dict(epochs=int(getattr(est, "n_iter_", epochs)),
                rel_l2=float(relative_l2_error(y_test, y_pred)),
                n_params=_n_parameters(est), fit_s=fit_s,
                predict_ms_per_sample=1e3 * predict_s / len(X_test),
                peak_memory_mib=memory.peak_mib, device=_device_of(est))


def _selected(registry, names, kind):
    if names is None:
        return list(registry)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise ValueError(f"Unknown {kind} {unknown}; registered: {sorted(registry)}.")
    return list(names)


def _entry_order(names):
    # Entries that copy another's epochs run after it.
    return sorted(names, key=lambda n: not ESTIMATORS[n].budgeted)


def run_benchmark(problems=None, estimators=None, *, budget_s=300.0, epochs=None, quick=False,
                  device="auto", random_state=0, cache_dir=None, log=print):
    """Train the registered estimators on the registered problems; list of result dicts.

    Parameters
    ----------
    problems, estimators : list of str, default=None
        Names from ``PROBLEMS`` / ``ESTIMATORS`` (None: all; an estimator
        whose ``available()`` is False is left out with a note).
    budget_s : float, default=300.0
        Wall-clock training budget per estimator and problem, in seconds.
        Epochs follow from a probe of each model's speed, so they vary a
        little between runs and machines (the report records them).
    epochs : int, default=None
        Train every estimator for exactly this many epochs instead (a
        repeatable run; ``budget_s`` is then unused).
    quick : bool, default=False
        The problems' small settings.
    device : str, default="auto"
        Passed to every estimator.
    random_state : int, default=0
        Seed of every estimator.
    cache_dir : str, default=None
        Where generated data are cached (None: not cached).
    log : callable, default=print
        Progress messages.

    Returns
    -------
    results : list of dict
        One per (problem, estimator): ``problem``, ``estimator``, ``status``
        (``"ok"`` or the error), ``epochs``, ``rel_l2``, ``n_params``,
        ``fit_s``, ``predict_ms_per_sample``, ``peak_memory_mib``, ``device``,
        ``s_per_epoch``.
    """
    results = []
    names = _selected(ESTIMATORS, estimators, "estimators")
    for problem_name in _selected(PROBLEMS, problems, "problems"):
        problem = PROBLEMS[problem_name]
        X, y, X_test, y_test = load_problem(problem, quick, cache_dir, log)
        epochs_of = {}
        for name in _entry_order(names):
            entry = ESTIMATORS[name]
            if entry.problems is not None and problem_name not in entry.problems:
                continue
            if not entry.available():
                log(f"{problem_name} / {name}: not available here (optional), skipped")
                continue
            row = dict(problem=problem_name, estimator=name, status="ok")

            def make(max_epochs, entry=entry):
                return entry.factory(problem, max_epochs=max_epochs,
                                     random_state=random_state, device=device)

            try:
                if epochs is not None:
                    n_epochs = epochs
                elif entry.budgeted:
                    n_epochs, per_epoch = epochs_for_budget(make, X, y, budget_s)
                    row["s_per_epoch"] = per_epoch
                elif entry.same_epochs_as in epochs_of:
                    n_epochs = epochs_of[entry.same_epochs_as]
                else:
                    log(f"{problem_name} / {name}: needs {entry.same_epochs_as!r} in the "
                        f"run (it trains for the same epochs), skipped")
                    continue
                log(f"{problem_name} / {name}: {n_epochs} epochs ...")
                row.update(evaluate(make, n_epochs, X, y, X_test, y_test, _resolve(device)))
                epochs_of[name] = row["epochs"]
                log(f"{problem_name} / {name}: rel-L2 {row['rel_l2']:.4g} in "
                    f"{row['fit_s']:.1f} s")
            except Exception as exc:  # one failing model must not lose the others
                row["status"] = f"failed: {type(exc).__name__}: {exc}"
                log(f"{problem_name} / {name}: {row['status']}")
            results.append(row)
    return results


def _fmt(value, spec):
    return "" if value is None else format(value, spec)


def format_table(results):
    """The results as a Markdown table, one row per (problem, estimator)."""
    lines = ["| problem | estimator | test rel-L2 | parameters | epochs | fit (s) "
             "| predict (ms / sample) | peak memory (MiB) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        if r["status"] != "ok":
            lines.append(f"| {r['problem']} | {r['estimator']} | {r['status']} | | | | | |")
            continue
        lines.append(
            f"| {r['problem']} | {r['estimator']} | {r['rel_l2']:.4f} "
            f"| {_fmt(r['n_params'], ',')} | {r['epochs']} | {r['fit_s']:.1f} "
            f"| {r['predict_ms_per_sample']:.3f} | {_fmt(r['peak_memory_mib'], '.0f')} |")
    return "\n".join(lines)


def peer_ratios(results, ours="FNO", peer="neuraloperator FNO"):
    """Per problem: (fit-time ratio ours / peer, rel-L2 ours, rel-L2 peer)."""
    ok = {(r["problem"], r["estimator"]): r for r in results if r["status"] == "ok"}
    out = {}
    for (problem, name), r in ok.items():
        if name == peer and (problem, ours) in ok:
            mine = ok[problem, ours]
            out[problem] = (mine["fit_s"] / r["fit_s"], mine["rel_l2"], r["rel_l2"])
    return out


def plot_error_vs_time(results, path):
    """Test rel-L2 against fit time, one panel per problem; False without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in results if r["status"] == "ok"]
    problems = list(dict.fromkeys(r["problem"] for r in ok))
    if not problems:
        return False
    fig, axes = plt.subplots(1, len(problems), figsize=(4.5 * len(problems), 3.8),
                             squeeze=False)
    for ax, problem in zip(axes[0], problems):
        for i, r in enumerate(x for x in ok if x["problem"] == problem):
            ax.scatter(r["fit_s"], r["rel_l2"], color=f"C{i}", label=r["estimator"])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("fit time (s)")
        ax.set_title(problem)
        ax.legend(fontsize=7)
    axes[0, 0].set_ylabel("test relative L2")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def environment():
    """What the numbers were measured on."""
    import skop

    return dict(skop=skop.__version__, torch=torch.__version__,
                threads=torch.get_num_threads(), machine=platform.machine(),
                processor=platform.processor(), python=platform.python_version(),
                cuda=torch.cuda.get_device_name() if torch.cuda.is_available() else None)


def write_report(results, out_dir, settings):
    """``results.md``, ``results.json`` and ``error_vs_time.png`` in ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    table = format_table(results)
    lines = [f"# skop benchmark\n\nbudget {settings['budget_s']:g} s per model, "
             f"{'quick' if settings['quick'] else 'full'} problems, seed "
             f"{settings['random_state']}, {environment()}\n", table]
    for problem, (ratio, mine, peer) in peer_ratios(results).items():
        lines.append(f"\n{problem}: fit time skop FNO / neuraloperator FNO = {ratio:.2f} "
                     f"(rel-L2 {mine:.4f} vs {peer:.4f}, same epochs)")
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"settings": settings, "environment": environment(),
                   "results": results}, f, indent=2)
    plotted = plot_error_vs_time(results, os.path.join(out_dir, "error_vs_time.png"))
    return table, plotted
