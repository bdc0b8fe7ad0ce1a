"""Linear models."""

__all__ = []
