"""compare_learning_curves, its summaries and LearningCurveComparisonDisplay."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skop.model_selection import (
    LearningCurveComparisonDisplay,
    compare_learning_curves,
    samples_to_reach_error,
    summarize_learning_curves,
)
from skop.naive_bayes import PooledGaussianNB

SEEN = []


class _Recorder(ClassifierMixin, BaseEstimator):
    """Records the training rows it is fitted on (column 0 holds the row id)."""

    def __init__(self, tag="a"):
        self.tag = tag

    def fit(self, X, y):
        SEEN.append((self.tag, np.asarray(X).copy(), np.asarray(y).copy()))
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _pool(n=60, k=3, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % k
    X = np.column_stack([np.arange(n), rng.randn(n, 2) + y[:, None]])
    return X, y


def test_rows_columns_and_frame():
    X, y = _pool()
    res = compare_learning_curves(
        {"nb": PooledGaussianNB(), "dummy": DummyClassifier()}, X, y, X, y,
        train_sizes=[3, 10, 30], n_repeats=4, random_state=0,
    )
    assert sorted(res) == ["estimator", "fit_time", "repeat", "test_error", "train_size"]
    assert all(len(v) == 2 * 3 * 4 for v in res.values())
    assert np.all((res["test_error"] >= 0) & (res["test_error"] <= 1))
    assert np.all(res["fit_time"] >= 0)
    dummy = res["test_error"][res["estimator"] == "dummy"]
    assert_allclose(dummy, 2 / 3)  # always the majority (first) class
    pd = pytest.importorskip("pandas")
    frame = compare_learning_curves(
        [("nb", PooledGaussianNB())], X, y, X, y, train_sizes=[5], n_repeats=2,
        random_state=0, as_frame=True,
    )
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["estimator", "train_size", "repeat", "test_error", "fit_time"]


def test_subsets_are_shared_hold_every_class_and_are_reproducible():
    X, y = _pool()
    SEEN.clear()
    compare_learning_curves(
        [("a", _Recorder("a")), ("b", _Recorder("b"))], X, y, X, y,
        train_sizes=[3, 7], n_repeats=5, random_state=1,
    )
    a = [rows for tag, rows, _ in SEEN if tag == "a"]
    b = [rows for tag, rows, _ in SEEN if tag == "b"]
    assert len(a) == len(b) == 10
    for rows_a, rows_b in zip(a, b):
        assert_array_equal(rows_a, rows_b)  # paired: same subset for both
    for _, rows, labels in SEEN:
        assert len(set(labels)) == 3  # a draw missing a class was redrawn
        assert len(np.unique(rows[:, 0])) == len(rows)  # without replacement
    first = [rows.copy() for rows in a]
    SEEN.clear()
    compare_learning_curves([("a", _Recorder())], X, y, X, y, train_sizes=[3, 7],
                            n_repeats=5, random_state=1)
    for old, (_, new, _) in zip(first, SEEN):
        assert_array_equal(old, new)


def test_pipeline_scaler_is_refitted_on_each_subset():
    X, y = _pool()
    SEEN.clear()
    compare_learning_curves(
        {"p": make_pipeline(MinMaxScaler(), _Recorder())}, X, y, X, y,
        train_sizes=[4, 20], n_repeats=3, random_state=0,
    )
    for _, rows, _ in SEEN:
        assert_allclose(rows.min(0), 0.0)
        assert_allclose(rows.max(0), 1.0)


def test_summaries():
    res = {
        "estimator": np.array(["a"] * 4 + ["b"] * 4, dtype=object),
        "train_size": np.array([5, 5, 50, 50] * 2),
        "test_error": np.array([0.3, 0.1, 0.02, 0.0, 0.4, 0.4, 0.2, 0.1]),
    }
    summary = summarize_learning_curves(res)
    assert list(summary) == ["a", "b"]
    assert_allclose(summary["a"]["mean"], [0.2, 0.01])
    assert_allclose(summary["a"]["std"], [0.1, 0.01])
    assert summary["b"]["errors"].shape == (2, 2)
    assert samples_to_reach_error(res, 0.01) == {"a": 50, "b": None}
    assert samples_to_reach_error(res, 0.5) == {"a": 5, "b": 5}
    with pytest.raises(ValueError, match="lacks the columns"):
        summarize_learning_curves({"estimator": res["estimator"]})


def test_bad_input_errors():
    X, y = _pool()
    kw = dict(train_sizes=[5], n_repeats=1)
    with pytest.raises(ValueError, match="smaller than the 3 classes"):
        compare_learning_curves({"nb": GaussianNB()}, X, y, X, y, train_sizes=[2])
    with pytest.raises(ValueError, match="pool size"):
        compare_learning_curves({"nb": GaussianNB()}, X, y, X, y, train_sizes=[500])
    with pytest.raises(ValueError, match="list of ints"):
        compare_learning_curves({"nb": GaussianNB()}, X, y, X, y, train_sizes=[0.5])
    with pytest.raises(ValueError, match="not a classifier"):
        compare_learning_curves({"lr": LinearRegression()}, X, y, X, y, **kw)
    with pytest.raises(ValueError, match="unique"):
        compare_learning_curves([("a", GaussianNB()), ("a", GaussianNB())], X, y, X, y, **kw)
    with pytest.raises(ValueError, match="empty"):
        compare_learning_curves({}, X, y, X, y, **kw)
    with pytest.raises(ValueError, match="pairs"):
        compare_learning_curves([GaussianNB()], X, y, X, y, **kw)
    with pytest.raises(ValueError, match="shape"):
        compare_learning_curves({"nb": GaussianNB()}, X, y, X[:, :2], y, **kw)
    with pytest.raises(ValueError, match="inconsistent"):
        compare_learning_curves({"nb": GaussianNB()}, X, y[:10], X, y, **kw)
    with pytest.raises(ValueError, match="Unknown label type"):
        compare_learning_curves({"nb": GaussianNB()}, X, X[:, 1], X, y, **kw)
    # One sample of class 1 in 60: subsets of 3 almost never hold it.
    y_rare = np.zeros(60, dtype=int)
    y_rare[0] = 1
    with pytest.raises(ValueError, match="missed a class"):
        compare_learning_curves({"nb": GaussianNB()}, X, y_rare, X, y_rare,
                                train_sizes=[2], max_redraws=1, random_state=3)


def test_display_from_estimators_and_results():
    X, y = _pool()
    ests = {"pooled": PooledGaussianNB(), "sk": GaussianNB()}
    disp = LearningCurveComparisonDisplay.from_estimators(
        ests, X, y, X, y, train_sizes=[3, 10, 30], n_repeats=2, random_state=0,
        reference_error=0.05,
    )
    assert sorted(disp.lines_) == ["pooled", "sk"]
    assert sorted(disp.fill_between_) == ["pooled", "sk"]
    assert disp.ax_.get_xscale() == "log"
    assert disp.reference_line_ is not None
    assert_array_equal(disp.lines_["pooled"].get_xdata(), [3, 10, 30])
    assert len(disp.results["test_error"]) == 12
    plt.close("all")

    _, ax = plt.subplots()
    again = LearningCurveComparisonDisplay.from_results(
        disp.results, ax=ax, std_display_style="errorbar", log_scale=False
    )
    assert again.ax_ is ax and sorted(again.errorbar_) == ["pooled", "sk"]
    assert ax.get_xscale() == "linear"
    assert_allclose(
        again.lines_["sk"].get_ydata(), summarize_learning_curves(disp.results)["sk"]["mean"]
    )
    none = LearningCurveComparisonDisplay.from_results(disp.results, std_display_style=None)
    assert none.fill_between_ == {} and none.errorbar_ == {}
    with pytest.raises(ValueError, match="std_display_style"):
        none.plot(std_display_style="band")
    plt.close("all")


def test_display_accepts_a_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = _pool()
    frame = compare_learning_curves({"nb": PooledGaussianNB()}, X, y, X, y,
                                    train_sizes=[3, 9], n_repeats=2, random_state=0,
                                    as_frame=True)
    assert isinstance(frame, pd.DataFrame)
    disp = LearningCurveComparisonDisplay.from_results(frame)
    assert_array_equal(disp.lines_["nb"].get_xdata(), [3, 9])
    plt.close("all")
