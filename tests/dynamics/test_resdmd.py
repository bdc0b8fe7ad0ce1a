"""ResDMD: residuals and pseudospectra, exact identities and the Chirikov standard map."""

import numpy as np
import pytest
import scipy.linalg
from scipy.optimize import linear_sum_assignment
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.preprocessing import FunctionTransformer

from skop.datasets import make_duffing, make_linear_map, make_standard_map
from skop.dynamics import EDMD, FourierDictionary, MonomialDictionary, ResDMD


@pytest.fixture(scope="module")
def chirikov():
    """Standard map K = 1, 7 x 7 Fourier dictionary, M = 2e4 uniform samples."""
    X, Y = make_standard_map(20_000, K=1.0, random_state=0)
    return ResDMD(FourierDictionary(n_modes=3)).fit(X, Y)


@pytest.fixture(scope="module")
def duffing():
    X, Y = make_duffing(300, random_state=0)
    return X, Y, ResDMD(MonomialDictionary(degree=4)).fit(X, Y)


def test_linear_map_residuals_vanish():
    X, Y = make_linear_map(200, matrix=0.9, random_state=0)
    est = ResDMD(MonomialDictionary(degree=5)).fit(X, Y)
    np.testing.assert_allclose(est.eigenvalues_, 0.9 ** np.arange(6), atol=1e-12)
    assert est.residuals_.max() < 1e-6
    assert est.verified_.all()
    # On the span of an exact invariant subspace tau vanishes at the eigenvalues only.
    tau = est.pseudospectrum(np.array([0.9, 0.81, 0.95, -0.5]))
    assert tau[0] < 1e-10 and tau[1] < 1e-10
    assert tau[2] > 1e-3 and tau[3] > 0.1


def test_chirikov_most_eigenvalues_are_spurious(chirikov):
    est = chirikov
    assert est.n_dictionary_ == est.rank_ == 49
    # The constant function is an exact eigenfunction (eigenvalue 1).
    assert abs(est.eigenvalues_[0] - 1) < 1e-10 and est.residuals_[0] < 1e-8
    # The true spectrum is on the unit circle, yet EDMD puts most eigenvalues
    # well inside the disc: their residuals expose them (6% verified at M = 2e4).
    assert np.mean(est.residuals_ < 0.1) < 0.2
    inside = np.abs(est.eigenvalues_) < 0.5
    assert inside.sum() >= 20
    assert est.residuals_[inside].min() > 0.5
    np.testing.assert_array_equal(est.verified_, est.residuals_ <= 0.1)


def test_chirikov_pseudospectrum_bound(chirikov):
    # K is unitary, so ||(K - z) g|| >= (1 - |z|) ||g||: tau(z) >= 1 - |z| up to
    # the Monte Carlo quadrature error of the Gram matrices, of order
    # sqrt(N / M) = 0.05 here (measured deficit at z = 0: 0.06 - 0.10 over seeds).
    # The constant function gives the exact upper bound tau(z) <= |1 - z|.
    z = np.array([0.0, 0.5, 0.9])
    tau = chirikov.pseudospectrum(z)
    slack = 3 * np.sqrt(49 / 20_000)
    assert np.all(tau >= 1 - np.abs(z) - slack)
    assert np.all(tau <= np.abs(1 - z) + 1e-10)


def test_chirikov_bound_tightens_with_more_samples(chirikov):
    X, Y = make_standard_map(2_000, K=1.0, random_state=0)
    small = ResDMD(FourierDictionary(n_modes=3)).fit(X, Y)
    assert chirikov.pseudospectrum(0.0) > small.pseudospectrum(0.0)


def test_residuals_match_the_gram_matrix_formula(duffing):
    X, Y, est = duffing
    Px, Py = est.dictionary_.transform(X), est.dictionary_.transform(Y)
    M = len(X)
    G, A, L = Px.T @ Px / M, Px.T @ Py / M, Py.T @ Py / M
    for lam, v, res in zip(est.eigenvalues_, est.eigenvectors_.T, est.residuals_):
        H = L - lam * A.T - np.conj(lam) * A + abs(lam) ** 2 * G
        ref = np.sqrt(max((v.conj() @ H @ v).real, 0) / (v.conj() @ G @ v).real)
        assert res == pytest.approx(ref, abs=1e-6)


def test_pseudospectrum_matches_generalised_hermitian_problem(duffing):
    X, Y, est = duffing
    Px, Py = est.dictionary_.transform(X), est.dictionary_.transform(Y)
    M = len(X)
    G, A, L = Px.T @ Px / M, Px.T @ Py / M, Py.T @ Py / M
    z = np.array([0.3 + 0.2j, -0.4, 0.95j, 1.2])
    ref = [
        np.sqrt(scipy.linalg.eigh(L - q * A.T - np.conj(q) * A + abs(q) ** 2 * G, G,
                                  eigvals_only=True)[0])
        for q in z
    ]
    np.testing.assert_allclose(est.pseudospectrum(z), ref, rtol=1e-6, atol=1e-7)


