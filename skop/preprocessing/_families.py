"""Univariate orthonormal families and their reference measures (pure torch).

Each family is orthonormal in ``L^2(mu)`` for a *probability* measure ``mu``:

========== ================================= ==================================
family     measure ``mu``                    functions (``s`` reference variable)
========== ================================= ==================================
legendre   uniform on ``[low, high]``        ``sqrt(2n+1) P_n(s)``, s in [-1, 1]
chebyshev  arcsine on ``[low, high]``        ``1, sqrt(2) T_n(s)``, s in [-1, 1]
hermite    normal ``N(loc, scale^2)``        ``He_n(z) / sqrt(n!)``, z standard
fourier    uniform on ``[low, high]``        ``1, sqrt(2) cos(2 pi k t)``,
                                             ``sqrt(2) sin(2 pi k t)``, t in [0,1)
========== ================================= ==================================

Evaluation is a three-term recurrence on torch tensors, so the same code runs
in the transformers (CPU, numpy in/out) and inside the samplers (any device).
"""

import math
import numbers

import torch


def _three_term(s, n_terms, step):
    """Stack ``p_0 = 1``, ``p_1 = s`` and ``p_{n+1} = step(n, p_n, p_{n-1})``.

    Returns the first ``n_terms`` values along a new last axis.
    """
    out = torch.empty(*s.shape, n_terms, dtype=s.dtype, device=s.device)
    out[..., 0] = 1.0
    if n_terms > 1:
        out[..., 1] = s
    for n in range(1, n_terms - 1):
        out[..., n + 1] = step(n, out[..., n], out[..., n - 1])
    return out


class _Family:
    """Base class: a univariate orthonormal family with its measure."""

    kind = ""
    symbol = ""

    def n_terms(self, degree):
        """Number of functions of degree at most ``degree``."""
        return degree + 1

    def degree_of(self, j):
        """Degree of the ``j``-th function."""
        return j

    def evaluate(self, x, n_terms):
        """Values of the first ``n_terms`` functions at ``x`` (1D tensor)."""
        raise NotImplementedError

    def feature_name(self, j, input_name):
        """Readable name of the ``j``-th function of ``input_name``."""
        return f"{self.symbol}{j}({input_name})"

    def __eq__(self, other):
        return type(self) is type(other) and self.params() == other.params()

    def __hash__(self):
        return hash((type(self).__name__, self.params()))

    def params(self):
        """Parameters of the measure, as a tuple."""
        return ()


class _Interval(_Family):
    """A family on a bounded interval ``[low, high]``."""

    def __init__(self, low=-1.0, high=1.0):
        self.low, self.high = float(low), float(high)

    def params(self):
        return (self.low, self.high)

    def to_reference(self, x):
        """Map ``[low, high]`` onto ``[-1, 1]``."""
        return (2.0 * x - (self.low + self.high)) / (self.high - self.low)

    def from_reference(self, s):
        """Map ``[-1, 1]`` onto ``[low, high]``."""
        return 0.5 * (self.low + self.high) + 0.5 * (self.high - self.low) * s


class Legendre(_Interval):
    """Orthonormal Legendre polynomials for the uniform measure."""

    kind = "legendre"
    symbol = "L"

    def evaluate(self, x, n_terms):
        s = self.to_reference(x)
        # (n + 1) P_{n+1} = (2n + 1) s P_n - n P_{n-1}
        out = _three_term(
            s, n_terms, lambda n, p, q: ((2 * n + 1) * s * p - n * q) / (n + 1)
        )
        n = torch.arange(n_terms, dtype=s.dtype, device=s.device)
        scale = torch.sqrt(2.0 * n + 1)
        return out * scale


class Chebyshev(_Interval):
    """Orthonormal Chebyshev polynomials (first kind) for the arcsine measure."""

    kind = "chebyshev"
    symbol = "T"

    def evaluate(self, x, n_terms):
        s = self.to_reference(x)
        out = _three_term(s, n_terms, lambda n, p, q: 2 * s * p - q)
        out[..., 1:] *= math.sqrt(2.0)
        return out


