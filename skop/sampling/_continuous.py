"""Samplers on the continuous domain of an orthonormal basis (interval, box, R^d).

The basis is a skop orthonormal feature map: a tensor-product basis of
:mod:`skop.preprocessing` (Legendre, Chebyshev, Hermite, Fourier, mixed),
whose measure ``mu`` is known, or a fitted
:class:`~skop.preprocessing.OrthonormalFeatures`, whose measure is the
empirical measure of its candidate set (sampling is then over the candidates).
"""

import numpy as np
import torch
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skop.preprocessing._families import Hermite, evaluate_tensor
from skop.preprocessing._orthonormal import OrthonormalFeatures
from skop.preprocessing._tensor_basis import _TensorProductBasis
from skop.sampling._chain_rule import sample_chain_rule
from skop.sampling._finite import (
    sample_christoffel,
    sample_dpp_repetitions,
    sample_projection_dpp,
    sample_volume_rescaled,
    shuffle_rows,
)
from skop.sampling._univariate import ensemble_sampler, sample_squared
from skop.sampling._validation import (
    check_count,
    check_n_draws,
    check_volume_size,
)
from skop.utils import draw_seed, resolve_device, torch_rng

_METHODS = ("auto", "rejection", "ensemble")


def _check_method(method):
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}.")


class _TensorDomain:
    """Families, multi-indices and samplers of a tensor-product basis."""

    def __init__(self, families, multi_indices, device):
        self.families = families
        self.mi = torch.as_tensor(multi_indices, device=device)
        self.m, self.d = self.mi.shape
        self.device = device
        self.ensemble = self._ensemble_sampler()

    def features(self, X):
        return evaluate_tensor(self.families, self.mi, X)

    def christoffel_points(self, shape):
        """i.i.d. points from ``k_m / m dmu``: a uniform mixture component each."""
        n = int(np.prod(shape))
        if self.ensemble is not None and isinstance(self.families[0], Hermite):
            # One uniformly chosen point of a DPP draw has density k_m / m: for
            # Hermite one m x m eigenproblem beats the mixture's rejection loop.
            pts = self.ensemble(self.m, n, self.device)
            pick = torch.randint(self.m, (n, 1), device=self.device)
            return pts.gather(1, pick).reshape(*shape, 1)
        pick = torch.randint(self.m, (n,), device=self.device)
        X = torch.empty(n, self.d, dtype=torch.float64, device=self.device)
        for k, family in enumerate(self.families):
            X[:, k] = sample_squared(family, self.mi[pick, k])
        return X.reshape(*shape, self.d)

    def _ensemble_sampler(self):
        """Exact DPP sampler when the space is a full 1D classical family."""
        if self.d != 1:
            return None
        full = torch.equal(
            torch.sort(self.mi[:, 0]).values, torch.arange(self.m, device=self.device)
        )
        return ensemble_sampler(self.families[0]) if full else None

    def dpp_points(self, n_draws, method):
        sampler = self.ensemble if method in ("auto", "ensemble") else None
        if method == "ensemble" and sampler is None:
            raise ValueError(
                "method='ensemble' needs a one-dimensional Legendre, Chebyshev, "
                "Hermite or Fourier basis; use method='rejection' (exact too)."
            )
        if sampler is not None:
            pts = sampler(self.m, n_draws, self.device).unsqueeze(-1)
            # The eigenvalues come sorted; the chain rule's order is uniform.
            return shuffle_rows(pts)

        def propose(B, L, generator):
            X = self.christoffel_points((B, L))
            V = self.features(X)
            return V, V.square().sum(-1), X

        _, X = sample_chain_rule(propose, self.m, n_draws, device=self.device)
        return X


