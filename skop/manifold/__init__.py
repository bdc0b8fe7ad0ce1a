"""Manifold learning: learned spectral bases of point clouds."""

from skop.manifold._probes import ProbeSampler, knn_smoother
from skop.manifold._spectral_basis import LearnedSpectralBasis

__all__ = ["LearnedSpectralBasis", "ProbeSampler", "knn_smoother"]