class Hermite(_Family):
    """Orthonormal probabilists' Hermite polynomials for ``N(loc, scale^2)``."""

    kind = "hermite"
    symbol = "He"

    def __init__(self, loc=0.0, scale=1.0):
        self.loc, self.scale = float(loc), float(scale)

    def params(self):
        return (self.loc, self.scale)

    def to_reference(self, x):
        """Standardise to ``N(0, 1)``."""
        return (x - self.loc) / self.scale

    def from_reference(self, z):
        """Map ``N(0, 1)`` back to ``N(loc, scale^2)``."""
        return self.loc + self.scale * z

    def evaluate(self, x, n_terms):
        z = self.to_reference(x)
        # orthonormal form of He_{n+1} = z He_n - n He_{n-1}
        return _three_term(
            z, n_terms, lambda n, p, q: (z * p - math.sqrt(n) * q) / math.sqrt(n + 1)
        )


class Fourier(_Interval):
    """Real trigonometric system for the uniform measure on ``[low, high)``.

    Function ``0`` is the constant, ``2k - 1`` is ``sqrt(2) cos(2 pi k t)`` and
    ``2k`` is ``sqrt(2) sin(2 pi k t)`` with ``t = (x - low) / (high - low)``;
    the "degree" of a function is its frequency ``k``.
    """

    kind = "fourier"
    symbol = ""

    def __init__(self, low=0.0, high=1.0):
        super().__init__(low, high)

    def n_terms(self, degree):
        return 2 * degree + 1

    def degree_of(self, j):
        return (j + 1) // 2

    def to_unit(self, x):
        """Map ``[low, high)`` onto ``[0, 1)``."""
        return (x - self.low) / (self.high - self.low)

    def from_unit(self, t):
        """Map ``[0, 1)`` onto ``[low, high)``."""
        return self.low + (self.high - self.low) * t

    def evaluate(self, x, n_terms):
        t = self.to_unit(x)
        k = torch.arange(1, (n_terms + 1) // 2 + 1, dtype=t.dtype, device=t.device)
        angle = 2 * math.pi * t.unsqueeze(-1) * k
        out = torch.empty(*t.shape, n_terms, dtype=t.dtype, device=t.device)
        out[..., 0] = 1.0
        n_cos = (n_terms) // 2
        out[..., 1::2] = math.sqrt(2.0) * torch.cos(angle[..., :n_cos])
        out[..., 2::2] = math.sqrt(2.0) * torch.sin(angle[..., : (n_terms - 1) // 2])
        return out

    def feature_name(self, j, input_name):
        k = self.degree_of(j)
        return f"{'cos' if j % 2 else 'sin'}{k}({input_name})"


FAMILIES = {
    "legendre": Legendre,
    "chebyshev": Chebyshev,
    "hermite": Hermite,
    "fourier": Fourier,
}


def check_bounds(bounds, name="bounds"):
    """Validate an interval ``(low, high)`` with finite ``low < high``."""
    try:
        low, high = bounds
        low, high = float(low), float(high)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a pair (low, high), got {bounds!r}.") from exc
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"{name} must be finite with low < high, got {bounds!r}.")
    return low, high


def check_loc_scale(loc, scale):
    """Validate the mean and standard deviation of a Gaussian measure."""
    if not isinstance(loc, numbers.Real) or not math.isfinite(loc):
        raise ValueError(f"loc must be a finite real number, got {loc!r}.")
    if not isinstance(scale, numbers.Real) or not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a finite positive number, got {scale!r}.")
    return float(loc), float(scale)


def evaluate_tensor(families, multi_indices, X):
    """Tensor-product features ``prod_k f_k[j_k](x_k)`` for each multi-index.

    Parameters
    ----------
    families : list of _Family, one per input dimension
    multi_indices : torch.LongTensor of shape (m, d)
        Univariate function indices per output feature.
    X : torch.Tensor of shape (..., d)

    Returns
    -------
    Phi : torch.Tensor of shape (..., m)
    """
    out = None
    for k, family in enumerate(families):
        idx = multi_indices[:, k]
        n_terms = int(idx.max()) + 1
        values = family.evaluate(X[..., k], n_terms)[..., idx]
        out = values if out is None else out * values
    return out
