"""Learned spectral basis of a point cloud ("Learning eigenstructures of unstructured data manifolds")."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import TransformerMixin
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from skop.base import BaseTorchEstimator
from skop.nn.losses._nested import NestedProjectionLoss, nested_residuals
from skop.nn.models._spectral_basis import SpectralBasisNet


def knn_smoother(X, n_neighbors, bandwidth="auto"):
    """Row-normalised Gaussian kNN averaging operator (self loops included), as a scipy CSR matrix."""
    k = min(n_neighbors + 1, len(X))
    dist, idx = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)
    if bandwidth == "auto":
        positive = dist[:, 1:][dist[:, 1:] > 0]
        bandwidth = float(np.median(positive)) if positive.size else 1.0
    W = np.exp(-(dist / bandwidth) ** 2 / 2)
    W /= W.sum(1, keepdims=True)
    rows = np.repeat(np.arange(len(X)), k)
    return sp.csr_matrix((W.ravel(), (rows, idx.ravel())), shape=(len(X), len(X))), bandwidth


def _to_torch_sparse(S, dtype):
    S = S.tocoo()
    idx = torch.as_tensor(np.stack([S.row, S.col]), dtype=torch.int64)
    return torch.sparse_coo_tensor(idx, torch.as_tensor(S.data, dtype=dtype), S.shape,
                                   check_invariants=False).coalesce()


class ProbeSampler:
    """Batch transform: fresh smooth random probe functions on the cloud at every step.

    ``F = S^t U``: i.i.d. uniform values in [-1, 1] on the points, smoothed by
    ``t`` steps of the kNN averaging operator ``S``.
    """

    def __init__(self, smoother, n_probes, n_steps, generator):
        self.smoother = smoother
        self.n_probes = n_probes
        self.n_steps = n_steps
        self.generator = generator

    def __call__(self, X, y=None):
        S = self.smoother.to(device=X.device, dtype=X.dtype)
        n = X.shape[1]
        U = 2 * torch.rand((n, self.n_probes), generator=self.generator, device=X.device,
                           dtype=X.dtype) - 1
        for _ in range(self.n_steps):
            U = torch.sparse.mm(S, U)
        return X, U[None]


class LearnedSpectralBasis(TransformerMixin, BaseTorchEstimator):
    """A learned Laplacian-eigenfunction-like basis of a point cloud, its density and eigenvalues.

    A per-point network ``B(x)`` gives ``n_components`` raw functions on the
    cloud, orthonormalised by a QR factorisation ``B = Q R`` over the points.
    At every step fresh smooth random probe functions are drawn (random values
    smoothed by ``n_smoothing_steps`` steps of a kNN averaging operator), and
    the loss is the probes' projection residual on the first ``k`` columns,
    averaged over every ``k``: the basis learns the dominant eigenvectors of
    the smoothing operator, ordered, which approximate the Laplace-Beltrami
    eigenfunctions of the sampled manifold. No mesh, no operator matrix is
    assembled for the basis and no eigensolver runs.

    Parameters
    ----------
    n_components : int, default=9
        Basis functions ``K`` (the first is close to constant).
    n_neighbors : int, default=10
        Neighbours of the smoothing graph.
    n_smoothing_steps : int, default=40
        Smoothing steps of each probe.
    n_probes : int, default=256
        Probes per training step.
    bandwidth : float or "auto", default="auto"
        Gaussian width of the smoothing weights; ``"auto"``: the median
        distance to the ``n_neighbors`` nearest neighbours.
    hidden : tuple of int, default=(64, 128)
        Hidden widths of the per-point MLP.
    max_epochs : int, default=300
        Training steps (one cloud, fresh probes, per step).
    lr, optimizer, weight_decay, optimizer_kwargs, lr_schedule, callbacks, warm_start, \
