"""FrozenFeatures: a frozen torch module as a transformer, and linear probes on it."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.validation import check_is_fitted

from skop.feature_extraction import FrozenFeatures
from skop.naive_bayes import PooledGaussianNB


def _backbone(seed=0, dtype=torch.float32):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        net = torch.nn.Sequential(
            torch.nn.Linear(6, 16), torch.nn.BatchNorm1d(16), torch.nn.ReLU(),
            torch.nn.Dropout(0.5), torch.nn.Linear(16, 4),
        )
    return net.to(dtype)


class _TrainedModel(BaseEstimator):
    """Stands in for a skop torch estimator: ``module_`` after fit."""

    def fit(self, X, y=None):
        self.module_ = _backbone(1)
        return self

    def predict(self, X):
        check_is_fitted(self)
        return np.zeros(len(X))


def test_identity_flattens_and_casts():
    X = np.arange(24, dtype=np.float64).reshape(4, 2, 3)
    out = FrozenFeatures().fit_transform(X)
    assert out.dtype == np.float32
    assert_array_equal(out, X.reshape(4, 6).astype(np.float32))
    out64 = FrozenFeatures(dtype="float64").fit_transform(X)
    assert out64.dtype == np.float64


def test_module_features_equal_a_direct_eval_forward():
    net = _backbone()
    X = np.random.RandomState(0).rand(37, 6).astype(np.float32)
    feats = FrozenFeatures(net, batch_size=5, device="cpu").fit(X).transform(X)
    net_eval = _backbone().eval()
    with torch.no_grad():
        expected = net_eval(torch.as_tensor(X)).numpy()
    assert feats.shape == (37, 4)
    assert_allclose(feats, expected, rtol=1e-5, atol=1e-6)
    # Batching does not change the features (eval mode: no batch statistics).
    big = FrozenFeatures(net, batch_size=1000).fit(X).transform(X)
    assert_allclose(feats, big, rtol=1e-5, atol=1e-6)


def test_callers_module_is_left_untouched():
    net = _backbone()
    net.train()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    X = np.random.RandomState(0).rand(10, 6)
    ff = FrozenFeatures(net).fit(X)
    ff.transform(X)
    assert net.training
    assert all(p.requires_grad for p in net.parameters())
    for k, v in net.state_dict().items():
        assert torch.equal(v, before[k])
    assert ff.module_ is not net
    assert not ff.module_.training


def test_input_shape_reshapes_flat_rows():
    conv = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.Flatten())
    X_img = np.random.RandomState(0).rand(8, 2, 5, 5).astype(np.float32)
    direct = FrozenFeatures(conv).fit_transform(X_img)
    flat = FrozenFeatures(conv, input_shape=(2, 5, 5)).fit_transform(X_img.reshape(8, -1))
    assert direct.shape == (8, 3 * 3 * 3)
    assert_allclose(direct, flat, rtol=1e-6)
    with pytest.raises(ValueError, match="input_shape"):
        FrozenFeatures(conv, input_shape=(2, 4, 4)).fit(X_img.reshape(8, -1))


def test_fitted_estimator_and_frozen_estimator():
    X = np.random.RandomState(0).rand(12, 6)
    model = _TrainedModel().fit(X)
    feats = FrozenFeatures(model).fit_transform(X)
    assert feats.shape == (12, 4)
    # FrozenEstimator keeps it fitted through clone (what Pipelines do).
    ff = clone(FrozenFeatures(FrozenEstimator(model)))
    assert_allclose(ff.fit_transform(X), feats)
    with pytest.raises(ValueError, match="FrozenEstimator"):
        clone(FrozenFeatures(model)).fit(X)  # clone unfits a bare estimator
    with pytest.raises(ValueError, match="FrozenEstimator"):
        FrozenFeatures(_TrainedModel()).fit(X)


def test_plain_callable_and_bad_outputs():
    X = np.random.RandomState(0).rand(5, 6)
    out = FrozenFeatures(lambda t: t[:, :2] * 2).fit_transform(X)
    assert_allclose(out, 2 * X[:, :2], rtol=1e-6)
    with pytest.raises(ValueError, match="not a tensor"):
        FrozenFeatures(lambda t: t.numpy()).fit(X)
    with pytest.raises(ValueError, match="module must be"):
        FrozenFeatures(module=3).fit(X)


def test_dtype_must_match_the_module():
    X = np.random.RandomState(0).rand(5, 6)
    with pytest.raises(ValueError, match="dtype"):
        FrozenFeatures(_backbone(dtype=torch.float64)).fit(X)
    out = FrozenFeatures(_backbone(dtype=torch.float64), dtype="float64").fit_transform(X)
    assert out.dtype == np.float64


def test_feature_names_and_pandas_output():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(np.random.RandomState(0).rand(7, 6), columns=list("abcdef"))
    ff = FrozenFeatures(_backbone()).fit(X)
    assert_array_equal(ff.feature_names_in_, list("abcdef"))
    assert_array_equal(ff.get_feature_names_out(), [f"frozenfeatures{i}" for i in range(4)])
    out = ff.set_output(transform="pandas").transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [f"frozenfeatures{i}" for i in range(4)]


def test_linear_probe_pipeline():
    rng = np.random.RandomState(0)
    y = rng.randint(2, size=200)
    X = rng.randn(200, 6) + 1.5 * y[:, None]
    pipe = make_pipeline(FrozenFeatures(_backbone()), MinMaxScaler(), PooledGaussianNB())
    pipe.fit(X[:100], y[:100])
    assert pipe.score(X[100:], y[100:]) > 0.8


def test_bad_input_errors():
    X = np.random.RandomState(0).rand(5, 6)
    with pytest.raises(NotFittedError):
        FrozenFeatures().transform(X)
    ff = FrozenFeatures(_backbone()).fit(X)
    with pytest.raises(ValueError, match="features"):
        ff.transform(X[:, :3])
    X_nd = np.random.RandomState(0).rand(5, 2, 3)
    ff_nd = FrozenFeatures().fit(X_nd)
    with pytest.raises(ValueError, match="shape"):
        ff_nd.transform(np.random.RandomState(0).rand(5, 2, 4))
    with pytest.raises(ValueError, match="NaN"):
        FrozenFeatures().fit(np.full((3, 2), np.nan))
    with pytest.raises(ValueError):
        FrozenFeatures(batch_size=0).fit(X)
    with pytest.raises(ValueError, match="dtype"):
        FrozenFeatures(dtype="float16").fit(X)
