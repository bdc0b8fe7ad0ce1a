"""The neural spectral block of Latent Spectral Models (Wu et al., ICML 2023).

A field is cut into patches; in each patch a few learned latent tokens attend
to the patch's pixels (a cross-attention "encoder"), every token channel then
passes a learned sum of sine / cosine basis operators (the "latent spectral"
transition, a cheap nonlinear operator in a space of a few numbers per patch),
and the pixels attend back to the tokens (the "decoder"). Residual
connections wrap both attentions and the transition.

The official code needs every grid axis to be a multiple of the patch size.
Here any axis works: the field is padded to the next multiple and the padded
pixels are masked out of the encoder's attention (they never influence a
token) and cropped from the output, so the result on the real pixels does not
depend on what the padding holds.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from skop.nn._init import generator_aware
from skop.nn.layers._pointwise import PointwiseLinear


def _as_tuple(value, n_dims, name):
    values = (value,) * n_dims if isinstance(value, int) else tuple(value)
    if len(values) != n_dims or any(int(v) < 1 for v in values):
        raise ValueError(f"{name} must be a positive int or {n_dims} positive ints, got {value!r}.")
    return tuple(int(v) for v in values)


def patchify(x, patch):
    """``(B, C, *grid)`` with grid a multiple of ``patch`` -> ``(B * n_patches, C, prod(patch))``."""
    batch, channels, *grid = x.shape
    counts = [n // p for n, p in zip(grid, patch)]
    shape = [batch, channels]
    for n, p in zip(counts, patch):
        shape += [n, p]
    d = len(grid)
    # (B, C, n1, p1, n2, p2, ...) -> (B, n1, n2, ..., C, p1, p2, ...)
    order = [0] + [2 + 2 * i for i in range(d)] + [1] + [3 + 2 * i for i in range(d)]
    x = x.reshape(shape).permute(order)
    return x.reshape(batch * math.prod(counts), channels, math.prod(patch))


def unpatchify(x, patch, grid, batch):
    """Inverse of :func:`patchify` for a field of spatial shape ``grid``."""
    channels = x.shape[1]
    counts = [n // p for n, p in zip(grid, patch)]
    d = len(grid)
    x = x.reshape(batch, *counts, channels, *patch)
    # (B, n1, n2, ..., C, p1, p2, ...) -> (B, C, n1, p1, n2, p2, ...)
    order = [0, 1 + d]
    for i in range(d):
        order += [1 + i, 2 + d + i]
    return x.permute(order).reshape(batch, channels, *grid)


class NeuralSpectralBlock(nn.Module):
    """Patchwise latent-token attention with a sine / cosine latent transition.

    For every patch of ``prod(patch_size)`` pixels, with ``x`` the pixel
    features and ``T`` the ``n_tokens`` learned tokens per head:

    1. encoder: ``T' = softmax(T K^T / sqrt(c)) V + T`` with ``K, V`` a
       pointwise map of ``x`` (padded pixels masked out);
    2. transition: every token channel ``z`` becomes
       ``z + sum_k a_k sin(k pi z / K) + b_k cos(k pi z / K)``,
       ``k = 0 .. K - 1``, ``K = n_basis`` (learned ``a, b`` per channel);
    3. decoder: ``x' = softmax(Q T'^T / sqrt(c)) T' + x`` with ``Q`` a
       pointwise map of ``x``.

    Parameters
    ----------
    channels : int
        Feature channels; a multiple of ``n_heads``.
    n_dims : int
        Spatial axes (1 to 3).
    patch_size : int or tuple of int, default=4
        Patch extent per axis, in pixels.
    n_tokens : int, default=4
        Latent tokens per head and patch.
    n_basis : int, default=12
        Sine / cosine pairs of the latent transition.
    n_heads : int, default=8
        Attention heads.
    """

    def __init__(self, channels, n_dims, patch_size=4, n_tokens=4, n_basis=12, n_heads=8):
        super().__init__()
        if channels % n_heads:
            raise ValueError(f"channels={channels} must be a multiple of n_heads={n_heads}.")
        self.channels, self.n_dims = channels, n_dims
        self.patch_size = _as_tuple(patch_size, n_dims, "patch_size")
        self.n_tokens, self.n_basis, self.n_heads = n_tokens, n_basis, n_heads
        self.tokens = nn.Parameter(torch.empty(n_heads, n_tokens, channels // n_heads))
        self.basis_weight = nn.Parameter(torch.empty(channels, 2 * n_basis))
        self.encoder_kv = PointwiseLinear(channels, 2 * channels)
        self.decoder_q = PointwiseLinear(channels, channels)
        self.reset_parameters()

    @generator_aware
    def reset_parameters(self, generator=None):
        """Tokens and basis weights uniform in ``[0, 1 / channels^2)`` as in the paper's code."""
        scale = 1.0 / self.channels**2
        for p in (self.tokens, self.basis_weight):
            nn.init.uniform_(p, 0.0, scale, generator=generator)

    def _pad(self, x):
        """Pad every axis to a multiple of the patch; return the padded field and a validity mask."""
        grid = x.shape[2:]
        amounts = [(-n) % p for n, p in zip(grid, self.patch_size)]
        if not any(amounts):
            return x, None
        spec = []
        for amount in reversed(amounts):
            spec += [0, amount]
        mask = F.pad(torch.ones((1, 1, *grid), dtype=torch.bool, device=x.device), spec)
        # Replicated edge values keep the padded pixels' queries ordinary; their
        # keys are masked and their outputs cropped.
        return F.pad(x, spec, mode="replicate"), mask

    def _heads(self, flat):
        """``(P, C, L)`` -> ``(P, heads, L, C / heads)``."""
        n, c, length = flat.shape
        return flat.reshape(n, self.n_heads, c // self.n_heads, length).transpose(2, 3)

    def _transition(self, tokens):
        """The learned sine / cosine series on every token channel, plus the identity."""
        n = tokens.shape[0]
        z = tokens.transpose(2, 3).reshape(n, self.channels, self.n_tokens)
        k = torch.arange(self.n_basis, device=z.device, dtype=z.dtype) * (math.pi / self.n_basis)
        phase = z.unsqueeze(-1) * k
        basis = torch.cat([torch.sin(phase), torch.cos(phase)], dim=-1)
        z = torch.einsum("pctk,ck->pct", basis, self.basis_weight) + z
        return z.reshape(n, self.n_heads, self.channels // self.n_heads,
                         self.n_tokens).transpose(2, 3)

    def forward(self, x):
        """``(batch, channels, *grid)`` -> the same shape."""
        batch, grid = x.shape[0], tuple(x.shape[2:])
        padded, mask = self._pad(x)
        padded_grid = tuple(padded.shape[2:])
        kv = patchify(self.encoder_kv(padded), self.patch_size)
        keys, values = self._heads(kv[:, :self.channels]), self._heads(kv[:, self.channels:])
        n_patches = kv.shape[0]
        tokens = self.tokens.unsqueeze(0).expand(n_patches, -1, -1, -1)
        keep = None
        if mask is not None:
            # (1, 1, L) per patch -> (n_patches, 1, 1, L); expand over the batch.
            keep = patchify(mask.to(x.dtype), self.patch_size).bool()
            keep = keep.repeat(batch, 1, 1).unsqueeze(1)
        tokens = F.scaled_dot_product_attention(tokens, keys, values, attn_mask=keep) + tokens
        tokens = self._transition(tokens)
        queries = self._heads(patchify(self.decoder_q(padded), self.patch_size))
        out = F.scaled_dot_product_attention(queries, tokens, tokens)
        out = out.transpose(2, 3).reshape(n_patches, self.channels, -1)
        out = unpatchify(out, self.patch_size, padded_grid, batch) + padded
        if mask is not None:
            out = out[(slice(None), slice(None), *(slice(0, n) for n in grid))]
        return out

    def extra_repr(self):
        return (f"channels={self.channels}, n_dims={self.n_dims}, patch_size={self.patch_size}, "
                f"n_tokens={self.n_tokens}, n_basis={self.n_basis}, n_heads={self.n_heads}")
