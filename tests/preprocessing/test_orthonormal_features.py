"""OrthonormalFeatures: orthonormal on the candidates, nested spans, bad input."""

import warnings

import numpy as np
import pytest
from sklearn.preprocessing import PolynomialFeatures, SplineTransformer

from skop.preprocessing import OrthonormalFeatures


@pytest.fixture
def candidates():
    return np.random.default_rng(0).uniform(-1, 1, size=(300, 2))


@pytest.mark.parametrize(
    "feature_map",
    [
        None,
        PolynomialFeatures(degree=3),
        SplineTransformer(n_knots=4, degree=2),
        lambda X: np.column_stack([np.ones(len(X)), np.sin(X), X[:, :1] ** 3]),
    ],
    ids=["identity", "poly", "spline-rank-deficient", "callable"],
)
def test_orthonormal_on_candidates(candidates, feature_map):
    with warnings.catch_warnings():
        # Splines per feature sum to one: the constant is repeated, dropped.
        warnings.simplefilter("ignore", UserWarning)
        ortho = OrthonormalFeatures(feature_map).fit(candidates)
    Psi = ortho.transform(candidates)
    gram = Psi.T @ Psi / len(candidates)
    np.testing.assert_allclose(gram, np.eye(Psi.shape[1]), atol=1e-10)
    np.testing.assert_allclose(ortho.christoffel_, (Psi**2).sum(1))
    assert np.isclose(ortho.christoffel_.mean(), Psi.shape[1])


def test_nested_spans_are_kept(candidates):
    # Gram-Schmidt order: the first k orthonormal functions span the first k
    # features, so a polynomial hierarchy stays a hierarchy.
    poly = PolynomialFeatures(degree=2).fit(candidates)
    Phi = poly.transform(candidates)
    Psi = OrthonormalFeatures(poly).fit_transform(candidates)
    for k in range(1, Phi.shape[1] + 1):
        coef, res, *_ = np.linalg.lstsq(Phi[:, :k], Psi[:, k - 1], rcond=None)
        assert np.allclose(Phi[:, :k] @ coef, Psi[:, k - 1], atol=1e-8)


def test_fitted_map_used_as_is_unfitted_one_cloned(candidates):
    # A fitted map is used as is (not refitted on the candidates).
    fitted = PolynomialFeatures(degree=2).fit(candidates[:, :1])
    ortho = OrthonormalFeatures(fitted).fit(candidates[:, 1:])
    assert ortho.feature_map_ is fitted
    assert ortho.transform(candidates[:, 1:]).shape == (300, 3)
    unfitted = PolynomialFeatures(degree=2)
    ortho = OrthonormalFeatures(unfitted).fit(candidates)
    assert ortho.feature_map_ is not unfitted
    assert not hasattr(unfitted, "n_features_in_")


def test_rank_deficiency_warns_or_raises(candidates):
    dup = lambda X: np.column_stack([X, X[:, 0] + X[:, 1]])  # noqa: E731
    with pytest.warns(UserWarning, match="1 of 3 are linear combinations"):
        ortho = OrthonormalFeatures(dup).fit(candidates)
    assert ortho.independent_features_.tolist() == [True, True, False]
    assert ortho.transform(candidates).shape == (300, 2)
    with pytest.raises(ValueError, match="numerical rank 2"):
        OrthonormalFeatures(dup, rank_deficient="raise").fit(candidates)


def test_too_few_candidates_and_bad_maps(candidates):
    with pytest.raises(ValueError, match="n_samples = 5"):
        OrthonormalFeatures(PolynomialFeatures(degree=3)).fit(candidates[:5])
    with pytest.raises(ValueError, match="NaN or infinity"):
        OrthonormalFeatures(lambda X: np.full(X.shape, np.inf)).fit(candidates)
    with pytest.raises(ValueError, match="one row per sample"):
        OrthonormalFeatures(lambda X: X[:3]).fit(candidates)
    with pytest.raises(ValueError, match="NaN"):
        OrthonormalFeatures().fit([[np.nan, 1.0]])
    zero = lambda X: np.zeros((len(X), 2))  # noqa: E731
    with pytest.raises(ValueError, match="rank-deficient"):
        OrthonormalFeatures(zero).fit(candidates)


def test_feature_names(candidates):
    ortho = OrthonormalFeatures(PolynomialFeatures(degree=1)).fit(candidates)
    assert ortho.get_feature_names_out().tolist() == [
        "orthonormalfeatures0",
        "orthonormalfeatures1",
        "orthonormalfeatures2",
    ]
