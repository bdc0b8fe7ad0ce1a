"""skop's torch LogisticRegression against scikit-learn's lbfgs one."""

import warnings

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skop.linear_model import LogisticRegression


def _data(n_classes=2, n=300, seed=0):
    return make_classification(
        n, 8, n_informative=5, n_classes=n_classes, random_state=seed
    )


def _rel(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("C", [0.1, 1.0])
def test_coefficients_match_sklearn_at_tight_tol(n_classes, fit_intercept, C):
    X, y = _data(n_classes)
    kw = dict(C=C, fit_intercept=fit_intercept, tol=1e-8, max_iter=2000)
    ours = LogisticRegression(**kw, device="cpu").fit(X, y)
    ref = SkLogisticRegression(**kw).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape
    assert ours.intercept_.shape == ref.intercept_.shape
    assert _rel(ours.coef_, ref.coef_) < 1e-5
    assert np.abs(ours.intercept_ - ref.intercept_).max() < 1e-5
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_coefficients_match_sklearn_at_default_tol(n_classes):
    X, y = _data(n_classes)
    ours = LogisticRegression(device="cpu").fit(X, y)
    ref = SkLogisticRegression().fit(X, y)
    assert _rel(ours.coef_, ref.coef_) < 1e-2


def test_weights_and_class_weight_match_sklearn():
    X, y = _data(3)
    sw = np.random.RandomState(0).uniform(0.2, 3, size=len(y))
    kw = dict(tol=1e-8, max_iter=2000, class_weight="balanced")
    ours = LogisticRegression(**kw, device="cpu").fit(X, y, sample_weight=sw)
    ref = SkLogisticRegression(**kw).fit(X, y, sample_weight=sw)
    assert _rel(ours.coef_, ref.coef_) < 1e-5
    dict_w = {0: 2.0, 1: 1.0, 2: 0.5}
    ours = LogisticRegression(tol=1e-8, max_iter=2000, class_weight=dict_w).fit(X, y)
    ref = SkLogisticRegression(tol=1e-8, max_iter=2000, class_weight=dict_w).fit(X, y)
    assert _rel(ours.coef_, ref.coef_) < 1e-5


def test_no_penalty_matches_sklearn():
    X, y = _data(2, n=400, seed=3)
    X = X + np.random.RandomState(0).normal(scale=3.0, size=X.shape)  # not separable
    ref = SkLogisticRegression(C=np.inf, tol=1e-8, max_iter=2000).fit(X, y)
    for kw in (dict(penalty=None), dict(C=np.inf)):
        ours = LogisticRegression(**kw, tol=1e-8, max_iter=2000).fit(X, y)
        assert _rel(ours.coef_, ref.coef_) < 1e-4


def test_probabilities_and_decision_are_consistent():
    for n_classes in (2, 3):
        X, y = _data(n_classes)
        clf = LogisticRegression().fit(X, y)
        proba = clf.predict_proba(X)
        assert_allclose(proba.sum(1), 1.0, rtol=1e-12)
        assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-10)
        assert_array_equal(clf.predict(X), clf.classes_[np.argmax(proba, 1)])
        scores = clf.decision_function(X)
        assert scores.shape == ((len(y),) if n_classes == 2 else (len(y), n_classes))


def test_string_labels_binary_positive_class_is_second():
    X, y = _data(2)
    labels = np.array(["no", "yes"])[y]
    clf = LogisticRegression().fit(X, labels)
    assert_array_equal(clf.classes_, ["no", "yes"])
    assert_array_equal(clf.predict(X) == "yes", clf.decision_function(X) > 0)


def test_warm_start_resumes():
    X, y = _data(3)
    clf = LogisticRegression(warm_start=True, tol=1e-6, max_iter=500).fit(X, y)
    first = clf.n_iter_[0]
    clf.fit(X, y)
    assert clf.n_iter_[0] < first
    cold = LogisticRegression(tol=1e-6, max_iter=500).fit(X, y)
    assert clf.n_iter_[0] < cold.n_iter_[0]


def test_convergence_warning_and_max_iter_zero():
    X, y = _data(3)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        LogisticRegression(max_iter=2).fit(X, y)
    clf = LogisticRegression(max_iter=0).fit(X, y)
    assert_array_equal(clf.coef_, 0.0)
    assert clf.n_iter_[0] == 0


def test_verbose_prints(capsys):
    X, y = _data(2)
    LogisticRegression(verbose=1).fit(X, y)
    assert "iterations" in capsys.readouterr().out


def test_drop_in_inside_pipeline_and_grid_search():
    X, y = _data(3)
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    search = GridSearchCV(pipe, {"logisticregression__C": [0.1, 1.0]}, cv=3).fit(X, y)
    assert search.best_score_ > 0.6


def test_leaves_global_rng_and_input_untouched():
    X, y = _data(2)
    X_copy = X.copy()
    torch_state, np_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    LogisticRegression().fit(X, y).predict(X)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert_array_equal(np.random.get_state()[1], np_state)
    assert_array_equal(X, X_copy)


def test_bad_input_errors():
    X, y = _data(2)
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)
    with pytest.raises(ValueError, match="one class"):
        LogisticRegression().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="C"):
        LogisticRegression(C=0).fit(X, y)
    with pytest.raises(ValueError, match="L1"):
        LogisticRegression(l1_ratio=0.5).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        LogisticRegression(solver="saga").fit(X, y)
    with pytest.raises(TypeError, match="(?i)sparse"):
        LogisticRegression().fit(sparse.csr_matrix(X), y)
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="features"):
        LogisticRegression().fit(X, y).predict(X[:, :3])
    X_inf = X.copy()
    X_inf[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        LogisticRegression().fit(X_inf, y)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            LogisticRegression(device="cuda").fit(X, y)


def test_float32_and_readonly_input():
    X, y = _data(2)
    X32 = X.astype(np.float32)
    X32.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = LogisticRegression().fit(X32, y)
    b = LogisticRegression().fit(X32.astype(np.float64), y)
    assert_allclose(a.coef_, b.coef_, rtol=1e-12)
