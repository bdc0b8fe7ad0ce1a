"""Optimizers: Lion-K (Lion and its constrained-optimisation generalisations)."""

from skop.optim._lion import LionK

__all__ = ["LionK"]
