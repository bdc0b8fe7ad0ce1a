"""DeepONet: ``G(u)(x) = sum_k b_k(u) t_k(x) + b_0`` from a branch and a trunk net.

A branch net reads the input function at fixed sensors, a trunk net reads a
query coordinate, and their outputs are contracted over ``n_basis`` latent
features. The trunk is evaluated at any points, so the learned operator is
queried where it was never trained. Several output components ``o`` use
``n_basis`` features each (``(batch, n_outputs, n_basis)`` from the branch,
``(points, n_outputs, n_basis)`` from the trunk).
"""

import torch
from torch import nn

from skop.nn._init import generator_aware
from skop.nn.layers._mlp import Dense, make_activation


class Parallel(nn.Module):
    """Apply several networks to the same input and concatenate their outputs.

    DeepONet's "independent" strategy for several outputs: one branch (or
    trunk) per output component, stacked on the feature axis.
    """

    def __init__(self, nets):
        super().__init__()
        self.nets = nn.ModuleList(nets)

    def forward(self, x):
        return torch.cat([net(x) for net in self.nets], dim=-1)


class ProductBranch(nn.Module):
    """MIONet's branch for several input functions: a product of branch outputs.

    The columns of the input are split into consecutive blocks (one input
    function each, sampled at its own sensors); block ``i`` goes through
    branch ``i`` and the outputs are multiplied elementwise (Jin, Meng and
    Lu, 2022), a low-rank tensor-product approximation of a multi-input
    operator.

    Parameters
    ----------
    nets : sequence of torch.nn.Module
        One branch per input function, all with the same output width.
    sizes : sequence of int
        Number of columns (sensors) of each input function.
    """

    def __init__(self, nets, sizes):
        super().__init__()
        if len(nets) != len(sizes):
            raise ValueError(f"got {len(nets)} branch nets for {len(sizes)} inputs.")
        self.nets = nn.ModuleList(nets)
        self.sizes = tuple(int(s) for s in sizes)

    def forward(self, x):
        out = None
        for net, block in zip(self.nets, torch.split(x, self.sizes, dim=-1)):
            features = net(block)
            out = features if out is None else out * features
        return out


class ConvBranch(nn.Module):
    """A convolutional branch for input functions on a 1-D or 2-D grid.

    Strided 3 x 3 convolutions (each halving the grid) with an activation,
    an adaptive average pool to a fixed ``pool_size`` grid (so any input
    resolution of at least ``2 ** len(channels)`` points per axis gives the
    same number of features) and a dense map to ``out_features``.

    Parameters
    ----------
    in_channels : int
    out_features : int
    n_dims : {1, 2}
        Spatial dimension of the input ``(batch, in_channels, *grid)``.
    channels : sequence of int, default=(16, 32, 64)
    activation : str, default="relu"
    pool_size : int, default=4
    """

    def __init__(self, in_channels, out_features, n_dims, channels=(16, 32, 64),
                 activation="relu", pool_size=4):
        super().__init__()
        if n_dims not in (1, 2):
            raise ValueError(f"ConvBranch works on 1-D or 2-D grids, got n_dims={n_dims}.")
        conv = nn.Conv1d if n_dims == 1 else nn.Conv2d
        widths = [in_channels, *channels]
        self.convs = nn.ModuleList(
            conv(a, b, kernel_size=3, stride=2, padding=1) for a, b in zip(widths, widths[1:]))
        self.pool = (nn.AdaptiveAvgPool1d if n_dims == 1 else nn.AdaptiveAvgPool2d)(pool_size)
        self.activation = make_activation(activation)
        self.head = Dense(widths[-1] * pool_size**n_dims, out_features)

    def forward(self, x):
        for layer in self.convs:
            x = self.activation(layer(x))
        return self.head(self.pool(x).flatten(1))


