"""Matrix decompositions from streams."""

from skop.decomposition._streaming_eigenvector import StreamingTopEigenvector

__all__ = ["StreamingTopEigenvector"]