def test_pseudospectrum_below_residual_at_eigenvalues(duffing):
    est = duffing[2]
    tau = est.pseudospectrum(est.eigenvalues_)
    assert np.all(tau <= est.residuals_ + 1e-12)


@settings(max_examples=20, deadline=None)
@given(
    st.complex_numbers(max_magnitude=2, allow_nan=False, allow_infinity=False),
    st.complex_numbers(max_magnitude=2, allow_nan=False, allow_infinity=False),
)
def test_pseudospectrum_is_1_lipschitz(duffing, z1, z2):
    # ||(Psi_Y - z Psi_X) v|| changes by at most |z1 - z2| ||Psi_X v||.
    t1, t2 = duffing[2].pseudospectrum(np.array([z1, z2]))
    assert t1 >= 0 and t2 >= 0
    assert abs(t1 - t2) <= abs(z1 - z2) + 1e-10


def test_pseudospectrum_shapes_batches_and_device(duffing):
    est = duffing[2]
    x = np.linspace(-1.5, 1.5, 7)
    z = x[None, :] + 1j * np.linspace(-1, 1, 5)[:, None]
    tau = est.pseudospectrum(z)
    assert tau.shape == (5, 7) and tau.dtype == np.float64
    np.testing.assert_allclose(est.pseudospectrum(z, batch_size=3), tau, rtol=1e-12)
    assert np.ndim(est.pseudospectrum(0.5)) == 0
    cpu = ResDMD(MonomialDictionary(degree=4), device="cpu").fit(duffing[0], duffing[1])
    np.testing.assert_allclose(cpu.pseudospectrum(z), tau, rtol=1e-12)
    assert cpu.device_ == torch.device("cpu")


def test_resdmd_eigenpairs_equal_edmd(duffing):
    X, Y, est = duffing
    edmd = EDMD(MonomialDictionary(degree=4)).fit(X, Y)
    np.testing.assert_allclose(est.eigenvalues_, edmd.eigenvalues_, atol=1e-12)
    np.testing.assert_allclose(est.predict(X[:3]), edmd.predict(X[:3]), atol=1e-12)


def test_epsilon_only_changes_the_mask(duffing):
    X, Y, est = duffing
    strict = ResDMD(MonomialDictionary(degree=4), epsilon=1e-3).fit(X, Y)
    np.testing.assert_allclose(strict.residuals_, est.residuals_)
    np.testing.assert_array_equal(strict.verified_, est.residuals_ <= 1e-3)


def test_interpolating_dictionary_warns():
    X, Y = make_duffing(10, random_state=0)
    with pytest.warns(UserWarning, match="residual is zero by construction"):
        ResDMD(MonomialDictionary(degree=5)).fit(X, Y)


def test_bad_pseudospectrum_arguments(duffing):
    est = duffing[2]
    with pytest.raises(ValueError, match="finite"):
        est.pseudospectrum(np.array([0.1, np.nan]))
    with pytest.raises(ValueError, match="finite"):
        est.pseudospectrum(np.array(["a"]))
    with pytest.raises(ValueError, match="batch_size"):
        est.pseudospectrum(0.1, batch_size=0)


def test_complex_dictionary_gives_the_same_spectrum():
    # exp(i k.x) spans the same space as the real Fourier basis.
    X, Y = make_standard_map(2_000, K=1.0, random_state=0)
    ks = np.array([(a, b) for a in range(-2, 3) for b in range(-2, 3)])
    expo = FunctionTransformer(lambda S: np.exp(1j * S @ ks.T))
    complex_fit = ResDMD(expo).fit(X, Y)
    real_fit = ResDMD(FourierDictionary(n_modes=2)).fit(X, Y)
    # Match the two spectra one-to-one (sorting is fragile under rounding).
    cost = np.abs(complex_fit.eigenvalues_[:, None] - real_fit.eigenvalues_[None, :])
    i, j = linear_sum_assignment(cost)
    assert cost[i, j].max() < 1e-9
    np.testing.assert_allclose(complex_fit.residuals_[i], real_fit.residuals_[j], atol=1e-9)
    z = np.array([0.1 + 0.3j, 0.7])
    np.testing.assert_allclose(complex_fit.pseudospectrum(z), real_fit.pseudospectrum(z),
                               atol=1e-9)
    np.testing.assert_allclose(complex_fit.predict(X[:3]), real_fit.predict(X[:3]), atol=1e-8)
