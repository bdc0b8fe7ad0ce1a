"""Learning curves of several classifiers on shared training subsets."""

import time
from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_array, check_consistent_length, column_or_1d

_COLUMNS = ("estimator", "train_size", "repeat", "test_error", "fit_time")


def _named_estimators(estimators):
    """``[(name, estimator), ...]`` from a dict or a list of pairs."""
    pairs = list(estimators.items()) if isinstance(estimators, dict) else list(estimators)
    if not pairs:
        raise ValueError("estimators is empty; give at least one (name, estimator).")
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise ValueError(
                "estimators must be a dict {name: estimator} or a list of "
                f"(name, estimator) pairs; got the entry {pair!r}."
            )
        if not (hasattr(pair[1], "fit") and hasattr(pair[1], "predict")):
            raise ValueError(
                f"estimator {pair[0]!r} has no fit/predict: {type(pair[1]).__name__}."
            )
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError(f"estimator names must be unique, got {names}.")
    return pairs


def _draw_subsets(y, train_sizes, n_repeats, rng, max_redraws):
    """Index sets of every (size, repeat); each holds every class of ``y``.

    A draw that misses a class is redrawn (the protocol of the paper), so the
    subsets are uniform among those that contain all classes.
    """
    classes = np.unique(y)
    subsets = []
    for size in train_sizes:
        if size < len(classes):
            raise ValueError(
                f"train_size={size} is smaller than the {len(classes)} classes: a "
                "subset cannot hold every class. Start train_sizes at n_classes."
            )
        for repeat in range(n_repeats):
            for _ in range(max_redraws):
                idx = rng.choice(len(y), size=size, replace=False)
                if len(np.unique(y[idx])) == len(classes):
                    break
            else:
                raise ValueError(
                    f"{max_redraws} draws of {size} samples all missed a class; the "
                    "classes are too imbalanced for this size. Increase the size "
                    "or max_redraws."
                )
            subsets.append((size, repeat, idx))
    return subsets


def _fit_and_score(estimator, X, y, X_test, y_test, idx):
    # Every estimator is a fresh clone fitted on the subset only, so a
    # Pipeline's scaler is refitted on the m training points, as in the paper.
    est = clone(estimator)
    start = time.perf_counter()
    est.fit(X[idx], y[idx])
    fit_time = time.perf_counter() - start
    error = float(np.mean(est.predict(X_test) != y_test))
    return error, fit_time


