"""Truncated discrete Fourier transforms as matrix products.

A spectral layer needs only a few low modes of each axis. A fast Fourier
transform computes all ``n`` of them and then throws most away; multiplying by
the ``n x k`` block of the DFT matrix that holds the kept modes costs ``n k``
per axis and runs as one large GEMM over every batch, channel and other grid
line. On CPUs and the small grids of most operator problems (a 16 x 16 or
64 x 64 grid with 4-12 modes) that is faster than pocketfft's transforms plus
truncation; the results agree to rounding (tests compare both against
``rfftn``).

Conventions match ``torch.fft`` with ``norm="forward"``: the forward transform
divides by ``n``, the inverse does not, and the inverse along the last axis is
``irfft`` of a zero-filled half spectrum (the imaginary parts of the zero and
Nyquist frequencies are ignored, every other kept column counts twice).
"""

import math

import torch


def _angles(frequencies, n, device):
    """``2 pi f x / n`` for kept frequency indices ``f`` (rows) and ``x = 0..n-1``."""
    freq = frequencies.to(device=device, dtype=torch.float64)[:, None]
    points = torch.arange(n, device=device, dtype=torch.float64)[None, :]
    # Reduce f x modulo n in exact integer arithmetic before scaling: the phase
    # of a high frequency on a long axis would otherwise lose digits.
    return (2 * math.pi / n) * torch.remainder(freq * points, n)


class TruncatedDFT:
    """The forward and inverse truncated transforms of one (grid, modes) pair.

    Complex values travel as a pair of real tensors and every product is one
    real GEMM: on CPU a complex ``matmul`` over a batch falls back to a loop
    with one copy per matrix.

    With ``even=True`` every axis of ``n`` nodes is the first half of an even
    function of period ``2 (n - 1)`` (mirrored about both end nodes): the
    transform of that extension is folded onto the ``n`` nodes (its rows for
    mirrored points are added to their originals) and the inverse is
    evaluated on the nodes only, so the extension is never built.

    Parameters
    ----------
    grid, output_shape : tuple of int
        Input and output grids (of the periodic, possibly extended, signal).
    spec_in, spec_out : list of 1-D long tensors
        Kept frequency indices per axis, on the input and the output grid
        (negative frequencies as ``n + j``); the last axis holds ``0 .. k-1``.
    dtype : torch.dtype
        Real dtype of the matrices (float32 or float64).
    device : torch.device
    even : bool, default=False
        ``grid`` and ``output_shape`` are the even extensions, ``2 (n - 1)``
        points, of node grids of ``n`` points.
    """

    def __init__(self, grid, output_shape, spec_in, spec_out, dtype, device, even=False):
        *lead_in, last_in = grid
        *lead_out, last_out = output_shape
        fold = _fold_rows if even else _keep
        crop = _crop_columns if even else _keep
        # Last axis, forward: real (n, 2k) = [cos | -sin] / n.
        theta = _angles(spec_in[-1], last_in, device).T
        self.last_forward = _cast(
            fold(torch.cat([torch.cos(theta), -torch.sin(theta)], 1) / last_in), dtype)
        # Last axis, inverse: x_w = sum_j c_j (re_j cos - im_j sin), c_j = 1 for
        # the zero and Nyquist columns, 2 otherwise (Hermitian symmetry).
        theta = _angles(spec_out[-1], last_out, device)
        weight = torch.full((len(spec_out[-1]), 1), 2.0, dtype=torch.float64, device=device)
        weight[spec_out[-1] == 0] = 1.0
        if last_out % 2 == 0:
            weight[spec_out[-1] == last_out // 2] = 1.0
        self.last_inverse = _cast(crop(torch.cat([weight * torch.cos(theta),
                                                  -weight * torch.sin(theta)], 0)), dtype)
        # Other axes: e^{-i theta} / n forward (n, m), e^{+i theta} inverse
        # (m, n), each as the real block [[Re, Im], [-Im, Re]] acting on [re | im].
        self.lead_forward = []
        for s, n in zip(spec_in[:-1], lead_in):
            theta = _angles(s, n, device).T
            self.lead_forward.append(_complex_block(fold(torch.cos(theta) / n),
                                                    fold(-torch.sin(theta) / n), dtype))
        self.lead_inverse = []
        for s, n in zip(spec_out[:-1], lead_out):
            theta = _angles(s, n, device)
            self.lead_inverse.append(_complex_block(crop(torch.cos(theta)),
                                                    crop(torch.sin(theta)), dtype))

    def forward(self, x):
        """Real ``(batch, c, *grid)`` -> ``(re, im)`` of shape ``(batch, c, *kept modes)``."""
        low = x @ self.last_forward
        k = low.shape[-1] // 2
        re, im = low[..., :k], low[..., k:]
        for axis, block in enumerate(self.lead_forward):
            re, im = _along(re, im, 2 + axis, block)
        return re, im

    def inverse(self, re, im):
        """``(re, im)`` of shape ``(batch, c, *kept modes)`` -> real ``(batch, c, *output grid)``."""
        for axis, block in enumerate(self.lead_inverse):
            re, im = _along(re, im, 2 + axis, block)
        return torch.cat([re, im], dim=-1) @ self.last_inverse


def _cast(matrix, dtype):
    return matrix.to(dtype).contiguous()


def _complex_block(real, imag, dtype):
    """``[[Re, Im], [-Im, Re]]``: right-multiplication by the complex matrix
    ``real + i imag`` of a complex row vector stored as ``[re | im]``."""
    return _cast(torch.cat([torch.cat([real, imag], 1), torch.cat([-imag, real], 1)], 0), dtype)


def _keep(matrix):
    return matrix


def _fold_rows(matrix):
    """Rows of a forward map on the even extension (``2 (n - 1)`` points)
    folded onto the ``n`` nodes: point ``L - j`` holds the value of node ``j``."""
    n = matrix.shape[0] // 2 + 1
    folded = matrix[:n].clone()
    folded[1:n - 1] += matrix[n:].flip(0)
    return folded


def _crop_columns(matrix):
    """Columns of an inverse map onto the even extension kept on the nodes."""
    return matrix[:, :matrix.shape[1] // 2 + 1]


def _along(re, im, dim, block):
    """Multiply axis ``dim`` of the complex field ``re + i im`` by a complex
    matrix given as its real block (one GEMM)."""
    stacked = torch.cat([re.movedim(dim, -1), im.movedim(dim, -1)], dim=-1)
    out = stacked @ block
    m = out.shape[-1] // 2
    return out[..., :m].movedim(-1, dim), out[..., m:].movedim(-1, dim)
