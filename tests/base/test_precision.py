"""Training precision and torch.compile, tested on CPU (bf16 autocast runs there)."""

import numpy as np
import pytest
import torch
from _tiny import TinyRegressor

from skop.metrics import relative_l2_error
from skop.neural_operator import FNORegressor
from skop.nn import SpectralConv


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4)
    return X, X @ np.array([1.0, -2.0, 0.5, 3.0]) + 10.0


@pytest.mark.parametrize("precision", ["bf16-mixed", "fp16-mixed"])
def test_mixed_precision_trains_as_well_as_float32(data, precision):
    X, y = data
    ref = TinyRegressor(max_epochs=60, random_state=0).fit(X, y)
    mixed = TinyRegressor(max_epochs=60, precision=precision, random_state=0).fit(X, y)
    assert mixed.score(X, y) > 0.99 and ref.score(X, y) > 0.99
    # Low-precision forward passes make a different (not a worse) model.
    assert not np.array_equal(mixed.predict(X), ref.predict(X))
    assert mixed.module_.model[0].weight.dtype == torch.float32  # weights stay float32
    if precision == "fp16-mixed":
        assert mixed.net_.grad_scaler_.get_scale() > 0


def test_autocast_forward_really_runs_in_bfloat16(data):
    X, y = data
    seen = []
    est = TinyRegressor(max_epochs=1, precision="bf16-mixed", random_state=0).fit(X, y)
    hook = est.net_.module_.model[0].register_forward_hook(
        lambda m, i, o: seen.append(o.dtype))
    est.net_.infer(torch.as_tensor(X[:4], dtype=torch.float32))
    hook.remove()
    assert seen == [torch.bfloat16]


def test_spectral_conv_keeps_ffts_in_float32_under_autocast():
    layer = SpectralConv(3, 2, (4,))
    x = torch.randn(2, 3, 16)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = layer(x.to(torch.bfloat16))
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, layer(x.to(torch.bfloat16).float()))


def test_fno_bf16_mixed_fit_on_cpu():
    rng = np.random.RandomState(0)
    x = np.arange(32) / 32
    a = rng.rand(60, 1)
    X, y = np.sin(2 * np.pi * (x + a)), np.cos(2 * np.pi * (x + a))
    params = dict(n_modes=4, width=8, n_layers=2, max_epochs=15, lr=1e-2, random_state=0)
    ref = relative_l2_error(y, FNORegressor(**params).fit(X, y).predict(X))
    bf16 = relative_l2_error(y, FNORegressor(**params, precision="bf16-mixed").fit(X, y)
                             .predict(X))
    assert bf16 < max(2 * ref, 0.05)


def test_compiled_fit_matches_eager(data):
    X, y = data
    # aot_eager traces through dynamo and AOTAutograd without a C++ build
    # (inductor takes ~50 s for this model on a small CPU; same code path).
    eager = TinyRegressor(max_epochs=5, random_state=0).fit(X, y)
    compiled = TinyRegressor(max_epochs=5, compile={"backend": "aot_eager"},
                             random_state=0).fit(X, y)
    assert type(compiled.net_.module_).__name__ == "OptimizedModule"
    assert not hasattr(compiled.module_, "_orig_mod")  # the trained module itself
    np.testing.assert_allclose(compiled.predict(X), eager.predict(X), rtol=1e-4, atol=1e-4)
    compiled.set_params(warm_start=True).fit(X, y)  # continues the compiled model
    assert compiled.n_iter_ == 5 and len(compiled.loss_curve_) == 10
    with pytest.raises(ValueError, match=r"cannot change the architecture \(compile="):
        compiled.set_params(compile=False).fit(X, y)
