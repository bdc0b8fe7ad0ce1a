"""Snapshot pairs of classical dynamical systems, for Koopman / DMD methods.

Every generator returns ``(X, Y)`` with ``Y[m] = F(X[m])``, the map applied
once (for ODEs, the flow over ``dt``, integrated with classical RK4 on a fine
sub-step). ``sampling="uniform"`` draws the ``X[m]`` independently and
uniformly from the system's natural box (Monte Carlo quadrature for EDMD);
``sampling="trajectory"`` follows one orbit from a random start, so
``Y[:-1] == X[1:]``.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

_COMMON = {
    "n_samples": [Interval(Integral, 1, None, closed="left")],
    "sampling": [StrOptions({"uniform", "trajectory"})],
    "random_state": ["random_state"],
}


def _rk4(rhs, x, dt, max_step):
    """Advance ``x' = rhs(x)`` by ``dt`` with classical RK4 sub-steps of at most ``max_step``."""
    n_substeps = max(1, int(np.ceil(dt / max_step)))
    h = dt / n_substeps
    for _ in range(n_substeps):
        k1 = rhs(x)
        k2 = rhs(x + 0.5 * h * k1)
        k3 = rhs(x + 0.5 * h * k2)
        k4 = rhs(x + h * k3)
        x = x + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


def _pairs(step, low, high, n_samples, sampling, random_state):
    """Snapshot pairs of the map ``step`` from the box ``[low, high]``."""
    rng = check_random_state(random_state)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    if sampling == "uniform":
        X = rng.uniform(low, high, size=(n_samples, low.size))
        return X, step(X)
    traj = np.empty((n_samples + 1, low.size))
    traj[0] = rng.uniform(low, high)
    for m in range(n_samples):
        traj[m + 1] = step(traj[m : m + 1])[0]
    return traj[:-1], traj[1:]


@validate_params(
    {**_COMMON, "matrix": [Real, "array-like"]},
    prefer_skip_nested_validation=True,
)
def make_linear_map(n_samples=100, *, matrix=0.9, sampling="uniform", random_state=None):
    """Snapshot pairs of the linear map ``x -> A x`` on ``[-1, 1]^d``.

    With monomials up to degree ``k`` as dictionary, EDMD is exact: the Koopman
    eigenvalues are all products of at most ``k`` eigenvalues of ``A``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of pairs.
    matrix : float or array-like of shape (d, d), default=0.9
        ``A``; a float gives the scalar map ``x -> a x`` (``d = 1``).
    sampling : {"uniform", "trajectory"}, default="uniform"
        Independent uniform states, or one orbit.
    random_state : int, RandomState instance or None, default=None
        Seed for the states.

    Returns
    -------
    X : ndarray of shape (n_samples, d)
        States.
    Y : ndarray of shape (n_samples, d)
        ``Y[m] = A X[m]``.

    See Also
    --------
    skop.dynamics.EDMD : Extended dynamic mode decomposition.

    Examples
    --------
    >>> from skop.datasets import make_linear_map
    >>> X, Y = make_linear_map(5, matrix=0.5, random_state=0)
    >>> bool((Y == 0.5 * X).all())
    True
    """
    A = np.atleast_2d(np.asarray(matrix, dtype=float))
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.all(np.isfinite(A)):
        raise ValueError(f"matrix must be a finite float or a square 2-D array, got {matrix!r}.")
    d = A.shape[0]
    return _pairs(lambda X: X @ A.T, -np.ones(d), np.ones(d), n_samples, sampling, random_state)


