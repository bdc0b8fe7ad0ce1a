"""The asv benchmarks stay runnable: each one runs once at tiny size.

This measures nothing (speed is measured by ``asv run``); it only keeps the
benchmark code from rotting. Sizes come from ``SKOP_BENCH_QUICK=1``.
"""

import importlib.util
import inspect
import itertools
import os
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[1] / "asv_bench" / "benchmarks"
PREFIXES = ("time_", "peakmem_", "mem_", "track_")


def _load(path):
    os.environ["SKOP_BENCH_QUICK"] = "1"
    sys.path.insert(0, str(BENCH_DIR.parent))
    try:
        spec = importlib.util.spec_from_file_location(f"benchmarks.{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    return module


def _cases():
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.stem in ("__init__", "common"):
            continue
        module = _load(path)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            methods = [m for m in dir(cls) if m.startswith(PREFIXES)]
            if methods:
                yield pytest.param(cls, methods, id=f"{path.stem}.{name}")


@pytest.mark.parametrize("cls, methods", list(_cases()))
def test_benchmark_runs_quick(cls, methods):
    params = getattr(cls, "params", [])
    if params and not isinstance(params[0], (list, tuple)):
        params = [params]
    # The first value of every parameter is enough to exercise the code.
    combos = [tuple(p[0] for p in params)] if params else [()]
    for args in itertools.islice(combos, 1):
        bench = cls()
        if hasattr(bench, "setup_cache"):
            # asv passes the cached value as the first argument of everything.
            args = (bench.setup_cache(), *args)
        if hasattr(bench, "setup"):
            bench.setup(*args)
        for method in methods:
            getattr(bench, method)(*args)
        if hasattr(bench, "teardown"):
            bench.teardown(*args)
