"""Classical denoisers usable as plug-and-play priors: the exact prox of total variation."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_array, validate_data


def _spatial_axes(ndim):
    # (n, d): 1-D signals; (n, H, W): grey images; (n, C, H, W): per channel.
    return {2: (1,), 3: (1, 2), 4: (2, 3)}[ndim]


def _grad(x, axes):
    out = []
    for a in axes:
        d = torch.diff(x, dim=a)
        pad = [0, 0] * (x.ndim - 1 - a) + [0, 1]  # forward difference, 0 at the far edge
        out.append(torch.nn.functional.pad(d, pad))
    return out


def _div(p, axes):
    # The negative adjoint of _grad (backward differences).
    total = torch.zeros_like(p[0])
    for q, a in zip(p, axes):
        n = q.shape[a]
        first = q.narrow(a, 0, 1)
        middle = q.narrow(a, 1, n - 2) - q.narrow(a, 0, n - 2)
        last = -q.narrow(a, n - 2, 1)
        total = total + torch.cat([first, middle, last], dim=a) if n > 1 else total
    return total


def tv_prox(v, weight, n_iter=100, axes=None):
    """``argmin_x 1/2 ||x - v||^2 + weight * TV(x)`` per sample (isotropic TV, Chambolle 2004).

    A fixed number of dual projected-gradient steps, each per sample, so a
    sample's result does not depend on the rest of the batch.
    """
    v = torch.as_tensor(v, dtype=torch.float64)
    axes = _spatial_axes(v.ndim) if axes is None else axes
    axes = tuple(a for a in axes if v.shape[a] > 1)
    if weight == 0 or not axes:
        return v.clone()
    tau = 1.0 / (4 * len(axes))
    p = [torch.zeros_like(v) for _ in axes]
    for _ in range(n_iter):
        g = _grad(_div(p, axes) - v / weight, axes)
        norm = torch.sqrt(sum(gi ** 2 for gi in g))
        p = [(pi + tau * gi) / (1 + tau * norm) for pi, gi in zip(p, g)]
    return v - weight * _div(p, axes)


def tv_norm(x, axes=None):
    """Isotropic total variation of each sample."""
    x = torch.as_tensor(x, dtype=torch.float64)
    axes = _spatial_axes(x.ndim) if axes is None else axes
    g = _grad(x, axes)
    return torch.sqrt(sum(gi ** 2 for gi in g)).flatten(1).sum(1)


class TVDenoiser(TransformerMixin, BaseEstimator):
    """Total-variation denoising: the exact prox of ``weight * TV``.

    Stateless (nothing is learned); as a plug-and-play prior it makes PnP
    the classical TV-regularised reconstruction. Layouts: ``(n, d)`` 1-D
    signals, ``(n, H, W)`` grey and ``(n, C, H, W)`` channel images.

    Parameters
    ----------
    weight : float, default=0.1
        TV weight (in the units of the data).
    n_iter : int, default=100
        Dual iterations of Chambolle's algorithm.

    See Also
    --------
    skop.inverse.PnPADMM : uses a denoiser as the prior.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.inverse import TVDenoiser
    >>> step = np.repeat([[0.0, 1.0]], 8, axis=1) + 0.1
    >>> TVDenoiser(weight=0.05).fit_transform(step).shape
    (1, 16)
    """

    _parameter_constraints = {
        "weight": [Interval(Real, 0, None, closed="left")],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, weight=0.1, *, n_iter=100):
        self.weight = weight
        self.n_iter = n_iter

    def fit(self, X, y=None):
        """Check ``X`` (nothing to learn); returns self."""
        self._validate_params()
        if sp.issparse(X):
            raise ValueError("TVDenoiser does not accept sparse X: pass X.toarray().")
        validate_data(self, X, dtype=np.float64, allow_nd=True)
        return self

    def transform(self, X):
        """The TV prox of each sample; same shape as ``X``."""
        self._validate_params()
        if sp.issparse(X):
            raise ValueError("TVDenoiser does not accept sparse X: pass X.toarray().")
        if hasattr(self, "n_features_in_"):
            X = validate_data(self, X, dtype=np.float64, allow_nd=True, reset=False)
        else:  # stateless: usable without fit
            X = check_array(X, dtype=np.float64, allow_nd=True)
        if X.ndim > 4:
            raise ValueError(f"X must be (n, d), (n, H, W) or (n, C, H, W), got {X.shape}.")
        return tv_prox(torch.tensor(X), self.weight, self.n_iter).numpy()

    def regularizer(self, X, preimage=None):
        """``weight * TV(x)`` per sample (the regulariser this denoiser is the prox of)."""
        return self.weight * tv_norm(np.asarray(X, dtype=np.float64)).numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.three_d_array = True
        return tags