@validate_params(
    {**_COMMON, "r": [Interval(Real, 0, 4, closed="both")]},
    prefer_skip_nested_validation=True,
)
def make_logistic_map(n_samples=100, *, r=4.0, sampling="uniform", random_state=None):
    """Snapshot pairs of the logistic map ``x -> r x (1 - x)`` on ``[0, 1]``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of pairs.
    r : float, default=4.0
        Growth rate in ``[0, 4]`` (chaotic at 4).
    sampling : {"uniform", "trajectory"}, default="uniform"
        Independent uniform states, or one orbit.
    random_state : int, RandomState instance or None, default=None
        Seed for the states.

    Returns
    -------
    X, Y : ndarray of shape (n_samples, 1)
        States and their images.

    See Also
    --------
    make_standard_map : A measure-preserving map of the torus.

    Examples
    --------
    >>> from skop.datasets import make_logistic_map
    >>> X, Y = make_logistic_map(3, random_state=0)
    >>> X.shape, bool(((0 <= Y) & (Y <= 1)).all())
    ((3, 1), True)
    """
    return _pairs(lambda X: r * X * (1 - X), [0.0], [1.0], n_samples, sampling, random_state)


@validate_params(
    {**_COMMON, "K": [Real]},
    prefer_skip_nested_validation=True,
)
def make_standard_map(n_samples=1000, *, K=1.0, sampling="uniform", random_state=None):
    """Snapshot pairs of the Chirikov standard map on the torus ``[0, 2 pi)^2``.

    ``p' = p + K sin(theta)``, ``theta' = theta + p'``, both modulo ``2 pi``,
    with state ``(theta, p)``. The map preserves area, so its Koopman operator
    is unitary on ``L^2`` of the torus and its spectrum lies on the unit circle:
    every EDMD eigenvalue well inside the disc is spurious.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    K : float, default=1.0
        Kick strength (``K = 0`` is integrable; chaos grows with ``K``).
    sampling : {"uniform", "trajectory"}, default="uniform"
        Independent uniform states (quadrature for the Lebesgue measure), or one orbit.
    random_state : int, RandomState instance or None, default=None
        Seed for the states.

    Returns
    -------
    X, Y : ndarray of shape (n_samples, 2)
        States ``(theta, p)`` and their images.

    See Also
    --------
    skop.dynamics.ResDMD : Residuals that expose the spurious eigenvalues.

    References
    ----------
    .. [1] B. V. Chirikov, "A universal instability of many-dimensional
       oscillator systems", Phys. Rep. 52 (1979).

    Examples
    --------
    >>> from skop.datasets import make_standard_map
    >>> X, Y = make_standard_map(4, random_state=0)
    >>> X.shape, Y.shape
    ((4, 2), (4, 2))
    """

    def step(X):
        p = np.mod(X[:, 1] + K * np.sin(X[:, 0]), 2 * np.pi)
        return np.column_stack([np.mod(X[:, 0] + p, 2 * np.pi), p])

    return _pairs(step, [0.0, 0.0], [2 * np.pi, 2 * np.pi], n_samples, sampling, random_state)


