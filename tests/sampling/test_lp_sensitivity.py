"""l_p sensitivity sampling: the scores' defining properties and the sampled l_1 regression."""

import numpy as np
import pytest

from skop.datasets import make_heavy_row_regression
from skop.linear_model import LpRegressor
from skop.linear_model._lp_regression import lp_cost, solve_l1, solve_lp_irls
from skop.sampling import lewis_weights, leverage_scores, lp_sensitivities, sample_rows


def test_leverage_and_lewis_weights_sum_to_d_and_lewis_is_a_fixed_point():
    A = np.random.default_rng(0).standard_t(3, size=(300, 5))
    assert leverage_scores(A).sum() == pytest.approx(5)
    for p in (1, 1.5, 3):
        w, n_iter = lewis_weights(A, p)
        assert w.sum() == pytest.approx(5, rel=1e-8) and n_iter < 100   # measured 19-37
        # The defining equation: w_i = (a_i^T (A^T W^(1-2/p) A)^-1 a_i)^(p/2).
        M = A.T @ (A * (w ** (1 - 2 / p))[:, None])
        np.testing.assert_allclose(w, np.einsum("ij,ij->i", A @ np.linalg.inv(M), A) ** (p / 2),
                                   rtol=1e-6)
    np.testing.assert_allclose(lewis_weights(A, 2)[0], leverage_scores(A), rtol=1e-10)
    with pytest.raises(ValueError, match="0 < p < 4"):
        lewis_weights(A, 4)


def test_exact_l1_sensitivities_bound_every_direction():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(120, 4))
    sigma = lp_sensitivities(A)
    # Total sensitivity of a Gaussian matrix: about sqrt(pi d / 2), at most d.
    assert 1.5 < sigma.sum() < 4
    # No direction gives a row a larger share than its sensitivity (and some come close).
    X = rng.normal(size=(4, 20000))
    share = np.abs(A @ X) / np.abs(A @ X).sum(0)
    assert np.all(share.max(1) <= sigma + 1e-9)
    assert np.median(share.max(1) / sigma) > 0.9
    with pytest.raises(ValueError, match="p = 1"):
        lp_sensitivities(A, p=2)


def test_sampled_l1_regression_is_near_optimal_with_good_scores_and_not_uniform():
    X, y, _ = make_heavy_row_regression(4000, 5, n_heavy=6, random_state=0)
    A = np.column_stack([X, np.ones(len(X))])
    opt = lp_cost(A, y, solve_l1(A, y), 1)
    ratio = {}
    for scores in ("uniform", "root_leverage", "lewis"):
        costs = []
        for seed in range(8):
            m = LpRegressor(1, sampling=scores, n_samples=150, random_state=seed).fit(X, y)
            costs.append(lp_cost(A, y, np.r_[m.coef_, m.intercept_], 1) / opt)
        ratio[scores] = np.median(costs)
    assert ratio["root_leverage"] < 1.1 and ratio["lewis"] < 1.1
    assert ratio["uniform"] > ratio["lewis"] + 0.1
    full = LpRegressor(1).fit(X, y)
    assert lp_cost(A, y, np.r_[full.coef_, full.intercept_], 1) == pytest.approx(opt)


def test_irls_and_sampler_contracts():
    rng = np.random.default_rng(2)
    A, b = rng.normal(size=(200, 3)), rng.normal(size=200)
    for p in (1.5, 3.0):
        x, _ = solve_lp_irls(A, b, p)
        # Optimality: the gradient of ||Ax - b||_p^p vanishes.
        r = A @ x - b
        grad = A.T @ (np.sign(r) * np.abs(r) ** (p - 1))
        assert np.abs(grad).max() < 2e-4 * np.abs(A.T @ np.abs(r) ** (p - 1)).max()  # 4e-5 at p=1.5
    keep, scale = sample_rows(np.r_[np.ones(99), 1e6], 10, 1, random_state=0)
    assert 99 in keep and scale[list(keep).index(99)] == 1.0      # a certain row is not rescaled
    with pytest.raises(ValueError, match="non-negative"):
        sample_rows(np.r_[1.0, -1.0], 2, 1)
    with pytest.raises(ValueError, match="raise n_samples"):
        LpRegressor(sampling="uniform", n_samples=1, random_state=0).fit(A, b)
