"""Query points of point-wise operators (DeepONet): layouts, grids and batch transforms.

A target ``y`` is given either on a regular grid (its trailing axes; the
coordinates follow the ``grid`` convention over a box ``domain``) or at
explicit query points ``P``: ``(n_points, d)`` shared by every sample, or
``(n_samples, n_points, d)`` per sample. Internally targets are
``(n_samples, n_outputs, n_points)`` and points ``(n_points, d)`` or
``(n_samples, n_points, d)``.
"""

import numpy as np
import torch
from sklearn.utils.validation import check_array

from skop.nn.layers._grid import grid_coordinates


def box(domain, n_dims):
    """``domain`` as an ``(n_dims, 2)`` array of (low, high); ``None`` is the unit cube."""
    if domain is None:
        return np.tile([0.0, 1.0], (n_dims, 1))
    bounds = np.asarray(domain, dtype=np.float64)
    if bounds.ndim == 1:
        bounds = bounds[None]
    if bounds.shape != (n_dims, 2) or not np.all(bounds[:, 1] > bounds[:, 0]):
        raise ValueError(
            f"domain must be {n_dims} pair(s) (low, high) with high > low, one per grid "
            f"axis; got {domain!r}.")
    return bounds


def grid_points(shape, bounds, convention):
    """Coordinates ``(prod(shape), d)`` of a regular grid, the last axis fastest."""
    axes = [lo + (hi - lo) * grid_coordinates(n, convention, dtype=torch.float64).numpy()
            for n, (lo, hi) in zip(shape, bounds)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=-1)


def check_points(points, n_samples, n_dims=None, name="query_points"):
    """Validate ``points``: ``(q, d)`` shared or ``(n_samples, q, d)`` per sample."""
    P = check_array(points, dtype=np.float64, ensure_2d=False, allow_nd=True,
                    ensure_all_finite=True, input_name=name, ensure_min_samples=1)
    if P.ndim not in (2, 3):
        raise ValueError(
            f"{name} must be (n_points, d) -- shared by every sample -- or "
            f"(n_samples, n_points, d); got shape {P.shape}.")
    if P.ndim == 3 and len(P) != n_samples:
        raise ValueError(
            f"{name} of shape {P.shape} holds points for {len(P)} samples, but X has "
            f"{n_samples}. Pass (n_points, d) to share the points.")
    if n_dims is not None and P.shape[-1] != n_dims:
        raise ValueError(
            f"{name} has {P.shape[-1]} coordinate(s) per point, but the model was fitted "
            f"on {n_dims}-D query points.")
    return P


def target_at_points(y, n_points, name="y"):
    """``y`` given at ``n_points`` query points -> ``(n, n_outputs, q)``, had-output-axis."""
    if y.ndim == 1 and n_points == 1:
        return y[:, None, None], False
    if y.ndim == 2 and y.shape[1] == n_points:
        return y[:, None, :], False
    if y.ndim == 3 and y.shape[2] == n_points:
        return y, True
    raise ValueError(
        f"{name} has shape {y.shape}, but there are {n_points} query points: expected "
        f"(n_samples, {n_points}) or (n_samples, n_outputs, {n_points}).")


def target_on_grid(y, n_spatial_dims):
    """``y`` on a regular grid -> ``(y (n, n_outputs, q), grid shape, had-output-axis)``.

    ``(n_samples,)`` is one value per sample (a single query point);
    ``(n_samples, n_points)`` a 1-D grid. More axes need ``n_spatial_dims``:
    ``(n, *grid)`` or ``(n, n_outputs, *grid)``.
    """
    if y.ndim == 1:
        return y[:, None, None], (1,), False
    d = n_spatial_dims
    if d is None:
        if y.ndim == 2:
            d = 1
        else:
            raise ValueError(
                f"y of shape {y.shape} is ambiguous: a {y.ndim - 1}-D grid, or "
                f"{y.shape[1]} output components on a {y.ndim - 2}-D grid? Pass "
                "n_spatial_dims (or a domain with one (low, high) pair per grid axis), "
                "or give the points explicitly with fit(X, y, query_points=P).")
    if y.ndim - 1 == d:
        grid = tuple(y.shape[1:])
        return y.reshape(len(y), 1, -1), grid, False
    if y.ndim - 2 == d:
        grid = tuple(y.shape[2:])
        return y.reshape(len(y), y.shape[1], -1), grid, True
    raise ValueError(
        f"y has shape {y.shape}, but n_spatial_dims={d}: expected (n_samples, *grid) with "
        f"{d} grid axes or (n_samples, n_outputs, *grid).")


def broadcast(points, batch):
    """Shared points as a ``(batch, q, d)`` view with stride 0 on the batch axis.

    skorch requires every input of a batch to have the batch's length; the
    view costs no memory, and :class:`skop.nn.DeepONet` (like
    :class:`skop.nn.Standardized`) recognises it and computes the trunk once.
    """
    return points.expand(batch, *points.shape)


class AttachPoints:
    """Batch transform: add the shared query points to every batch (validation, predict)."""

    def __init__(self, points):
        self.points = torch.as_tensor(points)
        self._cache = None

    def _on(self, like):
        key = (like.device, like.dtype)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self.points.to(device=like.device, dtype=like.dtype))
        return self._cache[1]

    def __call__(self, X, y=None):
        u = X["u"]
        return {**X, "points": broadcast(self._on(u), len(u))}, y

    def __getstate__(self):
        return {"points": self.points, "_cache": None}


class QueryBatches(AttachPoints):
    """Training batch transform: subsample query points, add collocation points.

    Each step keeps ``query_batch_size`` of the query points (the same random
    subset for every sample of the batch; all points when ``None``) and, for
    physics-informed training, draws ``n_collocation`` uniform points per
    sample in ``bounds``. All draws come from ``generator``.

    Parameters
    ----------
    points : array-like of shape (q, d) or None
        Shared query points; ``None`` when they are per sample (in ``X``).
    query_batch_size : int or None
    n_collocation : int
        0 for no collocation points.
    bounds : array-like of shape (d, 2)
    generator : torch.Generator
    """

    def __init__(self, points, query_batch_size, n_collocation, bounds, generator):
        super().__init__(points if points is not None else torch.empty(0))
        self.shared = points is not None
        self.query_batch_size = query_batch_size
        self.n_collocation = n_collocation
        self.bounds = torch.as_tensor(np.asarray(bounds, dtype=np.float64))
        self.generator = generator

    def __call__(self, X, y=None):
        u = X["u"]
        points = self._on(u) if self.shared else X["points"]
        n_points = points.shape[-2]
        k = self.query_batch_size
        if k is not None and k < n_points:
            index = torch.randperm(n_points, generator=self.generator,
                                   device=self.generator.device)[:k].to(u.device)
            points = points[..., index, :]
            y = y[..., index]
        X = {**X, "points": broadcast(points, len(u)) if self.shared else points}
        if self.n_collocation:
            lo, hi = self.bounds.to(device=u.device, dtype=u.dtype).unbind(-1)
            shape = (len(u), self.n_collocation, len(lo))
            draw = torch.rand(shape, generator=self.generator, device=self.generator.device)
            X["collocation"] = lo + (hi - lo) * draw.to(device=u.device, dtype=u.dtype)
        return X, y

    def __getstate__(self):
        return {**self.__dict__, "_cache": None}
