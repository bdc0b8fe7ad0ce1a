"""Shallow networks with bandlimited random weights ("How powerful are shallow neural networks
with bandlimited random weights?", Li, Lin & Liu, ICML 2023).

One hidden layer whose weights and biases are drawn uniformly from
``[-bandwidth, bandwidth]`` and frozen; only the output layer is learned, by
ridge least squares in closed form. The bandwidth bounds the frequencies the
hidden units can represent: too narrow a band leaves an error floor (the
paper's lower bound), too wide a band makes the features rough and the fit
noisy again.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from skop.utils import derive_seed, draw_seed, make_generator, resolve_device

_ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sin": torch.sin}


def ridge_solve(features, targets, alpha):
    """Ridge coefficients through the SVD (stable down to ``alpha = 0``, the least-norm solution)."""
    U, S, Vh = torch.linalg.svd(features, full_matrices=False)
    if alpha == 0:
        # Least norm: singular values at rounding level are rank deficiency (as lstsq's rcond).
        keep = S > S.max() * max(features.shape) * torch.finfo(S.dtype).eps
        U, S, Vh = U[:, keep], S[keep], Vh[keep]
    return Vh.T @ ((S / (S ** 2 + alpha))[:, None] * (U.T @ targets))


class _RandomWeights:
    """Parameters and the feature map shared by the transformer and the predictors."""

    _parameter_constraints = {
        "n_hidden": [Interval(Integral, 1, None, closed="left")],
        "bandwidth": [Interval(Real, 0, None, closed="neither")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "device": [str, torch.device],
        "random_state": ["random_state"],
    }

    def _draw(self, n_features):
        device = resolve_device(self.device)
        seed = derive_seed(draw_seed(self.random_state), "random-weights")
        g = make_generator(seed)
        b = self.bandwidth
        # Drawn on the CPU from the estimator's own generator (the same
        # weights whatever the device), then moved.
        W = (2 * torch.rand((n_features, self.n_hidden), generator=g, dtype=torch.float64) - 1) * b
        c = (2 * torch.rand(self.n_hidden, generator=g, dtype=torch.float64) - 1) * b
        self.weights_, self.biases_ = W.numpy(), c.numpy()
        self.device_ = device

    def _features(self, X):
        X = torch.as_tensor(X, dtype=torch.float64, device=self.device_)
        W = torch.as_tensor(self.weights_, device=self.device_)
        c = torch.as_tensor(self.biases_, device=self.device_)
        return _ACTIVATIONS[self.activation](X @ W + c)


class BandlimitedRandomFeatures(_RandomWeights, TransformerMixin, BaseEstimator):
    """Random hidden-layer features ``act(X W + b)``, ``W, b ~ U[-bandwidth, bandwidth]``.

    The transformer form of :class:`RandomWeightNetRegressor`, for a
    :class:`~sklearn.pipeline.Pipeline` with any linear model after it.

    Parameters
    ----------
    n_hidden : int, default=500
        Hidden units (output features).
    bandwidth : float, default=10.0
        Half-width of the uniform distribution of weights and biases, in the
        units of ``X`` (scale inputs to ``[-1, 1]`` first).
    activation : {"tanh", "relu", "sin"}, default="tanh"
    device : str, default="auto"
        Where the features are computed (``"auto"``: CUDA when available).
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    weights_ : ndarray of shape (n_features, n_hidden)
    biases_ : ndarray of shape (n_hidden,)
    device_ : torch.device
    n_features_in_ : int

    See Also
    --------
    sklearn.kernel_approximation.RBFSampler : Random Fourier features.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.neural_network import BandlimitedRandomFeatures
    >>> X = np.linspace(-1, 1, 5)[:, None]
    >>> BandlimitedRandomFeatures(n_hidden=3, random_state=0).fit_transform(X).shape
    (5, 3)
    """

    def __init__(self, n_hidden=500, *, bandwidth=10.0, activation="tanh", device="auto",
                 random_state=None):
        self.n_hidden = n_hidden
        self.bandwidth = bandwidth
        self.activation = activation
        self.device = device
        self.random_state = random_state

    def fit(self, X, y=None):
        """Draw the random weights for inputs like ``X``."""
        self._validate_params()
        X = validate_data(self, X, dtype=np.float64)
        self._draw(X.shape[1])
        return self

    def transform(self, X):
        """The hidden-layer features of ``X``, shape (n_samples, n_hidden)."""
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._features(X).cpu().numpy()

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "weights_")
        return np.array([f"randomfeature{i}" for i in range(self.n_hidden)], dtype=object)


class _RandomWeightNet(_RandomWeights, BaseEstimator):
    _parameter_constraints = {
        **_RandomWeights._parameter_constraints,
        "alpha": [Interval(Real, 0, None, closed="left")],
    }

    def _fit_targets(self, X, Y):
        self._draw(X.shape[1])
        H = self._features(X)
        T = torch.as_tensor(Y, dtype=torch.float64, device=self.device_).reshape(len(Y), -1)
        # The intercept is not penalised: centre features and targets first.
        h_mean, t_mean = H.mean(0), T.mean(0)
        beta = ridge_solve(H - h_mean, T - t_mean, self.alpha)
        intercept = t_mean - h_mean @ beta
        if Y.ndim == 1:                  # one target: shapes as the user's y
            beta, intercept = beta[:, 0], intercept[0]
        self.coef_ = beta.cpu().numpy()
        self.intercept_ = intercept.cpu().numpy() if intercept.ndim else float(intercept)

    def _decision(self, X):
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        H = self._features(X)
        coef = torch.as_tensor(self.coef_, dtype=torch.float64, device=self.device_)
        # A float intercept would become a float32 tensor: say float64.
        intercept = torch.as_tensor(self.intercept_, dtype=torch.float64, device=self.device_)
        return (H @ coef + intercept).cpu().numpy()


class RandomWeightNetRegressor(RegressorMixin, _RandomWeightNet):
    """A shallow network with bandlimited random hidden weights; output layer by ridge.

    Parameters
    ----------
    n_hidden : int, default=500
        Hidden units.
    bandwidth : float, default=10.0
        Weights and biases of the hidden layer are drawn from
        ``U[-bandwidth, bandwidth]`` (in the units of ``X``: scale inputs to
        ``[-1, 1]``). Too small: the network cannot represent the target's
        frequencies (an error floor); too large: rough features, a noisy fit.
    activation : {"tanh", "relu", "sin"}, default="tanh"
    alpha : float, default=1e-10
        Ridge penalty of the output layer (0: the least-norm least-squares
        solution; the SVD solve is stable either way).
    device : str, default="auto"
        Where the features and the solve run (``"auto"``: CUDA when available).
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    weights_, biases_ : ndarray
        The frozen hidden layer.
    coef_ : ndarray of shape (n_hidden,) or (n_hidden, n_targets)
    intercept_ : float or ndarray of shape (n_targets,)
    device_ : torch.device
    n_features_in_ : int

    See Also
    --------
    BandlimitedRandomFeatures : The hidden layer as a transformer.
    sklearn.kernel_approximation.RBFSampler : Random Fourier features (with Ridge).

    Examples
    --------
    >>> import numpy as np
    >>> from skop.neural_network import RandomWeightNetRegressor
    >>> x = np.linspace(-1, 1, 400)[:, None]
    >>> y = np.sin(4 * np.pi * x[:, 0])
    >>> net = RandomWeightNetRegressor(n_hidden=200, bandwidth=10, random_state=0).fit(x, y)
    >>> bool(np.sqrt(np.mean((net.predict(x) - y) ** 2)) < 1e-4)
    True
    """

    def __init__(self, n_hidden=500, *, bandwidth=10.0, activation="tanh", alpha=1e-10,
                 device="auto", random_state=None):
        self.n_hidden = n_hidden
        self.bandwidth = bandwidth
        self.activation = activation
        self.alpha = alpha
        self.device = device
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y):
        """Draw the hidden layer and solve for the output layer."""
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        self._fit_targets(X, y)
        return self

    def predict(self, X):
        """Network outputs, shape (n_samples,) or (n_samples, n_targets) like ``y``."""
        return self._decision(X)


class RandomWeightNetClassifier(ClassifierMixin, _RandomWeightNet):
    """The bandlimited random-weight network as a classifier (ridge on +-1 targets, argmax).

    Parameters
    ----------
    n_hidden, bandwidth, activation, alpha, device, random_state
        As in :class:`RandomWeightNetRegressor`; ``alpha`` defaults to 1e-3
        here (class labels are noisy targets).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    weights_, biases_, coef_, intercept_, device_, n_features_in_
        As in :class:`RandomWeightNetRegressor`.

    See Also
    --------
    sklearn.linear_model.RidgeClassifier : The same output layer on raw features.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from sklearn.pipeline import make_pipeline
    >>> from skop.neural_network import RandomWeightNetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(MinMaxScaler((-1, 1)),
    ...                     RandomWeightNetClassifier(n_hidden=100, bandwidth=3, random_state=0))
    >>> bool(clf.fit(X, y).score(X, y) > 0.95)
    True
    """

    def __init__(self, n_hidden=500, *, bandwidth=10.0, activation="tanh", alpha=1e-3,
                 device="auto", random_state=None):
        self.n_hidden = n_hidden
        self.bandwidth = bandwidth
        self.activation = activation
        self.alpha = alpha
        self.device = device
        self.random_state = random_state

    def fit(self, X, y):
        """Draw the hidden layer and solve for the output layer on +-1 class indicators."""
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self._binarizer = LabelBinarizer(pos_label=1, neg_label=-1).fit(y)
        self.classes_ = self._binarizer.classes_
        if len(self.classes_) < 2:
            raise ValueError("RandomWeightNetClassifier needs samples of at least 2 classes; "
                             f"got {len(self.classes_)} class.")
        self._fit_targets(X, self._binarizer.transform(y).astype(np.float64))
        return self

    def decision_function(self, X):
        """Scores per class (one column, the positive class's, for two classes)."""
        scores = self._decision(X)
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X):
        """The class with the highest score."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(1)
        return self.classes_[index]
