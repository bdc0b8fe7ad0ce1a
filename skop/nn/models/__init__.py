"""Operator-learning models composed from :mod:`skop.nn.layers`."""

from skop.nn.models._fno import FNO, FNOBlock

__all__ = ["FNO", "FNOBlock"]
