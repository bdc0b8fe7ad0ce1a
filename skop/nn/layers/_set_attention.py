"""Self-attention across the points of a set (a point cloud), with a mask of the points that count."""

import torch
import torch.nn.functional as F
from torch import nn


class SetAttentionBlock(nn.Module):
    """A pre-norm transformer block over the points of a set.

    ``forward(h, mask)`` with ``h`` of shape ``(batch, n_points, width)`` and
    ``mask`` ``(batch, n_points)`` bool (``None``: every point): every point
    attends to the points where ``mask`` is True, and only to them. Padding of
    ragged sets is masked out so that it never changes a real point's output;
    a point outside the mask (a query evaluated *on* a fitted cloud) still gets
    an output, computed from the cloud, without changing the cloud's.

    Written with ``scaled_dot_product_attention`` instead of
    ``nn.TransformerEncoderLayer``, whose inference fast path returns zeros at
    masked positions (the query points above).

    Parameters
    ----------
    width : int
        Feature width (a multiple of ``n_heads``).
    n_heads : int, default=4
    expansion : int, default=2
        Hidden width of the feed-forward part, in multiples of ``width``.
    """

    def __init__(self, width, n_heads=4, expansion=2):
        super().__init__()
        if width % n_heads:
            raise ValueError(f"width={width} must be a multiple of n_heads={n_heads}.")
        self.n_heads = n_heads
        self.norm_attention = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.norm_ff = nn.LayerNorm(width)
        self.ff = nn.Sequential(nn.Linear(width, expansion * width), nn.GELU(),
                                nn.Linear(expansion * width, width))

    def forward(self, h, mask=None):
        b, n, width = h.shape
        q, k, v = self.qkv(self.norm_attention(h)).chunk(3, dim=-1)
        q, k, v = (t.reshape(b, n, self.n_heads, -1).transpose(1, 2) for t in (q, k, v))
        keys = None if mask is None else mask[:, None, None, :]       # (b, 1, 1, n): attend to the set
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=keys)
        h = h + self.out(a.transpose(1, 2).reshape(b, n, width))
        return h + self.ff(self.norm_ff(h))
