"""Learned spectral basis of point clouds ("Learning eigenstructures of unstructured data manifolds")."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from skop.base import BaseTorchEstimator, pad_sets
from skop.manifold._probes import (ProbeSampler, knn_smoother, probe_energy, smoothed_power,
                                   to_torch_sparse)
from skop.nn.losses._nested import NestedProjectionLoss
from skop.nn.models._spectral_basis import SpectralBasisNet

# Query points evaluated beside a fitted cloud per forward pass.
_QUERY_CHUNK = 4096


def _is_cloud_list(X):
    """A list / tuple of 2-D arrays is several clouds; anything else is one cloud (n_points, D)."""
    return (isinstance(X, (list, tuple)) and len(X) > 0
            and all(np.ndim(c) == 2 for c in X))


class LearnedSpectralBasis(TransformerMixin, BaseTorchEstimator):
    """A learned Laplacian-eigenfunction-like basis of point clouds, their density and eigenvalues.

    A point network ``B(x)`` gives ``n_components`` raw functions on a cloud:
    a per-point MLP, followed (``n_attention_layers > 0``) by transformer
    blocks in which every point attends to the whole cloud, so the basis can
    depend on the cloud's shape. The raw functions are orthonormalised by a
    QR factorisation ``B = Q R`` over the cloud's points. At every step fresh
    smooth random probe functions are drawn (random values smoothed by
    ``n_smoothing_steps`` steps of a kNN averaging operator of that cloud), and
    the loss is the probes' projection residual on the first ``k`` columns,
    averaged over every ``k``: the basis learns the dominant eigenvectors of
    the smoothing operator, ordered, which approximate the Laplace-Beltrami
    eigenfunctions of the sampled manifold. No mesh, no operator matrix is
    assembled and no ``n x n`` eigensolver runs; after training, a
    Rayleigh-Ritz step in the learned span (``refine``, a ``K x K``
    eigenproblem of exact probe energies) orders the functions exactly.

    ``fit`` takes one cloud ``(n_points, n_features)`` or a list of clouds of
    any sizes (padded and masked internally, one cloud per step).

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
        Gaussian width of the smoothing weights; ``"auto"``: half the median
        distance to the ``n_neighbors`` nearest neighbours, per cloud.
    hidden : tuple of int, default=(64, 128)
        Hidden widths of the per-point MLP (the last is the attention width).
    n_attention_layers : int, default=0
        Transformer blocks across the points of a cloud. 0: the basis is a
        function of the coordinates alone (enough for clouds of one manifold).
    n_heads : int, default=4
        Attention heads (``hidden[-1]`` must be a multiple).
    refine : bool, default=True
        Rayleigh-Ritz in the learned span after training: rotate the ``K``
        learned functions by the eigenvectors of their exact ``K x K`` probe
        energy matrix (``t`` sparse products with the smoother; no ``n x n``
        eigensolver). It orders the functions exactly and separates the
        constant from the first modes, which the density needs.
    max_epochs : int, default=300
        Passes over the clouds (one cloud, fresh probes, per step).
    lr, optimizer, weight_decay, optimizer_kwargs, lr_schedule, callbacks, warm_start, \
