"""The Fourier neural operator (Li et al., ICLR 2021) as a plain torch module."""

import torch
from torch import nn
from torch.nn import functional as F

from skop.nn._init import generator_aware
from skop.nn.layers import (
    DomainPadding,
    GridEmbedding,
    PointwiseLinear,
    PointwiseMLP,
    SpectralConv,
)
from skop.nn.layers._mlp import ACTIVATIONS


class FNOBlock(nn.Module):
    """One Fourier layer: ``v <- activation(SpectralConv(v) + W v)``.

    With ``channel_mlp`` set, a pointwise two-layer MLP follows, with a
    per-channel gated skip from the block's input (the block of neuraloperator
    2.0): ``h = activation(K v + W v)``, ``v <- activation(MLP(h) + g * v)``.

    Parameters
    ----------
    width : int
        Channels in and out.
    n_modes : tuple of int
        Kept Fourier modes per spatial axis.
    activation : callable or None
        Non-linearity; ``None`` for the last block (as in the original FNO).
    channel_mlp : float or None, default=None
        Hidden channels of the MLP as a fraction of ``width``; ``None`` for
        the original FNO layer.
    mlp_activation : callable, default=torch.nn.functional.gelu
        Non-linearity inside the MLP (also in the last block).
    extension : {None, "even"}, default=None
        Of the spectral convolution (see :class:`~skop.nn.SpectralConv`).
    """

    def __init__(self, width, n_modes, activation=F.gelu, channel_mlp=None,
                 mlp_activation=F.gelu, extension=None):
        super().__init__()
        self.spectral = SpectralConv(width, width, n_modes, extension=extension)
        self.pointwise = PointwiseLinear(width, width)
        self.activation = activation
        self.mlp = self.gate = None
        if channel_mlp is not None:
            self.mlp = PointwiseMLP(width, width, max(1, round(channel_mlp * width)),
                                    mlp_activation)
            self.gate = nn.Parameter(torch.empty(1, width, *[1] * len(n_modes)))
            self.reset_parameters()

    @generator_aware
    def reset_parameters(self, generator=None):
        """Open gates (ones): the skip starts as the identity. Sub-layers
        initialise themselves."""
        if self.gate is not None:
            with torch.no_grad():
                self.gate.fill_(1.0)

    def forward(self, x):
        y = self.spectral(x) + self.pointwise(x)
        if self.mlp is None:
            return y if self.activation is None else self.activation(y)
        if self.activation is not None:
            y = self.activation(y)
        y = self.mlp(y) + self.gate * x
        return y if self.activation is None else self.activation(y)


class FNO(nn.Module):
    """Fourier neural operator on 1-, 2- or 3-D grids.

    Lifting (pointwise linear map of the input channels plus grid coordinates to
    ``width`` channels) -> ``n_layers`` Fourier layers -> pointwise MLP
    projection. With ``n_outputs`` set, a pooling head averages the projected
    field over the domain and returns ``n_outputs`` numbers per sample instead of
    a field (scalar or vector targets); averaging is resolution-invariant too.

    Parameters
    ----------
    in_channels : int
        Channels of the input function.
    out_channels : int
        Channels of the output function (ignored when ``n_outputs`` is set).
    n_modes : tuple of int
        Kept Fourier modes per spatial axis; its length sets the dimension.
    width : int, default=64
        Channels inside the Fourier layers.
    n_layers : int, default=4
        Number of Fourier layers.
    projection_channels : int, default=128
        Hidden channels of the projection MLP.
    domain_padding : float or "even", default=0.0
        Fraction of each axis zero-padded before the Fourier layers (for
        non-periodic problems), or ``"even"``: no padding, the Fourier layers
        see every axis mirrored about its end nodes (``grid="nodes"`` only;
        see :class:`~skop.nn.SpectralConv`).
    positional_embedding : bool, default=True
        Append grid coordinates in ``[0, 1]`` as input channels.
    grid : {"periodic", "nodes"}, default="periodic"
        Grid convention of the data (``x_i = i / n`` or ``x_i = i / (n - 1)``),
        used by the coordinates and the padding; see :mod:`skop.nn.layers._grid`.
    n_outputs : int or None, default=None
        If set, pool over the domain and return ``(batch, n_outputs)``.
    channel_mlp : float or None, default=None
        Add a gated pointwise MLP of ``channel_mlp * width`` hidden channels to
        every Fourier layer (see :class:`FNOBlock`).
    activation : {"gelu", "silu", "relu", "tanh", "sin"}, default="gelu"
        Non-linearity of the Fourier layers and the MLPs.

    Examples
    --------
    >>> import torch
    >>> from skop.nn import FNO
    >>> model = FNO(in_channels=1, out_channels=1, n_modes=(8,), width=16)
    >>> model(torch.randn(4, 1, 64)).shape
    torch.Size([4, 1, 64])
    >>> model(torch.randn(4, 1, 128)).shape  # any resolution
    torch.Size([4, 1, 128])
    """

    def __init__(self, in_channels, out_channels, n_modes, width=64, n_layers=4,
                 projection_channels=128, domain_padding=0.0,
                 positional_embedding=True, grid="periodic", n_outputs=None,
                 channel_mlp=None, activation="gelu"):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}.")
        act = self.activation = ACTIVATIONS[activation]()
        self.n_modes = tuple(n_modes)
        n_dims = len(self.n_modes)
        self.n_dims = n_dims
        self.embedding = GridEmbedding(n_dims, grid) if positional_embedding else None
        lifted_in = in_channels + (n_dims if positional_embedding else 0)
        self.lifting = PointwiseLinear(lifted_in, width)
        even = isinstance(domain_padding, str)
        if even and (domain_padding != "even" or grid != "nodes"):
            raise ValueError(f"domain_padding must be a float, or 'even' on grid='nodes'; got "
                             f"{domain_padding!r} on grid={grid!r}.")
        self.padding = DomainPadding(0.0 if even else domain_padding, n_dims, grid)
        self.blocks = nn.ModuleList(
            FNOBlock(width, self.n_modes, activation=None if i == n_layers - 1 else act,
                     channel_mlp=channel_mlp, mlp_activation=act,
                     extension="even" if even else None)
            for i in range(n_layers)
        )
        self.n_outputs = n_outputs
        head_out = out_channels if n_outputs is None else projection_channels
        self.projection = PointwiseMLP(width, head_out, projection_channels, act)
        self.head = None if n_outputs is None else nn.Linear(projection_channels, n_outputs)

    def forward(self, x):
        """Map ``(batch, in_channels, *grid)`` to ``(batch, out_channels, *grid)``,
        or to ``(batch, n_outputs)`` with a pooling head."""
        grid = x.shape[-self.n_dims:]
        if self.embedding is not None:
            x = self.embedding(x)
        x = self.padding.pad(self.lifting(x))
        for block in self.blocks:
            x = block(x)
        x = self.projection(self.padding.unpad(x, grid))
        if self.head is None:
            return x
        pooled = self.activation(x).mean(dim=tuple(range(2, x.ndim)))
        return self.head(pooled)