@validate_params(
    {
        **_COMMON,
        "alpha": [Real],
        "beta": [Real],
        "delta": [Interval(Real, 0, None, closed="left")],
        "dt": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def make_duffing(
    n_samples=1000, *, alpha=1.0, beta=-1.0, delta=0.5, dt=0.25, sampling="uniform",
    random_state=None,
):
    """Snapshot pairs of the unforced Duffing oscillator ``x'' = -delta x' - x (beta + alpha x^2)``.

    The defaults (a double well with damping, Williams et al. 2015) have two
    stable equilibria at ``x = +-1``; the states are drawn from ``[-2, 2]^2``.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    alpha, beta : float, default=1.0, -1.0
        Cubic and linear stiffness.
    delta : float, default=0.5
        Damping.
    dt : float, default=0.25
        Time between a state and its image.
    sampling : {"uniform", "trajectory"}, default="uniform"
        Independent uniform states, or one orbit.
    random_state : int, RandomState instance or None, default=None
        Seed for the states.

    Returns
    -------
    X, Y : ndarray of shape (n_samples, 2)
        States ``(x, x')`` and their images.

    See Also
    --------
    make_pendulum : An undamped, measure-preserving oscillator.

    Examples
    --------
    >>> from skop.datasets import make_duffing
    >>> X, Y = make_duffing(3, random_state=0)
    >>> Y.shape
    (3, 2)
    """

    def rhs(X):
        x, v = X[:, 0], X[:, 1]
        return np.column_stack([v, -delta * v - x * (beta + alpha * x**2)])

    return _pairs(
        lambda X: _rk4(rhs, X, dt, 0.01), [-2.0, -2.0], [2.0, 2.0], n_samples, sampling,
        random_state,
    )


@validate_params(
    {
        **_COMMON,
        "sigma": [Real],
        "rho": [Real],
        "beta": [Real],
        "dt": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def make_lorenz(
    n_samples=1000, *, sigma=10.0, rho=28.0, beta=8.0 / 3.0, dt=0.01, sampling="trajectory",
    random_state=None,
):
    """Snapshot pairs of the Lorenz system.

    ``x' = sigma (y - x)``, ``y' = x (rho - z) - y``, ``z' = x y - beta z``.
    States are drawn from the box ``[-20, 20] x [-30, 30] x [0, 50]`` that
    contains the attractor.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    sigma, rho, beta : float, default=10, 28, 8/3
        The classical chaotic parameters.
    dt : float, default=0.01
        Time between a state and its image.
    sampling : {"uniform", "trajectory"}, default="trajectory"
        Independent uniform states, or one orbit (the default: the dynamics
        lives on the attractor).
    random_state : int, RandomState instance or None, default=None
        Seed for the states.

    Returns
    -------
    X, Y : ndarray of shape (n_samples, 3)
        States and their images.

    See Also
    --------
    make_duffing : A two-dimensional damped oscillator.

    Examples
    --------
    >>> from skop.datasets import make_lorenz
    >>> X, Y = make_lorenz(10, random_state=0)
    >>> bool((X[1:] == Y[:-1]).all())
    True
    """

    def rhs(S):
        x, y, z = S[:, 0], S[:, 1], S[:, 2]
        return np.column_stack([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])

    return _pairs(
        lambda X: _rk4(rhs, X, dt, 0.005), [-20.0, -30.0, 0.0], [20.0, 30.0, 50.0],
        n_samples, sampling, random_state,
    )


@validate_params(
    {
        **_COMMON,
        "dt": [Interval(Real, 0, None, closed="neither")],
        "max_velocity": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def make_pendulum(
    n_samples=1000, *, dt=0.5, max_velocity=4.0, sampling="uniform", random_state=None
):
    """Snapshot pairs of the nonlinear pendulum ``theta'' = -sin(theta)``.

    The angle is periodic (wrapped to ``[-pi, pi)``); the flow is Hamiltonian,
    so it preserves area and its Koopman spectrum lies on the unit circle.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    dt : float, default=0.5
        Time between a state and its image.
    max_velocity : float, default=4.0
        Uniform states have angular velocity in ``[-max_velocity, max_velocity]``.
    sampling : {"uniform", "trajectory"}, default="uniform"
        Independent uniform states, or one orbit.
    random_state : int, RandomState instance or None, default=None
        Seed for the states.

    Returns
    -------
    X, Y : ndarray of shape (n_samples, 2)
        States ``(theta, omega)`` and their images.

    See Also
    --------
    make_standard_map : A discrete-time area-preserving map.

    Examples
    --------
    >>> from skop.datasets import make_pendulum
    >>> X, Y = make_pendulum(3, random_state=0)
    >>> bool((abs(Y[:, 0]) <= 3.1416).all())
    True
    """

    def rhs(S):
        return np.column_stack([S[:, 1], -np.sin(S[:, 0])])

    def step(S):
        S = _rk4(rhs, S, dt, 0.01)
        S[:, 0] = np.mod(S[:, 0] + np.pi, 2 * np.pi) - np.pi
        return S

    return _pairs(
        step, [-np.pi, -max_velocity], [np.pi, max_velocity], n_samples, sampling, random_state
    )
