"""EDMD: exact cases, the three data layouts, weights, dictionaries and bad input."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import FunctionTransformer, PolynomialFeatures

from skop.datasets import make_duffing, make_linear_map
from skop.dynamics import EDMD, MonomialDictionary, RBFDictionary, ResDMD


@pytest.fixture(scope="module")
def linear_data():
    return make_linear_map(200, matrix=0.9, random_state=0)


def test_linear_map_eigenvalues_exact(linear_data):
    X, Y = linear_data
    est = EDMD(MonomialDictionary(degree=5)).fit(X, Y)
    np.testing.assert_allclose(est.eigenvalues_, 0.9 ** np.arange(6), atol=1e-12)
    assert est.rank_ == est.n_dictionary_ == 6
    assert est.target_kind_ == "state"


def test_linear_map_2d_eigenvalues_are_products():
    # A = R diag(0.9, 0.5) R^T: Koopman eigenvalues on degree-2 monomials are
    # 1, 0.9, 0.5, 0.81, 0.45, 0.25.
    c, s = np.cos(0.3), np.sin(0.3)
    R = np.array([[c, -s], [s, c]])
    A = R @ np.diag([0.9, 0.5]) @ R.T
    X, Y = make_linear_map(300, matrix=A, random_state=1)
    est = EDMD(MonomialDictionary(degree=2)).fit(X, Y)
    expected = np.sort([1, 0.9, 0.5, 0.81, 0.45, 0.25])[::-1]
    np.testing.assert_allclose(est.eigenvalues_.real, expected, atol=1e-10)
    np.testing.assert_allclose(est.eigenvalues_.imag, 0, atol=1e-10)


def test_predict_is_the_map_iterated(linear_data):
    X, Y = linear_data
    est = EDMD(MonomialDictionary(degree=3)).fit(X, Y)
    for n in (0, 1, 4):
        np.testing.assert_allclose(est.predict(X[:7], n_steps=n), 0.9**n * X[:7], atol=1e-12)
    assert est.score(X, Y) == pytest.approx(1.0, abs=1e-12)


def test_modes_and_eigenfunctions_reproduce_predict():
    X, Y = make_duffing(400, random_state=0)
    est = EDMD(MonomialDictionary(degree=3)).fit(X, Y)
    phi = est.eigenfunctions(X[:5])
    for n in (1, 3):
        kmd = (phi * est.eigenvalues_**n) @ est.modes_
        np.testing.assert_allclose(kmd.real, est.predict(X[:5], n_steps=n), atol=1e-7)
        np.testing.assert_allclose(kmd.imag, 0, atol=1e-7)
    # eigenvectors_ are the eigenfunctions' coefficients in the dictionary.
    psi = est.dictionary_.transform(X[:5])
    np.testing.assert_allclose(psi @ est.eigenvectors_, phi, atol=1e-9)


def test_eigenfunctions_are_koopman_eigenfunctions_for_linear_map(linear_data):
    X, Y = linear_data
    est = EDMD(MonomialDictionary(degree=4)).fit(X, Y)
    np.testing.assert_allclose(
        est.eigenfunctions(Y), est.eigenfunctions(X) * est.eigenvalues_, atol=1e-9
    )


def test_trajectory_equals_pairs():
    X, Y = make_duffing(150, sampling="trajectory", random_state=3)
    traj = np.vstack([X, Y[-1:]])
    a = EDMD(MonomialDictionary(degree=3)).fit(traj)
    b = EDMD(MonomialDictionary(degree=3)).fit(X, Y)
    np.testing.assert_allclose(a.eigenvalues_, b.eigenvalues_, atol=1e-10)
    np.testing.assert_allclose(a.predict(X[:4]), b.predict(X[:4]), atol=1e-10)
    assert a.score(traj) == pytest.approx(b.score(X, Y), abs=1e-12)


def test_observable_along_trajectory():
    X, _ = make_linear_map(60, matrix=0.8, sampling="trajectory", random_state=0)
    g = X[:, 0] ** 2
    est = EDMD(MonomialDictionary(degree=2)).fit(np.hstack([X, X]), g)
    assert est.target_kind_ == "observable"
    pred = est.predict(np.hstack([X[:5], X[:5]]), n_steps=2)
    assert pred.shape == (5,)
    np.testing.assert_allclose(pred, 0.8**4 * g[:5], atol=1e-9)
    assert est.score(np.hstack([X, X]), g) == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(ValueError, match="observable"):
        est.score(np.hstack([X, X]))


def test_integer_weights_equal_repeated_pairs():
    X, Y = make_duffing(40, random_state=0)
    w = np.random.default_rng(0).integers(0, 4, size=40)
    a = EDMD(MonomialDictionary(degree=2)).fit(X, Y, weights=w)
    b = EDMD(MonomialDictionary(degree=2)).fit(np.repeat(X, w, 0), np.repeat(Y, w, 0))
    np.testing.assert_allclose(a.eigenvalues_, b.eigenvalues_, atol=1e-10)
    np.testing.assert_allclose(a.predict(X), b.predict(X), atol=1e-10)


def test_any_sklearn_transformer_is_a_dictionary(linear_data):
    X, Y = linear_data
    a = EDMD(PolynomialFeatures(4)).fit(X, Y)
    b = EDMD(MonomialDictionary(degree=4)).fit(X, Y)
    np.testing.assert_allclose(a.eigenvalues_, b.eigenvalues_, atol=1e-12)


def test_matches_direct_least_squares_edmd():
    # The textbook formula: eigenvalues of pinv(Psi_X) Psi_Y.
    X, Y = make_duffing(500, random_state=0)
    est = EDMD(RBFDictionary(n_centers=30, random_state=0)).fit(X, Y)
    Px, Py = est.dictionary_.transform(X), est.dictionary_.transform(Y)
    K = np.linalg.lstsq(Px, Py, rcond=None)[0]
    ref = np.linalg.eigvals(K)
    ref = ref[np.lexsort((-ref.imag, -np.abs(ref)))]
    np.testing.assert_allclose(np.sort_complex(est.eigenvalues_), np.sort_complex(ref), atol=1e-8)


def test_more_functions_than_snapshots_is_rank_truncated():
    X, Y = make_duffing(12, random_state=0)
    est = EDMD(MonomialDictionary(degree=6)).fit(X, Y)
    assert est.n_dictionary_ == 28
    assert est.rank_ <= 12
    assert np.all(np.isfinite(est.eigenvalues_))
    assert np.all(np.isfinite(est.predict(X)))


def test_ridge_is_a_small_perturbation(linear_data):
    X, Y = linear_data
    a = EDMD(MonomialDictionary(degree=3), ridge=1e-10).fit(X, Y)
    np.testing.assert_allclose(a.eigenvalues_, 0.9 ** np.arange(4), atol=1e-6)
    assert not np.allclose(a.eigenvalues_, 0.9 ** np.arange(4), atol=1e-15, rtol=0)


def test_dataframe_input_and_inputs_not_modified(linear_data):
    X, Y = linear_data
    Xc, Yc = X.copy(), Y.copy()
    est = EDMD().fit(pd.DataFrame(X, columns=["x"]), Y)
    np.testing.assert_array_equal(est.feature_names_in_, ["x"])
    np.testing.assert_array_equal(X, Xc)
    np.testing.assert_array_equal(Y, Yc)


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        EDMD().predict(np.zeros((2, 1)))
    with pytest.raises(NotFittedError):
        ResDMD().pseudospectrum(0.5)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.zeros((2, 1)), None, "minimum of 3"),
        (np.ones((5, 2)), np.ones((4, 2)), "inconsistent numbers of samples"),
        (np.ones((5, 2)), np.ones((5, 2, 1)), "dim 3"),
        (np.array([[1.0], [np.inf], [2.0]]), None, "infinity"),
        (np.ones((5, 1)), np.array([1, 2, np.nan, 3, 4.0]), "NaN"),
    ],
)
def test_bad_data(X, y, match):
    with pytest.raises(ValueError, match=match):
        EDMD().fit(X, y)


def test_bad_weights_dictionary_and_steps(linear_data):
    X, Y = linear_data
    with pytest.raises(ValueError, match="at least one non-zero"):
        EDMD().fit(X, Y, weights=np.zeros(len(X)))
    # A trajectory's last weight belongs to no pair.
    with pytest.raises(ValueError, match="weights of the snapshot pairs are all zero"):
        EDMD().fit(X, weights=np.eye(len(X))[-1])
    with pytest.raises(ValueError, match="Negative values"):
        EDMD().fit(X, Y, weights=-np.ones(len(X)))
    with np.errstate(invalid="ignore"), pytest.raises(ValueError, match="NaN or infinite"):
        EDMD(FunctionTransformer(np.log)).fit(X, Y)
    est = EDMD().fit(X, Y)
    with pytest.raises(ValueError, match="n_steps"):
        est.predict(X, n_steps=-1)
    with pytest.raises(ValueError, match="features"):
        est.predict(np.hstack([X, X]))
    with pytest.raises(ValueError, match="columns"):
        est.score(X, np.ones((len(X), 3)))


@settings(max_examples=15, deadline=None)
@given(
    st.integers(3, 12),
    st.integers(1, 3),
    st.sampled_from([np.nan, np.inf, -np.inf]),
    st.data(),
)
def test_non_finite_input_is_rejected(n, d, bad, data):
    X = np.random.default_rng(n * d).normal(size=(n, d))
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, d - 1))
    X[i, j] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        EDMD().fit(X)
