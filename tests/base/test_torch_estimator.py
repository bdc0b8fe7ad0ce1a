"""The torch-estimator base, tested through a minimal concrete estimator.

The base must not know any specific method, so its behaviour is checked on a
tiny MLP regressor defined here.
"""

import pickle
import re
import warnings

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from _tiny import TinyRegressor
from sklearn.exceptions import NotFittedError


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4)
    y = X @ np.array([1.0, -2.0, 0.5, 3.0]) + 10.0
    return X, y


def test_fit_predict_learns(data):
    X, y = data
    est = TinyRegressor(max_epochs=60, random_state=0).fit(X, y)
    assert est.score(X, y) > 0.95
    assert est.n_iter_ == 60 and est.loss_curve_.shape == (60,)
    assert est.loss_curve_[-1] < est.loss_curve_[0]
    assert len(est.history_) == 60
    assert isinstance(est.module_, torch.nn.Module)
    assert not est.interrupted_


def test_same_seed_bit_identical_and_caller_rng_untouched(data):
    X, y = data
    torch_state = torch.get_rng_state()
    np_state = np.random.get_state()
    a = TinyRegressor(random_state=3).fit(X, y).predict(X)
    b = TinyRegressor(random_state=3).fit(X, y).predict(X)
    c = TinyRegressor(random_state=4).fit(X, y).predict(X)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)
    assert torch.equal(torch_state, torch.get_rng_state())
    after = np.random.get_state()
    assert np_state[0] == after[0] and np.array_equal(np_state[1], after[1])


def test_predict_before_fit_raises(data):
    with pytest.raises(NotFittedError):
        TinyRegressor().predict(data[0])
    with pytest.raises(NotFittedError):
        TinyRegressor().module_


def test_diverging_fit_raises_with_remedy(data):
    X, y = data
    est = TinyRegressor(lr=1e12, optimizer="sgd", max_epochs=20, random_state=0)
    with pytest.raises(ValueError, match=r"diverged.*Lower the learning rate \(lr=1e\+12"):
        est.fit(X, y * 1e6)
    assert not hasattr(est, "net_")


class InterruptAt(Callback):
    def __init__(self, epoch, batch):
        self.epoch, self.batch = epoch, batch

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch and len(net.history[-1]["batches"]) == self.batch:
            raise KeyboardInterrupt


def test_ctrl_c_keeps_best_weights(data):
    X, y = data
    est = TinyRegressor(max_epochs=50, callbacks=[InterruptAt(4, 2)], random_state=0)
    with pytest.warns(UserWarning, match="interrupted; restored the weights of epoch"):
        est.fit(X, y)
    assert est.interrupted_
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 3
    # The restored weights are those of the best finished epoch, not of the
    # half-finished one: retraining for exactly 3 epochs gives the same model.
    ref = TinyRegressor(max_epochs=3, random_state=0).fit(X, y)
    best = int(np.argmin(est.loss_curve_)) + 1
    assert best == 3
    np.testing.assert_array_equal(est.predict(X), ref.predict(X))


def test_early_stopping_stops_and_keeps_best():
    rng = np.random.RandomState(0)
    X, y = rng.randn(80, 4), rng.randn(80)  # pure noise: validation loss cannot keep improving
    est = TinyRegressor(max_epochs=200, early_stopping=True, n_iter_no_change=3, lr=3e-2,
                        random_state=0).fit(X, y)
    assert est.n_iter_ < 200
    assert est.validation_loss_curve_ is not None
    assert len(est.validation_loss_curve_) == est.n_iter_
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))


def test_early_stopping_needs_two_samples():
    with pytest.raises(ValueError, match="early_stopping needs"):
        TinyRegressor(early_stopping=True).fit(np.ones((1, 2)), np.ones(1))


def test_warm_start_continues(data):
    X, y = data
    est = TinyRegressor(max_epochs=5, warm_start=True, random_state=0).fit(X, y)
    first = est.loss_curve_.copy()
    before = {k: v.clone() for k, v in est.module_.state_dict().items()}
    est.set_params(max_epochs=7).fit(X, y)
    assert est.n_iter_ == 7 and len(est.loss_curve_) == 12
    np.testing.assert_array_equal(est.loss_curve_[:5], first)
    assert est.loss_curve_[5] < first[0]
    # It continued from the trained weights: a fresh 7-epoch fit starts far higher.
    fresh = TinyRegressor(max_epochs=7, random_state=0).fit(X, y)
    assert est.loss_curve_[5] < fresh.loss_curve_[0] / 2
    assert any(not torch.equal(before[k], v) for k, v in est.module_.state_dict().items())


