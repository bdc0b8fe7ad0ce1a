"""Spectral convolution: the Fourier layer of the Fourier neural operator."""

import torch
from torch import nn

from skop.nn._init import generator_aware
from skop.nn.layers._dft import TruncatedDFT


class SpectralConv(nn.Module):
    r"""Learned linear operator acting on the lowest Fourier modes of a field.

    ``y = irfftn(R \cdot rfftn(x)[low modes])``: the input is transformed with a
    real FFT over its spatial axes, the lowest frequencies of every axis are
    multiplied by learned complex ``in x out`` matrices (one per mode), all
    other modes are dropped, and the result is transformed back at the requested
    output resolution. Because the weights are attached to frequencies, not to
    grid points, the same layer applies to any resolution.

    For every axis but the last, ``n_modes[i]`` non-negative frequencies
    ``0 .. k-1`` and ``n_modes[i]`` negative ones ``-k .. -1`` are kept; the
    last axis is the half-spectrum of the real FFT and keeps ``0 .. k-1``.
    When a grid is too coarse to hold all of them, only the modes it has are
    used, so a layer trained at one resolution also evaluates at a coarser one.
    (An estimator should build the layer with the modes its training grid
    holds: weights of modes never seen in training stay at their random
    initial values; :class:`skop.neural_operator.FNORegressor` does this.)

    The transforms and the mode product always run in float32 or float64,
    also under ``torch.autocast``: half-precision FFTs need power-of-two grids
    on CUDA and lose the accuracy of the low modes.

    Parameters
    ----------
    in_channels : int
        Channels of the input field.
    out_channels : int
        Channels of the output field.
    n_modes : tuple of int
        Number of kept frequencies per spatial axis; its length is the number of
        spatial dimensions (1, 2 or 3).
    transform : {"auto", "fft", "matmul"}, default="auto"
        How the kept modes are computed: FFTs then truncation, or products with
        the kept rows of the DFT matrix (:mod:`skop.nn.layers._dft`; the same
        numbers to rounding). ``"auto"`` uses the products on CPU when at most
        a quarter of the spectrum is kept, where they measured 1.2-1.9x
        faster (``asv_bench/scripts/spectral_transform.py``), and FFTs
        otherwise and on GPUs.
    extension : {None, "even"}, default=None
        ``None`` treats the field as periodic on its grid. ``"even"`` treats
        every axis of ``n`` nodes (``x_i = i / (n - 1)``, both boundaries
        included) as half the period of its mirror image about both ends, so
        the Fourier modes are those of a period of twice the domain at every
        resolution, with no jump where the period wraps; the modes count on
        the period of ``2 (n - 1)`` points. Non-periodic data need no padding
        then; the mirrored half is never built on the product path.

    Notes
    -----
    The transforms are done axis by axis and truncated as early as possible:
    after the real FFT of the last axis only its kept modes are transformed
    along the other axes (and the reverse on the way back). On a 64 x 64 grid
    with 12 modes this does a third of the complex FFT work of a full
    ``rfftn``, which dominated the layer's cost on CPU.
    """

    def __init__(self, in_channels, out_channels, n_modes, transform="auto", extension=None):
        super().__init__()
        if transform not in ("auto", "fft", "matmul"):
            raise ValueError(f"transform must be 'auto', 'fft' or 'matmul', got {transform!r}.")
        if extension not in (None, "even"):
            raise ValueError(f"extension must be None or 'even', got {extension!r}.")
        self.transform = transform
        self.extension = extension
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.n_modes = tuple(int(k) for k in n_modes)
        if not 1 <= len(self.n_modes) <= 3 or min(self.n_modes) < 1:
            raise ValueError(f"n_modes must hold 1 to 3 positive ints, got {n_modes}.")
        # Stored as a real (..., 2) tensor: Module.to(dtype) then casts it like
        # any float parameter, whereas a complex parameter would be cast to a
        # real dtype and lose its imaginary part.
        *lead, last = self.n_modes
        shape = (in_channels, out_channels, *[2 * k for k in lead], last, 2)
        self.weight = nn.Parameter(torch.empty(shape))
        # (grid, output_shape, device) -> mode index tensors, and with the dtype
        # -> truncated DFT matrices; rebuilt lazily, never saved in the state dict.
        self._index_cache = {}
        self._dft_cache = {}
        self.reset_parameters()

    @generator_aware
    def reset_parameters(self, generator=None):
        """Uniform weights on ``[0, 1 / (in * out))`` (the original FNO's scale)."""
        scale = 1.0 / (self.in_channels * self.out_channels)
        with torch.no_grad():
            self.weight.uniform_(0.0, scale, generator=generator)

    def forward(self, x, output_shape=None):
        """Apply the layer.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, in_channels, n_1, ..., n_d)
            Input field.
        output_shape : tuple of int, optional
            Spatial shape of the output; defaults to the input grid.

        Returns
        -------
        torch.Tensor of shape (batch, out_channels, m_1, ..., m_d)
        """
        d = len(self.n_modes)
        grid = tuple(x.shape[-d:])
        output_shape = grid if output_shape is None else tuple(output_shape)
        if x.dtype not in (torch.float32, torch.float64):
            x = x.float()
        with torch.autocast(device_type=x.device.type, enabled=False):
            return self._spectral(x, grid, output_shape)

    def _spectral(self, x, grid, output_shape):
        d = len(self.n_modes)
        even = self.extension == "even"
        if even:
            if min(grid) < 2 or min(output_shape) < 2:
                raise ValueError(f"extension='even' needs at least 2 nodes per axis, got "
                                 f"{grid} -> {output_shape}.")
            nodes = output_shape
            grid, output_shape = _even_period(grid), _even_period(output_shape)
        spec_in, spec_out, weight_idx = self._mode_indices(grid, output_shape, x.device)
        weight = self.weight.to(x.dtype)
        for axis in range(d):
            weight = weight.index_select(2 + axis, weight_idx[axis])
        real_blocks = x.device.type == "cpu"
        if self._uses_matmul(x.device, grid, spec_in):
            dft = self._dft(grid, output_shape, spec_in, spec_out, x)
            return dft.inverse(*_real_block_product(*dft.forward(x), weight))
        if even:
            x = _mirror(x, d)

        # Forward transform, truncating each axis right after transforming it.
        low = torch.fft.rfft(x, dim=-1, norm="forward")[..., : len(spec_in[-1])]
        for axis in range(d - 2, -1, -1):
            dim = 2 + axis
            low = torch.fft.fft(low, dim=dim, norm="forward").index_select(dim, spec_in[axis])
        out = _mode_product(low, weight, real_blocks)

        # Inverse transform: zero-fill one axis at a time, then transform it.
        for axis in range(d - 1):
            dim = 2 + axis
            shape = list(out.shape)
            shape[dim] = output_shape[axis]
            full = out.new_zeros(shape).index_copy(dim, spec_out[axis], out)
            out = torch.fft.ifft(full, dim=dim, norm="forward")
        out = torch.fft.irfft(out, n=output_shape[-1], dim=-1, norm="forward")
        if even:  # the nodes: the first half period of every axis
            out = out[(Ellipsis, *[slice(0, m) for m in nodes])]
        return out

    def _uses_matmul(self, device, grid, spec_in):
        if self.transform != "auto":
            return self.transform == "matmul"
        # Products cost n k per axis, FFTs n log n whatever k: measured on CPU,
        # products win once at most a quarter of the (half) spectrum is kept
        # and tie or lose above (asv_bench/scripts/spectral_transform.py).
        return device.type == "cpu" and kept_share(grid, spec_in) <= 0.25

    def _dft(self, grid, output_shape, spec_in, spec_out, x):
        key = (grid, output_shape, str(x.device), x.dtype)
        dft = self._dft_cache.get(key)
        if dft is None:
            dft = self._dft_cache[key] = TruncatedDFT(
                grid, output_shape, spec_in, spec_out, x.dtype, x.device,
                even=self.extension == "even")
        return dft

    def _mode_indices(self, grid, output_shape, device):
        """Indices of the modes kept on input, output and weight, axis by axis.

        A mode is kept when both the input and the output grid represent it.
        The index tensors are built once per (grid, output grid, device).
        """
        key = (grid, output_shape, str(device))
        cached = self._index_cache.get(key)
        if cached is None:
            cached = self._index_cache[key] = self._build_mode_indices(
                grid, output_shape, device)
        return cached

    def _build_mode_indices(self, grid, output_shape, device):
        d = len(self.n_modes)
        spec_in, spec_out, weight_idx = [], [], []
        for axis, k in enumerate(self.n_modes):
            n_in, n_out = grid[axis], output_shape[axis]
            if axis == d - 1:
                kp = min(k, n_in // 2 + 1, n_out // 2 + 1)
                pos = list(range(kp))
                spec_in.append(pos)
                spec_out.append(pos)
                weight_idx.append(pos)
                continue
            # Frequencies 0..kp-1 and -kn..-1 without overlap on either grid.
            kp = min(k, (n_in + 1) // 2, (n_out + 1) // 2)
            kn = min(k, n_in - kp, n_out - kp)
            neg = list(range(-kn, 0))
            spec_in.append(list(range(kp)) + [n_in + j for j in neg])
            spec_out.append(list(range(kp)) + [n_out + j for j in neg])
            weight_idx.append(list(range(kp)) + [2 * k + j for j in neg])

        def as_tensors(rows):
            return [torch.tensor(r, dtype=torch.long, device=device) for r in rows]

        return as_tensors(spec_in), as_tensors(spec_out), as_tensors(weight_idx)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_index_cache"] = {}
        state["_dft_cache"] = {}
        return state

    def __setstate__(self, state):
        state.setdefault("transform", "fft")  # layers pickled before the options
        state.setdefault("extension", None)
        state.setdefault("_dft_cache", {})
        self.__dict__.update(state)

    def _apply(self, fn, recurse=True):
        # Moving or casting the layer invalidates device-bound index tensors.
        self._index_cache = {}
        self._dft_cache = {}
        return super()._apply(fn, recurse)

    def extra_repr(self):
        extra = "" if self.extension is None else f", extension={self.extension!r}"
        return (f"{self.in_channels}, {self.out_channels}, n_modes={self.n_modes}, "
                f"transform={self.transform!r}{extra}")


def kept_share(grid, spec_in):
    """The fraction of the real FFT's half spectrum that the kept modes make up."""
    share = len(spec_in[-1]) / (grid[-1] // 2 + 1)
    for n, rows in zip(grid[:-1], spec_in[:-1]):
        share *= len(rows) / n
    return share


def _even_period(nodes):
    """Points in one period of the even extension of node axes."""
    return tuple(2 * (n - 1) for n in nodes)


def _mirror(x, n_dims):
    """The even extension of the last ``n_dims`` axes: ``n`` nodes followed by
    nodes ``n - 2 .. 1`` (the reflection about both ends, ``2 (n - 1)`` points)."""
    for dim in range(x.ndim - n_dims, x.ndim):
        n = x.shape[dim]
        x = torch.cat([x, x.flip(dim).narrow(dim, 1, n - 2)], dim=dim)
    return x


def _mode_product(low, weight, real_blocks):
    """``out[b, o, m] = sum_i low[b, i, m] * w[i, o, m]``: the real-block form on
    CPUs (see :func:`_complex_mode_matmul`), one complex einsum elsewhere (on a
    GPU that is a single batched kernel; the real-block trick is an MKL
    optimisation)."""
    if real_blocks:
        return _complex_mode_matmul(low, weight)
    return torch.einsum("bi...,io...->bo...", low, torch.view_as_complex(weight.contiguous()))


def _complex_mode_matmul(low, weight):
    """``out[b, o, m] = sum_i low[b, i, m] * w[i, o, m]`` for every mode ``m``.

    One real batched matmul over modes with the 2x2 real block form of complex
    multiplication, ``[re, im] @ [[Wr, Wi], [-Wi, Wr]]`` (out has shape
    (modes, batch, 2 out)): torch's complex ``einsum`` loops over modes with a
    copy each on CPU (7000 copies per training step of a 2-D FNO).

    Parameters
    ----------
    low : complex tensor of shape (batch, in, *modes)
    weight : real tensor of shape (in, out, *modes, 2)
    """
    return torch.complex(*_real_block_product(low.real, low.imag, weight))


def _real_block_product(re, im, weight):
    """:func:`_complex_mode_matmul` on a complex field given as ``(re, im)``;
    returns ``(re, im)``."""
    batch, n_in, *modes = re.shape
    n_out = weight.shape[1]
    x = torch.cat([re, im], dim=1).reshape(batch, 2 * n_in, -1)
    wr = weight[..., 0].reshape(n_in, n_out, -1)
    wi = weight[..., 1].reshape(n_in, n_out, -1)
    block = torch.cat([torch.cat([wr, wi], dim=1), torch.cat([-wi, wr], dim=1)], dim=0)
    out = _ContiguousBMM.apply(x.permute(2, 0, 1), block.permute(2, 0, 1))
    out = out.permute(1, 2, 0).reshape(batch, 2, n_out, *modes)
    return out[:, 0], out[:, 1]


class _ContiguousBMM(torch.autograd.Function):
    """``torch.bmm`` whose operands, in both passes, are made contiguous first.

    On CPU, ``bmm`` with a non-contiguous (e.g. transposed) operand falls back to
    a loop over the batch with a copy per matrix; autograd's backward of
    ``bmm`` multiplies by transposed views, so both passes would take it. With
    contiguous operands one MKL batched GEMM does the work (measured 20x faster
    for 288 modes of 20 x 64 @ 64 x 64).
    """

    @staticmethod
    def forward(ctx, a, b):
        a, b = a.contiguous(), b.contiguous()
        ctx.save_for_backward(a, b)
        return torch.bmm(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad = grad.contiguous()
        grad_a = torch.bmm(grad, b.transpose(1, 2).contiguous()) if ctx.needs_input_grad[0] else None
        grad_b = torch.bmm(a.transpose(1, 2).contiguous(), grad) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b
