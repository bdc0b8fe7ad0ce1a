"""Convolutions whose kernels live on the continuum: resolution-agnostic CNN layers.

Berner, Liu-Schiaffini, Kossaifi, Duruisseaux, Bonev, Azizzadenesheli and
Anandkumar ("Principled Approaches for Extending Neural Architectures to
Function Spaces for Operator Learning", 2025) turn a CNN into a neural
operator by reading every ``k``-tap kernel as samples of a continuous kernel
``kappa`` over a fixed physical support, the discrete convolution as the
quadrature of ``(1 / h0^d) * integral kappa(t) x(. + t) dt`` on the training
grid (spacing ``h0``). On a grid of spacing ``h = h0 / s`` the same operator
is the convolution with ``kappa`` sampled at spacing ``h`` over the same
support, times the cell-volume ratio ``s^-d``:

* the kernel is resized to the odd size ``k' = s (k - 1) + 1`` per axis (the
  paper's ``int(s k - s + 1)``: 9 taps at 128 points are 5 at 64 and 17 at
  256), i.e. half-width ``p' = round(s p)`` with ``p = (k - 1) / 2``;
* the padding, which is the half-width, scales alike (``p'``);
* the resized kernel is divided by ``s^d``;
* a strided convolution keeps its stride in grid points (it subsamples the
  finer grid of the next level, which is finer by the same ``s``), with the
  resized kernel;
* a transposed convolution (up-sampling) interpolates its input down to the
  training grid of its level, applies the trained operator there and
  interpolates its output up to the target grid.

Weights of the resized kernel (per axis, a fixed linear map of the taps):
``"bilinear"`` interpolates ``kappa`` linearly between the taps with the
quadrature's trapezoid end weights (the end taps carry half a cell: ``kappa =
w / c`` with ``c = 1/2`` at the ends, then ``w' = c' kappa(m h) / s``). On
integer ``s`` this keeps the sum of the kernel (its integral, what a smooth
input sees first) exactly; the paper's code interpolates with
``align_corners=False`` and divides by the ratio of tap counts, which does
not. ``"fourier"`` evaluates the trigonometric interpolant of the taps (zero-
padding of their spectrum) at the finer spacing. At a non-integer ``s``, and
for a 1-tap (pointwise) kernel, every tap's resized weights are normalised to
sum to 1 (a 1 x 1 convolution is resolution-independent as it is). On a
coarser grid (``s < 1``) each tap is split linearly between its two nearest
coarse taps (``"fourier"``: the band the coarse grid holds), which also keeps
the kernel's sum. Higher moments are kept only as well as linear
interpolation resolves the kernel: a 3-tap derivative stencil keeps 3/4 of
its first moment at ``s = 2``, a smooth 9-tap kernel nearly all of it.
Resized kernels of more than 9 taps are applied by FFT (:func:`fft_correlate`).

Resolutions per axis follow the grid convention (``docs/user_guide.rst``):
``r = n`` cells for ``grid="periodic"`` (``x_i = i / n``) and ``r = n - 1``
spacings for ``grid="nodes"`` (``x_i = i / (n - 1)``), and ``s = r / r0``.
"""

import functools
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from skop.nn.layers._grid import _check_convention

RESIZE_METHODS = ("bilinear", "fourier")
CONV_BOUNDARIES = ("dirichlet", "periodic")


def grid_resolution(n, grid):
    """``1 / h`` of an ``n``-point axis: ``n`` cells (periodic) or ``n - 1`` spacings (nodes)."""
    return max(int(n) - 1, 1) if grid == "nodes" else int(n)


def resized_half_width(half_width, scale):
    """``p' = round(s p)``: the half-width of a kernel covering the same support at scale ``s``.

    ``2 p' + 1`` is the paper's ``int(s k - s + 1)`` whenever that is odd,
    and its nearest odd size otherwise.
    """
    return int(math.floor(scale * half_width + 0.5))


def _trapezoid(n):
    c = np.ones(n)
    if n > 1:
        c[0] = c[-1] = 0.5
    return c


def _normalise_columns(m):
    sums = m.sum(axis=0, keepdims=True)
    return m / np.where(sums == 0.0, 1.0, sums)


def _dirichlet(t, k, n_freq):
    """Trigonometric interpolation weights: ``(1 / k) sum_{|f| <= n_freq} exp(2 pi i f t / k)``."""
    out = np.ones_like(t)
    for f in range(1, n_freq + 1):
        out += 2.0 * np.cos(2.0 * np.pi * f * t / k)
    return out / k


