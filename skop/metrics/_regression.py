"""Relative errors between functions, the headline metric of operator learning."""

import numpy as np
from sklearn.metrics import make_scorer
from sklearn.utils._param_validation import StrOptions, validate_params
from sklearn.utils.validation import check_array


def _as_samples(a, name):
    a = check_array(a, dtype=np.float64, ensure_2d=False, allow_nd=True,
                    ensure_all_finite=True, input_name=name)
    return a.reshape(len(a), -1) if a.ndim > 1 else a.reshape(-1, 1)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "aggregate": [StrOptions({"mean", "median", "none"})],
    },
    prefer_skip_nested_validation=True,
)
def relative_l2_error(y_true, y_pred, *, aggregate="mean"):
    """Relative L2 error per sample, ``||y_pred - y_true|| / ||y_true||``, averaged.

    Each sample's error is the Euclidean norm of the difference over all its
    trailing axes (grid points, channels) divided by the norm of the true
    sample. On a uniform grid this equals the ratio of continuous L2 norms, so
    the number does not depend on the resolution.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, ...)
        True functions (any trailing shape; 1-D input is one value per sample).
    y_pred : array-like of the same shape as ``y_true``
        Predicted functions.
    aggregate : {"mean", "median", "none"}, default="mean"
        How to combine the per-sample errors; ``"none"`` returns all of them.

    Returns
    -------
    error : float or ndarray of shape (n_samples,)
        The aggregated relative error (0 is perfect), or per-sample errors.

    Raises
    ------
    ValueError
        If the shapes differ, an input holds NaN or inf, or a true sample is
        identically zero (its relative error is undefined).

    See Also
    --------
    relative_l2_scorer : The scorer for ``GridSearchCV(scoring=...)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.metrics import relative_l2_error
    >>> y = np.array([[3.0, 4.0], [1.0, 0.0]])
    >>> relative_l2_error(y, y * 1.1)
    0.1...
    """
    if np.shape(y_true) != np.shape(y_pred):
        raise ValueError(
            f"y_true and y_pred have different shapes: {np.shape(y_true)} and {np.shape(y_pred)}."
        )
    t = _as_samples(y_true, "y_true")
    p = _as_samples(y_pred, "y_pred")
    norms = np.linalg.norm(t, axis=1)
    if np.any(norms == 0):
        raise ValueError(
            "relative_l2_error is undefined for an identically zero true sample "
            f"(samples {np.flatnonzero(norms == 0)[:5].tolist()}); use an absolute error instead."
        )
    errors = np.linalg.norm(p - t, axis=1) / norms
    if aggregate == "none":
        return errors
    return float(np.mean(errors) if aggregate == "mean" else np.median(errors))


relative_l2_scorer = make_scorer(relative_l2_error, greater_is_better=False)
relative_l2_scorer.__doc__ = """Scorer: minus the mean relative L2 error (greater is better).

Use as ``GridSearchCV(..., scoring=relative_l2_scorer)`` or by name with
:func:`get_scorer`-style code via ``scoring=skop.metrics.relative_l2_scorer``.
"""
