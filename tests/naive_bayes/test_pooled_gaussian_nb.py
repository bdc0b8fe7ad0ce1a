"""PooledGaussianNB: the paper's formulas, streaming, weights, kernels, bad input."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.naive_bayes import GaussianNB

import skop.naive_bayes._pooled_gaussian as pooled_module
from skop.naive_bayes import PooledGaussianNB
from skop.naive_bayes import _kernels as K


def _data(n=300, p=6, k=3, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(k, size=n)
    X = rng.randn(n, p) * rng.uniform(0.5, 3, size=p) + y[:, None] * 0.7
    return X, y


def _reference(X, y, eps=1e-9):
    """The paper's definitions, written out with per-class loops."""
    classes = np.unique(y)
    mu = np.array([X[y == c].mean(0) for c in classes])
    pi = np.array([np.mean(y == c) for c in classes])
    var = sum(p * X[y == c].var(0) for p, c in zip(pi, classes)) + eps
    jll = (
        np.log(pi)
        - 0.5 * np.log(2 * np.pi * var).sum()
        - 0.5 * (((X[:, None, :] - mu) ** 2) / var).sum(2)
    )
    return mu, pi, var, jll


def test_matches_the_paper_definitions():
    X, y = _data()
    clf = PooledGaussianNB().fit(X, y)
    mu, pi, var, jll = _reference(X, y)
    assert_allclose(clf.theta_, mu, rtol=1e-12)
    assert_allclose(clf.class_prior_, pi, rtol=1e-12)
    assert_allclose(clf.var_, var, rtol=1e-12)
    assert clf.var_.shape == (X.shape[1],)
    assert_allclose(clf.predict_joint_log_proba(X), jll, rtol=1e-10)
    assert_array_equal(clf.predict(X), clf.classes_[np.argmax(jll, axis=1)])
    log_post = jll - np.logaddexp.reduce(jll, axis=1, keepdims=True)
    assert_allclose(clf.predict_log_proba(X), log_post, rtol=1e-9, atol=1e-12)
    assert_allclose(clf.predict_proba(X).sum(1), 1.0, rtol=1e-12)


def test_is_a_linear_classifier():
    # Shared variance: the log-odds of two classes is affine in x.
    X, y = _data(k=2)
    clf = PooledGaussianNB().fit(X, y)
    log_odds = np.diff(clf.predict_log_proba(X), axis=1)[:, 0]
    A = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, log_odds, rcond=None)
    assert_allclose(A @ coef, log_odds, atol=1e-8)


def test_partial_fit_in_batches_equals_fit():
    X, y = _data(n=1000)
    full = PooledGaussianNB().fit(X, y)
    stream = PooledGaussianNB()
    # Uneven batches, the first one lacking class 2.
    first = np.flatnonzero(y != 2)[:50]
    rest = np.setdiff1d(np.arange(len(y)), first)
    stream.partial_fit(X[first], y[first], classes=[0, 1, 2])
    for batch in np.array_split(rest, 7):
        stream.partial_fit(X[batch], y[batch])
    for attr in ("theta_", "var_", "class_prior_", "class_count_"):
        assert_allclose(getattr(stream, attr), getattr(full, attr), rtol=1e-12)


def test_fit_in_blocks_equals_one_block(monkeypatch):
    X, y = _data(n=500)
    one = PooledGaussianNB().fit(X, y)
    monkeypatch.setattr(K, "block_rows", lambda n_features, device: 7)
    many = PooledGaussianNB().fit(X, y)
    assert_allclose(many.var_, one.var_, rtol=1e-12)
    assert_allclose(many.theta_, one.theta_, rtol=1e-12)
    assert_allclose(many.predict_proba(X), one.predict_proba(X), rtol=1e-10)


def test_refit_forgets_previous_data():
    X, y = _data()
    clf = PooledGaussianNB().fit(X[:100] + 5, y[:100])
    clf.fit(X, y)
    assert_allclose(clf.theta_, PooledGaussianNB().fit(X, y).theta_)


def test_integer_weights_equal_repetition():
    X, y = _data(n=60)
    w = np.random.RandomState(1).randint(0, 4, size=len(y))
    weighted = PooledGaussianNB().fit(X, y, sample_weight=w)
    repeated = PooledGaussianNB().fit(np.repeat(X, w, 0), np.repeat(y, w))
    assert_allclose(weighted.var_, repeated.var_, rtol=1e-10)
    assert_allclose(weighted.theta_, repeated.theta_, rtol=1e-10)


def test_priors_change_only_the_prior():
    X, y = _data()
    free = PooledGaussianNB().fit(X, y)
    fixed = PooledGaussianNB(priors=[0.2, 0.3, 0.5]).fit(X, y)
    assert_allclose(fixed.class_prior_, [0.2, 0.3, 0.5])
    assert_allclose(fixed.var_, free.var_)
    assert_allclose(fixed.theta_, free.theta_)