@functools.lru_cache(maxsize=512)
def kernel_resize_matrix(kernel_size, scale, method="bilinear"):
    """The ``(k', k)`` matrix mapping a kernel's taps at scale 1 to its taps at scale ``s``.

    Parameters
    ----------
    kernel_size : int
        Odd number of taps ``k`` on the training grid.
    scale : float
        ``s = r / r0``: the grid's resolution over the training resolution.
    method : {"bilinear", "fourier"}, default="bilinear"

    Returns
    -------
    matrix : ndarray of shape (2 * round(s * (k - 1) / 2) + 1, k)
        The identity at ``s = 1``; ``w' = matrix @ w`` along one axis
        (the cell-size ratio ``1 / s`` included).
    """
    if method not in RESIZE_METHODS:
        raise ValueError(f"resize must be one of {RESIZE_METHODS}, got {method!r}.")
    k, s = int(kernel_size), float(scale)
    p = (k - 1) // 2
    p_new = resized_half_width(p, s)
    if s == 1.0:
        return np.eye(k)
    taps = np.arange(-p, p + 1, dtype=np.float64)
    m = np.arange(-p_new, p_new + 1, dtype=np.float64)
    if s > 1.0:
        t = np.clip(m / s, -p, p)  # fine tap positions in training taps
        if method == "bilinear":
            hat = np.maximum(0.0, 1.0 - np.abs(t[:, None] - taps[None, :]))
            matrix = _trapezoid(p_new * 2 + 1)[:, None] * hat / _trapezoid(k)[None, :] / s
        else:
            matrix = _dirichlet(t[:, None] - taps[None, :], k, p) / s
        # Bilinear on integer s: the columns sum to 1 already (an exact
        # quadrature of each tap's hat); otherwise (non-integer s, 1 tap, the
        # taps of the trigonometric interpolant beyond the support) make them.
        return _normalise_columns(matrix)
    # A coarser grid: each tap's weight goes to its coarse neighbours.
    if method == "bilinear":
        position = np.clip(s * taps, -p_new, p_new)
        matrix = np.maximum(0.0, 1.0 - np.abs(m[:, None] - position[None, :]))
    else:
        n_freq = min(p, max(0, math.ceil(s * k / 2.0) - 1))
        matrix = _dirichlet(m[:, None] / s - taps[None, :], k, n_freq)
    return _normalise_columns(matrix)


def resize_kernel(weight, scales, method="bilinear"):
    """Resize a ``(out, in, *kernel)`` kernel to the grid at ``scales`` (one per axis)."""
    for axis, s in enumerate(scales):
        k = weight.shape[2 + axis]
        matrix = torch.as_tensor(kernel_resize_matrix(k, float(s), method),
                                 dtype=weight.dtype, device=weight.device)
        weight = torch.movedim(torch.tensordot(weight, matrix, dims=([2 + axis], [1])),
                               -1, 2 + axis)
    return weight


def pad(x, pads, boundary):
    """Pad every spatial axis of ``x`` by ``pads[i]`` on both sides: zeros or circularly.

    Circular padding wraps as often as needed (a pad wider than the axis is
    allowed, unlike ``F.pad``).
    """
    if not any(pads):
        return x
    if boundary == "dirichlet":
        spec = []
        for q in reversed(pads):
            spec += [q, q]
        return F.pad(x, spec)
    for axis, q in enumerate(pads):
        if q:
            dim = 2 + axis
            n = x.shape[dim]
            index = torch.arange(-q, n + q, device=x.device) % n
            x = torch.index_select(x, dim, index)
    return x


@functools.lru_cache(maxsize=256)
def _fast_length(n):
    """The smallest ``2^a 3^b 5^c >= n``: an FFT length without slow prime factors."""
    best = 1 << max(0, (int(n) - 1).bit_length())
    p3 = 1
    while p3 < best:
        p35 = p3
        while p35 < best:
            p2 = p35
            while p2 < n:
                p2 *= 2
            best = min(best, p2)
            p35 *= 5
        p3 *= 3
    return best