class RecordBatches(Callback):
    """Records the first sample of every training batch and the lr of every step."""

    def initialize(self):
        self.firsts, self.lrs = [], []
        return self

    def on_batch_begin(self, net, batch=None, training=None, **kwargs):
        if training:
            self.firsts.append(float(batch[0][0, 0]))
            self.lrs.append(net.optimizer_.param_groups[0]["lr"])


def _recorded(est):
    return [c for _, c in est.net_.callbacks_ if isinstance(c, RecordBatches)][0]


def test_warm_start_does_not_replay_shuffle_and_restarts_schedule(data):
    X, y = data
    est = TinyRegressor(max_epochs=3, warm_start=True, lr_schedule="cosine", lr=1e-2,
                        callbacks=[RecordBatches()], random_state=0).fit(X, y)
    first = _recorded(est)
    first_order, first_lrs = list(first.firsts), list(first.lrs)
    est.fit(X, y)
    second = _recorded(est)
    assert second.firsts != first_order
    # One full cosine schedule per fit, read at each step: it starts at lr again.
    np.testing.assert_allclose(second.lrs, first_lrs)
    assert first_lrs[0] == pytest.approx(1e-2)
    assert first_lrs[-1] < 1e-3 and np.all(np.diff(first_lrs) <= 0)


def test_warm_start_honours_optimizer_and_loss_changes(data):
    X, y = data
    est = TinyRegressor(max_epochs=2, warm_start=True, random_state=0).fit(X, y)
    assert isinstance(est.net_.optimizer_, torch.optim.Adam)
    est.set_params(optimizer="sgd", weight_decay=1e-3).fit(X, y)
    assert isinstance(est.net_.optimizer_, torch.optim.SGD)
    assert est.net_.optimizer_.param_groups[0]["weight_decay"] == 1e-3
    est.set_params(loss_scale=10.0).fit(X, y)
    assert float(est.net_.criterion_.scale.reshape(-1)[0]) == pytest.approx(
        10.0 * float(est.module_.y_scale.reshape(-1)[0]))


def test_warm_start_architecture_change_raises_and_keeps_model(data):
    X, y = data
    est = TinyRegressor(max_epochs=2, warm_start=True, random_state=0).fit(X, y)
    pred = est.predict(X)
    with pytest.raises(ValueError, match=r"cannot change the architecture \(hidden=16 -> 8\)"):
        est.set_params(hidden=8).fit(X, y)
    est.set_params(hidden=16)
    np.testing.assert_array_equal(est.predict(X), pred)


def test_failed_fit_leaves_previous_model_intact(data):
    X, y = data
    est = TinyRegressor(max_epochs=3, warm_start=True, random_state=0).fit(X, y)
    pred, curve = est.predict(X), est.loss_curve_.copy()
    state = {k: v.clone() for k, v in est.module_.state_dict().items()}
    est.set_params(lr=1e12, optimizer="sgd")
    with pytest.raises(ValueError, match="diverged"):
        est.fit(X, y * 1e6)
    assert all(torch.equal(state[k], v) for k, v in est.module_.state_dict().items())
    assert all(torch.isfinite(v).all() for v in est.module_.state_dict().values())
    np.testing.assert_array_equal(est.predict(X), pred)
    np.testing.assert_array_equal(est.loss_curve_, curve)
    # An unfitted estimator whose fit fails stays unfitted (check_is_fitted must not lie).
    fresh = TinyRegressor(lr=1e12, optimizer="sgd", max_epochs=5, random_state=0)
    with pytest.raises(ValueError, match="diverged"):
        fresh.fit(X, y * 1e6)
    assert [k for k in vars(fresh) if k.endswith("_")] == []
    with pytest.raises(NotFittedError):
        fresh.predict(X)


class CountEpochs(Callback):
    def initialize(self):
        self.count = 0
        return self

    def on_epoch_end(self, net, **kwargs):
        self.count += 1


