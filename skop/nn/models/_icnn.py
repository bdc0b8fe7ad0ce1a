"""Input-convex potentials and the learned proximal operator (their gradient).

A learned proximal network (Fang, Buchanan & Sulam, ICLR 2024) is the gradient
``f = grad psi`` of a convex potential ``psi``; by a classical theorem such an
``f`` is exactly the proximal operator of some (possibly non-convex)
regulariser ``R``, which can be evaluated by inverting ``f``. Convexity of
``psi`` comes from the architecture: softplus activations (convex,
non-decreasing) and non-negative weights on every path from one hidden layer
to the next, kept non-negative by :meth:`clamp_nonnegative_` after each
optimizer step.
"""

import torch
from torch import nn
from torch.nn import functional as F

from skop.nn._init import generator_aware
from skop.nn._linalg import batched_cg


def _init_nonnegative(layer, generator):
    # exp(N(-10, 0.1)): tiny positive weights, so psi starts close to its
    # input-linear part and the products of positive layers cannot explode.
    with torch.no_grad():
        layer.weight.normal_(-10.0, 0.1, generator=generator).exp_()
        if layer.bias is not None:
            layer.bias.zero_()


class NonNegativeLinear(nn.Linear):
    """``nn.Linear`` whose weight is kept ``>= 0`` (initialised as exp(N(-10, 0.1)))."""

    @generator_aware
    def reset_parameters(self, generator=None):
        _init_nonnegative(self, generator)


class NonNegativeConv2d(nn.Conv2d):
    """``nn.Conv2d`` whose kernel is kept ``>= 0`` (initialised as exp(N(-10, 0.1)))."""

    @generator_aware
    def reset_parameters(self, generator=None):
        _init_nonnegative(self, generator)


class _QuadraticWeight(nn.Module):
    """A learned weight ``a >= 0`` of ``a / 2 ||x||^2`` in the potential, initialised to ``init``."""

    def __init__(self, init):
        super().__init__()
        self.init = init
        self.weight = nn.Parameter(torch.empty(()))

    @generator_aware
    def reset_parameters(self, generator=None):
        with torch.no_grad():
            self.weight.fill_(self.init)


class _ICNNBase(nn.Module):
    """Shared parts: the activation, the quadratic terms, clamping."""

    def __init__(self, beta, strong_convexity, identity_init):
        super().__init__()
        self.beta = beta
        self.strong_convexity = strong_convexity
        # identity_init: psi starts as ||x||^2 / 2, so f starts as the
        # identity (a denoiser of zero noise) instead of ~0; the learned
        # weight of the quadratic can fall to shrink, never below 0.
        self.quadratic = _QuadraticWeight(1.0) if identity_init else None

    def _act(self, t):
        return F.softplus(t, beta=self.beta)

    def _quadratic(self, x):
        a = self.strong_convexity
        if self.quadratic is not None:
            a = a + self.quadratic.weight
        return 0.5 * a * x.flatten(1).pow(2).sum(1)

    def nonnegative_parameters(self):
        """The weights that must stay non-negative for ``psi`` to be convex."""
        extra = [self.quadratic.weight] if self.quadratic is not None else []
        return [layer.weight for layer in self.wz] + [self.w_out.weight] + extra

    @torch.no_grad()
    def clamp_nonnegative_(self):
        """Project the constrained weights back onto ``w >= 0`` (after an optimizer step)."""
        for weight in self.nonnegative_parameters():
            weight.clamp_(min=0.0)


class VectorICNN(_ICNNBase):
    r"""Input-convex network on vectors: ``psi: R^d -> R``, convex in ``x``.

    :math:`z_1 = s(W^x_0 x)`, :math:`z_{l+1} = s(W^z_l z_l + W^x_l x + b_l)`,
    :math:`\psi(x) = w^T z_L + \frac{\alpha}{2} \|x\|^2`, with :math:`s` the
    softplus of sharpness ``beta`` and :math:`W^z_l, w \ge 0`.

    Parameters
    ----------
    in_features : int
        Dimension ``d`` of ``x``.
    hidden : int, default=128
        Width of every hidden layer.
    n_layers : int, default=4
        Hidden layers.
    beta : float, default=10.0
        Softplus sharpness (large: close to ReLU, still smooth).
    strong_convexity : float, default=1e-6
        ``alpha``: makes ``psi`` strongly convex, so ``grad psi`` is invertible.
    identity_init : bool, default=False
        Add a learned ``a / 2 ||x||^2`` (``a >= 0``, starting at 1) so the prox
        starts as the identity rather than near zero: far fewer steps to a
        useful image denoiser. ``psi`` stays convex.
    """

    def __init__(self, in_features, hidden=128, n_layers=4, beta=10.0, strong_convexity=1e-6,
                 identity_init=False):
        super().__init__(beta, strong_convexity, identity_init)
        self.wx = nn.ModuleList([nn.Linear(in_features, hidden)] + [
            nn.Linear(in_features, hidden) for _ in range(n_layers - 1)])
        self.wz = nn.ModuleList([NonNegativeLinear(hidden, hidden, bias=False)
                                 for _ in range(n_layers - 1)])
        self.w_out = NonNegativeLinear(hidden, 1, bias=False)

    def forward(self, x):
        z = self._act(self.wx[0](x))
        for wz, wx in zip(self.wz, self.wx[1:]):
            z = self._act(wz(z) + wx(x))
        return self.w_out(z)[:, 0] + self._quadratic(x)