def fft_correlate(x, weight, bias=None, stride=1):
    """``F.conv{1,2}d(x, weight, bias, stride)`` (no padding) computed by FFT.

    A kernel resized to a finer grid has ``s^d`` times more taps: a direct
    convolution then costs ``O(k^d s^d)`` per point and, in float64 on the
    CPU (im2col), ``in_channels * k'^d`` values per point of memory (39 GB
    for a batch of 64 at 129 x 129 with 17 x 17 kernels). By FFT it costs
    ``O((c_in + c_out) log n + c_in c_out)`` per point, whatever the kernel
    size; the result is the same to rounding.
    """
    dims = tuple(range(2, x.ndim))
    size = tuple(x.shape[2:])
    fast = tuple(_fast_length(n) for n in size)  # zero-padded: no wrap-around
    spectrum = torch.fft.rfftn(x, s=fast, dim=dims)
    # Correlation is convolution with the flipped kernel: output n of the
    # "valid" correlation is index n + k - 1 of the (linear) convolution.
    kernel = torch.fft.rfftn(torch.flip(weight, dims), s=fast, dim=dims)
    batch, c_in = spectrum.shape[:2]
    c_out = kernel.shape[0]
    # Channel mixing per frequency: one batched matrix product.
    product = torch.bmm(spectrum.reshape(batch, c_in, -1).permute(2, 0, 1),
                        kernel.reshape(c_out, c_in, -1).permute(2, 1, 0))
    product = product.permute(1, 2, 0).reshape(batch, c_out, *spectrum.shape[2:])
    out = torch.fft.irfftn(product, s=fast, dim=dims)
    out = out[(..., *(slice(k - 1, n, stride) for k, n in zip(weight.shape[2:], size)))]
    if bias is not None:
        out = out + bias.reshape(1, -1, *(1,) * len(dims))
    return out


