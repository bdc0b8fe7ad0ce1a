"""LearnedSpectralBasis on the circle: Fourier subspaces, multiplicities, eigenvalue ratios."""

import numpy as np
import pytest
import torch

from skop.datasets import make_circle, make_sphere, manifold_eigenfunctions
from skop.manifold import LearnedSpectralBasis
from skop.nn import nested_residuals


def _min_cosine(A, B):
    """Smallest principal-angle cosine between the column spans of A and B."""
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    return np.linalg.svd(qa.T @ qb, compute_uv=False).min()


@pytest.fixture(scope="module")
def circle_fit():
    X, theta = make_circle(200, random_state=0)
    model = LearnedSpectralBasis(n_components=9, max_epochs=300, random_state=0).fit(X)
    return X, theta, model


def test_circle_subspaces_match_fourier(circle_fit):
    X, theta, model = circle_fit
    phi, _ = manifold_eigenfunctions("circle", theta, 9)
    for k in (1, 3, 5, 7, 9):  # complete eigenspaces only; measured >= 0.998
        assert _min_cosine(phi[:, :k], model.basis_[:, :k]) >= 0.995, k
    # The basis has unit mean square and orthogonal columns on the cloud.
    np.testing.assert_allclose(model.basis_.T @ model.basis_ / len(X), np.eye(9), atol=1e-6)


def test_circle_multiplicities_and_eigenvalue_ratios(circle_fit):
    _, _, model = circle_fit
    dec = -np.diff(np.concatenate([[1.0], model.residuals_]))
    # Decrements come in groups 1, 2, 2, 2, 2: equal within a pair, a drop between pairs.
    for a, b in [(1, 2), (3, 4), (5, 6), (7, 8)]:
        assert abs(dec[a] - dec[b]) < 0.06 * dec[a]  # measured: 0.1%, 0.5%, 1.6%, 5%
    for hi, lo in [(0, 1), (2, 3), (4, 5), (6, 7)]:
        assert dec[hi] > 1.05 * dec[lo]  # measured: 1.09, 1.29, 1.53, 1.77
    ratios = model.eigenvalues_[1:] / model.eigenvalues_[1]
    np.testing.assert_allclose(ratios, [1, 1, 4, 4, 9, 9, 16, 16], rtol=0.1)
    # Uniform density within 5% (measured 0.957-1.038) -- the Rayleigh-Ritz refinement
    # separates the constant from the first modes; without it: 0.65-1.31.
    np.testing.assert_allclose(model.density_, 1.0, atol=0.05)


def test_out_of_sample_points_match_as_well(circle_fit):
    _, _, model = circle_fit
    X_new, theta_new = make_circle(100, random_state=5)
    phi, _ = manifold_eigenfunctions("circle", theta_new, 9)
    B = model.transform(X_new)
    assert B.shape == (100, 9)
    for k in (3, 5, 9):
        assert _min_cosine(phi[:, :k], B[:, :k]) >= 0.99
    # On the training points transform reproduces the fitted basis.
    X, _, _ = circle_fit
    np.testing.assert_allclose(model.transform(X), model.basis_, atol=1e-5)


def test_nested_residuals_of_an_exact_basis():
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(20, 4)))
    F = Q @ np.diag([3.0, 2.0, 1.0, 0.5]) @ rng.normal(size=(4, 50))
    r = nested_residuals(torch.as_tensor(Q)[None], torch.as_tensor(F)[None])[0].numpy()
    energy = (F ** 2).sum(0).mean()
    captured = ((Q.T @ F) ** 2).mean(1)
    np.testing.assert_allclose(r, 1 - np.cumsum(captured) / energy, atol=1e-12)
    assert r[-1] == pytest.approx(0, abs=1e-12)


def test_reproducible_and_bad_inputs():
    X, _ = make_circle(40, random_state=1)
    a = LearnedSpectralBasis(n_components=3, max_epochs=5, random_state=2).fit(X).basis_
    b = LearnedSpectralBasis(n_components=3, max_epochs=5, random_state=2).fit(X).basis_
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="more points than functions"):
        LearnedSpectralBasis(n_components=9).fit(X[:9])
    with pytest.raises(ValueError, match="NaN"):
        LearnedSpectralBasis(n_components=3).fit(np.full((20, 2), np.nan))
    fitted = LearnedSpectralBasis(n_components=3, max_epochs=2, random_state=0).fit(X)
    sphere, _ = make_sphere(30, random_state=0)
    with pytest.raises(ValueError, match="features"):
        fitted.transform(sphere)  # a cloud in another ambient dimension


def test_in_a_pipeline_after_scaling():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, _ = make_circle(60, random_state=0)
    pipe = make_pipeline(StandardScaler(),
                         LearnedSpectralBasis(n_components=3, max_epochs=5, random_state=0))
    assert pipe.fit_transform(X).shape == (60, 3)
    np.testing.assert_allclose(pipe.transform(X), pipe[-1].basis_, atol=1e-5)


@pytest.fixture(scope="module")
def ragged_fit():
    clouds = [make_circle(n, random_state=s) for n, s in ((150, 0), (200, 1))]
    model = LearnedSpectralBasis(n_components=9, max_epochs=150, random_state=0)
    model.fit([X for X, _ in clouds])
    return clouds, model


