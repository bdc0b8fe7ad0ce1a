"""Utilities shared across skop: seeding, devices, estimator discovery."""

from skop.utils._device import resolve_device
from skop.utils._discovery import all_estimators
from skop.utils._random import derive_seed, draw_seed, make_generator, torch_generator, torch_rng

__all__ = [
    "all_estimators",
    "derive_seed",
    "draw_seed",
    "make_generator",
    "resolve_device",
    "torch_generator",
    "torch_rng",
]
