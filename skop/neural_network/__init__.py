"""Shallow networks with bandlimited random weights (closed-form output layer)."""

from skop.neural_network._random_weights import (
    BandlimitedRandomFeatures,
    RandomWeightNetClassifier,
    RandomWeightNetRegressor,
)

__all__ = ["BandlimitedRandomFeatures", "RandomWeightNetClassifier", "RandomWeightNetRegressor"]
