"""Naive Bayes classifiers: the pooled-variance Gaussian naive Bayes of linear evaluation."""

from skop.naive_bayes._pooled_gaussian import PooledGaussianNB

__all__ = ["PooledGaussianNB"]