def _fourier_resample_axis(x, dim, m):
    n = x.shape[dim]
    spectrum = torch.fft.fft(x, dim=dim)
    shape = list(x.shape)
    shape[dim] = m
    out = torch.zeros(shape, dtype=spectrum.dtype, device=x.device)
    low = min(n, m)
    half = (low - 1) // 2  # frequencies 0..half and -half..-1 are common to both
    out.narrow(dim, 0, half + 1).copy_(spectrum.narrow(dim, 0, half + 1))
    if half:
        out.narrow(dim, m - half, half).copy_(spectrum.narrow(dim, n - half, half))
    if low % 2 == 0:  # the Nyquist frequency of the coarser grid
        if n < m:  # split one coefficient between +-n/2
            nyquist = spectrum.narrow(dim, n // 2, 1) / 2
            out.narrow(dim, n // 2, 1).copy_(nyquist)
            out.narrow(dim, m - n // 2, 1).copy_(nyquist)
        else:  # fold +-m/2 onto one coefficient
            out.narrow(dim, m // 2, 1).copy_(
                spectrum.narrow(dim, m // 2, 1) + spectrum.narrow(dim, n - m // 2, 1))
    return torch.fft.ifft(out, dim=dim).real * (m / n)


def resample(x, size, grid="periodic", method="bilinear"):
    """Resample ``(batch, channels, *grid)`` onto a grid of ``size`` points per axis.

    Linear interpolation between the samples under the grid convention
    (node grids keep both boundary nodes; periodic cells wrap around), or,
    for ``method="fourier"`` on periodic grids, trigonometric interpolation
    (zero-padding or truncating the spectrum). Node grids are not periodic:
    they are always interpolated linearly.
    """
    size = tuple(int(n) for n in size)
    if tuple(x.shape[2:]) == size:
        return x
    _check_convention(grid)
    if grid == "periodic" and method == "fourier":
        for axis, m in enumerate(size):
            if x.shape[2 + axis] != m:
                x = _fourier_resample_axis(x, 2 + axis, m)
        return x
    mode = "linear" if x.ndim == 3 else "bilinear"
    if grid == "nodes":
        return F.interpolate(x, size=size, mode=mode, align_corners=True)
    # Periodic cells x_i = i / n: append the first cell after the last, so that
    # interpolation over [0, 1] (both ends) sees the wrap-around, then drop it.
    spec = []
    for _ in size:
        spec += [0, 1]
    x = F.pad(x, spec, mode="circular")
    out = F.interpolate(x, size=tuple(m + 1 for m in size), mode=mode, align_corners=True)
    return out[(..., *(slice(0, m) for m in size))]


def _check_common(n_dims, train_resolution, grid, boundary, resize):
    if n_dims not in (1, 2):
        raise ValueError(f"continuous convolutions work on 1-D or 2-D grids, got n_dims={n_dims}.")
    if isinstance(train_resolution, int):
        train_resolution = (train_resolution,) * n_dims
    train_resolution = tuple(int(n) for n in train_resolution)
    if len(train_resolution) != n_dims or min(train_resolution) < 1:
        raise ValueError(
            f"train_resolution must give {n_dims} positive grid sizes, got {train_resolution}.")
    _check_convention(grid)
    if boundary not in CONV_BOUNDARIES:
        raise ValueError(f"boundary must be one of {CONV_BOUNDARIES}, got {boundary!r}.")
    if resize not in RESIZE_METHODS:
        raise ValueError(f"resize must be one of {RESIZE_METHODS}, got {resize!r}.")
    return train_resolution


class ContinuousConv(nn.Module):
    """A convolution defined on the continuum, exact at its training resolution.

    The kernel is ``kernel_size`` taps per axis on the training grid
    (``train_resolution`` points per axis). On that grid ``forward`` is the
    plain convolution (zero or circular padding of half the kernel). On a
    grid ``s`` times finer (``s = r / r0`` per axis, resolutions under
    ``grid``) the kernel is resized to ``2 round(s p) + 1`` taps (``p =
    (kernel_size - 1) / 2``; the paper's ``s k - s + 1``), divided by the
    cell-size ratio ``s^d`` and the padding scaled to ``round(s p)``, so that
    the convolution approximates the same integral operator; see
    :func:`kernel_resize_matrix` for the weights. A stride is kept in grid
    points.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
        Odd number of taps per axis at the training resolution.
    n_dims : {1, 2}
    stride : int, default=1
    train_resolution : int or tuple of int
        Points per axis of the grid this layer sees in training.
    grid : {"periodic", "nodes"}, default="periodic"
        ``x_i = i / n`` (resolution ``n``) or ``x_i = i / (n - 1)`` (``n - 1``).
    boundary : {"dirichlet", "periodic"}, default="dirichlet"
        Zero or circular padding.
    resize : {"bilinear", "fourier"}, default="bilinear"
        How the kernel is resampled at another resolution.
    bias : bool, default=True
    resolution_agnostic : bool, default=True
        ``False``: the plain convolution of the trained size at every
        resolution (kernels in grid units). May be switched after training.
    """

    def __init__(self, in_channels, out_channels, kernel_size, n_dims, *, stride=1,
                 train_resolution, grid="periodic", boundary="dirichlet", resize="bilinear",
                 bias=True, resolution_agnostic=True):
        super().__init__()
        if int(kernel_size) < 1 or int(kernel_size) % 2 == 0:
            raise ValueError(
                f"kernel_size must be a positive odd number (a kernel centred on its point), "
                f"got {kernel_size}.")
        if int(stride) < 1:
            raise ValueError(f"stride must be a positive integer, got {stride}.")
        self.train_resolution = _check_common(n_dims, train_resolution, grid, boundary, resize)
        self.conv = (nn.Conv1d if n_dims == 1 else nn.Conv2d)(
            in_channels, out_channels, int(kernel_size), stride=int(stride), bias=bias)
        self.kernel_size = int(kernel_size)
        self.n_dims = n_dims
        self.stride = int(stride)
        self.grid = grid
        self.boundary = boundary
        self.resize = resize
        self.resolution_agnostic = bool(resolution_agnostic)

    def scales(self, shape):
        """``s = r / r0`` per axis for a grid of ``shape``."""
        return tuple(grid_resolution(n, self.grid) / grid_resolution(n0, self.grid)
                     for n, n0 in zip(shape, self.train_resolution))

    def kernel(self, shape):
        """``(weight, pads)`` of the convolution on a grid of ``shape``."""
        p = (self.kernel_size - 1) // 2
        weight = self.conv.weight
        if not self.resolution_agnostic or tuple(shape) == self.train_resolution:
            return weight, (p,) * self.n_dims
        scales = self.scales(shape)
        if all(s == 1.0 for s in scales):
            return weight, (p,) * self.n_dims
        pads = tuple(resized_half_width(p, s) for s in scales)
        return resize_kernel(weight, scales, self.resize), pads

    def forward(self, x):
        """``(batch, in_channels, *grid)`` -> ``(batch, out_channels, *grid / stride)``."""
        if x.ndim != self.n_dims + 2:
            raise ValueError(
                f"{type(self).__name__} expects (batch, channels, *grid) with {self.n_dims} grid "
                f"axes, got a tensor of shape {tuple(x.shape)}.")
        weight, pads = self.kernel(x.shape[2:])
        x = pad(x, pads, self.boundary)
        if weight.shape[2:] != self.conv.weight.shape[2:] and weight[0, 0].numel() > 9:
            # A kernel resized to a finer grid: by FFT (see fft_correlate).
            return fft_correlate(x, weight, self.conv.bias, self.stride)
        conv = F.conv1d if self.n_dims == 1 else F.conv2d
        return conv(x, weight, self.conv.bias, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"train_resolution={self.train_resolution}, grid={self.grid!r}, "
                f"boundary={self.boundary!r}, resize={self.resize!r}, "
                f"resolution_agnostic={self.resolution_agnostic}")


class ContinuousConvTranspose(nn.Module):
    """Stride-2 transposed 3-tap convolution (up-sampling) of a resolution-agnostic U-Net.

    On its training grids (coarse input ``train_resolution``, fine output
    ``train_output_resolution``) it is the transposed convolution padded by
    one point with the boundary condition and cropped so that coarse point
    ``j`` lands on fine point ``2 j`` (node grids ``n`` and ``2 n - 1`` nest
    exactly). On other grids it follows the paper: interpolate the input to
    the training coarse grid, apply the trained operator, interpolate the
    output to the requested fine grid (``resample``; with
    ``resolution_agnostic=False`` it is applied to the input as it is).

    Parameters
    ----------
    in_channels, out_channels : int
    n_dims : {1, 2}
    train_resolution : int or tuple of int
        Points per axis of the coarse input in training.
    train_output_resolution : int or tuple of int
        Points per axis of the fine output in training.
    grid : {"periodic", "nodes"}, default="periodic"
    boundary : {"dirichlet", "periodic"}, default="dirichlet"
    resize : {"bilinear", "fourier"}, default="bilinear"
        Interpolation of the input and output (``"fourier"`` on periodic grids only).
    bias : bool, default=True
    resolution_agnostic : bool, default=True
    """

    def __init__(self, in_channels, out_channels, n_dims, *, train_resolution,
                 train_output_resolution, grid="periodic", boundary="dirichlet",
                 resize="bilinear", bias=True, resolution_agnostic=True):
        super().__init__()
        self.train_resolution = _check_common(n_dims, train_resolution, grid, boundary, resize)
        self.train_output_resolution = _check_common(n_dims, train_output_resolution, grid,
                                                     boundary, resize)
        self.conv = (nn.ConvTranspose1d if n_dims == 1 else nn.ConvTranspose2d)(
            in_channels, out_channels, 3, stride=2, bias=bias)
        self.n_dims = n_dims
        self.grid = grid
        self.boundary = boundary
        self.resize = resize
        self.resolution_agnostic = bool(resolution_agnostic)

    def _transposed(self, x, size):
        for n_coarse, n in zip(x.shape[2:], size):
            if n > 2 * n_coarse + 2:
                raise ValueError(
                    f"a stride-2 up-sampling of {tuple(x.shape[2:])} points reaches at most "
                    f"{tuple(2 * m + 2 for m in x.shape[2:])}, not {tuple(size)}.")
        conv = F.conv_transpose1d if self.n_dims == 1 else F.conv_transpose2d
        out = conv(pad(x, (1,) * self.n_dims, self.boundary), self.conv.weight, self.conv.bias,
                   stride=2)
        # Padded coarse index j + 1 has its centre tap at 2 (j + 1) + 1 = 2 j + 3.
        return out[(..., *(slice(3, 3 + n) for n in size))]

    def forward(self, x, size):
        """Up-sample ``(batch, in_channels, *coarse)`` onto the fine grid ``size``."""
        if x.ndim != self.n_dims + 2:
            raise ValueError(
                f"{type(self).__name__} expects (batch, channels, *grid) with {self.n_dims} grid "
                f"axes, got a tensor of shape {tuple(x.shape)}.")
        size = tuple(int(n) for n in size)
        on_training_grids = (tuple(x.shape[2:]) == self.train_resolution
                             and size == self.train_output_resolution)
        if not self.resolution_agnostic or on_training_grids:
            return self._transposed(x, size)
        x = resample(x, self.train_resolution, self.grid, self.resize)
        out = self._transposed(x, self.train_output_resolution)
        return resample(out, size, self.grid, self.resize)

    def extra_repr(self):
        return (f"train_resolution={self.train_resolution}, "
                f"train_output_resolution={self.train_output_resolution}, grid={self.grid!r}, "
                f"boundary={self.boundary!r}, resize={self.resize!r}, "
                f"resolution_agnostic={self.resolution_agnostic}")