@validate_params(
    {
        "estimators": [dict, list],
        "X": ["array-like"],
        "y": ["array-like"],
        "X_test": ["array-like"],
        "y_test": ["array-like"],
        "train_sizes": ["array-like"],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "max_redraws": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=False,
)
def compare_learning_curves(
    estimators,
    X,
    y,
    X_test,
    y_test,
    *,
    train_sizes,
    n_repeats=5,
    random_state=None,
    max_redraws=1000,
    n_jobs=None,
    as_frame=False,
):
    """Test error of several classifiers against the training-set size.

    For every size ``m`` in ``train_sizes`` and every repeat, ``m`` training
    points are drawn without replacement from ``X, y`` (a draw missing a
    class is redrawn); every estimator is cloned, fitted on that same subset
    and scored on the fixed test set. Sharing the subsets makes the
    comparison paired: the estimators differ only by the model.

    Parameters
    ----------
    estimators : dict or list of (str, estimator)
        The classifiers to compare, by name. Use a
        :class:`~sklearn.pipeline.Pipeline` to refit preprocessing (e.g. a
        ``MinMaxScaler``) on each training subset.
    X : array-like of shape (n_samples, n_features)
        Pool of training samples.
    y : array-like of shape (n_samples,)
        Labels of the pool.
    X_test : array-like of shape (n_test, n_features)
        Test samples, shared by every fit.
    y_test : array-like of shape (n_test,)
        Test labels.
    train_sizes : array-like of int
        Training-set sizes ``m``; each between ``n_classes`` and ``len(y)``.
    n_repeats : int, default=5
        Random subsets per size.
    random_state : int, RandomState instance or None, default=None
        Seed of the subset draws (the estimators keep their own seeds).
    max_redraws : int, default=1000
        Draws allowed per subset before giving up on holding every class.
    n_jobs : int, default=None
        Fits run in parallel with joblib; None means 1.
    as_frame : bool, default=False
        Return a :class:`pandas.DataFrame` (needs pandas) instead of a dict.

    Returns
    -------
    results : dict of ndarray or pandas.DataFrame
        One row per (estimator, size, repeat), in long ("tidy") format, with
        columns ``estimator`` (name), ``train_size``, ``repeat``,
        ``test_error`` (1 - accuracy) and ``fit_time`` (seconds).

    See Also
    --------
    LearningCurveComparisonDisplay : Plot these results.
    samples_to_reach_error : Smallest size whose mean error is under a target.
    sklearn.model_selection.learning_curve : One estimator, cross-validated.

    Notes
    -----
    This is the protocol of Zheng et al. (2023): subsets of growing size, a
    fixed test set, errors averaged over repeats.

    Examples
    --------
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from skop.datasets import make_easy_gaussian_mixture
    >>> from skop.model_selection import compare_learning_curves
    >>> from skop.naive_bayes import PooledGaussianNB
    >>> X, y = make_easy_gaussian_mixture(300, n_features=20, random_state=0)
    >>> res = compare_learning_curves(
    ...     {"pooled": PooledGaussianNB(), "sklearn": GaussianNB()},
    ...     X[:200], y[:200], X[200:], y[200:], train_sizes=[4, 20],
    ...     n_repeats=2, random_state=0)
    >>> sorted(res)
    ['estimator', 'fit_time', 'repeat', 'test_error', 'train_size']
    >>> res["test_error"].shape
    (8,)
    """
    pairs = _named_estimators(estimators)
    X, X_test = (check_array(a, allow_nd=True, dtype=None) for a in (X, X_test))
    y, y_test = column_or_1d(y), column_or_1d(y_test)
    check_consistent_length(X, y)
    check_consistent_length(X_test, y_test)
    check_classification_targets(y)
    if X.shape[1:] != X_test.shape[1:]:
        raise ValueError(
            f"X has samples of shape {X.shape[1:]} but X_test of {X_test.shape[1:]}."
        )
    for name, est in pairs:
        if not is_classifier(est):
            raise ValueError(f"estimator {name!r} is not a classifier.")
    sizes = np.asarray(train_sizes)
    if sizes.ndim != 1 or sizes.size == 0 or not np.issubdtype(sizes.dtype, np.integer):
        raise ValueError(f"train_sizes must be a 1-D list of ints, got {train_sizes!r}.")
    if sizes.min() < 1 or sizes.max() > len(y):
        raise ValueError(
            f"train_sizes must lie in [1, {len(y)}] (the pool size), got {sizes.tolist()}."
        )
    rng = check_random_state(random_state)
    subsets = _draw_subsets(y, sizes, n_repeats, rng, max_redraws)
    scores = Parallel(n_jobs=n_jobs)(
        delayed(_fit_and_score)(est, X, y, X_test, y_test, idx)
        for _, est in pairs
        for _, _, idx in subsets
    )
    results = {
        "estimator": np.array([name for name, _ in pairs for _ in subsets], dtype=object),
        "train_size": np.array([s for _ in pairs for s, _, _ in subsets], dtype=np.int64),
        "repeat": np.array([r for _ in pairs for _, r, _ in subsets], dtype=np.int64),
        "test_error": np.array([e for e, _ in scores]),
        "fit_time": np.array([t for _, t in scores]),
    }
    return _as_frame(results) if as_frame else results


def _as_frame(results):
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is a test extra
        raise ImportError(
            "as_frame=True needs pandas (pip install pandas); use as_frame=False to "
            "get a dict of numpy arrays."
        ) from exc
    return pd.DataFrame({key: results[key] for key in _COLUMNS})


def _columns(results):
    """The result columns as numpy arrays, from a dict or a DataFrame."""
    missing = [c for c in ("estimator", "train_size", "test_error") if c not in results]
    if missing:
        raise ValueError(
            f"results lacks the columns {missing}; pass the output of "
            "compare_learning_curves."
        )
    return {key: np.asarray(results[key]) for key in _COLUMNS if key in results}


def summarize_learning_curves(results):
    """Mean and standard deviation of the test error per estimator and size.

    Parameters
    ----------
    results : dict or pandas.DataFrame
        Output of :func:`compare_learning_curves`.

    Returns
    -------
    summary : dict
        ``{name: {"train_sizes", "mean", "std", "errors"}}`` with arrays over
        the sorted sizes; ``errors`` has shape (n_sizes, n_repeats) (NaN where
        a repeat is missing). Names keep their first-seen order.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.model_selection import summarize_learning_curves
    >>> res = {"estimator": np.array(["a", "a"]), "train_size": np.array([5, 5]),
    ...        "test_error": np.array([0.1, 0.3])}
    >>> summarize_learning_curves(res)["a"]["mean"]
    array([0.2])
    """
    cols = _columns(results)
    names = list(dict.fromkeys(cols["estimator"].tolist()))
    summary = {}
    for name in names:
        mask = cols["estimator"] == name
        sizes = np.unique(cols["train_size"][mask])
        per_size = [cols["test_error"][mask & (cols["train_size"] == s)] for s in sizes]
        width = max(len(e) for e in per_size)
        errors = np.full((len(sizes), width), np.nan)
        for row, e in enumerate(per_size):
            errors[row, : len(e)] = e
        summary[name] = {
            "train_sizes": sizes,
            "mean": np.nanmean(errors, axis=1),
            "std": np.nanstd(errors, axis=1),
            "errors": errors,
        }
    return summary


def samples_to_reach_error(results, target_error):
    """Smallest training size whose mean test error is at most ``target_error``.

    Parameters
    ----------
    results : dict or pandas.DataFrame
        Output of :func:`compare_learning_curves`.
    target_error : float
        E.g. the Bayes error plus 0.01.

    Returns
    -------
    sizes : dict
        ``{name: size}``; ``None`` when no size of the grid reaches the target
        (the estimator needs more samples than the largest size tried).

    Examples
    --------
    >>> import numpy as np
    >>> from skop.model_selection import samples_to_reach_error
    >>> res = {"estimator": np.array(["a", "a"]), "train_size": np.array([5, 50]),
    ...        "test_error": np.array([0.3, 0.001])}
    >>> samples_to_reach_error(res, 0.01)
    {'a': 50}
    """
    reached = {}
    for name, curve in summarize_learning_curves(results).items():
        hits = curve["train_sizes"][curve["mean"] <= target_error]
        reached[name] = int(hits[0]) if hits.size else None
    return reached