def test_ragged_clouds_each_get_their_fourier_basis(ragged_fit):
    clouds, model = ragged_fit
    assert [b.shape for b in model.basis_] == [(150, 9), (200, 9)]
    assert model.residuals_.shape == model.eigenvalues_.shape == (2, 9)
    assert model.bandwidth_.shape == (2,)
    for (X, theta), basis in zip(clouds, model.basis_):
        phi, _ = manifold_eigenfunctions("circle", theta, 9)
        for k in (3, 5, 9):
            assert _min_cosine(phi[:, :k], basis[:, :k]) >= 0.99, k
        np.testing.assert_allclose(basis.T @ basis / len(X), np.eye(9), atol=1e-5)


def test_new_cloud_and_held_out_points_after_a_list_fit(ragged_fit):
    clouds, model = ragged_fit
    X_new, theta_new = make_circle(120, random_state=7)
    phi, _ = manifold_eigenfunctions("circle", theta_new, 9)
    own = model.transform(X_new, cloud="self")        # a new cloud, its own basis
    on_cloud_1 = model.transform(X_new, cloud=1)      # points of training cloud 1
    for B in (own, on_cloud_1):
        for k in (3, 5, 9):
            assert _min_cosine(phi[:, :k], B[:, :k]) >= 0.99, k
    np.testing.assert_allclose(own.T @ own / 120, np.eye(9), atol=1e-5)
    # A list is a list of new clouds; on a training cloud it reproduces basis_.
    again = model.transform([X for X, _ in clouds])
    np.testing.assert_allclose(again[1], model.basis_[1], atol=1e-5)
    np.testing.assert_allclose(model.transform(clouds[0][0], cloud=0), model.basis_[0], atol=1e-4)


def test_which_cloud_is_never_guessed(ragged_fit):
    clouds, model = ragged_fit
    with pytest.raises(ValueError, match="cloud=i"):
        model.transform(clouds[0][0])                 # ambiguous after a fit on 2 clouds
    with pytest.raises(ValueError, match=r"int in \[0, 2\)"):
        model.transform(clouds[0][0], cloud=2)
    with pytest.raises(ValueError, match="each on itself"):
        model.transform([clouds[0][0]], cloud=0)
    with pytest.raises(ValueError, match="more points than functions"):
        model.transform(clouds[0][0][:9], cloud="self")
    sphere, _ = make_sphere(40, random_state=0)
    with pytest.raises(ValueError, match="same ambient dimension"):
        LearnedSpectralBasis(n_components=3).fit([clouds[0][0], sphere])
    with pytest.raises(ValueError, match="new cloud 1"):
        model.transform([clouds[0][0], clouds[1][0][:5]])


def test_attention_ignores_padding_and_queries():
    from skop.nn import SpectralBasisNet

    torch.manual_seed(0)
    net = SpectralBasisNet(2, 4, hidden=(16, 32), n_attention_layers=2, n_heads=4).double()
    cloud = torch.randn(1, 30, 2, dtype=torch.float64)
    Q, R = net(cloud)
    extra = 100 * torch.randn(1, 20, 2, dtype=torch.float64)     # padding or queries
    mask = torch.zeros(1, 50, dtype=torch.bool)
    mask[:, :30] = True
    Q_pad, R_pad = net(torch.cat([cloud, extra], 1), mask)
    torch.testing.assert_close(Q_pad[:, :30], Q)
    torch.testing.assert_close(R_pad, R)
    # Points outside the mask get the continuation of the cloud's basis.
    continued = net.raw(torch.cat([cloud, extra], 1), mask)[:, 30:] @ torch.linalg.inv(R)
    torch.testing.assert_close(Q_pad[:, 30:], continued)


def test_attention_variant_fits_and_is_reproducible():
    X, theta = make_circle(80, random_state=3)
    kw = dict(n_components=3, hidden=(16, 32), n_attention_layers=1, max_epochs=40, random_state=1)
    a = LearnedSpectralBasis(**kw).fit(X)
    np.testing.assert_array_equal(a.basis_, LearnedSpectralBasis(**kw).fit(X).basis_)
    phi, _ = manifold_eigenfunctions("circle", theta, 3)
    assert _min_cosine(phi, a.basis_) >= 0.95
    with pytest.raises(ValueError, match="multiple of n_heads"):
        LearnedSpectralBasis(hidden=(16, 30), n_attention_layers=1).fit(X)


def test_sphere_multiplicities_and_harmonic_subspaces():
    X, angles = make_sphere(400, random_state=0)
    model = LearnedSpectralBasis(n_components=16, n_neighbors=12, max_epochs=150,
                                 random_state=0).fit(X)
    phi, _ = manifold_eigenfunctions("sphere", angles, 16)
    for k in (1, 4, 9, 16):   # degrees <= 0, 1, 2, 3
        assert _min_cosine(phi[:, :k], model.basis_[:, :k]) >= 0.98, k
    ratios = model.eigenvalues_[1:] / model.eigenvalues_[1:4].mean()
    np.testing.assert_allclose(ratios, [1] * 3 + [3] * 5 + [6] * 7, rtol=0.1)   # l (l + 1) / 2
