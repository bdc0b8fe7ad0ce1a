"""Inverse problems: learned priors (proximal networks)."""

from skop.inverse._lpn import GammaSchedule, LearnedProximalNetwork

__all__ = ["GammaSchedule", "LearnedProximalNetwork"]
