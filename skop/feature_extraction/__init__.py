"""Feature extraction: frozen torch modules as scikit-learn transformers."""

from skop.feature_extraction._frozen import FrozenFeatures

__all__ = ["FrozenFeatures"]
