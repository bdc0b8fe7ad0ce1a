"""The base's hooks, each used by a tiny estimator that needs it (no faked data).

* several inputs as a dict, per-input normalisers and an unnormalised output;
* an unsupervised denoising fit with noise drawn fresh per batch from the
  fit's generator, a loss parameter scheduled by epoch, a post-step clamp and
  inference with gradients (the output is the gradient of a potential);
* explicit generators: concurrent fits in threads, ``random_state=None``
  leaves numpy's global state alone;
* a model pickled on a (simulated) GPU predicts on a CPU-only machine.
"""

import copy
import pickle
import threading

import numpy as np
import pytest
import torch
from sklearn.base import RegressorMixin, TransformerMixin
from sklearn.utils.validation import validate_data
from _tiny import TinyRegressor
from torch import nn

from skop.base import AddNoise, BaseTorchEstimator, ParamSchedule
from skop.nn import ScaledMSELoss


# ----------------------------------------------------------- several inputs
class _TwoInputNet(nn.Module):
    """``out = <a, W b>`` for two keyword inputs."""

    def __init__(self, n_a, n_b):
        super().__init__()
        self.bilinear = nn.Bilinear(n_a, n_b, 1)

    def forward(self, a, b):
        return self.bilinear(a, b)


class TwoInputRegressor(RegressorMixin, BaseTorchEstimator):
    def __init__(self, *, max_epochs=30, batch_size=32, lr=2e-2, optimizer="adam",
                 weight_decay=0.0, optimizer_kwargs=None, lr_schedule="constant",
                 early_stopping=False, validation_fraction=0.2, n_iter_no_change=3,
                 callbacks=None, warm_start=False, precision="float32", compile=False,
                 device="cpu", inference_precision="auto", verbose=0, random_state=None):
        super().__init__(
            max_epochs=max_epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
            weight_decay=weight_decay, optimizer_kwargs=optimizer_kwargs,
            lr_schedule=lr_schedule, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            callbacks=callbacks, warm_start=warm_start, precision=precision, compile=compile,
            device=device, inference_precision=inference_precision, verbose=verbose,
            random_state=random_state)

    def fit(self, X, y):
        with self._fit_transaction():
            X, y = validate_data(self, X, y, dtype=np.float64)
            return self._fit_arrays({"a": X[:, :2], "b": X[:, 2:]}, y[:, None])

    def predict(self, X):
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._predict_array({"a": X[:, :2], "b": X[:, 2:]})[:, 0]

    def _normalization(self, X, y):
        x_stats, _ = super()._normalization(X, y)
        return {"a": x_stats["a"], "b": None}, None  # b raw, outputs unscaled

    def _build_module(self, X, y):
        return _TwoInputNet(X["a"].shape[1], X["b"].shape[1])

    def _build_criterion(self, y, y_scale):
        assert y_scale is None
        return nn.MSELoss()


def test_dict_inputs_and_per_input_normalisers():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5)
    X[:, :2] = 100 + 10 * X[:, :2]
    a = (X[:, :2] - 100) / 10
    y = a[:, 0] * X[:, 2] - a[:, 1] * X[:, 4]
    est = TwoInputRegressor(random_state=0).fit(X, y)
    module = est.module_
    assert module.in_a_loc is not None and module.in_b_loc is None and module.y_loc is None
    np.testing.assert_allclose(module.in_a_loc.numpy().ravel(), X[:, :2].mean(0), rtol=1e-6)
    assert est.score(X, y) > 0.99


# ------------------------------------------------------- unsupervised denoiser
class _GradientOfQuadratic(nn.Module):
    """``f(y) = grad psi(y)`` with ``psi(y) = 1/2 y^T A y``, ``A = L L^T`` (a convex potential)."""

    def __init__(self, n):
        super().__init__()
        self.L = nn.Linear(n, n, bias=False)

    def forward(self, y):
        y = y.requires_grad_(True) if not y.requires_grad else y
        psi = 0.5 * self.L(y).pow(2).sum()
        return torch.autograd.grad(psi, y, create_graph=self.training)[0]


class _GammaLoss(nn.Module):
    """Mean squared error; records the gamma it was called with."""

    def __init__(self):
        super().__init__()
        self.gamma = None
        self.seen = []

    def forward(self, pred, target):
        self.seen.append(self.gamma)
        return (pred - target).pow(2).sum(1).mean()


def _halving(epoch, max_epochs):
    return 0.5 ** epoch


def _clamp_nonnegative(module):
    module.model.L.weight.clamp_(min=0.0)


class QuadraticDenoiser(TransformerMixin, BaseTorchEstimator):
    _inference_grad = True

    def __init__(self, sigma=0.5, *, max_epochs=20, batch_size=50, lr=1e-2, optimizer="adam",
                 weight_decay=0.0, optimizer_kwargs=None, lr_schedule="constant",
                 early_stopping=False, validation_fraction=0.2, n_iter_no_change=3,
                 callbacks=None, warm_start=False, precision="float32", compile=False,
                 device="cpu", inference_precision="auto", verbose=0, random_state=None):
        super().__init__(
            max_epochs=max_epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
            weight_decay=weight_decay, optimizer_kwargs=optimizer_kwargs,
            lr_schedule=lr_schedule, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            callbacks=callbacks, warm_start=warm_start, precision=precision, compile=compile,
            device=device, inference_precision=inference_precision, verbose=verbose,
            random_state=random_state)
        self.sigma = sigma

    def fit(self, X, y=None):
        with self._fit_transaction():
            X = validate_data(self, X, dtype=np.float64)
            return self._fit_arrays(X, None)

    def transform(self, X):
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._predict_array(X)

    def _normalization(self, X, y):
        return None, None

    def _batch_transform(self, generator):
        return AddNoise(self.sigma, generator)

    def _training_callbacks(self):
        return [("gamma", ParamSchedule("gamma", _halving))]

    def _post_step(self):
        return _clamp_nonnegative

    def _build_module(self, X, y):
        return _GradientOfQuadratic(X.shape[1])

    def _build_criterion(self, y, y_scale):
        return _GammaLoss()


