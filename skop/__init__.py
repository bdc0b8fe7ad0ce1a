"""skop: scikit-learn compatible operator learning and scientific ML on PyTorch.

Subpackages
-----------
base
    The torch-estimator base classes every torch-backed estimator reuses.
nn
    Pure PyTorch layers and models (no scikit-learn imports).
neural_network
    Shallow networks with bandlimited random weights.
neural_operator
    Neural-operator regressors (:class:`~skop.neural_operator.FNORegressor`, ...).
datasets
    PDE and benchmark data generators (``make_burgers``, ``make_darcy``, ...).
metrics
    Operator-learning metrics and scorers.
naive_bayes
    Pooled-variance Gaussian naive Bayes (generative linear probe).
linear_model
    Torch logistic regression; optimal weighted least squares.
feature_extraction
    Frozen torch modules as feature transformers.
model_selection
    Learning-curve comparisons and their display.
decomposition
    Top eigenvector of a matrix streamed by rows (random order, bounded memory).
dynamics
    Koopman operators from data: EDMD, ResDMD (residuals, pseudospectra), dictionaries.
optim
    Torch optimizers (Lion-K).
preprocessing
    Orthonormal feature maps (Legendre, Chebyshev, Hermite, Fourier, tensor products).
io
    Safe save / load: JSON + safetensors, nothing executed on load.
manifold
    Learned spectral bases of point clouds.
inverse
    Learned proximal networks and plug-and-play reconstruction.
sampling
    Exact DPP, volume-rescaled and optimal i.i.d. samplers for weighted least squares.
"""

__version__ = "0.1.0.dev0"

try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "skop needs PyTorch, which is not installed. Install it first:\n"
        "  CPU only : pip install torch --index-url https://download.pytorch.org/whl/cpu\n"
        "  CUDA     : pip install torch   (see https://pytorch.org/get-started/locally/)\n"
        "then install skop again."
    ) from exc

__all__ = [
    "base",
    "datasets",
    "decomposition",
    "dynamics",
    "feature_extraction",
    "inverse",
    "io",
    "linear_model",
    "manifold",
    "metrics",
    "model_selection",
    "naive_bayes",
    "neural_network",
    "neural_operator",
    "nn",
    "optim",
    "preprocessing",
    "sampling",
    "utils",
]