@pytest.mark.parametrize(
    "priors, match",
    [([0.5, 0.5], "one prior per class"), ([0.5, 0.6, -0.1], "non-negative")],
)
def test_bad_priors(priors, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        PooledGaussianNB(priors=priors).fit(X, y)


def test_smoothing_is_absolute():
    # A constant feature gets exactly var_smoothing, whatever the other scales;
    # scikit-learn's GaussianNB scales it by the largest variance instead.
    X, y = _data()
    X[:, 0] = 3.0
    X[:, 1] *= 1e6
    clf = PooledGaussianNB(var_smoothing=1e-6).fit(X, y)
    assert clf.var_[0] == pytest.approx(1e-6, rel=1e-12)
    assert clf.epsilon_ == 1e-6
    sk = GaussianNB(var_smoothing=1e-6).fit(X, y)
    assert sk.epsilon_ > 1e3


def test_float32_input_is_computed_in_float64():
    X, y = _data()
    X32 = X.astype(np.float32)
    a = PooledGaussianNB().fit(X32, y)
    b = PooledGaussianNB().fit(X32.astype(np.float64), y)
    assert a.var_.dtype == np.float64
    assert_allclose(a.var_, b.var_, rtol=1e-14)
    assert_allclose(a.predict_proba(X32), b.predict_proba(X32), rtol=1e-12)


def test_string_labels_and_unseen_class():
    X, y = _data()
    labels = np.array(["cat", "dog", "emu"])[y]
    clf = PooledGaussianNB().fit(X, labels)
    assert set(clf.predict(X)) <= {"cat", "dog", "emu"}
    # A declared class that never shows up gets prior 0 and is never predicted.
    stream = PooledGaussianNB().partial_fit(X, labels, classes=["cat", "dog", "emu", "fox"])
    assert stream.class_prior_[3] == 0
    assert "fox" not in set(stream.predict(X))
    assert_allclose(stream.predict_proba(X)[:, 3], 0.0)


def test_input_is_not_modified():
    X, y = _data()
    X_copy, y_copy = X.copy(), y.copy()
    clf = PooledGaussianNB().fit(X, y)
    clf.predict_proba(X)
    assert_array_equal(X, X_copy)
    assert_array_equal(y, y_copy)


def test_bad_input_errors():
    X, y = _data()
    with pytest.raises(NotFittedError):
        PooledGaussianNB().predict(X)
    with pytest.raises(ValueError, match="classes must be passed"):
        PooledGaussianNB().partial_fit(X, y)
    clf = PooledGaussianNB().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(X, y + 5)
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :2], y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :2])
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PooledGaussianNB().fit(X_nan, y)
    with pytest.raises(ValueError, match="(?i)negative"):
        PooledGaussianNB().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        PooledGaussianNB().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError):
        PooledGaussianNB(var_smoothing=-1).fit(X, y)


def test_device_errors():
    X, y = _data()
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            PooledGaussianNB(device="cuda").fit(X, y)
    with pytest.raises(ValueError, match="float64"):
        PooledGaussianNB(device="meta").fit(X, y)


# ---------------------------------------------------------------- kernels
def test_torch_kernels_match_numpy_on_cpu():
    X, y = _data(n=200)
    w = np.random.RandomState(2).rand(len(y))
    cpu = torch.device("cpu")
    np_stats = K.batch_stats(X, y, w, 3)
    t_stats = K.batch_stats(
        K.to_backend(X, cpu), torch.as_tensor(y), K.to_backend(w, cpu), 3,
        buf=K.empty_block(len(y), X.shape[1], cpu),
    )
    for a, b in zip(np_stats, t_stats):
        assert_allclose(K.to_numpy(b), a, rtol=1e-12, atol=1e-14)
    merged_np = K.merge_stats(*np_stats, *K.batch_stats(X[:50] + 1, y[:50], w[:50], 3))
    merged_t = K.merge_stats(
        *t_stats,
        *K.batch_stats(K.to_backend(X[:50] + 1, cpu), torch.as_tensor(y[:50]),
                       K.to_backend(w[:50], cpu), 3),
    )
    for a, b in zip(merged_np, merged_t):
        assert_allclose(K.to_numpy(b), a, rtol=1e-12, atol=1e-14)


def test_torch_path_of_the_estimator_matches_numpy(monkeypatch):
    # The GPU code path, run on a CPU torch device, gives the numpy results.
    X, y = _data()
    ref = PooledGaussianNB(device="cpu").fit(X, y)
    monkeypatch.setattr(pooled_module, "_compute_device", lambda device: torch.device("cpu"))
    via_torch = PooledGaussianNB(device="cpu").fit(X, y)
    assert isinstance(via_torch.var_, np.ndarray)
    assert_allclose(via_torch.var_, ref.var_, rtol=1e-12)
    assert_allclose(via_torch.theta_, ref.theta_, rtol=1e-12)
    assert_allclose(via_torch.predict_joint_log_proba(X), ref.predict_joint_log_proba(X),
                    rtol=1e-11)
    assert_array_equal(via_torch.predict(X), ref.predict(X))


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 40),
    p=st.integers(1, 5),
    split=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**16),
)
def test_property_stream_equals_batch_and_probabilities_are_valid(n, p, split, seed):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) * 10 ** rng.uniform(-3, 3, size=p)
    y = rng.randint(2, size=n)
    y[:2] = [0, 1]  # both classes present, so fit and the stream agree on classes_
    cut = max(1, min(n - 1, int(split * n)))
    full = PooledGaussianNB().fit(X, y, sample_weight=None)
    stream = PooledGaussianNB().partial_fit(X[:cut], y[:cut], classes=[0, 1])
    stream.partial_fit(X[cut:], y[cut:])
    assert_allclose(stream.var_, full.var_, rtol=1e-9)
    assert_allclose(stream.class_count_, full.class_count_)
    proba = stream.predict_proba(X)
    assert np.all(np.isfinite(proba))
    assert_allclose(proba.sum(1), 1.0, rtol=1e-12)