def test_user_callbacks_run_on_copies(data):
    X, y = data
    cb = CountEpochs()
    est = TinyRegressor(max_epochs=4, callbacks=[cb], random_state=0).fit(X, y)
    used = [c for _, c in est.net_.callbacks_ if isinstance(c, CountEpochs)]
    assert used[0].count == 4
    assert not hasattr(cb, "count")  # the object passed in is untouched


@pytest.mark.parametrize("schedule", ["cosine", "step", "onecycle"])
def test_lr_schedules(data, schedule):
    X, y = data
    est = TinyRegressor(max_epochs=10, lr=1e-2, lr_schedule=schedule, random_state=0).fit(X, y)
    lrs = [group["lr"] for group in est.net_.optimizer_.param_groups]
    if schedule == "cosine":
        assert lrs[0] < 1e-6
    elif schedule == "step":
        assert lrs[0] == pytest.approx(1e-2 * 0.5 ** 5)
    else:
        assert lrs[0] < 1e-5
    # warm starting runs a full schedule again from lr
    est.set_params(warm_start=True, max_epochs=2).fit(X, y)
    assert est.n_iter_ == 2


def test_optimizer_by_class(data):
    X, y = data
    est = TinyRegressor(optimizer=torch.optim.SGD, lr=1e-2, random_state=0).fit(X, y)
    assert isinstance(est.net_.optimizer_, torch.optim.SGD)


def test_invalid_parameters_are_rejected(data):
    X, y = data
    with pytest.raises(ValueError, match="optimizer"):
        TinyRegressor(optimizer="nope").fit(X, y)
    with pytest.raises(ValueError, match="lr_schedule"):
        TinyRegressor(lr_schedule="linear").fit(X, y)
    with pytest.raises(ValueError, match="lr"):
        TinyRegressor(lr=0).fit(X, y)


def test_verbose_progress_bar_and_table(data, capsys):
    X, y = data
    TinyRegressor(max_epochs=3, verbose=1, random_state=0).fit(X, y)
    err = capsys.readouterr().err
    assert re.search(r"3/3 \[", err) and "epoch" in err
    TinyRegressor(max_epochs=3, verbose=2, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and out.count("\n") >= 4


def test_float64_inference_is_batch_invariant(data):
    X, y = data
    est = TinyRegressor(random_state=0).fit(X, y)
    full = est.predict(X)
    rows = np.array([est.predict(X[i:i + 1])[0] for i in range(10)])
    # float64 makes a prediction independent of its batch to rounding (BLAS
    # kernels differ between batch sizes and CPUs by an ulp or so); float32
    # differed by 2.4e-7 here, above check_estimator's 1e-7.
    np.testing.assert_allclose(full[:10], rows, rtol=1e-12, atol=1e-12)
    est32 = TinyRegressor(random_state=0, inference_precision="float32").fit(X, y)
    np.testing.assert_allclose(est32.predict(X), full, rtol=1e-5, atol=1e-4)


def test_inference_copy_is_cached_and_refreshed(data):
    X, y = data
    est = TinyRegressor(max_epochs=2, warm_start=True, random_state=0).fit(X, y)
    before = dict(vars(est))
    est.predict(X)
    assert vars(est) == before  # predict sets no attribute
    first = est._inference_module()
    assert est._inference_module() is first and first.model[0].weight.dtype == torch.float64
    est.fit(X, y)
    assert est._inference_module() is not first
    # A module changed in place is cast again.
    cast = est._inference_module()
    with torch.no_grad():
        est.module_.model[0].weight.mul_(2.0)
    assert est._inference_module() is not cast
    np.testing.assert_allclose(
        est.predict(X), est.module_(torch.as_tensor(X, dtype=torch.float32)).detach()
        .numpy()[:, 0], rtol=1e-4, atol=1e-4)


def test_cuda_requested_without_cuda(data, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="CUDA is not available"):
        TinyRegressor(device="cuda").fit(*data)
    est = TinyRegressor(device="auto", max_epochs=1).fit(*data)
    assert est.device_.type == "cpu"


def test_pickle_round_trip(data):
    X, y = data
    est = TinyRegressor(random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(clone.predict(X), est.predict(X))
