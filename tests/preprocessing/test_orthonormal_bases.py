"""Orthonormality, index sets, names and errors of the tensor-product bases."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from skop.preprocessing import (
    ChebyshevFeatures,
    FourierFeatures,
    HermiteFeatures,
    LegendreFeatures,
    TensorProductFeatures,
)


def _quadrature(name, n=40):
    """Nodes and weights integrating the family's probability measure exactly."""
    if name == "legendre":  # uniform on [2, 5]
        s, w = np.polynomial.legendre.leggauss(n)
        return 2 + 1.5 * (s + 1), w / 2
    if name == "chebyshev":  # arcsine on [-1, 1]: Gauss-Chebyshev
        k = np.arange(1, n + 1)
        return np.cos((2 * k - 1) * np.pi / (2 * n)), np.full(n, 1 / n)
    if name == "hermite":  # N(1, 0.5^2)
        z, w = np.polynomial.hermite_e.hermegauss(n)
        return 1 + 0.5 * z, w / np.sqrt(2 * np.pi)
    t = np.arange(n) / n  # uniform on [0, 2): trapezoid is exact for trig. polynomials
    return 2 * t, np.full(n, 1 / n)


BASES = {
    "legendre": lambda **kw: LegendreFeatures(bounds=(2.0, 5.0), **kw),
    "chebyshev": lambda **kw: ChebyshevFeatures(**kw),
    "hermite": lambda **kw: HermiteFeatures(loc=1.0, scale=0.5, **kw),
    "fourier": lambda **kw: FourierFeatures(bounds=(0.0, 2.0), **kw),
}


@pytest.mark.parametrize("name", list(BASES))
def test_univariate_bases_are_orthonormal(name):
    x, w = _quadrature(name)
    Phi = BASES[name](degree=6).fit_transform(x[:, None])
    gram = Phi.T @ (w[:, None] * Phi)
    np.testing.assert_allclose(gram, np.eye(Phi.shape[1]), atol=1e-10)


@pytest.mark.parametrize("name", list(BASES))
@pytest.mark.parametrize("index_set", ["total_degree", "hyperbolic_cross", "tensor"])
def test_tensor_products_are_orthonormal(name, index_set):
    x, w = _quadrature(name, 20)
    X = np.array(list(itertools.product(x, x)))
    W = np.outer(w, w).ravel()
    Phi = BASES[name](degree=3, index_set=index_set).fit_transform(X)
    gram = Phi.T @ (W[:, None] * Phi)
    np.testing.assert_allclose(gram, np.eye(Phi.shape[1]), atol=1e-10)


@pytest.mark.parametrize(
    "index_set, d, degree, expected",
    [
        ("total_degree", 3, 4, math.comb(7, 3)),
        ("tensor", 2, 3, 16),
        ("hyperbolic_cross", 2, 4, 10),  # (a+1)(b+1) <= 5
        ("hyperbolic_cross", 3, 1, 4),
    ],
)
def test_index_set_sizes(index_set, d, degree, expected):
    basis = LegendreFeatures(degree=degree, index_set=index_set).fit(np.zeros((1, d)))
    assert basis.n_output_features_ == expected
    assert basis.multi_indices_.shape == (expected, d)
    assert (basis.multi_indices_[0] == 0).all()  # the constant comes first
    assert len({tuple(r) for r in basis.multi_indices_}) == expected


def test_fourier_degree_is_the_frequency():
    basis = FourierFeatures(degree=2).fit(np.zeros((1, 2)))
    # Frequencies (k1, k2) with k1 + k2 <= 2: 1 + 2*2 (one nonzero, k=1)
    # + 2*2 (one nonzero, k=2) + 4 (both equal to 1) = 13 functions.
    assert basis.n_output_features_ == 13


def test_mixed_families_use_measure_parameters():
    X = np.array([[2.5, 1.0]])
    mixed = TensorProductFeatures(
        [LegendreFeatures(degree=9, bounds=(2.0, 3.0)), HermiteFeatures(loc=1.0)],
        degree=2,
    ).fit_transform(X)
    ref_l = LegendreFeatures(degree=2, bounds=(2.0, 3.0)).fit_transform(X[:, :1])
    ref_h = HermiteFeatures(degree=2, loc=1.0).fit_transform(X[:, 1:])
    expected = sorted(
        ref_l[0, i] * ref_h[0, j] for i in range(3) for j in range(3) if i + j <= 2
    )
    np.testing.assert_allclose(sorted(mixed[0]), expected)


def test_feature_names_and_pandas_output():
    df = pd.DataFrame({"a": [0.1, 0.2], "b": [0.3, -0.5]})
    basis = LegendreFeatures(degree=2).set_output(transform="pandas")
    out = basis.fit_transform(df)
    assert list(out.columns) == ["1", "L1(b)", "L1(a)", "L2(b)", "L1(a) L1(b)", "L2(a)"]
    names = FourierFeatures(degree=1).fit([[0.0]]).get_feature_names_out(["t"])
    assert names.tolist() == ["1", "cos1(t)", "sin1(t)"]
    assert HermiteFeatures(degree=1).fit([[0.0]]).get_feature_names_out().tolist() == [
        "1",
        "He1(x0)",
    ]


def test_transform_leaves_input_untouched_and_checks_width():
    X = np.array([[0.2, 0.4], [0.1, -0.3]])
    X0 = X.copy()
    basis = ChebyshevFeatures(degree=2).fit(X)
    basis.transform(X)
    np.testing.assert_array_equal(X, X0)
    with pytest.raises(ValueError, match="features"):
        basis.transform(X[:, :1])


@pytest.mark.parametrize(
    "basis, match",
    [
        (LegendreFeatures(bounds=(1.0, 1.0)), "low < high"),
        (LegendreFeatures(bounds=(0.0,)), "pair"),
        (FourierFeatures(bounds=(0.0, np.inf)), "finite"),
        (TensorProductFeatures(["legendre"]), "one family per feature"),
        (TensorProductFeatures(["laguerre", "legendre"]), "Unknown family"),
        (TensorProductFeatures([object(), "legendre"]), "Each family"),
    ],
)
def test_bad_parameters_have_clear_errors(basis, match):
    with pytest.raises(ValueError, match=match):
        basis.fit(np.zeros((2, 2)))


def test_nan_input_is_rejected():
    with pytest.raises(ValueError, match="NaN"):
        LegendreFeatures().fit([[np.nan]])