class DeepONet(nn.Module):
    """Deep operator network (Lu et al., 2021) with several outputs and query layouts.

    ``forward(u, points)``: ``u`` is what the branch reads (``(batch,
    n_sensors)``, or ``(batch, channels, *grid)`` for a convolutional
    branch); ``points`` is ``(n_points, d)`` -- the same query points for
    every sample, the trunk runs once -- or ``(batch, n_points, d)``, points
    per sample (a view broadcast along the batch, ``P.expand(batch, -1,
    -1)``, counts as shared). Returns ``(batch, n_outputs, n_points)``.

    Parameters
    ----------
    branch : torch.nn.Module
        Maps ``u`` to ``(batch, n_outputs * n_basis)``.
    trunk : torch.nn.Module
        Maps ``(..., d)`` coordinates to ``(..., n_outputs * n_basis)``
        (activated: DeepONet applies the activation to the trunk's output).
    n_basis : int
        Latent features per output component.
    n_outputs : int, default=1
        Output components; branch and trunk features are split into
        ``n_outputs`` groups of ``n_basis`` (use :class:`Parallel` nets for
        independent networks per component).
    bias : bool, default=True
        A learned constant per output component, ``b_0``.
    """

    def __init__(self, branch, trunk, n_basis, n_outputs=1, bias=True):
        super().__init__()
        self.branch = branch
        self.trunk = trunk
        self.n_basis = int(n_basis)
        self.n_outputs = int(n_outputs)
        self.bias = nn.Parameter(torch.empty(self.n_outputs)) if bias else None
        self.reset_parameters()

    @generator_aware
    def reset_parameters(self, generator=None):
        """Zero output bias (the sub-networks initialise themselves)."""
        if self.bias is not None:
            with torch.no_grad():
                self.bias.zero_()

    def forward(self, u, points):
        b = self.branch(u)
        batch = b.shape[0]
        b = b.reshape(batch, self.n_outputs, self.n_basis)
        if points.ndim == 3 and batch > 1 and points.stride(0) == 0:
            points = points[0]  # broadcast along the batch: shared points
        t = self.trunk(points)
        if points.ndim == 2:
            # Shared points: one matrix product per output component,
            # (o, batch, p) @ (o, p, points).
            t = t.reshape(t.shape[0], self.n_outputs, self.n_basis).permute(1, 2, 0)
            out = torch.bmm(b.transpose(0, 1), t).transpose(0, 1)
        elif points.ndim == 3:
            t = t.reshape(batch, t.shape[1], self.n_outputs, self.n_basis)
            out = torch.einsum("bop,bqop->boq", b, t)
        else:
            raise ValueError(
                f"points must be (n_points, d) or (batch, n_points, d), got {tuple(points.shape)}.")
        if self.bias is not None:
            out = out + self.bias[:, None]
        return out


class PhysicsInformed(nn.Module):
    """Adds a physics residual to a model's training output.

    ``forward(u, points, collocation=None)`` returns ``model(u=u,
    points=points)``; with ``collocation`` points ``(batch, n_c, d)`` it also
    evaluates the model there (coordinates tracked by autograd) and returns
    ``(prediction, residual(G, collocation, u))``, where ``G`` is ``(batch,
    n_outputs, n_c)`` in the model's raw units, so ``residual`` can take
    derivatives with ``torch.autograd.grad(G.sum(), x, create_graph=True)``.

    Parameters
    ----------
    model : torch.nn.Module
        Takes keyword inputs ``u`` and ``points``.
    residual : callable
        ``residual(G, x, u) -> tensor``, zero where the physics holds.
    """

    def __init__(self, model, residual):
        super().__init__()
        self.model = model
        self.residual = residual

    @property
    def y_scale(self):
        """The wrapped model's output scale (``None`` if it has none)."""
        return getattr(self.model, "y_scale", None)

    def forward(self, u, points, collocation=None):
        out = self.model(u=u, points=points)
        if collocation is None:
            return out
        x = collocation.detach().requires_grad_(True)
        with torch.enable_grad():
            G = self.model(u=u, points=x)
            residual = self.residual(G, x, u)
        return out, residual
