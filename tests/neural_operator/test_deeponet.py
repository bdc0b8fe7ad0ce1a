"""DeepONetRegressor: it learns operators, queries anywhere, and refuses bad input."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skop.datasets import make_antiderivative
from skop.metrics import relative_l2_error
from skop.neural_operator import DeepONetRegressor
from skop.neural_operator._query import QueryBatches

SMALL = dict(n_basis=32, branch_hidden=(64,), trunk_hidden=(64,), batch_size=20,
             lr=3e-3, random_state=0)


@pytest.fixture(scope="module")
def antiderivative():
    X, y, points = make_antiderivative(260, n_sensors=30, n_points=25, random_state=0)
    return X[:200], y[:200], X[200:], y[200:], points


@pytest.fixture(scope="module")
def fitted(antiderivative):
    X, y, _, _, points = antiderivative
    return DeepONetRegressor(max_epochs=80, **SMALL).fit(X, y, query_points=points)


def test_learns_the_antiderivative(antiderivative, fitted):
    _, _, X_test, y_test, _ = antiderivative
    assert relative_l2_error(y_test, fitted.predict(X_test)) < 0.15


def test_off_grid_queries_as_accurate_as_on_grid(antiderivative, fitted):
    # What DeepONet is for: evaluate G(u) where it was never trained. The
    # exact antiderivative at fresh random points is the reference.
    X, y, _ = make_antiderivative(300, n_sensors=30, n_points=25, random_state=0)
    _, y_off, points_off = make_antiderivative(300, n_sensors=30, n_points=25, query="random",
                                               random_state=0)
    X_test, y_on, y_off, points_off = X[200:], y[200:], y_off[200:], points_off[200:]
    on = relative_l2_error(y_on, fitted.predict(X_test))
    off = relative_l2_error(y_off, fitted.predict(X_test, query_points=points_off))
    assert off < 1.3 * on + 0.005


def test_shared_and_per_sample_points_agree(antiderivative, fitted):
    _, _, X_test, _, points = antiderivative
    shared = fitted.predict(X_test, query_points=points)
    tiled = fitted.predict(X_test, query_points=np.broadcast_to(points, (len(X_test),) + points.shape))
    # Two kernel paths agree to the inference precision's rounding (float64 on
    # the CPU; float32 on a GPU, where they differed by 4e-7 on an H200).
    tol = 1e-10 if fitted._inference_dtype() == torch.float64 else 1e-5
    np.testing.assert_allclose(shared, tiled, rtol=tol, atol=tol / 100)
    np.testing.assert_allclose(shared, fitted.predict(X_test), rtol=1e-12, atol=1e-14)


def test_fit_on_per_sample_points(antiderivative):
    X, y, points = make_antiderivative(220, n_sensors=30, n_points=25, query="random",
                                       random_state=1)
    est = DeepONetRegressor(max_epochs=80, **SMALL).fit(X[:200], y[:200], query_points=points[:200])
    assert est.query_points_ is None
    err = relative_l2_error(y[200:], est.predict(X[200:], query_points=points[200:]))
    assert err < 0.15
    with pytest.raises(ValueError, match="pass query_points"):
        est.predict(X[200:])


def test_query_minibatches_subsample_points_and_targets_together():
    points = torch.linspace(0, 1, 50)[:, None]
    y = (3 * points[:, 0]).expand(4, 1, 50).clone()  # y = 3 x at each point
    transform = QueryBatches(points, 7, 0, np.array([[0.0, 1.0]]),
                             torch.Generator().manual_seed(0))
    Xb, yb = transform({"u": torch.zeros(4, 3)}, y)
    assert yb.shape == (4, 1, 7) and Xb["points"].shape == (4, 7, 1)
    torch.testing.assert_close(yb[:, 0], 3 * Xb["points"][..., 0])
    _, yb2 = transform({"u": torch.zeros(4, 3)}, y)
    assert not torch.equal(yb, yb2)  # a fresh subset each step


def test_query_batch_size_trains(antiderivative):
    X, y, X_test, y_test, points = antiderivative
    est = DeepONetRegressor(max_epochs=80, query_batch_size=8, **SMALL)
    est.fit(X, y, query_points=points)
    assert relative_l2_error(y_test, est.predict(X_test)) < 0.2


def _two_outputs(X, y):
    # Component 0: the antiderivative; component 1: u(0) * x -- two operators.
    x = np.linspace(0, 1, y.shape[1])
    return np.stack([y, X[:, :1] * x], axis=1)


@pytest.mark.parametrize("strategy", ["split", "independent"])
def test_several_output_components(antiderivative, strategy):
    X, y, X_test, y_test, points = antiderivative
    est = DeepONetRegressor(max_epochs=80, output_strategy=strategy, **SMALL)
    est.fit(X, _two_outputs(X, y), query_points=points)
    pred = est.predict(X_test)
    assert pred.shape == (len(X_test), 2, y.shape[1]) and est.n_outputs_ == 2
    assert est.score(X_test, _two_outputs(X_test, y_test)) > 0.98


@pytest.mark.parametrize("strategy", ["split", "independent"])
def test_independent_strategy_has_one_network_per_output(antiderivative, strategy):
    # Output component 0 depends on the second component's networks only if shared.
    X, y, _, _, points = antiderivative
    est = DeepONetRegressor(output_strategy=strategy, max_epochs=1, **SMALL).fit(
        X, _two_outputs(X, y), query_points=points)
    net = est.module_.model
    net.zero_grad(set_to_none=True)
    out = net(u=torch.as_tensor(X[:5], dtype=torch.float32, device=est.device_),
              points=torch.as_tensor(points, dtype=torch.float32, device=est.device_))
    out[:, 0].sum().backward()
    branch_grads = [sum(0.0 if p.grad is None else float(p.grad.abs().sum())
                        for p in sub.parameters())
                    for sub in (net.branch.nets if strategy == "independent" else [net.branch])]
    if strategy == "independent":
        assert branch_grads[0] > 0 and branch_grads[1] == 0
    else:
        assert branch_grads[0] > 0


def test_several_input_functions_mionet(antiderivative):
    # G(u1, u2)(x) = u2(0) * int_0^x u1: a product of two input functionals.
    X, y, X_test, y_test, points = antiderivative
    X2, _, _ = make_antiderivative(260, n_sensors=10, n_points=2, random_state=5)
    target = y * X2[:200, :1]
    test_target = y_test * X2[200:, :1]
    est = DeepONetRegressor(max_epochs=100, branch_inputs=(30, 10), **SMALL)
    est.fit(np.hstack([X, X2[:200]]), target, query_points=points)
    assert est.score(np.hstack([X_test, X2[200:]]), test_target) > 0.9
    with pytest.raises(ValueError, match="branch_inputs"):
        DeepONetRegressor(branch_inputs=(30, 9), max_epochs=1).fit(
            np.hstack([X, X2[:200]]), target, query_points=points)


def test_cnn_branch_on_a_2d_grid():
    rng = np.random.RandomState(0)
    a = rng.randn(240, 12, 12)
    x = np.linspace(0, 1, 20)
    y = a.mean(axis=(1, 2))[:, None] * 10 * np.sin(np.pi * x) + a[:, 0, 0][:, None] * x
    est = DeepONetRegressor(branch="cnn", conv_channels=(8, 16), max_epochs=60, **SMALL)
    est.fit(a[:200], y[:200])
    assert est.score(a[200:], y[200:]) > 0.9
    with pytest.raises(ValueError, match="fitted on"):
        est.predict(a[200:, :10, :10])


def test_custom_branch_factory(antiderivative):
    X, y, X_test, y_test, points = antiderivative
    calls = []

    def branch(shape, out_features):
        calls.append((shape, out_features))
        return torch.nn.Sequential(torch.nn.Linear(shape[0], 64), torch.nn.Tanh(),
                                   torch.nn.Linear(64, out_features))

    est = DeepONetRegressor(branch=branch, max_epochs=80, **SMALL).fit(X, y, query_points=points)
    assert calls == [((30,), 32)]
    assert relative_l2_error(y_test, est.predict(X_test)) < 0.15


@pytest.mark.parametrize("params", [dict(architecture="modified"),
                                    dict(fourier_features=16, activation="tanh")])
def test_trunk_variants_learn(antiderivative, params):
    X, y, X_test, y_test, points = antiderivative
    est = DeepONetRegressor(max_epochs=80, **{**SMALL, **params}).fit(X, y, query_points=points)
    assert relative_l2_error(y_test, est.predict(X_test)) < 0.15


def _antiderivative_residual(G, x, u):
    """dG/dx - u(x), with u linearly interpolated from its 30 sensors on [0, 1]."""
    dG = torch.autograd.grad(G.sum(), x, create_graph=True)[0][..., 0]  # (batch, n_c)
    s = x[..., 0].detach() * (u.shape[1] - 1)
    left = s.floor().clamp(max=u.shape[1] - 2).long()
    w = s - left
    u_x = torch.gather(u, 1, left) * (1 - w) + torch.gather(u, 1, left + 1) * w
    return dG - u_x


def test_physics_informed_training_learns_from_the_equation_alone():
    # Data: only G(u)(0) = 0. The residual dG/dx = u fixes the rest; without it
    # the model cannot know G anywhere else.
    X, y, points = make_antiderivative(160, n_sensors=30, n_points=25, random_state=0)
    zero = np.zeros((len(X), 1))
    params = dict(SMALL, n_basis=32, max_epochs=80, activation="tanh",
                  domain=[(0.0, 1.0)], n_collocation=32)
    informed = DeepONetRegressor(physics_residual=_antiderivative_residual, **params)
    informed.fit(X[:120], zero[:120], query_points=np.zeros((1, 1)))
    data_only = DeepONetRegressor(**params).fit(X[:120], zero[:120], query_points=np.zeros((1, 1)))
    err = relative_l2_error(y[120:], informed.predict(X[120:], query_points=points))
    err_data = relative_l2_error(y[120:], data_only.predict(X[120:], query_points=points))
    assert err < 0.3 < 0.8 < err_data
    restored = pickle.loads(pickle.dumps(informed))
    np.testing.assert_allclose(restored.predict(X[120:], query_points=points),
                               informed.predict(X[120:], query_points=points))


def test_target_on_a_grid_round_trips_its_layout():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 5)
    grid = np.linspace(0, 1, 6)[:, None] * np.linspace(0, 1, 4)[None, :]
    y = X[:, :1, None] * grid + X[:, 1:2, None]
    est = DeepONetRegressor(max_epochs=3, n_spatial_dims=2, grid="nodes", **SMALL).fit(X, y)
    pred = est.predict(X)
    assert pred.shape == y.shape and est.grid_shape_ == (6, 4)
    # The grid's points, given explicitly, are the points predict() used.
    flat = est.predict(X, query_points=est.query_points_)
    np.testing.assert_allclose(flat.reshape(y.shape), pred, rtol=1e-12)
    np.testing.assert_allclose(est.query_points_[5], [1 / 5, 1 / 3])
    with pytest.raises(ValueError, match="n_spatial_dims"):
        DeepONetRegressor(max_epochs=1).fit(X, y)
    two_outputs = np.stack([y, 2 * y], axis=1)
    est2 = DeepONetRegressor(max_epochs=1, domain=[(0, 1), (0, 2)], **SMALL).fit(X, two_outputs)
    assert est2.predict(X).shape == two_outputs.shape and est2.n_outputs_ == 2
    np.testing.assert_allclose(est2.query_points_.max(axis=0), [5 / 6, 2 * 3 / 4])


def test_bad_inputs_are_clear_errors(fitted, antiderivative):
    X, y, X_test, _, points = antiderivative
    with pytest.raises(ValueError, match="1-D query points"):
        fitted.predict(X_test, query_points=np.zeros((5, 2)))
    with pytest.raises(ValueError, match="expecting 30 features"):
        fitted.predict(X_test[:, :20])
    bad = X_test.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fitted.predict(bad)
    bad_points = points.copy()
    bad_points[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        fitted.predict(X_test, query_points=bad_points)
    with pytest.raises(ValueError, match="3 samples"):
        fitted.predict(X_test, query_points=np.zeros((3, 4, 1)))
    with pytest.raises(ValueError, match="25 query points"):
        DeepONetRegressor(max_epochs=1).fit(X, y[:, :10], query_points=points)


def test_reproducible_and_leaves_global_rngs_alone(antiderivative):
    X, y, X_test, _, points = antiderivative
    torch_state, np_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    a = DeepONetRegressor(max_epochs=3, query_batch_size=5, **SMALL).fit(X, y, query_points=points)
    b = DeepONetRegressor(max_epochs=3, query_batch_size=5, **SMALL).fit(X, y, query_points=points)
    np.testing.assert_array_equal(a.predict(X_test), b.predict(X_test))
    assert torch.equal(torch.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)


def test_grid_search_and_pipeline(antiderivative):
    X, y, _, _, points = antiderivative
    search = GridSearchCV(DeepONetRegressor(max_epochs=5, **SMALL),
                          {"n_basis": [8, 16]}, cv=2)
    search.fit(X[:80], y[:80], query_points=points)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    pipe = make_pipeline(FunctionTransformer(lambda A: 2 * A),
                         DeepONetRegressor(max_epochs=40, **SMALL))
    pipe.fit(X, 2 * y, deeponetregressor__query_points=points)
    assert pipe.score(X, 2 * y) > 0.9


def test_partial_fit_streams_chunks(antiderivative):
    # Out-of-core training: chunks of 50 functions, with their own (random) points.
    X, y, points = make_antiderivative(260, n_sensors=30, n_points=25, query="random",
                                       random_state=2)
    est = DeepONetRegressor(**SMALL)
    before = est.get_params()
    errors = []
    for epoch in range(12):
        for start in range(0, 200, 50):
            chunk = slice(start, start + 50)
            est.partial_fit(X[chunk], y[chunk], query_points=points[chunk])
        if epoch in (0, 11):
            errors.append(relative_l2_error(y[200:], est.predict(X[200:], query_points=points[200:])))
    assert est.get_params() == before
    assert len(est.loss_curve_) == 48
    assert errors[1] < 0.6 * errors[0] and errors[1] < 0.3


def test_warm_start_needs_the_same_layout(antiderivative):
    X, y, _, _, points = antiderivative
    est = DeepONetRegressor(max_epochs=1, warm_start=True, **SMALL).fit(X, y, query_points=points)
    with pytest.raises(ValueError, match="expecting 30 features"):
        est.fit(X[:, :20], y, query_points=points)
    with pytest.raises(ValueError, match="layout of the previous fit"):
        est.fit(X, np.stack([y, y], axis=1), query_points=points)
    # The failed fits left the model as it was.
    assert est.predict(X[:2]).shape == (2, 25)
