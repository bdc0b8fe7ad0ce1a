"""Data generators: PDE solvers and benchmark simulations, never downloads."""

__all__ = []