def _resolve(basis, n_features, device):
    """('finite', Q, candidates) for a fitted OrthonormalFeatures, else a domain."""
    inner = getattr(basis, "estimator", basis)  # sklearn.frozen.FrozenEstimator
    if isinstance(inner, OrthonormalFeatures):
        try:
            check_is_fitted(inner)
        except NotFittedError as exc:
            raise NotFittedError(
                "An OrthonormalFeatures basis must be fitted on its candidate set "
                "before sampling from it."
            ) from exc
        cand = inner.candidates_
        if n_features is not None and n_features != cand.shape[1]:
            raise ValueError(
                f"The candidate set has {cand.shape[1]} features, got n_features="
                f"{n_features}."
            )
        Q = inner.transform(cand) / np.sqrt(cand.shape[0])
        return "finite", Q, cand
    if isinstance(inner, _TensorProductBasis):
        if n_features is not None:
            n_features = check_count(n_features, "n_features")
        families, mi = inner._tensor_structure(n_features)
        return "tensor", _TensorDomain(families, mi, device), None
    raise TypeError(
        "basis must be a skop orthonormal basis (LegendreFeatures, ChebyshevFeatures, "
        "HermiteFeatures, FourierFeatures, TensorProductFeatures) or a fitted "
        f"OrthonormalFeatures, got {type(basis).__name__}. For another feature map, "
        "orthonormalise it on a candidate set with OrthonormalFeatures."
    )


def basis_size(basis, n_features=None):
    """Number ``m`` of functions of a skop orthonormal basis (for ``n_features``)."""
    kind, dom, _ = _resolve(basis, n_features, torch.device("cpu"))
    return dom.shape[1] if kind == "finite" else dom.m


def _finish(X, squeeze):
    """Points as a numpy array, without the draw axis for a single draw."""
    X = X.cpu().numpy()
    return X[0] if squeeze else X


def _finite_points(sampler, Q, cand, *args, **kwargs):
    """Run a finite sampler on the candidates and return the chosen points."""
    idx = np.asarray(sampler(Q, *args, **kwargs))
    return cand[idx.reshape(-1)].reshape(*idx.shape, cand.shape[1])


def sample_christoffel_points(
    basis, n_samples, n_draws=None, *, n_features=None, random_state=None, device="auto"
):
    """i.i.d. points from the optimal density ``k_m / m`` of a basis.

    Exact: a basis function is drawn uniformly, then each coordinate from
    its univariate density ``phi_j^2 dmu`` by rejection with a proven envelope.

    Parameters
    ----------
    basis : skop orthonormal basis
        A tensor-product basis of :mod:`skop.preprocessing` (fitted or not) or
        a fitted :class:`~skop.preprocessing.OrthonormalFeatures`, possibly
        wrapped in :class:`sklearn.frozen.FrozenEstimator`.
    n_samples : int
        Points per draw.
    n_draws : int, default=None
        Independent draws (batched); ``None`` for one.
    n_features : int, default=None
        Input dimension ``d`` for a basis that is not fitted; ``None`` uses the
        fitted dimension, the length of a ``families`` list, or 1.
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
default=None
        Seed (repeatable per device; global RNGs untouched).
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to compute; points are returned as numpy arrays.

    Returns
    -------
    X : ndarray of shape (n_samples, d) or (n_draws, n_samples, d)
        Sample points.

    See Also
    --------
    sample_christoffel : The same on a finite candidate set.

    References
    ----------
    .. [1] A. Cohen and G. Migliorati, "Optimal weighted least-squares methods",
       SMAI Journal of Computational Mathematics, 2017.

    Examples
    --------
    >>> from skop.preprocessing import LegendreFeatures
    >>> from skop.sampling import sample_christoffel_points
    >>> X = sample_christoffel_points(LegendreFeatures(degree=4), 10, random_state=0)
    >>> X.shape, bool((abs(X) <= 1).all())
    ((10, 1), True)
    """
    n_samples = check_count(n_samples, "n_samples")
    B, squeeze = check_n_draws(n_draws)
    dev = resolve_device(device)
    kind, dom, cand = _resolve(basis, n_features, dev)
    if kind == "finite":
        return _finite_points(
            sample_christoffel, dom, cand, n_samples, n_draws,
            random_state=random_state, device=dev,
        )
    with torch_rng(draw_seed(random_state), dev), torch.inference_mode():
        X = dom.christoffel_points((B, n_samples))
    return _finish(X, squeeze)


