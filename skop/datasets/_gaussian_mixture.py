"""The "easy" Gaussian mixture of the generative-vs-discriminative simulation."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params


def easy_gaussian_mixture_params(n_features, n_classes):
    """Means and per-feature variances of the classes, after the final rescaling.

    Returns
    -------
    means : ndarray of shape (n_classes, n_features)
    variances : ndarray of shape (n_features,)
        Shared by every class (the covariance is diagonal).
    """
    half = n_features // 2
    variances = np.ones(n_features)
    variances[:half] = n_features
    levels = np.array([-1.0] + [2.0 ** (k - 1) for k in range(1, n_classes)])
    if n_classes > 2:
        # Shift and scale so the class means stay O(1) as K grows.
        scale = 2.0 ** (n_classes - 3)
        levels = (levels - scale) / scale
        variances = variances / scale**2
    means = np.repeat(levels[:, None], n_features, axis=1)
    return means, variances


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_features": [Interval(Integral, 2, None, closed="left")],
        "n_classes": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_easy_gaussian_mixture(
    n_samples=100, n_features=100, n_classes=2, *, random_state=None
):
    """Sample the "easy" Gaussian mixture of Zheng et al. (2023).

    ``K`` equally likely classes in ``n`` dimensions, each a Gaussian with the
    same diagonal covariance ``diag(n, ..., n, 1, ..., 1)`` (variance ``n`` on
    the first ``n // 2`` features, 1 on the rest) and mean ``mu_0 = -1`` (all
    coordinates), ``mu_k = 2^(k-1)`` for ``k >= 1``. For ``K > 2`` every
    sample is then mapped to ``(x - 2^(K-3)) / 2^(K-3)``. The classes share a
    diagonal covariance, so naive Bayes is the Bayes-optimal model family.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples; labels are drawn uniformly at random.
    n_features : int, default=100
        Dimension ``n``; at least 2.
    n_classes : int, default=2
        Number of classes ``K``; at least 2.
    random_state : int, RandomState instance or None, default=None
        Seed for the labels and the Gaussian noise.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Samples.
    y : ndarray of shape (n_samples,)
        Integer class labels in ``[0, n_classes)``.

    See Also
    --------
    skop.naive_bayes.PooledGaussianNB : The model this mixture favours.
    skop.model_selection.compare_learning_curves : Error against sample size.

    Notes
    -----
    For ``K = 2`` the Bayes error is ``Phi(-sqrt(2 + 2 n) / 2)`` (``Phi`` the
    standard normal CDF): below ``1e-12`` for ``n >= 100``, so the test error
    of a classifier is its excess error.

    References
    ----------
    .. [1] C. Zheng, G. Wu, F. Bao, Y. Cao, C. Li and J. Zhu, "Revisiting
       Discriminative vs. Generative Classifiers: Theory and Implications",
       ICML 2023.

    Examples
    --------
    >>> from skop.datasets import make_easy_gaussian_mixture
    >>> X, y = make_easy_gaussian_mixture(5, n_features=4, random_state=0)
    >>> X.shape, y.shape
    ((5, 4), (5,))
    """
    rng = check_random_state(random_state)
    means, variances = easy_gaussian_mixture_params(n_features, n_classes)
    y = rng.randint(n_classes, size=n_samples)
    X = means[y] + rng.standard_normal((n_samples, n_features)) * np.sqrt(variances)
    return X, y
