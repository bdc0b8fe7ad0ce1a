"""A learnable dictionary of observables for EDMD, and its one-step residual loss.

The dictionary is ``psi(x) = [1, x, h_theta(x)]``: the constant (eigenfunction
of every Koopman operator, eigenvalue 1), the state itself (so that states can
be read back from the observables) and ``n_learned`` outputs of a small MLP.
It is trained to make its span as close to invariant under the dynamics as
possible: the loss is the residual of the best one-step linear predictor of
``psi(F(x))`` from ``psi(x)``, i.e. the EDMD least-squares residual, computed
in closed form on each batch (the "EDMD with dictionary learning" idea of Li
et al., 2017).

A batch of states is ``(batch, n_features)``; with the images ``x_next`` the
module returns both evaluations stacked, ``(batch, n_functions, 2)``, which
is what :class:`skop.nn.losses.EDMDResidualLoss` takes.
"""

import torch
from torch import nn


class KoopmanDictionaryNet(nn.Module):
    """``psi(x) = [1, x, MLP(x)]`` on states ``(batch, n_features)``.

    Parameters
    ----------
    n_features : int
        State dimension ``d``.
    n_learned : int
        Number of learned functions.
    width : int, default=32
        Hidden width of the MLP.
    depth : int, default=2
        Number of hidden layers (tanh).
    """

    def __init__(self, n_features, n_learned, width=32, depth=2):
        super().__init__()
        layers, size = [], n_features
        for _ in range(depth):
            layers += [nn.Linear(size, width), nn.Tanh()]
            size = width
        layers.append(nn.Linear(size, n_learned))
        self.mlp = nn.Sequential(*layers)
        self.n_functions = 1 + n_features + n_learned

    def forward(self, x, x_next=None):
        """``psi(x)`` of shape ``(batch, n_functions)``; with ``x_next``,
        ``[psi(x), psi(x_next)]`` stacked on a last axis of size 2."""
        if x_next is not None:
            return torch.stack([self(x), self(x_next)], dim=-1)
        ones = torch.ones_like(x[:, :1])
        return torch.cat([ones, x, self.mlp(x)], dim=-1)
