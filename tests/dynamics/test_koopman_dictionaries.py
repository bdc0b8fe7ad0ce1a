"""Built-in dictionaries: values, names, pandas output, bad parameters."""

import numpy as np
import pytest
from sklearn.preprocessing import PolynomialFeatures
from sklearn.utils._param_validation import InvalidParameterError

from skop.dynamics import FourierDictionary, MonomialDictionary, RBFDictionary


def test_monomials_match_polynomial_features():
    X = np.random.default_rng(0).normal(size=(20, 3))
    ours = MonomialDictionary(degree=3).fit_transform(X)
    np.testing.assert_allclose(ours, PolynomialFeatures(3).fit_transform(X))
    no_bias = MonomialDictionary(degree=2, include_bias=False).fit(X)
    assert no_bias.n_output_features_ == 9
    with pytest.raises(ValueError, match="empty dictionary"):
        MonomialDictionary(degree=0, include_bias=False).fit(X)


def test_monomial_names_use_input_names():
    import pandas as pd

    X = pd.DataFrame({"q": [1.0, 2.0], "p": [3.0, 4.0]})
    d = MonomialDictionary(degree=2).set_output(transform="pandas").fit(X)
    out = d.transform(X)
    assert list(out.columns) == ["1", "q", "p", "q^2", "q p", "p^2"]
    assert out.loc[1, "q p"] == 8.0


def test_fourier_basis_is_orthogonal_and_periodic():
    n = 16
    g = (np.arange(n) + 0.5) * 2 * np.pi / n
    X = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    d = FourierDictionary(n_modes=2).fit(X)
    assert d.n_output_features_ == 25 == 1 + 2 * len(d.wavenumbers_)
    Psi = d.transform(X)
    gram = Psi.T @ Psi / len(X)
    # The rectangle rule is exact for these trigonometric polynomials.
    np.testing.assert_allclose(gram, np.diag([1.0] + [0.5] * 24), atol=1e-12)
    np.testing.assert_allclose(d.transform(X + 2 * np.pi), Psi, atol=1e-10)
    half = FourierDictionary(n_modes=1, period=1.0).fit(X[:, :1])
    np.testing.assert_allclose(half.transform([[0.25]]), [[1.0, 0.0, 1.0]], atol=1e-15)
    assert list(half.get_feature_names_out()) == ["1", "cos(1)", "sin(1)"]


def test_fourier_refuses_huge_dictionaries():
    with pytest.raises(ValueError, match="fewer modes"):
        FourierDictionary(n_modes=5).fit(np.zeros((2, 6)))


def test_rbf_centres_and_values():
    X = np.random.default_rng(1).normal(size=(40, 2))
    d = RBFDictionary(n_centers=8, gamma=0.5, random_state=0).fit(X)
    assert d.centers_.shape == (8, 2)
    # Centres are training states; at a centre its bump is 1.
    assert all((X == c).all(1).any() for c in d.centers_)
    Psi = d.transform(d.centers_)
    np.testing.assert_allclose(Psi[:, 0], 1.0)
    np.testing.assert_allclose(np.diag(Psi[:, 1:]), 1.0)
    assert np.all((Psi > 0) & (Psi <= 1))
    again = RBFDictionary(n_centers=8, gamma=0.5, random_state=0).fit(X)
    np.testing.assert_array_equal(again.centers_, d.centers_)
    capped = RBFDictionary(n_centers=100, include_bias=False).fit(X)
    assert capped.n_output_features_ == 40
    assert capped.gamma_ == pytest.approx(1 / (2 * X.var()))
    assert len(capped.get_feature_names_out()) == 40


@pytest.mark.parametrize(
    "est",
    [MonomialDictionary(degree=-1), FourierDictionary(period=0.0), RBFDictionary(gamma=-1.0)],
)
def test_bad_parameters(est):
    with pytest.raises(InvalidParameterError):
        est.fit(np.zeros((3, 1)))
