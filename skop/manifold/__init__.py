"""Manifold learning: learned spectral bases of point clouds."""

from skop.manifold._spectral_basis import LearnedSpectralBasis, ProbeSampler, knn_smoother

__all__ = ["LearnedSpectralBasis", "ProbeSampler", "knn_smoother"]
