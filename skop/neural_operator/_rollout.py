"""Time-dependent prediction: training windows from trajectories, autoregressive rollouts.

A time-dependent benchmark (Navier-Stokes, "10 steps in -> 10 out") is an
operator on the channel axis: ``X`` holds the last ``t_in`` snapshots as
channels, ``y`` the next ``t_out``. An operator fitted on such windows is
rolled out by feeding its own predictions back: the window slides by the
``t_out`` predicted snapshots at every call, and the error grows with the
number of calls. :func:`rollout_errors` reports it per predicted step.
"""

from numbers import Integral

import numpy as np

from skop.metrics import relative_l2_error


def _check_int(value, name, low):
    if not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    return int(value)


def time_windows(trajectories, t_in, t_out=1, stride=1):
    """Cut trajectories into ``(t_in snapshots -> next t_out snapshots)`` pairs.

    Parameters
    ----------
    trajectories : array-like of shape (n_trajectories, n_times, \\*grid)
        Snapshots in time order on the second axis.
    t_in : int
        Snapshots of every input window (its channels).
    t_out : int, default=1
        Snapshots of every target window.
    stride : int, default=1
        Time steps between the starts of consecutive windows.

    Returns
    -------
    X : ndarray of shape (n_windows, t_in, \\*grid)
    y : ndarray of shape (n_windows, t_out, \\*grid)
        ``n_windows = n_trajectories * n_starts`` in trajectory-major order.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.neural_operator import time_windows
    >>> w = np.arange(2 * 6 * 3.0).reshape(2, 6, 3)   # 2 trajectories, 6 times, 3 points
    >>> X, y = time_windows(w, t_in=3, t_out=2)
    >>> X.shape, y.shape
    ((4, 3, 3), (4, 2, 3))
    """
    w = np.asarray(trajectories, dtype=np.float64)
    if w.ndim < 3:
        raise ValueError(
            f"trajectories has shape {w.shape}; expected (n_trajectories, n_times, *grid) "
            "with at least one grid axis.")
    t_in, t_out = _check_int(t_in, "t_in", 1), _check_int(t_out, "t_out", 1)
    stride = _check_int(stride, "stride", 1)
    n_times = w.shape[1]
    if t_in + t_out > n_times:
        raise ValueError(
            f"t_in + t_out = {t_in + t_out} exceeds the {n_times} snapshots per trajectory.")
    starts = range(0, n_times - t_in - t_out + 1, stride)
    X = np.stack([w[:, s:s + t_in] for s in starts], axis=1)
    y = np.stack([w[:, s + t_in:s + t_in + t_out] for s in starts], axis=1)
    return X.reshape(-1, *X.shape[2:]), y.reshape(-1, *y.shape[2:])


def rollout(estimator, X, n_steps):
    """Predict ``n_steps`` snapshots autoregressively from the window ``X``.

    Each call of ``estimator.predict`` maps the current window of ``t_in``
    snapshots to the next ``t_out``; those are appended and the window slides
    forward by ``t_out``. With ``t_out >= n_steps`` this is one plain call.

    Parameters
    ----------
    estimator : fitted regressor
        Maps ``(n, t_in, *grid)`` to ``(n, t_out, *grid)`` (or to
        ``(n, *grid)`` when ``t_out = 1`` was fitted without a channel axis),
        e.g. an operator fitted on :func:`time_windows`.
    X : array-like of shape (n_samples, t_in, \\*grid)
        The initial windows.
    n_steps : int
        Snapshots to predict.

    Returns
    -------
    y : ndarray of shape (n_samples, n_steps, \\*grid)
    """
    window = np.asarray(X, dtype=np.float64)
    n_steps = _check_int(n_steps, "n_steps", 1)
    if window.ndim < 3:
        raise ValueError(
            f"X has shape {window.shape}; expected windows (n_samples, t_in, *grid) with the "
            "time steps on the channel axis.")
    t_in, grid = window.shape[1], window.shape[2:]
    predicted, count = [], 0
    while count < n_steps:
        step = np.asarray(estimator.predict(window))
        if step.shape == (len(window), *grid):
            step = step[:, None]
        if step.ndim != window.ndim or step.shape[2:] != grid or step.shape[0] != len(window):
            raise ValueError(
                f"{type(estimator).__name__}.predict maps windows of shape {window.shape} to "
                f"{step.shape}; a rollout needs (n_samples, t_out, *{tuple(grid)}).")
        predicted.append(step)
        count += step.shape[1]
        window = np.concatenate([window, step], axis=1)[:, -t_in:]
    return np.concatenate(predicted, axis=1)[:, :n_steps]


def rollout_errors(estimator, X, y, metric=relative_l2_error):
    """The error of every rolled-out step against the true snapshots.

    Parameters
    ----------
    estimator : fitted regressor
        As for :func:`rollout`.
    X : array-like of shape (n_samples, t_in, \\*grid)
        Initial windows.
    y : array-like of shape (n_samples, n_steps, \\*grid)
        The true next ``n_steps`` snapshots.
    metric : callable, default=skop.metrics.relative_l2_error
        ``metric(y_true, y_pred)`` on the ``(n_samples, *grid)`` snapshots of
        one step.

    Returns
    -------
    errors : ndarray of shape (n_steps,)
        ``errors[k]`` scores the ``k + 1``-th predicted snapshot.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim < 3 or len(y) != len(X):
        raise ValueError(
            f"y has shape {y.shape}; expected (n_samples, n_steps, *grid) with "
            f"n_samples = len(X) = {len(X)}.")
    pred = rollout(estimator, X, y.shape[1])
    if pred.shape != y.shape:
        raise ValueError(f"y has shape {y.shape}, but the rollout has shape {pred.shape}.")
    return np.array([metric(y[:, k], pred[:, k]) for k in range(y.shape[1])])