def sample_projection_dpp_points(
    basis, n_draws=None, *, method="auto", n_features=None, random_state=None,
    device="auto",
):
    """Exact projection-DPP points of a basis on its continuous domain.

    Draws ``m`` points with joint density ``det[K(x_i, x_j)] / m!`` with
    respect to ``mu^m``, ``K(x, y) = phi(x)^T phi(y)``; each point has the
    optimal density ``k_m / m``.

    Parameters
    ----------
    basis : skop orthonormal basis
        See :func:`sample_christoffel_points`.
    n_draws : int, default=None
        Independent draws (batched); ``None`` for one.
    method : {"auto", "rejection", "ensemble"}, default="auto"
        ``"rejection"``: chain rule by rejection from the optimal density
        (any tensor-product basis, about ``m log m`` proposals per draw);
        ``"ensemble"``: eigenvalues of the classical random-matrix model
        (one-dimensional Legendre, Chebyshev, Hermite, Fourier); ``"auto"``
        uses the ensemble when available. Both are exact.
    n_features : int, default=None
        Input dimension ``d`` for a basis that is not fitted; ``None`` uses the
        fitted dimension, the length of a ``families`` list, or 1.
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
default=None
        Seed (repeatable per device; global RNGs untouched).
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to compute; points are returned as numpy arrays.

    Returns
    -------
    X : ndarray of shape (m, d) or (n_draws, m, d)
        Sample points in a uniformly random order.

    See Also
    --------
    sample_projection_dpp : The same on a finite candidate set.

    Notes
    -----
    The Legendre and Chebyshev ensembles use the tridiagonal Jacobi model of
    Killip and Nenciu, the Hermite ensemble that of Dumitriu and Edelman, and
    Fourier the eigenangles of a Haar unitary matrix.

    References
    ----------
    .. [1] A. Nouy and B. Michel, arXiv:2312.14057, 2023.
    .. [2] R. Killip and I. Nenciu, "Matrix models for circular ensembles",
       IMRN, 2004.
    .. [3] I. Dumitriu and A. Edelman, "Matrix models for beta ensembles",
       J. Math. Phys., 2002.

    Examples
    --------
    >>> from skop.preprocessing import HermiteFeatures
    >>> from skop.sampling import sample_projection_dpp_points
    >>> sample_projection_dpp_points(HermiteFeatures(degree=5), n_draws=2,
    ...                              random_state=0).shape
    (2, 6, 1)
    """
    _check_method(method)
    B, squeeze = check_n_draws(n_draws)
    dev = resolve_device(device)
    kind, dom, cand = _resolve(basis, n_features, dev)
    if kind == "finite":
        return _finite_points(
            sample_projection_dpp, dom, cand, n_draws,
            random_state=random_state, device=dev,
        )
    with torch_rng(draw_seed(random_state), dev), torch.inference_mode():
        X = dom.dpp_points(B, method)
    return _finish(X, squeeze)


