"""Batched linear algebra shared by the torch models and the inverse-problem operators."""

import torch


def batched_cg(matvec, b, n_iter=100, tol=1e-10):
    """Solve ``M_i x_i = b_i`` for every sample ``i`` by conjugate gradients (SPD ``M_i``).

    ``matvec`` applies all ``M_i`` to a batch at once; step lengths and
    stopping are per sample, so a sample's solution does not depend on the
    rest of the batch. A sample stops when ``||r_i|| <= tol ||b_i||``; a
    direction with ``p^T M p <= 0`` (a numerically singular ``M_i``) gets no
    step.
    """
    def dot(u, v):
        return (u * v).flatten(1).sum(1)

    shape = (-1,) + (1,) * (b.ndim - 1)
    x = torch.zeros_like(b)
    r, p = b.clone(), b.clone()
    rr = dot(r, r)
    stop = (tol ** 2) * dot(b, b)
    for _ in range(n_iter):
        active = rr > stop
        if not active.any():
            break
        Ap = matvec(p)
        pAp = dot(p, Ap)
        step = active & (pAp > 0)
        alpha = torch.where(step, rr / pAp.clamp_min(1e-300), torch.zeros_like(rr))
        x = x + alpha.view(shape) * p
        r = r - alpha.view(shape) * Ap
        rr_new = dot(r, r)
        beta = torch.where(active, rr_new / rr.clamp_min(1e-300), torch.zeros_like(rr))
        p = r + beta.view(shape) * p
        rr = rr_new
    return x
