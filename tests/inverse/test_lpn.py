"""Learned proximal networks: convexity, the prox property, the paper's Laplace toy, layouts."""

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.base import clone

from skop.inverse import GammaSchedule, LearnedProximalNetwork
from skop.nn import ConvICNN, LearnedProx, ProximalMatchingLoss, VectorICNN, build_module


def _random_prox(potential, seed=0, scale=1.0):
    """A prox with random (clamped) weights: far from the near-linear initialisation."""
    prox = build_module(lambda: LearnedProx(potential), torch.Generator().manual_seed(seed))
    prox = prox.double()
    with torch.no_grad():
        g = torch.Generator().manual_seed(seed + 1)
        for p in prox.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=g, dtype=p.dtype))
    prox.clamp_nonnegative_()
    return prox


def _jacobian(prox, x):
    return torch.autograd.functional.jacobian(lambda v: prox(v[None])[0].flatten(),
                                              x).reshape(x.numel(), x.numel())


@pytest.mark.parametrize("potential, shape", [
    (lambda: VectorICNN(4, 16, 3), (4,)),
    (lambda: ConvICNN(1, 4, 3), (1, 5, 5)),
])
def test_prox_jacobian_is_symmetric_psd(potential, shape):
    prox = _random_prox(potential())
    for seed in range(3):
        x = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
        J = _jacobian(prox, x)
        assert torch.allclose(J, J.T, atol=1e-10 * J.abs().max())
        assert torch.linalg.eigvalsh((J + J.T) / 2).min() >= -1e-10 * J.abs().max()


def test_unclamped_weights_break_convexity_so_the_test_can_fail():
    prox = _random_prox(VectorICNN(4, 16, 3))
    with torch.no_grad():
        for w in prox.potential.nonnegative_parameters():
            w.neg_()  # all non-positive: psi is no longer convex
    mins = [torch.linalg.eigvalsh(_jacobian(prox, torch.randn(4, dtype=torch.float64,
                                                              generator=torch.Generator()
                                                              .manual_seed(s)))).min()
            for s in range(5)]
    assert min(mins) < 0