precision, compile, device, inference_precision, verbose, random_state
        As in :class:`skop.base.BaseTorchEstimator`; ``random_state`` also
        seeds the probes.

    Attributes
    ----------
    basis_ : ndarray of shape (n_points, n_components), or a list of them
        The learned basis on the training points, unit mean square (one array
        per cloud for a list fit).
    eigenvalues_ : ndarray of shape (n_components,) or (n_clouds, n_components)
        Decay-rate estimates ``-log(mu_k / mu_0) / (2 t)``, with ``mu_k`` the
        probe energy captured by column ``k`` (exact, from the smoothing
        operator): proportional to the Laplacian eigenvalues (ratios
        1, 1, 4, 4, ... on a circle). ``1 / residual`` would not be.
    density_ : ndarray of shape (n_points,), or a list of them
        Relative sampling density at the training points (``n Q[:, 0]^2``; 1
        everywhere for uniform sampling).
    residuals_ : ndarray of shape (n_components,) or (n_clouds, n_components)
        Expected relative probe residual after each truncation level.
    bandwidth_ : float or ndarray of shape (n_clouds,)
        Smoothing bandwidth used.
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
    >>> new_cloud, _ = make_circle(80, random_state=1)
    >>> lsb.transform(new_cloud, cloud="self").shape
    (80, 5)
    """

    _parameter_constraints = {
        **BaseTorchEstimator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "n_smoothing_steps": [Interval(Integral, 1, None, closed="left")],
        "n_probes": [Interval(Integral, 1, None, closed="left")],
        "bandwidth": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "hidden": [tuple],
        "n_attention_layers": [Interval(Integral, 0, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "refine": ["boolean"],
    }
    _module_params = (*BaseTorchEstimator._module_params, "n_components", "hidden",
                      "n_attention_layers", "n_heads")

    def __init__(self, n_components=9, *, n_neighbors=10, n_smoothing_steps=40, n_probes=256,
                 bandwidth="auto", hidden=(64, 128), n_attention_layers=0, n_heads=4,
                 refine=True, max_epochs=300, lr=3e-3, optimizer="adamw", weight_decay=0.0,
                 optimizer_kwargs=None, lr_schedule="cosine", callbacks=None, warm_start=False,
                 precision="float32", compile=False, device="auto", inference_precision="auto",
                 verbose=0, random_state=None):
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
        self.n_attention_layers = n_attention_layers
        self.n_heads = n_heads
        self.refine = refine

    # ------------------------------------------------------------ input
    def _clouds(self, X, reset):
        """``X`` as a list of validated float64 clouds, and whether it was a list."""
        if sp.issparse(X) or (isinstance(X, (list, tuple)) and any(sp.issparse(c) for c in X)):
            raise ValueError("LearnedSpectralBasis does not accept sparse X: pass X.toarray().")
        if not _is_cloud_list(X):
            return [validate_data(self, X, dtype=np.float64, reset=reset)], False
        clouds = [np.asarray(c, dtype=np.float64) for c in X]
        dims = sorted({c.shape[1] for c in clouds})
        if len(dims) != 1:
            raise ValueError(f"All clouds must have the same ambient dimension; got {dims}.")
        points = validate_data(self, np.concatenate(clouds), dtype=np.float64, reset=reset)
        bounds = np.cumsum([0, *(len(c) for c in clouds)])
        return [points[a:b] for a, b in zip(bounds[:-1], bounds[1:])], True

    def _check_size(self, clouds, what):
        for i, cloud in enumerate(clouds):
            if len(cloud) <= self.n_components:
                name = what if len(clouds) == 1 else f"{what} {i}"
                raise ValueError(
                    f"The {name} has {len(cloud)} point(s) (n_samples = {len(cloud)}), not more "
                    f"than n_components={self.n_components}: a basis of {self.n_components} "
                    "functions needs more points than functions.")

    # ------------------------------------------------------------ fit
    def fit(self, X, y=None):
        """Learn the basis of the cloud ``X`` (n_points, n_features), or of a list of clouds."""
        self._validate_params()
        if self.n_attention_layers and self.hidden[-1] % self.n_heads:
            raise ValueError(f"hidden[-1]={self.hidden[-1]} must be a multiple of "
                             f"n_heads={self.n_heads} when n_attention_layers > 0.")
        with self._fit_transaction():
            clouds, is_list = self._clouds(X, reset=True)
            self._check_size(clouds, "cloud")
            smoothers, bandwidths = zip(*(knn_smoother(c, self.n_neighbors, self.bandwidth)
                                          for c in clouds))
            self._smoothers = [to_torch_sparse(S) for S in smoothers]
            padded, mask = pad_sets(clouds)
            self._fit_arrays({"points": padded, "mask": mask,
                              "cloud": np.arange(len(clouds))}, None)
            self._train_clouds = clouds
            self._finish(clouds, smoothers, is_list)
            self.bandwidth_ = np.array(bandwidths) if is_list else bandwidths[0]
        return self

    def _finish(self, clouds, smoothers, is_list):
        """Fitted summaries per cloud: the basis, density, exact residuals and eigenvalues."""
        self._is_list = is_list
        summaries = [self._summary(c, S) for c, S in zip(clouds, smoothers)]
        basis, density, residuals, eigenvalues, self._rotations = zip(*summaries)
        if is_list:
            self.basis_, self.density_ = list(basis), list(density)
            self.residuals_, self.eigenvalues_ = np.stack(residuals), np.stack(eigenvalues)
        else:
            self.basis_, self.density_ = basis[0], density[0]
            self.residuals_, self.eigenvalues_ = residuals[0], eigenvalues[0]

    def _summary(self, cloud, S):
        n = len(cloud)
        Q, mu, rotation = self._refined_basis(cloud, S)
        residuals = 1 - np.cumsum(mu) / probe_energy(S, self.n_smoothing_steps)
        eigenvalues = -np.log(np.clip(mu / mu[0], 1e-300, None)) / (2 * self.n_smoothing_steps)
        return Q * np.sqrt(n), n * Q[:, 0] ** 2, residuals, eigenvalues, rotation

    def _refined_basis(self, cloud, S):
        """The network's orthonormal basis on ``cloud``, refined; its exact probe energies; the rotation.

        The expected probe energy of a unit function ``q`` is
        ``E||q^T S^t U||^2 = ||(S^t)^T q||^2 / 3`` (``t`` sparse products, no
        ``n x n`` matrix). With ``refine`` the ``K x K`` Gram matrix of these
        energies over the learned span is diagonalised (Rayleigh-Ritz): the
        columns become the best approximations of the smoother's dominant
        directions *within* the span, ordered exactly -- what separates the
        constant function from the first modes to the accuracy the density needs.
        """
        Q = self._orthonormal_basis(cloud)
        P = smoothed_power(S, Q, self.n_smoothing_steps, transpose=True)
        if not self.refine:
            return Q, (P ** 2).sum(0) / 3, np.eye(Q.shape[1])
        energy, V = np.linalg.eigh(P.T @ P / 3)
        energy, V = energy[::-1], V[:, ::-1]
        # Deterministic signs: the largest entry of each rotated column is positive.
        QV = Q @ V
        V = V * np.sign(QV[np.abs(QV).argmax(0), np.arange(V.shape[1])])
        return Q @ V, np.clip(energy, 0, None), V

    def _orthonormal_basis(self, cloud):
        """``Q`` of the cloud on itself (orthonormal columns), float64."""
        module = self._inference_module()
        with torch.no_grad():
            pts = torch.tensor(cloud[None], dtype=self._inference_dtype(), device=self.device_)
            Q, _ = module(points=pts)
        return Q[0].cpu().double().numpy()

    def _normalization(self, X, y):
        # One isotropic scale (the geometry is kept) and the mean of all real points.
        mask = X["mask"][..., None].to(X["points"].dtype)
        n = mask.sum()
        loc = (X["points"] * mask).sum((0, 1), keepdim=True) / n
        var = (((X["points"] - loc) * mask) ** 2).sum() / n
        scale = var.sqrt().clamp_min(1e-12).reshape(1, 1, 1).expand_as(loc).clone()
        return {"points": (loc, scale)}, None

    def _build_module(self, X, y):
        return SpectralBasisNet(X["points"].shape[-1], self.n_components, self.hidden,
                                self.n_attention_layers, self.n_heads)

    def _build_criterion(self, y, y_scale):
        return NestedProjectionLoss()

    def _batch_transform(self, generator):
        return ProbeSampler(self._smoothers, self.n_probes, self.n_smoothing_steps, generator)

    # ------------------------------------------------------------ transform
    def fit_transform(self, X, y=None):
        """Fit, and return the basis on the training points (``basis_``)."""
        self.fit(X)
        return [b.copy() for b in self.basis_] if self._is_list else self.basis_.copy()

    def transform(self, X, cloud="auto"):
        """The basis at points ``X``: unit mean square on the cloud it is relative to.

        Parameters
        ----------
        X : array-like of shape (n, n_features), or a list of them
            Points, or a list of clouds.
        cloud : "auto", "self" or int, default="auto"
            What ``X`` is. An int ``i``: points on the manifold of training
            cloud ``i`` -- the basis is that cloud's, continued to ``X``
            (``B(X) R_i^{-1}``). ``"self"``: ``X`` is a new cloud, with its own
            basis (orthonormalised over ``X``). ``"auto"``: a list is a list
            of new clouds; an array is points of the training cloud after a
            fit on one cloud (after a fit on several, say which).

        Returns
        -------
        ndarray of shape (n, n_components), or a list of them for a list ``X``
        """
        check_is_fitted(self, "basis_")
        clouds, is_list = self._clouds(X, reset=False)
        if is_list:
            if cloud not in ("auto", "self"):
                raise ValueError(f"A list of clouds is transformed each on itself: cloud must "
                                 f"be 'auto' or 'self', got {cloud!r}.")
            self._check_size(clouds, "new cloud")
            return [self._new_cloud_basis(c) for c in clouds]
        return self._transform_points(clouds[0], self._resolve_cloud(cloud))

    def _resolve_cloud(self, cloud):
        n_fitted = len(self._train_clouds)
        if cloud == "auto":
            if n_fitted > 1 or self._is_list:
                raise ValueError(
                    f"The model was fitted on {n_fitted} clouds: pass cloud=i to evaluate at "
                    "points of training cloud i, or cloud='self' to treat X as a new cloud.")
            return 0
        if cloud == "self":
            return "self"
        if isinstance(cloud, (Integral, np.integer)) and not isinstance(cloud, bool) \
                and 0 <= cloud < n_fitted:
            return int(cloud)
        raise ValueError(f"cloud must be 'auto', 'self' or an int in [0, {n_fitted}); "
                         f"got {cloud!r}.")

    def _transform_points(self, X, cloud):
        if cloud == "self":
            self._check_size([X], "new cloud")
            return self._new_cloud_basis(X)
        base = self._train_clouds[cloud]
        module = self._inference_module()
        dtype = self._inference_dtype()
        out = []
        with torch.no_grad():
            for start in range(0, len(X), _QUERY_CHUNK):
                # The queries ride along with the cloud, outside its mask: they
                # attend to the cloud and get its basis continued, changing nothing.
                queries = X[start:start + _QUERY_CHUNK]
                pts = torch.tensor(np.concatenate([base, queries])[None], dtype=dtype,
                                   device=self.device_)
                mask = torch.zeros(pts.shape[:2], dtype=torch.bool, device=self.device_)
                mask[:, :len(base)] = True
                Q, _ = module(points=pts, mask=mask)
                out.append(Q[0, len(base):].cpu().double().numpy())
        return np.concatenate(out) @ self._rotations[cloud] * np.sqrt(len(base))

    def _new_cloud_basis(self, cloud):
        """A new cloud's own basis: one forward pass (and its own smoother for the refinement)."""
        S, _ = knn_smoother(cloud, self.n_neighbors, self._bandwidth_rule())
        return self._refined_basis(cloud, S)[0] * np.sqrt(len(cloud))

    def _bandwidth_rule(self):
        return self.bandwidth

    def score_samples(self, X, cloud="auto"):
        """Relative sampling density at ``X`` (1 for uniform sampling), from the first basis function."""
        basis = self.transform(X, cloud)
        return [b[:, 0] ** 2 for b in basis] if isinstance(basis, list) else basis[:, 0] ** 2