def test_unsupervised_fit_with_fresh_noise_schedule_and_clamp():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3) * np.array([1.0, 0.5, 0.1])
    est = QuadraticDenoiser(random_state=0).fit(X)
    # One gamma per batch, halving by epoch (4 batches per epoch).
    seen = est.net_.criterion_.seen
    assert seen[:4] == [1.0] * 4 and seen[4:8] == [0.5] * 4 and seen[-1] == 0.5 ** 19
    # The post-step hook kept the weights non-negative after every step.
    assert (est.module_.model.L.weight >= 0).all()
    # Prediction ran with gradients enabled and returned the gradient A y.
    A = (est.module_.model.L.weight.T @ est.module_.model.L.weight).detach().double().numpy()
    np.testing.assert_allclose(est.transform(X[:5]), X[:5] @ A.T, rtol=1e-6, atol=1e-8)
    # Fresh noise per batch: the denoiser shrinks, more along the small axes.
    shrink = np.diag(A)
    assert np.all(shrink < 1) and shrink[0] > shrink[2]


def test_noise_is_fresh_each_epoch_and_reproducible():
    X = np.zeros((4, 2))
    seen = []
    est = QuadraticDenoiser(max_epochs=3, batch_size=4, random_state=0)
    from skorch.callbacks import Callback

    class Record(Callback):
        def on_batch_begin(self, net, batch=None, training=None, **kwargs):
            if training:
                seen.append(batch[0].clone())

    est.set_params(callbacks=[Record()]).fit(X)
    first = list(seen)
    assert not torch.equal(first[0], first[1])  # new noise every epoch
    assert torch.equal(first[0][:, 0] * 0, torch.zeros(4))
    seen.clear()
    QuadraticDenoiser(max_epochs=3, batch_size=4, random_state=0, callbacks=[Record()]).fit(X)
    assert all(torch.equal(a, b) for a, b in zip(first, seen))


# ------------------------------------------------------------------ seeding
def _tiny(**params):
    return TinyRegressor(**params)


def test_concurrent_fits_in_threads_match_sequential_fits():
    rng = np.random.RandomState(0)
    X, y = rng.randn(80, 4), rng.randn(80)
    reference = {s: _tiny(max_epochs=5, random_state=s).fit(X, y).predict(X) for s in range(4)}
    results = {}

    def work(seed):
        results[seed] = _tiny(max_epochs=5, random_state=seed).fit(X, y).predict(X)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in range(4):
        np.testing.assert_array_equal(results[s], reference[s])


def test_random_state_none_leaves_global_rngs_alone():
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 4), rng.randn(40)
    np_state, torch_state = np.random.get_state(), torch.get_rng_state()
    a = _tiny(max_epochs=2).fit(X, y).predict(X)
    b = _tiny(max_epochs=2).fit(X, y).predict(X)
    after = np.random.get_state()
    assert np.array_equal(np_state[1], after[1]) and np_state[2] == after[2]
    assert torch.equal(torch_state, torch.get_rng_state())
    assert not np.allclose(a, b)  # still random


# ------------------------------------------------------------------ devices
def test_model_pickled_on_gpu_predicts_on_cpu_only_machine(monkeypatch):
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 4), rng.randn(40)
    est = _tiny(max_epochs=2, random_state=0).fit(X, y)
    expected = est.predict(X)
    # What a CUDA fit leaves behind; the weights themselves are CPU tensors
    # here, and skorch maps saved CUDA weights to the CPU when CUDA is absent.
    est.device_ = torch.device("cuda:0")
    est.net_.device = "cuda:0"
    payload = pickle.dumps(est)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(UserWarning, match="trained on cuda:0.*predicts on the CPU"):
        restored = pickle.loads(payload)
    assert restored.device_.type == "cpu"
    np.testing.assert_array_equal(restored.predict(X), expected)


@pytest.mark.parametrize("optimizer", ["adamw", "sgd"])
def test_prediction_during_training_does_not_go_stale(optimizer):
    # A callback predicting through the estimator (an error-vs-time curve)
    # caches the float64 inference copy of the module being trained. A fused
    # AdamW step does not bump the weights' version counters, so that copy was
    # served again after training went on (found as a flat DeepONet curve).
    from skorch.callbacks import Callback

    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 4), rng.randn(40)
    seen = []

    class Probe(Callback):
        def on_epoch_end(self, net, **kwargs):
            state = est.__dict__.copy()
            est.net_, est.device_ = net, torch.device("cpu")
            seen.append(est.predict(X))
            est.__dict__.clear()
            est.__dict__.update(state)

    est = _tiny(max_epochs=3, optimizer=optimizer, random_state=0, callbacks=[("probe", Probe())])
    est.fit(X, y)
    assert not np.array_equal(seen[0], seen[1])
    # After the fit: the final weights, as a copy without any cache sees them.
    np.testing.assert_array_equal(est.predict(X), copy.deepcopy(est).predict(X))
    np.testing.assert_array_equal(seen[-1], est.predict(X))
    # A warm start copies the net in-process: a local callback class is fine there.
    est.set_params(warm_start=True, max_epochs=1).fit(X, y)
    assert len(seen) == 4
