"""Exactness and API of the finite-candidate samplers.

Statistical tests use fixed seeds and thresholds of about 4.5 standard errors
(two-sided p ~ 1e-5 per comparison), or chi-square p-values above 1e-4, so they
only fail on a real discrepancy with the target law.
"""

import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from skop.sampling import (
    sample_christoffel,
    sample_dpp_repetitions,
    sample_projection_dpp,
    sample_volume_rescaled,
)
from skop.sampling import _chain_rule

Z_MAX = 4.5


def _orthonormal(N, m, seed=0):
    rng = np.random.default_rng(seed)
    # Uneven leverage scores make the test sensitive to the weighting.
    A = rng.normal(size=(N, m)) * rng.uniform(0.2, 2.0, size=(N, 1))
    return np.linalg.qr(A)[0]


def _assert_frequencies(counts, n_trials, p):
    """Binomial z-test of every empirical frequency against its probability."""
    se = np.sqrt(p * (1 - p) / n_trials)
    z = np.abs(counts / n_trials - p) / np.maximum(se, 1e-12)
    assert z.max() < Z_MAX, (z.max(), counts / n_trials, p)


def test_dpp_draws_m_distinct_rows():
    Q = _orthonormal(40, 6)
    S = sample_projection_dpp(Q, n_draws=500, random_state=0, device="cpu")
    assert S.shape == (500, 6) and S.dtype == np.int64
    assert all(len(set(row)) == 6 for row in S.tolist())


def test_dpp_inclusion_probabilities_match_kernel_diagonal():
    Q = _orthonormal(12, 4)
    n_draws = 20000
    S = sample_projection_dpp(Q, n_draws=n_draws, random_state=1, device="cpu")
    counts = np.bincount(S.ravel(), minlength=12)
    _assert_frequencies(counts, n_draws, (Q**2).sum(1))


def test_dpp_pair_inclusion_probabilities_are_determinantal():
    # P(i, j in S) = K_ii K_jj - K_ij^2: the repulsion, not just the marginals.
    Q = _orthonormal(8, 3, seed=2)
    K = Q @ Q.T
    n_draws = 20000
    S = sample_projection_dpp(Q, n_draws=n_draws, random_state=2, device="cpu")
    member = np.zeros((n_draws, 8), dtype=bool)
    np.put_along_axis(member, S, True, axis=1)
    joint = member.T.astype(float) @ member.astype(float)
    iu = np.triu_indices(8, 1)
    p = (np.outer(np.diag(K), np.diag(K)) - K**2)[iu]
    _assert_frequencies(joint[iu], n_draws, p)


def test_dpp_subset_law_is_volume_sampling():
    Q = _orthonormal(6, 3, seed=3)
    subsets = list(itertools.combinations(range(6), 3))
    p = np.array([np.linalg.det(Q[list(s)]) ** 2 for s in subsets])
    assert np.isclose(p.sum(), 1.0)
    n_draws = 20000
    S = np.sort(sample_projection_dpp(Q, n_draws=n_draws, random_state=3, device="cpu"))
    index = {s: k for k, s in enumerate(subsets)}
    counts = np.bincount([index[tuple(r)] for r in S.tolist()], minlength=len(subsets))
    assert stats.chisquare(counts, n_draws * p).pvalue > 1e-4


def test_dpp_order_is_exchangeable():
    # The chain-rule order is uniformly random: every position has the
    # one-point marginal K_ii / m.
    Q = _orthonormal(10, 3, seed=4)
    n_draws = 20000
    S = sample_projection_dpp(Q, n_draws=n_draws, random_state=4, device="cpu")
    for pos in range(3):
        counts = np.bincount(S[:, pos], minlength=10)
        _assert_frequencies(counts, n_draws, (Q**2).sum(1) / 3)


def test_dry_streams_are_finished_exactly(monkeypatch):
    # Force tiny proposal streams so most draws run dry and are completed from
    # their prefix: the law must not change.
    monkeypatch.setattr(_chain_rule, "_stream_length", lambda m, remaining: 2)
    Q = _orthonormal(10, 4, seed=5)
    n_draws = 10000
    S = sample_projection_dpp(Q, n_draws=n_draws, random_state=5, device="cpu")
    assert all(len(set(row)) == 4 for row in S.tolist())
    counts = np.bincount(S.ravel(), minlength=10)
    _assert_frequencies(counts, n_draws, (Q**2).sum(1))


def test_christoffel_draws_from_leverage_scores():
    Q = _orthonormal(15, 4, seed=6)
    S = sample_christoffel(Q, 5, n_draws=4000, random_state=6, device="cpu")
    assert S.shape == (4000, 5)
    counts = np.bincount(S.ravel(), minlength=15)
    _assert_frequencies(counts, S.size, (Q**2).sum(1) / 4)


def test_volume_rescaled_law_is_det_times_density():
    # Ordered tuples (i_1..i_n): P prop. to det(sum_k w_k q_k q_k^T) prod_k rho_k.
    N, m, n = 4, 2, 3
    Q = _orthonormal(N, m, seed=7)
    lev = (Q**2).sum(1)
    tuples = list(itertools.product(range(N), repeat=n))
    p = []
    for t in tuples:
        G = sum(np.outer(Q[i], Q[i]) / lev[i] for i in t)
        p.append(np.linalg.det(G) * np.prod(lev[list(t)]))
    p = np.clip(np.array(p), 0, None)
    p /= p.sum()
    n_draws = 30000
    S = sample_volume_rescaled(Q, n, n_draws=n_draws, random_state=7, device="cpu")
    index = {t: k for k, t in enumerate(tuples)}
    counts = np.bincount([index[tuple(r)] for r in S.tolist()], minlength=len(tuples))
    impossible = p < 1e-12
    assert counts[impossible].sum() == 0
    assert stats.chisquare(counts[~impossible], n_draws * p[~impossible]).pvalue > 1e-4