class ConvICNN(_ICNNBase):
    r"""Input-convex convolutional network on images: ``psi: R^{C x H x W} -> R``.

    As :class:`VectorICNN` with convolutions: ``W^z`` are convolutions with
    non-negative kernels, ``W^x`` free convolutions of the input, and
    :math:`\psi(x) = \sum_{pixels} w^T z_L + \frac{\alpha}{2}\|x\|^2`. A sum over
    pixels (not a mean) keeps ``grad psi`` a local operator whose value at a
    pixel does not depend on the image size: a potential trained on small
    patches applies to whole images.

    Parameters
    ----------
    in_channels : int
        Image channels.
    hidden : int, default=64
        Channels of every hidden layer.
    n_layers : int, default=4
        Hidden layers.
    kernel_size : int, default=3
        Odd kernel size (zero padding keeps the size).
    beta, strong_convexity : float
        As in :class:`VectorICNN`.
    identity_init : bool, default=False
        As in :class:`VectorICNN`.
    """

    def __init__(self, in_channels, hidden=64, n_layers=4, kernel_size=3, beta=10.0,
                 strong_convexity=1e-6, identity_init=False):
        super().__init__(beta, strong_convexity, identity_init)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}.")
        pad = kernel_size // 2
        self.wx = nn.ModuleList([nn.Conv2d(in_channels, hidden, kernel_size, padding=pad)
                                 for _ in range(n_layers)])
        self.wz = nn.ModuleList([NonNegativeConv2d(hidden, hidden, kernel_size, padding=pad, bias=False)
                                 for _ in range(n_layers - 1)])
        self.w_out = NonNegativeConv2d(hidden, 1, 1, bias=False)

    def forward(self, x):
        z = self._act(self.wx[0](x))
        for wz, wx in zip(self.wz, self.wx[1:]):
            z = self._act(wz(z) + wx(x))
        return self.w_out(z).flatten(1).sum(1) + self._quadratic(x)


class LearnedProx(nn.Module):
    """The learned proximal operator ``f(y) = grad psi(y)`` of a convex potential.

    Parameters
    ----------
    potential : nn.Module
        ``psi``: ``(batch, ...) -> (batch,)``, convex in its input
        (:class:`VectorICNN`, :class:`ConvICNN`).

    Notes
    -----
    ``forward`` differentiates ``psi`` with autograd, enabling it itself (so
    it also works under ``torch.no_grad``); in training mode the graph is
    kept (``create_graph``) so the loss can be back-propagated through ``f``.
    """

    def __init__(self, potential):
        super().__init__()
        self.potential = potential

    def forward(self, y):
        # The output is a gradient: autograd runs even where the caller turned
        # it off (skorch's validation step, torch.no_grad inference).
        with torch.enable_grad():
            if not y.requires_grad:
                y = y.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(self.potential(y).sum(), y,
                                          create_graph=self.training)
        return grad

    def clamp_nonnegative_(self):
        """Keep ``psi`` convex: see :meth:`VectorICNN.clamp_nonnegative_`."""
        self.potential.clamp_nonnegative_()

    def regularizer(self, x, y):
        r""":math:`R(x) = \langle x, y\rangle - \frac{1}{2}\|x\|^2 - \psi(y)` for ``y = f^{-1}(x)``.

        Up to a constant, the regulariser whose proximal operator ``f`` is.
        """
        with torch.no_grad():
            inner = (x * y).flatten(1).sum(1)
            return inner - 0.5 * x.flatten(1).pow(2).sum(1) - self.potential(y)

    def inverse(self, x, n_iter=50, tol=1e-10, cg_iter=50):
        """``y`` with ``f(y) = x``: Newton-CG on the convex ``psi(y) - <x, y>``, per sample.

        Every quantity (CG coefficients, Newton step length, stopping) is
        computed per sample, so a sample's inverse does not depend on the
        other samples of the batch. Start: ``y = x`` (a prox is close to the
        identity for small noise).

        Returns
        -------
        y : tensor
            The inverse, detached.
        converged : bool tensor of shape (batch,)
            Whether the gradient norm fell below ``tol * (1 + ||x||)``.
        """
        y = x.detach().clone()
        shape = (-1,) + (1,) * (x.ndim - 1)
        threshold = tol * (1 + x.flatten(1).norm(dim=1))
        for it in range(n_iter + 1):
            y.requires_grad_(True)
            with torch.enable_grad():
                grad = torch.autograd.grad(self.potential(y).sum(), y, create_graph=True)[0]
            residual = (grad - x).detach()
            converged = residual.flatten(1).norm(dim=1) <= threshold
            if converged.all() or it == n_iter:
                break

            def hvp(v, grad=grad, y=y):
                return torch.autograd.grad(grad, y, v, retain_graph=True)[0].detach()

            step = batched_cg(hvp, -residual, cg_iter, tol=1e-10)
            y = self._line_search(y.detach(), x, step, residual, shape)
        return y.detach(), converged

    def _line_search(self, y, x, step, residual, shape):
        """Per-sample backtracking (Armijo) on ``phi(y) = psi(y) - <x, y>``."""
        def phi(t):
            with torch.no_grad():
                return self.potential(t) - (x * t).flatten(1).sum(1)

        slope = (residual * step).flatten(1).sum(1)  # directional derivative (< 0)
        base = phi(y)
        # Near the solution the decrease falls below the rounding of phi and
        # Armijo cannot tell: there the full Newton step is taken (it
        # converges quadratically), instead of stalling on tiny steps.
        resolved = -slope > 1e3 * torch.finfo(y.dtype).eps * (1 + base.abs())
        t = torch.ones(len(y), dtype=y.dtype, device=y.device)
        for _ in range(30):
            trial = y + t.view(shape) * step
            ok = (phi(trial) <= base + 1e-4 * t * slope) | ~resolved
            if ok.all():
                break
            t = torch.where(ok, t, 0.5 * t)
        return y + t.view(shape) * step
