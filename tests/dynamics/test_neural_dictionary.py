"""NeuralDictionary: trained through skorch on the EDMD residual, usable in ResDMD."""

import numpy as np
from sklearn.preprocessing import FunctionTransformer
from skorch.callbacks import Callback
import pytest
import torch
from skorch import NeuralNet
from sklearn.utils._param_validation import InvalidParameterError

from skop.datasets import make_duffing, make_linear_map
from skop.dynamics import EDMD, NeuralDictionary, ResDMD
from skop.nn import EDMDResidualLoss, KoopmanDictionaryNet


@pytest.fixture(scope="module")
def duffing():
    return make_duffing(600, random_state=0), make_duffing(600, random_state=1)


def test_loss_vanishes_on_an_invariant_subspace():
    x = torch.linspace(-1, 1, 64, dtype=torch.float64)[:, None]
    psi = lambda s: torch.cat([torch.ones_like(s), s, s**2], 1)  # noqa: E731
    pairs = torch.stack([psi(x), psi(0.9 * x)], -1)
    loss = EDMDResidualLoss(n_learned=0, ridge=1e-12)
    assert loss(pairs).item() < 1e-10
    # A non-invariant span has a residual; a collapsed learned function is penalised.
    cubic = torch.stack([psi(x), psi(x**3)], -1)
    assert loss(cubic).item() > 1e-3
    collapsed = torch.cat([pairs, torch.zeros(64, 1, 2, dtype=torch.float64)], 1)
    assert EDMDResidualLoss(n_learned=1)(collapsed).item() > 0.9


def test_module_layout():
    net = KoopmanDictionaryNet(n_features=3, n_learned=5, width=8)
    x, x_next = torch.randn(7, 3), torch.randn(7, 3)
    out = net(x, x_next)
    assert out.shape == (7, 9, 2) and net.n_functions == 9
    torch.testing.assert_close(out[:, 0], torch.ones(7, 2))
    torch.testing.assert_close(out[..., 0], net(x))
    torch.testing.assert_close(out[:, 1:4, 1], x_next)


def test_trained_through_skorch_and_loss_decreases(duffing):
    (X, Y), _ = duffing
    d = NeuralDictionary(n_learned=6, max_epochs=40, lr=1e-2, random_state=0).fit(X, Y)
    assert isinstance(d.net_, NeuralNet)
    assert len(d.loss_curve_) == 40
    assert d.loss_curve_[-1] < 0.5 * d.loss_curve_[0]
    Psi = d.transform(X[:5])
    assert Psi.shape == (5, 9) and Psi.dtype == np.float64
    np.testing.assert_allclose(Psi[:, 0], 1.0)
    # Columns 1..d are the standardised state: an affine function of x.
    coef = np.linalg.lstsq(np.hstack([np.ones((5, 1)), X[:5]]), Psi[:, 1:3], rcond=None)[0]
    np.testing.assert_allclose(np.hstack([np.ones((5, 1)), X[:5]]) @ coef, Psi[:, 1:3],
                               atol=1e-6)
    assert list(d.get_feature_names_out()[:2]) == ["neuraldictionary0", "neuraldictionary1"]


def test_reproducible_and_leaves_global_rng_alone(duffing):
    (X, Y), _ = duffing
    state = torch.get_rng_state()
    a = NeuralDictionary(n_learned=3, max_epochs=3, random_state=7).fit(X, Y).transform(X[:4])
    b = NeuralDictionary(n_learned=3, max_epochs=3, random_state=7).fit(X, Y).transform(X[:4])
    np.testing.assert_array_equal(a, b)
    assert torch.equal(state, torch.get_rng_state())


def test_resdmd_trains_the_dictionary_on_the_pairs(duffing):
    (X, Y), (Xt, Yt) = duffing
    untrained = ResDMD(NeuralDictionary(n_learned=7, max_epochs=1, random_state=0)).fit(X, Y)
    trained = ResDMD(NeuralDictionary(n_learned=7, max_epochs=60, lr=1e-2, random_state=0))
    trained.fit(X, Y)
    assert trained.dictionary_.n_features_in_ == 2 and trained.n_dictionary_ == 10
    assert abs(trained.eigenvalues_[0] - 1) < 1e-6 and trained.residuals_[0] < 1e-6
    # Measured: held-out one-step R^2 0.989 untrained, 0.9990 after 60 epochs on
    # the first half of the pairs (the other half is ResDMD's quadrature).
    assert trained.score(Xt, Yt) > untrained.score(Xt, Yt)
    assert trained.score(Xt, Yt) > 0.998


class _Batches(Callback):
    def initialize(self):
        self.rows = 0
        return self

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        if training and len(net.history) == 1:
            self.rows += len(batch[0]["x"])


def test_resdmd_residuals_are_measured_on_held_out_pairs(duffing):
    (X, Y), _ = duffing
    counter = _Batches()
    res = ResDMD(NeuralDictionary(n_learned=4, max_epochs=2, random_state=0,
                                  callbacks=[counter]), dictionary_fraction=0.25).fit(X, Y)
    trained_on = [c for _, c in res.dictionary_.net_.callbacks_ if isinstance(c, _Batches)][0]
    assert trained_on.rows == 150            # the first quarter of the 600 pairs
    assert res._n_pairs == 450               # the quadrature uses the other pairs
    # The held-out residuals are those of an EDMD on the held-out pairs alone.
    fixed = ResDMD(FunctionTransformer(res.dictionary_.transform)).fit(X[150:], Y[150:])
    np.testing.assert_allclose(np.sort(res.residuals_), np.sort(fixed.residuals_), atol=1e-8)
    with pytest.raises(ValueError, match="dictionary_fraction"):
        ResDMD(NeuralDictionary(max_epochs=1), dictionary_fraction=0.999).fit(X[:50], Y[:50])


def test_trajectory_layout_equals_pairs():
    X, Y = make_linear_map(80, matrix=0.8, sampling="trajectory", random_state=0)
    traj = np.vstack([X, Y[-1:]])
    a = EDMD(NeuralDictionary(n_learned=2, max_epochs=2, random_state=0)).fit(traj)
    b = EDMD(NeuralDictionary(n_learned=2, max_epochs=2, random_state=0)).fit(X, Y)
    np.testing.assert_allclose(a.eigenvalues_, b.eigenvalues_, atol=1e-10)


def test_bad_input():
    with pytest.raises(InvalidParameterError):
        NeuralDictionary(n_learned=-1).fit(np.zeros((5, 1)))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        NeuralDictionary().fit(np.zeros((5, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        NeuralDictionary().fit(np.array([[0.0], [np.nan], [1.0]]))