def test_fit_keeps_weights_nonnegative_and_jacobian_psd():
    X = np.random.default_rng(0).normal(size=(300, 3))
    lpn = LearnedProximalNetwork(sigma=0.5, hidden=16, max_epochs=6, lr=1e-2,
                                 random_state=0).fit(X)
    potential = lpn.module_.model.potential
    assert all((w >= 0).all() for w in potential.nonnegative_parameters())
    # Training moved the constrained weights away from their tiny initialisation.
    assert max(float(w.detach().max()) for w in potential.nonnegative_parameters()) > 1e-3
    prox = lpn.module_.model.double()
    for seed in range(3):
        x = torch.randn(3, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
        J = _jacobian(prox, x)
        assert torch.allclose(J, J.T, atol=1e-8)
        assert torch.linalg.eigvalsh((J + J.T) / 2).min() >= -1e-8


def test_inverse_and_prox_property():
    """f(y) minimises 1/2 ||x - y||^2 + R(x): the learned R is the prox's regulariser."""
    prox = _random_prox(VectorICNN(2, 16, 3, strong_convexity=1e-2), scale=0.5)
    y = torch.randn(6, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    x_star = prox(y).detach()
    y_back, converged = prox.inverse(x_star)
    assert converged.all()
    torch.testing.assert_close(prox(y_back).detach(), x_star, atol=1e-8, rtol=0)

    def objective(x):
        x_inv, ok = prox.inverse(x)
        assert ok.all()
        return 0.5 * (x - y).pow(2).sum(1) + prox.regularizer(x, x_inv)

    best = objective(x_star)
    g = torch.Generator().manual_seed(6)
    for radius in (1e-2, 1e-1, 0.5):
        other = x_star + radius * torch.randn(x_star.shape, generator=g, dtype=torch.float64)
        assert (objective(other) >= best - 1e-9).all()


def test_inverse_is_per_sample():
    prox = _random_prox(ConvICNN(1, 4, 2), scale=0.5)
    x = torch.randn(4, 1, 6, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    together, _ = prox.inverse(x)
    alone, _ = prox.inverse(x[2:3])
    torch.testing.assert_close(together[2:3], alone, atol=1e-9, rtol=0)


def test_gamma_schedule_warmup_then_halving():
    s = GammaSchedule(0.1, n_stages=4, warmup=0.5)
    values = [s(e, 16) for e in range(16)]
    assert values[:8] == [None] * 8
    assert values[8:] == pytest.approx([0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1])
    explicit = GammaSchedule((0.5, 0.3, 0.1), warmup=0.25)
    assert [explicit(e, 8) for e in range(8)] == [None, None, 0.5, 0.5, 0.3, 0.3, 0.1, 0.1]


def test_proximal_matching_loss_values():
    loss = ProximalMatchingLoss(gamma=0.5)
    pred, target = torch.tensor([[0.0, 0.0], [3.0, 4.0]]), torch.zeros(2, 2)
    expected = (0 + (1 - np.exp(-(5 / 0.5) ** 2))) / 2
    assert float(loss(pred, target)) == pytest.approx(expected)
    loss.gamma = None  # the L1 warm-up
    assert float(loss(pred, target)) == pytest.approx((0 + 3.5) / 2)


def test_laplace_toy_map_versus_mmse():
    """The paper's toy, small: proximal matching approaches soft-thresholding, L2 the mean.

    x ~ Laplace(0, 1), sigma = 1. MAP = S_1(y) (0 at y = 0.5), posterior mean
    0.241 at y = 0.5 and 0.503 at y = 1. Measured at these sizes: PM 0.06 / 0.27,
    L2 0.24 / 0.46 (the full run is in examples/inverse/plot_lpn_laplace.py).
    """
    X = np.random.default_rng(0).laplace(size=(4000, 1))
    common = dict(sigma=1.0, hidden=32, max_epochs=20, batch_size=200, gamma=0.1,
                  random_state=0)
    y = np.array([[0.5], [1.0], [3.0]])
    pm = LearnedProximalNetwork(**common).fit(X).transform(y)[:, 0]
    l2 = LearnedProximalNetwork(loss="l2", **common).fit(X).transform(y)[:, 0]
    assert abs(l2[0] - 0.241) < 0.06 and abs(l2[1] - 0.503) < 0.1
    assert pm[0] < 0.12 and pm[0] < l2[0] - 0.1
    assert abs(pm[2] - 2.0) < 0.2  # beyond the threshold: y - 1


def test_reproducible_and_caller_rng_untouched():
    X = np.random.default_rng(1).normal(size=(100, 2))
    state = torch.get_rng_state()
    a = LearnedProximalNetwork(hidden=8, max_epochs=3, random_state=3).fit(X).transform(X)
    b = LearnedProximalNetwork(hidden=8, max_epochs=3, random_state=3).fit(X).transform(X)
    np.testing.assert_array_equal(a, b)
    assert torch.equal(state, torch.get_rng_state())
    c = LearnedProximalNetwork(hidden=8, max_epochs=3, random_state=4).fit(X).transform(X)
    assert not np.allclose(a, c)


def test_image_layouts_and_any_size():
    rng = np.random.default_rng(0)
    grey = rng.normal(size=(20, 6, 6))
    lpn = LearnedProximalNetwork(hidden=4, n_layers=2, max_epochs=2, random_state=0).fit(grey)
    assert lpn.image_shape_ == (1, 6, 6)
    big = rng.normal(size=(3, 16, 17))
    assert lpn.transform(big).shape == (3, 16, 17)
    # A local operator (radius 4 here: 2 layers of 3 x 3, and the gradient
    # doubles it): away from the border a crop gets the same values.
    crop = big[:, 2:14, 3:15]
    np.testing.assert_allclose(lpn.transform(big)[:, 7:9, 8:10], lpn.transform(crop)[:, 5:7, 5:7],
                               atol=1e-12)
    assert not np.allclose(lpn.transform(big)[:, 2, 3], lpn.transform(crop)[:, 0, 0])
    with pytest.raises(ValueError, match="1 channel"):
        lpn.transform(rng.normal(size=(2, 3, 6, 6)))
    colour = LearnedProximalNetwork(hidden=4, n_layers=2, max_epochs=1, random_state=0).fit(
        rng.normal(size=(8, 3, 5, 5)))
    assert colour.transform(rng.normal(size=(2, 3, 7, 7))).shape == (2, 3, 7, 7)
    flat = LearnedProximalNetwork(image_shape=(6, 6), hidden=4, n_layers=2, max_epochs=1,
                                  random_state=0).fit(grey.reshape(20, 36))
    assert flat.image_shape_ == (1, 6, 6) and flat.transform(grey[:2].reshape(2, 36)).shape == (2, 36)


def test_score_samples_shapes_and_warning():
    X = np.random.default_rng(0).normal(size=(50, 2))
    lpn = LearnedProximalNetwork(hidden=8, max_epochs=2, random_state=0).fit(X)
    assert lpn.score_samples(X[:7]).shape == (7,)
    with pytest.warns(UserWarning, match="did not converge"):
        lpn.score_samples(X[:3] * 50, n_iter=1)


@pytest.mark.parametrize("params, X, match", [
    (dict(architecture="conv"), np.ones((5, 3)), "needs images"),
    (dict(image_shape=(4, 4)), np.ones((5, 15)), "image_shape"),
    (dict(image_shape=(4, 4), architecture="vector"), np.ones((5, 16)), "architecture='vector'"),
    (dict(image_shape=(4,)), np.ones((5, 4)), r"\(H, W\)"),
    (dict(), np.ones((5, 2, 2, 2, 2)), "shape"),
    (dict(), np.array([[np.nan, 1.0]]), "NaN"),
    (dict(gamma=(0.5, -1.0)), np.ones((5, 2)), "positive stage widths"),
])
def test_bad_input_is_a_clear_error(params, X, match):
    with pytest.raises(ValueError, match=match):
        LearnedProximalNetwork(max_epochs=1, **params).fit(X)


def test_sparse_and_layout_mismatch_errors():
    lpn = LearnedProximalNetwork(hidden=4, max_epochs=1, random_state=0)
    with pytest.raises(ValueError, match="sparse"):
        lpn.fit(sp.csr_matrix(np.ones((4, 3))))
    lpn.fit(np.ones((6, 3)))
    with pytest.raises(ValueError, match="features"):
        lpn.transform(np.ones((2, 4)))
    with pytest.raises(ValueError, match="fitted on vectors|features"):
        lpn.transform(np.ones((2, 3, 3)))
    unfitted = clone(lpn)
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        unfitted.transform(np.ones((2, 3)))


def test_identity_init_starts_as_the_identity_and_stays_convex():
    prox = build_module(lambda: LearnedProx(ConvICNN(1, 8, 3, identity_init=True)),
                        torch.Generator().manual_seed(0)).double()
    x = torch.randn(2, 1, 6, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(prox(x).detach(), x, atol=1e-3, rtol=0)
    assert any(w is prox.potential.quadratic.weight
               for w in prox.potential.nonnegative_parameters())
    with torch.no_grad():
        prox.potential.quadratic.weight.fill_(-0.5)  # an optimizer step past the constraint
    prox.clamp_nonnegative_()
    assert float(prox.potential.quadratic.weight) == 0.0
    # The estimator picks it for images ("auto"), the paper's init for vectors.
    grey = np.random.default_rng(0).normal(size=(8, 5, 5))
    lpn = LearnedProximalNetwork(hidden=4, n_layers=2, max_epochs=1, random_state=0).fit(grey)
    assert lpn.module_.model.potential.quadratic is not None
    vec = LearnedProximalNetwork(hidden=4, max_epochs=1, random_state=0).fit(grey[:, 0])
    assert vec.module_.model.potential.quadratic is None


def test_pipeline_and_grid_search():
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    rng = np.random.default_rng(0)
    X = rng.laplace(size=(400, 2))

    def denoising_error(est, X, y=None):
        noisy = X + np.random.default_rng(1).normal(size=X.shape)
        return -float(np.mean((est.transform(noisy) - X) ** 2))

    search = GridSearchCV(LearnedProximalNetwork(sigma=1.0, hidden=16, max_epochs=40,
                                                 batch_size=20, lr=3e-3, random_state=0),
                          {"loss": ["l2", "proximal_matching"]}, scoring=denoising_error,
                          cv=2).fit(X)
    # The MMSE denoiser has the lower squared error, by definition (measured per
    # fold: 0.70 / 0.71 against 0.81 / 1.06 for the MAP denoiser).
    assert search.best_params_ == {"loss": "l2"}
    pipe = make_pipeline(FunctionTransformer(lambda a: 2 * a),
                         LearnedProximalNetwork(hidden=8, max_epochs=1, random_state=0)).fit(X)
    assert pipe.transform(X[:3]).shape == (3, 2)


def test_early_stopping_validates_under_no_grad():
    """skorch validates under torch.no_grad: the prox (a gradient) must still compute."""
    X = np.random.default_rng(0).normal(size=(100, 2))
    lpn = LearnedProximalNetwork(hidden=8, max_epochs=5, early_stopping=True, random_state=0)
    lpn.fit(X)
    assert lpn.validation_loss_curve_.shape == (lpn.n_iter_,)
    assert np.isfinite(lpn.validation_loss_curve_).all()
    prox = lpn.module_.model
    with torch.no_grad():
        out = prox(torch.ones(3, 2))
    assert out.shape == (3, 2) and not out.requires_grad
