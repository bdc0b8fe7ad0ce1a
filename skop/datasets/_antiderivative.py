"""The antiderivative operator, DeepONet's first benchmark: G(u)(x) = int_0^x u(s) ds.

Input functions are Gaussian random fields on [0, 1] with the squared-exponential
(RBF) kernel ``k(s, t) = exp(-(s - t)^2 / (2 l^2))`` of the DeepONet paper,
drawn as a sum of random Fourier features. Each feature ``cos(w s + b)`` has a
closed-form integral, so the targets are exact (no quadrature error) at any
query point, on or off the sensor grid.
"""

from numbers import Integral, Real

import numpy as np
from scipy import special
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skop.utils import draw_seed


def _integral_of_cosines(freq, phase, x):
    """``int_0^x cos(w s + b) ds`` for every feature, stable as ``w -> 0``.

    ``(sin(w x + b) - sin b) / w = x cos(b + w x / 2) sinc(w x / 2)``; numpy's
    ``sinc(t) = sin(pi t) / (pi t)`` takes the argument over pi.
    """
    half = freq[..., None, :] * x[..., None] / 2
    return x[..., None] * np.cos(phase[..., None, :] + half) * np.sinc(half / np.pi)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_sensors": [Interval(Integral, 2, None, closed="left")],
        "n_points": [Interval(Integral, 1, None, closed="left")],
        "length_scale": [Interval(Real, 0, None, closed="neither")],
        "query": [StrOptions({"grid", "random"})],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_antiderivative(n_samples=1000, n_sensors=100, n_points=100, *, length_scale=0.2,
                        query="grid", n_features=500, random_state=None):
    r"""Functions ``u`` at sensors and their antiderivatives at query points.

    The operator learning benchmark of the DeepONet paper:
    :math:`G(u)(x) = \int_0^x u(s)\,ds` on :math:`[0, 1]`, with ``u`` a
    zero-mean Gaussian random field with RBF kernel of length scale
    ``length_scale``. ``u`` is a random Fourier feature expansion
    :math:`u(s) = \sqrt{2/J} \sum_j a_j \cos(w_j s + b_j)`,
    :math:`a_j \sim N(0, 1)`, :math:`w_j \sim N(0, l^{-2})`,
    :math:`b_j \sim U(0, 2\pi)`, whose covariance is the RBF kernel in
    expectation over the features and which is Gaussian as ``J`` grows
    (``J = n_features``). Its antiderivative is computed in closed form.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of input functions.
    n_sensors : int, default=100
        Sensors ``s_i = i / (n_sensors - 1)`` on [0, 1] (both ends included)
        where ``u`` is observed.
    n_points : int, default=100
        Query points per function where ``G(u)`` is given.
    length_scale : float, default=0.2
        Length scale ``l`` of the RBF kernel (the DeepONet paper uses 0.2).
    query : {"grid", "random"}, default="grid"
        ``"grid"``: the same ``n_points`` nodes ``x_i = i / (n_points - 1)``
        for every function (``n_points=1`` is the point 1); ``"random"``:
        ``n_points`` uniform points drawn per function (DeepONet's
        scattered-query setting).
    n_features : int, default=500
        Random Fourier features per function.
    random_state : int, RandomState instance or None, default=None
        Seeds the fields and the random query points. Function ``i`` has
        its own random stream, so it is the same whatever ``n_samples``,
        ``n_points`` or ``query``: finer query grids or random points
        evaluate the same functions.

    Returns
    -------
    X : ndarray of shape (n_samples, n_sensors)
        ``u`` at the sensors.
    y : ndarray of shape (n_samples, n_points)
        ``G(u)`` at the query points.
    points : ndarray of shape (n_points, 1) or (n_samples, n_points, 1)
        The query points: shared (``query="grid"``) or per function.

    See Also
    --------
    skop.neural_operator.DeepONetRegressor : Learns this operator from (X, y, points).

    References
    ----------
    .. [1] L. Lu, P. Jin, G. Pang, Z. Zhang, G. E. Karniadakis, "Learning
       nonlinear operators via DeepONet based on the universal approximation
       theorem of operators", Nature Machine Intelligence 3, 2021.
    .. [2] A. Rahimi, B. Recht, "Random features for large-scale kernel
       machines", NeurIPS 2007.

    Examples
    --------
    >>> from skop.datasets import make_antiderivative
    >>> X, y, points = make_antiderivative(5, n_sensors=50, n_points=20, random_state=0)
    >>> X.shape, y.shape, points.shape
    ((5, 50), (5, 20), (20, 1))
    """
    # One random stream per function: function i (and its random query
    # points) depends only on the seed and i, not on n_samples or n_points.
    seed = draw_seed(random_state)
    streams = [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
               for i in range(n_samples)]
    draws = np.stack([g.standard_normal((3, n_features)) for g in streams])
    amplitude = draws[:, 0] * np.sqrt(2.0 / n_features)
    freq = draws[:, 1] / length_scale
    phase = 2 * np.pi * special.ndtr(draws[:, 2])  # uniform on [0, 2 pi)

    sensors = np.linspace(0.0, 1.0, n_sensors)
    X = _feature_sums(amplitude, lambda s: np.cos(
        freq[s, None, :] * sensors[:, None] + phase[s, None, :]), n_sensors)
    if query == "grid":
        x = np.linspace(0.0, 1.0, n_points) if n_points > 1 else np.ones(1)
        points = x[:, None]
        x = np.broadcast_to(x, (n_samples, n_points))
    else:
        x = np.stack([g.uniform(0.0, 1.0, n_points) for g in streams])
        points = x[..., None]
    y = _feature_sums(amplitude, lambda s: _integral_of_cosines(freq[s], phase[s], x[s]),
                      x.shape[1])
    return X, y, points


def _feature_sums(amplitude, features, n_points, max_elements=2**22):
    """``sum_j a_nj phi_j(x_ni)`` over chunks of samples.

    ``features(rows)`` returns ``(rows, n_points, n_features)``; chunking keeps
    that block to ``max_elements`` values (32 MiB), whatever the data size.
    """
    n, n_features = amplitude.shape
    step = max(1, max_elements // max(1, n_points * n_features))
    out = np.empty((n, n_points))
    for start in range(0, n, step):
        rows = slice(start, start + step)
        out[rows] = np.einsum("nj,nij->ni", amplitude[rows], features(rows))
    return out