def sample_volume_rescaled_points(
    basis, n_samples, n_draws=None, *, method="auto", n_features=None,
    random_state=None, device="auto",
):
    """Generalised volume-rescaled points: ``m`` DPP points plus i.i.d. points.

    The joint density of the ``n_samples >= m`` points is proportional to
    ``det(G) prod_i k_m(x_i) / m`` with ``G`` the weighted Gram matrix;
    weighted least squares on them is unbiased.

    Parameters
    ----------
    basis : skop orthonormal basis
        See :func:`sample_christoffel_points`.
    n_samples : int
        Points per draw, at least ``m``.
    n_draws : int, default=None
        Independent draws (batched); ``None`` for one.
    method : {"auto", "rejection", "ensemble"}, default="auto"
        DPP method, see :func:`sample_projection_dpp_points`.
    n_features : int, default=None
        Input dimension ``d`` for a basis that is not fitted; ``None`` uses the
        fitted dimension, the length of a ``families`` list, or 1.
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
default=None
        Seed (repeatable per device; global RNGs untouched).
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to compute; points are returned as numpy arrays.

    Returns
    -------
    X : ndarray of shape (n_samples, d) or (n_draws, n_samples, d)
        Sample points in a uniformly random order.

    See Also
    --------
    sample_volume_rescaled : The same on a finite candidate set.

    References
    ----------
    .. [1] A. Nouy and B. Michel, arXiv:2312.14057, 2023.

    Examples
    --------
    >>> from skop.preprocessing import LegendreFeatures
    >>> from skop.sampling import sample_volume_rescaled_points
    >>> sample_volume_rescaled_points(LegendreFeatures(degree=3), 8,
    ...                               random_state=0).shape
    (8, 1)
    """
    _check_method(method)
    n_samples = check_count(n_samples, "n_samples")
    B, squeeze = check_n_draws(n_draws)
    dev = resolve_device(device)
    kind, dom, cand = _resolve(basis, n_features, dev)
    if kind == "finite":
        return _finite_points(
            sample_volume_rescaled, dom, cand, n_samples, n_draws,
            random_state=random_state, device=dev,
        )
    check_volume_size(n_samples, dom.m)
    with torch_rng(draw_seed(random_state), dev), torch.inference_mode():
        X = torch.cat(
            [dom.dpp_points(B, method), dom.christoffel_points((B, n_samples - dom.m))],
            dim=1,
        )
        X = shuffle_rows(X)
    return _finish(X, squeeze)


def sample_dpp_repetitions_points(
    basis, n_repeats, n_draws=None, *, method="auto", n_features=None,
    random_state=None, device="auto",
):
    """``n_repeats`` independent projection-DPP samples of a basis, pooled.

    Parameters
    ----------
    basis : skop orthonormal basis
        See :func:`sample_christoffel_points`.
    n_repeats : int
        Number of independent DPP samples per draw (``n = n_repeats * m``).
    n_draws : int, default=None
        Independent draws (batched); ``None`` for one.
    method : {"auto", "rejection", "ensemble"}, default="auto"
        DPP method, see :func:`sample_projection_dpp_points`.
    n_features : int, default=None
        Input dimension ``d`` for a basis that is not fitted; ``None`` uses the
        fitted dimension, the length of a ``families`` list, or 1.
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator, \
default=None
        Seed (repeatable per device; global RNGs untouched).
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to compute; points are returned as numpy arrays.

    Returns
    -------
    X : ndarray of shape (n_repeats * m, d) or (n_draws, n_repeats * m, d)
        Sample points, repetition after repetition.

    See Also
    --------
    sample_dpp_repetitions : The same on a finite candidate set.

    References
    ----------
    .. [1] A. Nouy and B. Michel, arXiv:2312.14057, 2023.

    Examples
    --------
    >>> from skop.preprocessing import ChebyshevFeatures
    >>> from skop.sampling import sample_dpp_repetitions_points
    >>> sample_dpp_repetitions_points(ChebyshevFeatures(degree=3), 2,
    ...                               random_state=0).shape
    (8, 1)
    """
    _check_method(method)
    n_repeats = check_count(n_repeats, "n_repeats")
    B, squeeze = check_n_draws(n_draws)
    dev = resolve_device(device)
    kind, dom, cand = _resolve(basis, n_features, dev)
    if kind == "finite":
        return _finite_points(
            sample_dpp_repetitions, dom, cand, n_repeats, n_draws,
            random_state=random_state, device=dev,
        )
    with torch_rng(draw_seed(random_state), dev), torch.inference_mode():
        X = dom.dpp_points(B * n_repeats, method)
    X = X.reshape(B, n_repeats * dom.m, dom.d)
    return _finish(X, squeeze)
