"""Spectral convolution: the Fourier layer of the Fourier neural operator."""

import torch
from torch import nn

_LETTERS = "xyz"


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

    Parameters
    ----------
    in_channels : int
        Channels of the input field.
    out_channels : int
        Channels of the output field.
    n_modes : tuple of int
        Number of kept frequencies per spatial axis; its length is the number of
        spatial dimensions (1, 2 or 3).
    """

    def __init__(self, in_channels, out_channels, n_modes):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.n_modes = tuple(int(k) for k in n_modes)
        if not 1 <= len(self.n_modes) <= 3 or min(self.n_modes) < 1:
            raise ValueError(f"n_modes must hold 1 to 3 positive ints, got {n_modes}.")
        # Stored as a real (..., 2) tensor and viewed as complex in forward:
        # Module.to(dtype) then casts it like any float parameter, whereas a
        # complex parameter would be cast to a real dtype and lose its imaginary part.
        *lead, last = self.n_modes
        shape = (in_channels, out_channels, *[2 * k for k in lead], last, 2)
        scale = 1.0 / (in_channels * out_channels)
        self.weight = nn.Parameter(scale * torch.rand(shape))

    def forward(self, x, output_shape=None):
        """Apply the layer.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, in_channels, n_1, ..., n_d)
        output_shape : tuple of int, optional
            Spatial shape of the output; defaults to the input grid.

        Returns
        -------
        torch.Tensor of shape (batch, out_channels, m_1, ..., m_d)
        """
        d = len(self.n_modes)
        grid = tuple(x.shape[-d:])
        output_shape = grid if output_shape is None else tuple(output_shape)
        dims = tuple(range(-d, 0))
        x_ft = torch.fft.rfftn(x, dim=dims, norm="forward")
        spec_in, spec_out, weight_idx = self._mode_indices(grid, output_shape, x.device)

        low = x_ft
        weight = torch.view_as_complex(self.weight)
        for axis in range(d):
            low = low.index_select(2 + axis, spec_in[axis])
            weight = weight.index_select(2 + axis, weight_idx[axis])
        letters = _LETTERS[:d]
        out_low = torch.einsum(f"bi{letters},io{letters}->bo{letters}", low, weight)

        out_ft = x_ft.new_zeros(
            (x.shape[0], self.out_channels, *output_shape[:-1], output_shape[-1] // 2 + 1)
        )
        # Broadcast the per-axis index vectors against each other (an open mesh).
        mesh = [idx.view([-1 if a == axis else 1 for a in range(d)])
                for axis, idx in enumerate(spec_out)]
        out_ft[(slice(None), slice(None), *mesh)] = out_low
        return torch.fft.irfftn(out_ft, s=output_shape, dim=dims, norm="forward")

    def _mode_indices(self, grid, output_shape, device):
        """Indices of the modes kept on input, output and weight, axis by axis.

        A mode is kept when both the input and the output grid represent it.
        """
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

    def extra_repr(self):
        return f"{self.in_channels}, {self.out_channels}, n_modes={self.n_modes}"