def test_volume_rescaled_marginals():
    Q = _orthonormal(12, 3, seed=8)
    S = sample_volume_rescaled(Q, 7, n_draws=5000, random_state=8, device="cpu")
    assert S.shape == (5000, 7)
    for pos in (0, 6):
        counts = np.bincount(S[:, pos], minlength=12)
        _assert_frequencies(counts, 5000, (Q**2).sum(1) / 3)


def test_dpp_repetitions_are_independent_dpps():
    Q = _orthonormal(12, 3, seed=9)
    S = sample_dpp_repetitions(Q, 3, n_draws=4000, random_state=9, device="cpu")
    assert S.shape == (4000, 9)
    blocks = S.reshape(4000, 3, 3)
    assert all(len(set(b)) == 3 for b in blocks.reshape(-1, 3).tolist())
    counts = np.bincount(blocks[:, 1].ravel(), minlength=12)
    _assert_frequencies(counts, 4000, (Q**2).sum(1))


@pytest.mark.parametrize(
    "sampler, args",
    [
        (sample_projection_dpp, ()),
        (sample_christoffel, (7,)),
        (sample_volume_rescaled, (7,)),
        (sample_dpp_repetitions, (2,)),
    ],
)
def test_random_state_kinds_and_global_rng_untouched(sampler, args):
    Q = _orthonormal(30, 4)
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    a = sampler(Q, *args, n_draws=3, random_state=11, device="cpu")
    b = sampler(Q, *args, n_draws=3, random_state=11, device="cpu")
    np.testing.assert_array_equal(a, b)
    c = sampler(Q, *args, random_state=np.random.RandomState(0), device="cpu")
    d = sampler(Q, *args, random_state=np.random.RandomState(0), device="cpu")
    np.testing.assert_array_equal(c, d)
    e = sampler(Q, *args, random_state=np.random.default_rng(0), device="cpu")
    f = sampler(Q, *args, random_state=np.random.default_rng(0), device="cpu")
    np.testing.assert_array_equal(e, f)
    assert np.array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert sampler(Q, *args, device="cpu").ndim == 1  # random_state=None


def test_torch_input_gives_torch_output_and_input_untouched():
    Q = torch.as_tensor(_orthonormal(30, 4))
    Q0 = Q.clone()
    idx = sample_projection_dpp(Q, n_draws=2, random_state=0, device="cpu")
    assert isinstance(idx, torch.Tensor) and idx.shape == (2, 4)
    idx += 0  # a normal tensor, not an inference-mode one
    assert torch.equal(Q, Q0)
    Qn = _orthonormal(30, 4)
    Qn.flags.writeable = False
    np.testing.assert_array_equal(
        sample_projection_dpp(Qn, random_state=0, device="cpu"),
        sample_projection_dpp(Q.numpy(), random_state=0, device="cpu"),
    )


def test_non_orthonormal_q_is_rejected():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="orthonormal columns"):
        sample_projection_dpp(rng.normal(size=(50, 4)), device="cpu")
    Q = _orthonormal(50, 4)
    with pytest.raises(ValueError, match="orthonormal columns"):
        sample_projection_dpp(Q * 1.01, device="cpu")
    Q2 = Q.copy()
    Q2[:, 1] = Q2[:, 0]  # rank-deficient, still trace-preserving
    with pytest.raises(ValueError, match="orthonormal columns"):
        sample_projection_dpp(Q2, device="cpu")


def test_bad_inputs_have_clear_errors():
    Q = _orthonormal(20, 4)
    bad = Q.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sample_projection_dpp(bad, device="cpu")
    with pytest.raises(ValueError, match="N >= m"):
        sample_projection_dpp(np.eye(5)[:3], device="cpu")
    with pytest.raises(ValueError, match="2D"):
        sample_projection_dpp(Q[:, 0], device="cpu")
    with pytest.raises(ValueError, match="n_samples >= m"):
        sample_volume_rescaled(Q, 3, device="cpu")
    with pytest.raises(ValueError, match="n_draws"):
        sample_projection_dpp(Q, n_draws=0, device="cpu")
    with pytest.raises(ValueError, match="n_samples"):
        sample_christoffel(Q, 2.5, device="cpu")
    with pytest.raises(ValueError, match="random_state"):
        sample_projection_dpp(Q, random_state="seed", device="cpu")
    with pytest.raises(ValueError, match="device"):
        sample_projection_dpp(Q, device="tpu")
    with pytest.raises(ValueError, match="complex"):
        sample_projection_dpp(Q.astype(complex), device="cpu")


@settings(max_examples=15, deadline=None)
@given(
    row=st.integers(0, 19),
    col=st.integers(0, 3),
    value=st.sampled_from([np.nan, np.inf, -np.inf]),
)
def test_any_non_finite_entry_is_rejected(row, col, value):
    Q = _orthonormal(20, 4)
    Q[row, col] = value
    with pytest.raises(ValueError, match="NaN or infinity"):
        sample_christoffel(Q, 5, device="cpu")
