"""Shared set-up for skop's asv benchmarks: one torch thread, cached data."""

import functools
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import torch  # noqa: E402

torch.set_num_threads(1)


def quick():
    """True under ``SKOP_BENCH_QUICK=1`` (tiny sizes, used by the test suite)."""
    return os.environ.get("SKOP_BENCH_QUICK", "0") == "1"


cache = functools.lru_cache(maxsize=None)
