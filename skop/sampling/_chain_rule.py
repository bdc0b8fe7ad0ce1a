"""Exact chain-rule sampler of a projection DPP, batched over independent draws.

A projection DPP with kernel ``K(x, y) = phi(x)^T phi(y)`` (``phi`` orthonormal,
``m`` functions) is sampled point by point: point ``t`` has density proportional
to ``||(I - P_t) phi(x)||^2``, where ``P_t`` projects onto the span of the
features of the points already chosen. Because that residual never exceeds
``||phi(x)||^2``, point ``t`` can be drawn by *rejection* from the optimal
density ``rho(x) = ||phi(x)||^2 / m``: propose ``x ~ rho`` and accept it with
probability ``||(I - P_t) phi(x)||^2 / ||phi(x)||^2``. The mean acceptance rate
at step ``t`` is ``(m - t) / m`` whatever the candidate set, so a draw consumes
about ``m H_m ~ m log m`` proposals and never touches the other candidates.

Implementation: every draw gets a stream of ``L`` i.i.d. proposals up front.
Their residuals are kept up to date by Cholesky-style rank-one updates (the
coordinates of each proposal in an orthonormal basis of the chosen span), and
step ``t`` accepts the first stream position whose residual beats its uniform
threshold ``u * ||phi||^2``. Residuals only decrease, so positions skipped once
stay rejected and no pointer is needed. All draws advance together as batched
tensor ops (``B x L x 2m``), with no host synchronisation inside the loop; a
sentinel row that is always accepted marks a stream that ran dry, and those
draws are finished afterwards from their prefix with a fresh stream, which is
still exact because the proposals are independent of the past.
"""

import math

import torch

# Candidates whose residual is below this fraction of their norm are treated
# as already spanned: they could only be accepted through rounding noise, and
# accepting one would divide by ~0. Their true probability is below this too.
RESIDUAL_TOL = 1e-10


def _stream_length(m, remaining):
    """Proposals needed for ``remaining`` steps of a rank-``m`` draw, plus slack.

    Step ``t`` needs a Geometric((m - t) / m) number of proposals; the sum over
    the last ``r`` steps has mean ``m H_r``. The slack of ``3 m`` makes running
    dry rare (it mostly happens on the last step, with probability ~e^-3), and
    running dry only costs a short second pass.
    """
    harmonic = sum(1.0 / k for k in range(1, remaining + 1))
    return int(math.ceil(m * (harmonic + 3.0))) + 16


# Working-set budget per batch of draws: on CPU the per-step gemv streams the
# whole state, so batches that stay in cache run ~2x faster per draw than one
# huge batch; on accelerators large batches are what make it fast, bounded
# only to keep memory in check.
_CPU_CHUNK_BYTES = 4 * 2**20
_DEVICE_CHUNK_BYTES = 2**30
# Above this many state entries (draws x stream x m) the per-step gemv reads
# only the rows in use; below, fewer (slicing) ops win.
_SLICE_ABOVE = 100_000


