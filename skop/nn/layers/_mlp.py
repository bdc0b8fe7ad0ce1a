"""Feature-last networks: dense layers, MLPs, the modified MLP, Fourier features.

These act on the last axis of any tensor ``(..., features)``: a DeepONet's
branch net on sensor values ``(batch, n_sensors)`` and its trunk net on query
coordinates ``(n_points, d)`` or ``(batch, n_points, d)``.
"""

import math

import torch
from torch import nn

from skop.nn._init import generator_aware


class Sine(nn.Module):
    """``sin(x)``: the activation of SIREN-style coordinate networks."""

    def forward(self, x):
        return torch.sin(x)


ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "silu": nn.SiLU, "sin": Sine}


def make_activation(name):
    """A fresh activation module from its name (one of :data:`ACTIVATIONS`)."""
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(
            f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}.") from None


class Dense(nn.Linear):
    """``nn.Linear`` initialised Glorot-normal with zero bias.

    The initialisation of DeepONet's reference code (and of DeepXDE's
    ``"Glorot normal"``): the weights' variance ``2 / (fan_in + fan_out)``
    keeps activations of tanh / sin networks at unit scale through depth.
    """

    @generator_aware
    def reset_parameters(self, generator=None):
        """Glorot-normal weights, zero bias, from ``generator`` if given."""
        if self.weight.is_meta:
            return  # built on "meta" to be initialised later: nothing to draw
        nn.init.xavier_normal_(self.weight, generator=generator)
        if self.bias is not None:
            nn.init.zeros_(self.bias)


class MLP(nn.Module):
    """A multilayer perceptron on the last axis.

    Parameters
    ----------
    in_features : int
    hidden : sequence of int
        Widths of the hidden layers (may be empty: one affine map).
    out_features : int
    activation : str, default="relu"
        One of ``"relu"``, ``"tanh"``, ``"gelu"``, ``"silu"``, ``"sin"``.
    final_activation : bool, default=False
        Apply the activation to the output too (a DeepONet trunk does).
    """

    def __init__(self, in_features, hidden, out_features, activation="relu",
                 final_activation=False):
        super().__init__()
        widths = [in_features, *hidden, out_features]
        self.layers = nn.ModuleList(Dense(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.activation = make_activation(activation)
        self.final_activation = final_activation

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1 or self.final_activation:
                x = self.activation(x)
        return x


class ModifiedMLP(nn.Module):
    """The modified MLP of Wang, Teng and Perdikaris (2021).

    Two encoders ``U = s(W_u x)``, ``V = s(W_v x)`` of the input are mixed
    into every hidden layer, ``H <- (1 - Z) * U + Z * V`` with ``Z = s(W H)``,
    which carries the input's information through depth and was found to
    train physics-informed and operator networks faster and more accurately
    (the acoustics DeepONet of Borrel-Jensen et al. uses it). The hidden
    layers must share one width.

    Parameters
    ----------
    in_features : int
    hidden : sequence of int
        Hidden widths (all equal, at least one layer).
    out_features : int
    activation : str, default="tanh"
    final_activation : bool, default=False
    """

    def __init__(self, in_features, hidden, out_features, activation="tanh",
                 final_activation=False):
        super().__init__()
        hidden = list(hidden)
        if not hidden or len(set(hidden)) != 1:
            raise ValueError(
                f"ModifiedMLP needs at least one hidden layer, all of one width; got {hidden}.")
        width = hidden[0]
        self.encoder_u = Dense(in_features, width)
        self.encoder_v = Dense(in_features, width)
        self.layers = nn.ModuleList(
            [Dense(in_features, width)] + [Dense(width, width) for _ in hidden[1:]])
        self.output = Dense(width, out_features)
        self.activation = make_activation(activation)
        self.final_activation = final_activation

    def forward(self, x):
        u = self.activation(self.encoder_u(x))
        v = self.activation(self.encoder_v(x))
        h = x
        for layer in self.layers:
            z = self.activation(layer(h))
            h = u + z * (v - u)  # (1 - z) u + z v
        out = self.output(h)
        return self.activation(out) if self.final_activation else out


class FourierFeatures(nn.Module):
    """Random Fourier features ``[x, cos(2 pi x B), sin(2 pi x B)]`` of coordinates.

    ``B`` (``in_features x n_features``) is drawn once from ``N(0, scale^2)``
    and kept fixed (a buffer), as in Tancik et al. (2020): a coordinate
    network sees frequencies up to about ``scale``, which counters the
    spectral bias of MLPs towards smooth functions.

    Parameters
    ----------
    in_features : int
    n_features : int
        Number of frequencies (the output has ``in_features + 2 n_features``
        features).
    scale : float, default=1.0
        Standard deviation of the frequencies, in cycles per unit of input.
    """

    def __init__(self, in_features, n_features, scale=1.0):
        super().__init__()
        self.scale = float(scale)
        self.register_buffer("frequencies", torch.empty(in_features, n_features))
        self.reset_parameters()

    @property
    def out_features(self):
        return self.frequencies.shape[0] + 2 * self.frequencies.shape[1]

    @generator_aware
    def reset_parameters(self, generator=None):
        """Draw the frequencies from ``generator`` if given."""
        if self.frequencies.is_meta:
            return
        with torch.no_grad():
            self.frequencies.normal_(0.0, self.scale, generator=generator)

    def forward(self, x):
        phase = (2 * math.pi) * (x @ self.frequencies)
        return torch.cat([x, torch.cos(phase), torch.sin(phase)], dim=-1)


class PeriodicFeatures(nn.Module):
    """Harmonics ``cos(2 pi k x_d / P_d), sin(2 pi k x_d / P_d)``, ``k = 1..K``, of coordinates.

    A trunk net that sees only these is exactly periodic with periods ``P_d``
    (the way Lu et al. (2022) build DeepONets for periodic problems such as
    Burgers' equation); deterministic, no parameters.

    Parameters
    ----------
    periods : sequence of float
        Period of each coordinate.
    n_harmonics : int
        ``K``: the output has ``2 K len(periods)`` features.
    """

    def __init__(self, periods, n_harmonics):
        super().__init__()
        self.periods = tuple(float(p) for p in periods)
        self.n_harmonics = int(n_harmonics)
        self.register_buffer("omega", torch.empty(len(self.periods), self.n_harmonics))
        self.reset_parameters()

    @generator_aware
    def reset_parameters(self, generator=None):
        """Set the (fixed) angular frequencies; nothing is drawn."""
        if self.omega.is_meta:
            return
        k = torch.arange(1, self.n_harmonics + 1, dtype=torch.float64)
        periods = torch.as_tensor(self.periods, dtype=torch.float64)
        with torch.no_grad():
            self.omega.copy_(2 * math.pi * k[None, :] / periods[:, None])

    @property
    def out_features(self):
        return 2 * self.omega.numel()

    def forward(self, x):
        phase = (x[..., :, None] * self.omega).flatten(-2)
        return torch.cat([torch.cos(phase), torch.sin(phase)], dim=-1)