precision, compile, device, inference_precision, verbose, random_state
        As in :class:`skop.base.BaseTorchEstimator`; ``random_state`` also
        seeds the probes.

    Attributes
    ----------
    basis_ : ndarray of shape (n_points, n_components)
        The learned basis on the training points, unit mean square.
    eigenvalues_ : ndarray of shape (n_components,)
        Decay-rate estimates ``-log(mu_k / mu_0) / (2 t)``, with ``mu_k`` the
        probe energy captured by column ``k`` (exact, from the smoothing
        operator): proportional to the Laplacian eigenvalues (ratios
        1, 1, 4, 4, ... on a circle). ``1 / residual`` would not be.
    density_ : ndarray of shape (n_points,)
        Relative sampling density at the training points (``n Q[:, 0]^2``; 1
        everywhere for uniform sampling).
    residuals_ : ndarray of shape (n_components,)
        Expected relative probe residual after each truncation level.
    n_features_in_ : int
        Ambient dimension.

    See Also
    --------
    sklearn.manifold.SpectralEmbedding : graph-Laplacian embedding (no
        out-of-sample transform, eigenvalues or density).

    Examples
    --------
    >>> from skop.datasets import make_circle
    >>> from skop.manifold import LearnedSpectralBasis
    >>> X, theta = make_circle(100, random_state=0)
    >>> lsb = LearnedSpectralBasis(n_components=5, max_epochs=20, random_state=0).fit(X)
    >>> lsb.transform(X[:3]).shape
    (3, 5)
    """

    _parameter_constraints = {
        **BaseTorchEstimator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "n_smoothing_steps": [Interval(Integral, 1, None, closed="left")],
        "n_probes": [Interval(Integral, 1, None, closed="left")],
        "bandwidth": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "hidden": [tuple],
    }
    _module_params = (*BaseTorchEstimator._module_params, "n_components", "hidden")

    def __init__(self, n_components=9, *, n_neighbors=10, n_smoothing_steps=40, n_probes=256,
                 bandwidth="auto", hidden=(64, 128), max_epochs=300, lr=3e-3,
                 optimizer="adamw", weight_decay=0.0, optimizer_kwargs=None,
                 lr_schedule="cosine", callbacks=None, warm_start=False, precision="float32",
                 compile=False, device="auto", inference_precision="auto", verbose=0,
                 random_state=None):
        super().__init__(
            max_epochs=max_epochs, batch_size=1, lr=lr, optimizer=optimizer,
            weight_decay=weight_decay, optimizer_kwargs=optimizer_kwargs,
            lr_schedule=lr_schedule, early_stopping=False, callbacks=callbacks,
            warm_start=warm_start, precision=precision, compile=compile, device=device,
            inference_precision=inference_precision, verbose=verbose,
            random_state=random_state,
        )
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.n_smoothing_steps = n_smoothing_steps
        self.n_probes = n_probes
        self.bandwidth = bandwidth
        self.hidden = hidden

    def fit(self, X, y=None):
        """Learn the basis of the cloud ``X`` of shape (n_points, n_features)."""
        self._validate_params()
        if sp.issparse(X):
            raise ValueError("LearnedSpectralBasis does not accept sparse X: pass X.toarray().")
        with self._fit_transaction():
            X = validate_data(self, X, dtype=np.float64)
            n = len(X)
            if n <= self.n_components:
                raise ValueError(
                    f"The cloud has {n} point(s) (n_samples = {n}), not more than "
                    f"n_components={self.n_components}: a basis of {self.n_components} "
                    "functions needs more points than functions.")
            S, self.bandwidth_ = knn_smoother(X, self.n_neighbors, self.bandwidth)
            self._smoother = _to_torch_sparse(S, torch.float32)
            self._fit_arrays(X[None], None)
            self._finish(X, S)
        return self

    def _finish(self, X, S):
        """Fitted summaries: R, the basis, density, exact residuals and eigenvalues."""
        module = self._inference_module()
        dtype = self._inference_dtype()
        with torch.no_grad():
            pts = torch.tensor(X[None], dtype=dtype, device=self.device_)
            Q, R = module(pts)
        Q = Q[0].cpu().double().numpy()
        self._R = R.detach()
        n = len(X)
        self.basis_ = Q * np.sqrt(n)
        self.density_ = n * Q[:, 0] ** 2
        # Exact probe energy per column: E||q^T S^t U||^2 = ||(S^t)^T q||^2 / 3.
        V = Q.copy()
        for _ in range(self.n_smoothing_steps):
            V = S.T @ V
        mu = (V ** 2).sum(0) / 3
        total = self._probe_energy(S, n)
        self.residuals_ = 1 - np.cumsum(mu) / total
        self.eigenvalues_ = -np.log(np.clip(mu / mu[0], 1e-300, None)) / (2 * self.n_smoothing_steps)

    def _probe_energy(self, S, n):
        """``E ||S^t U||^2 = trace(S^t S^tT) / 3 = ||S^t||_F^2 / 3`` for uniform U in [-1, 1]."""
        P = sp.identity(n, format="csr")
        for _ in range(self.n_smoothing_steps):
            P = S @ P
        return float(P.multiply(P).sum()) / 3

    def _normalization(self, X, y):
        loc = X.mean(dim=1, keepdim=True)
        scale = X.std(correction=0).clamp_min(1e-12)
        return (loc, scale.reshape(1, 1, 1).expand_as(loc).clone()), None

    def _build_module(self, X, y):
        return SpectralBasisNet(X.shape[-1], self.n_components, self.hidden)

    def _build_criterion(self, y, y_scale):
        return NestedProjectionLoss()

    def _batch_transform(self, generator):
        return ProbeSampler(self._smoother, self.n_probes, self.n_smoothing_steps, generator)

    def transform(self, X):
        """The basis at points ``X`` of the fitted manifold: (n, n_components), unit mean square."""
        check_is_fitted(self, "basis_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        module = self._inference_module()
        dtype = self._inference_dtype()
        with torch.no_grad():
            pts = torch.tensor(X[None], dtype=dtype, device=self.device_)
            B = module.model.basis_at(module._normalize("x", pts), self._R.to(dtype))
        return B[0].cpu().double().numpy() * np.sqrt(len(self.basis_))

    def score_samples(self, X):
        """Relative sampling density at ``X`` (1 for uniform sampling), from the first basis function."""
        return self.transform(X)[:, 0] ** 2