def sample_chain_rule(
    propose, m, n_draws, *, device, generator=None, prefix_rows=None
):
    """Draw ``n_draws`` independent projection-DPP samples by the chain rule.

    Parameters
    ----------
    propose : callable
        ``propose(B, L, generator) -> (V, norms2, payload)`` draws ``B x L`` i.i.d.
        proposals from the optimal density; ``V`` (B, L, m) are their features,
        ``norms2`` (B, L) the squared feature norms and ``payload`` (B, L, ...)
        what the caller wants back (candidate indices or points).
    m : int
        Rank of the projection kernel (number of points per draw).
    n_draws : int
        Number of independent draws.
    device : torch.device
        Device the proposals live on (CPU batches are split to stay in cache).
    generator : torch.Generator, default=None
        Source of randomness (``None``: torch's global RNG).
    prefix_rows : torch.Tensor of shape (n_draws, t0, m), default=None
        Features of points already chosen (used to finish draws whose stream
        ran dry).

    Returns
    -------
    rows : torch.Tensor of shape (n_draws, m - t0, m)
        Features of the chosen points, in the order chosen.
    payload : torch.Tensor of shape (n_draws, m - t0, ...)
        Payload of the chosen points.
    """
    t0 = 0 if prefix_rows is None else prefix_rows.shape[1]
    L = _stream_length(m, m - t0)
    on_cpu = torch.device(device).type == "cpu"
    budget = _CPU_CHUNK_BYTES if on_cpu else _DEVICE_CHUNK_BYTES
    chunk = max(1, budget // (8 * (2 * m + 1) * (L + 1)))
    if n_draws <= chunk:
        return _sample_batch(propose, m, n_draws, L, generator, prefix_rows)
    parts = [
        _sample_batch(
            propose,
            m,
            min(chunk, n_draws - start),
            L,
            generator,
            None if prefix_rows is None else prefix_rows[start : start + chunk],
        )
        for start in range(0, n_draws, chunk)
    ]
    return tuple(torch.cat(p, dim=0) for p in zip(*parts))


def _sample_batch(propose, m, n_draws, L, generator, prefix_rows):
    """One batch of the chain rule with streams of ``L`` proposals per draw."""
    t0 = 0 if prefix_rows is None else prefix_rows.shape[1]
    V, norms2, payload = propose(n_draws, L, generator)
    dtype, device = V.dtype, V.device
    u = torch.rand(n_draws, 1, L, dtype=dtype, device=device, generator=generator)

    # State per draw, one column per stream position (contiguous rows keep the
    # per-step update a single gemv): rows [0, m) features, rows [m, 2m)
    # coordinates on the chosen span, row 2m the squared residual. Column L
    # is the always-accepted sentinel.
    S = torch.zeros(n_draws, 2 * m + 1, L + 1, dtype=dtype, device=device)
    S[:, :m, :L] = V.transpose(1, 2)
    S[:, 2 * m, :L] = norms2
    S[:, 2 * m, L] = 1.0
    resid = S[:, 2 * m :]
    thr = torch.empty(n_draws, 1, L + 1, dtype=dtype, device=device)
    thr[:, :, :L] = u.clamp_min_(RESIDUAL_TOL) * norms2.unsqueeze(1)
    thr[:, :, L] = -math.inf
    if t0:
        # Coordinates of the proposals on an orthonormal basis of the prefix.
        basis = torch.linalg.qr(prefix_rows.transpose(1, 2)).Q
        coords = torch.bmm(basis.transpose(1, 2), S[:, :m, :L])
        S[:, m : m + t0, :L] = coords
        S[:, 2 * m, :L] -= coords.square().sum(1)

    # New coordinate row: c = (V v_q - C c_q) / r_q^(1/2), one gemv against the
    # state with the accepted column times a sign vector (0 on the residual).
    # Small problems are bound by per-op overhead and use the full state every
    # step; large ones by memory traffic and read only the m + t rows in use.
    sign = torch.ones(1, 1, 2 * m + 1, dtype=dtype, device=device)
    sign[..., m:] = -1.0
    sign[..., 2 * m] = 0.0
    sliced = n_draws * (L + 1) * m > _SLICE_ABOVE
    gather_shape = (n_draws, 2 * m + 1, 1)
    chosen = []
    # Method calls (narrow, gather) rather than indexing syntax: the loop is
    # bound by per-op overhead for one draw, and __getitem__ parsing is slow.
    for t in range(t0, m):
        # First stream position whose residual beats its threshold. Skipped
        # positions stay rejected (residuals only decrease); the accepted one
        # drops to ~0 < RESIDUAL_TOL * norm and is never accepted again.
        first = torch.gt(resid, thr).view(torch.uint8).argmax(dim=2, keepdim=True)
        g = torch.gather(S, 2, first.expand(gather_shape)).transpose(1, 2)
        scale = g.narrow(2, 2 * m, 1).rsqrt()
        if sliced:
            w = g.narrow(2, 0, m + t).mul_(sign.narrow(2, 0, m + t)).mul_(scale)
            c = torch.bmm(w, S.narrow(1, 0, m + t))
        else:
            c = torch.bmm(g.mul_(sign).mul_(scale), S)
        S.narrow(1, m + t, 1).copy_(c)
        resid.addcmul_(c, c, value=-1.0)
        chosen.append(first)

    chosen = torch.cat(chosen, dim=1).squeeze(2)
    rows_ix = torch.arange(n_draws, device=device).unsqueeze(1)
    hit = chosen == L
    safe = chosen.clamp(max=L - 1)
    rows = V[rows_ix, safe]
    picked = payload[rows_ix, safe]
    dry = hit.any(dim=1)
    if bool(dry.any()):
        rows, picked = _finish_dry(
            propose, m, dry, hit, rows, picked, prefix_rows, generator
        )
    return rows, picked


def _finish_dry(propose, m, dry, hit, rows, picked, prefix_rows, generator):
    """Complete the draws whose proposal stream ran out, from their prefix."""
    t0 = 0 if prefix_rows is None else prefix_rows.shape[1]
    first_dry = hit.int().argmax(dim=1)
    for n_done in torch.unique(first_dry[dry]).tolist():
        which = torch.nonzero(dry & (first_dry == n_done)).squeeze(1)
        prefix = rows[which, :n_done]
        if t0:
            prefix = torch.cat([prefix_rows[which], prefix], dim=1)
        more_rows, more_picked = sample_chain_rule(
            propose,
            m,
            len(which),
            device=prefix.device,
            generator=generator,
            prefix_rows=prefix,
        )
        rows[which, n_done:] = more_rows
        picked[which, n_done:] = more_picked
    return rows, picked
