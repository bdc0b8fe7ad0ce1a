"""Lion-K ("Lion Secretly Solves Constrained Optimization", Chen et al. 2023/2024)."""

import torch
from torch.optim import Optimizer


def _sign(c):
    return torch.sign(c)


def _l2(c):
    # grad ||c||_2 per tensor; 0 at c = 0 (a subgradient).
    norm = torch.linalg.vector_norm(c)
    return c / norm if norm > 0 else torch.zeros_like(c)


def _nuclear(c):
    # grad ||C||_* = U V^T of the thin SVD, per matrix (the Muon-like update);
    # a vector is a one-column matrix (its nuclear norm is its l2 norm).
    if c.ndim < 2:
        return _l2(c)
    matrix = c.reshape(c.shape[0], -1)
    U, _, Vh = torch.linalg.svd(matrix, full_matrices=False)
    return (U @ Vh).reshape(c.shape)


DIRECTIONS = {"sign": _sign, "l2": _l2, "nuclear": _nuclear}


class LionK(Optimizer):
    """Lion with a general convex ``K``: momentum ``m``, update ``grad K`` of the interpolated momentum.

    Per step, for each parameter ``x`` with gradient ``g``::

        c = beta1 * m + (1 - beta1) * g
        x = x - lr * (grad_K(c) + weight_decay * x)
        m = beta2 * m + (1 - beta2) * g

    ``K = ||.||_1`` (``grad_K = sign``) is Lion. With decoupled weight decay
    ``lambda`` the iterates solve ``min f(x)`` subject to ``K*(x) <= 1/lambda``:
    the box ``||x||_inf <= 1/lambda`` for Lion, the ball ``||x||_2 <= 1/lambda``
    for ``"l2"``, the spectral-norm ball for ``"nuclear"`` (a Muon-like
    orthogonalised update, per weight matrix).

    Parameters
    ----------
    params : iterable
        Parameters or parameter groups.
    lr : float, default=1e-4
        Step size. Lion's steps have unit size per coordinate: use a rate
        3-10x smaller than AdamW's. The ``"l2"`` and ``"nuclear"`` steps
        have norm ``lr`` per tensor (not per coordinate), so they want a
        rate about ``sqrt(n)`` times larger (measured on a small FNO: sign
        1e-3, nuclear 1e-2 match AdamW at 1e-3).
    betas : tuple of float, default=(0.9, 0.99)
        ``beta1`` interpolates the update, ``beta2`` the momentum.
    weight_decay : float, default=0.0
        Decoupled weight decay ``lambda`` (the constraint radius is ``1/lambda``).
    direction : {"sign", "l2", "nuclear"} or callable, default="sign"
        ``grad K``; a callable maps the interpolated momentum (a tensor of a
        parameter's shape) to the update direction.

    Examples
    --------
    >>> import torch
    >>> from skop.optim import LionK
    >>> x = torch.zeros(3, requires_grad=True)
    >>> opt = LionK([x], lr=0.01, weight_decay=1.0)
    >>> c = torch.tensor([3.0, -0.5, 0.2])
    >>> for _ in range(500):
    ...     opt.zero_grad()
    ...     (0.5 * (x - c).pow(2).sum()).backward()
    ...     opt.step()
    >>> x.detach().round(decimals=1)        # clip(c, -1, 1)
    tensor([ 1.0000, -0.5000,  0.2000])
    """

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, direction="sign"):
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr}.")
        if not all(0.0 <= b <= 1.0 for b in betas) or len(betas) != 2:
            raise ValueError(f"betas must be two numbers in [0, 1], got {betas}.")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay}.")
        if not callable(direction) and direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {sorted(DIRECTIONS)} or a callable, "
                             f"got {direction!r}.")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay,
                                      direction=direction))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, decay = group["lr"], group["weight_decay"]
            direction = group["direction"]
            grad_k = direction if callable(direction) else DIRECTIONS[direction]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise ValueError("LionK does not support sparse gradients.")
                state = self.state[p]
                if not state:
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                m = state["exp_avg"]
                update = grad_k(m * beta1 + p.grad * (1 - beta1))
                if update.shape != p.shape:
                    raise ValueError(f"direction returned shape {tuple(update.shape)} for a "
                                     f"parameter of shape {tuple(p.shape)}.")
                p.mul_(1 - lr * decay)
                p.add_(update, alpha=-lr)
                m.mul_(beta2).add_(p.grad, alpha=1 - beta2)
        return loss
