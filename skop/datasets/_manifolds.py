"""Point clouds sampled from manifolds, with exact Laplace-Beltrami eigenpairs where known.

Circle, sphere and flat torus have closed-form eigenfunctions (Fourier modes,
spherical harmonics, products of Fourier modes); the Swiss roll and the ring
torus do not, and are returned with their intrinsic coordinates only. Near-
uniform sampling (a jittered grid, the Fibonacci sphere) matters: on small
uniformly random samples neither learned nor graph-Laplacian bases match the
continuum modes well.
"""

from math import factorial

import numpy as np
from scipy.special import lpmv

from sklearn.utils import check_random_state

_SAMPLINGS = ("jittered", "grid", "random")


def _check(n_samples, sampling, allowed):
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}.")
    if sampling not in allowed:
        raise ValueError(f"sampling must be one of {allowed}, got {sampling!r}.")


def _unit_interval(n, sampling, rng):
    """``n`` points in [0, 1): a grid, a grid jittered inside its cells, or uniform."""
    if sampling == "random":
        return np.sort(rng.random(n))
    offset = rng.random(n) if sampling == "jittered" else 0.5
    return (np.arange(n) + offset) / n


def _noisy(X, noise, rng):
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}.")
    return X + noise * rng.standard_normal(X.shape) if noise else X


def make_circle(n_samples=200, *, sampling="jittered", noise=0.0, radius=1.0,
                random_state=None):
    """Points on a circle of ``radius`` in the plane.

    Parameters
    ----------
    n_samples : int, default=200
    sampling : {"jittered", "grid", "random"}, default="jittered"
        ``"grid"``: equispaced angles; ``"jittered"``: one uniform angle in
        each of ``n_samples`` equal arcs (near-uniform); ``"random"``: i.i.d.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to the coordinates.
    radius : float, default=1.0
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    theta : ndarray of shape (n_samples,)
        The angle of each point (before noise), for :func:`manifold_eigenfunctions`.
    """
    _check(n_samples, sampling, _SAMPLINGS)
    rng = check_random_state(random_state)
    theta = 2 * np.pi * _unit_interval(n_samples, sampling, rng)
    X = radius * np.column_stack([np.cos(theta), np.sin(theta)])
    return _noisy(X, noise, rng), theta


def make_sphere(n_samples=500, *, sampling="fibonacci", noise=0.0, random_state=None):
    """Points on the unit sphere in R^3.

    Parameters
    ----------
    n_samples : int, default=500
    sampling : {"fibonacci", "random"}, default="fibonacci"
        ``"fibonacci"``: the golden-angle spiral (near-uniform), randomly
        rotated about the z axis; ``"random"``: i.i.d. uniform.
    noise : float, default=0.0
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, 3)
    angles : ndarray of shape (n_samples, 2)
        Polar angle ``theta`` in [0, pi] and azimuth ``phi`` in [0, 2 pi).
    """
    _check(n_samples, sampling, ("fibonacci", "random"))
    rng = check_random_state(random_state)
    if sampling == "fibonacci":
        i = np.arange(n_samples) + 0.5
        z = 1 - 2 * i / n_samples
        phi = (np.pi * (3 - np.sqrt(5)) * i + 2 * np.pi * rng.random()) % (2 * np.pi)
    else:
        z = rng.uniform(-1, 1, n_samples)
        phi = rng.uniform(0, 2 * np.pi, n_samples)
    theta = np.arccos(np.clip(z, -1, 1))
    s = np.sqrt(1 - z ** 2)
    X = np.column_stack([s * np.cos(phi), s * np.sin(phi), z])
    return _noisy(X, noise, rng), np.column_stack([theta, phi])


def make_torus(n_samples=400, *, kind="flat", sampling="jittered", noise=0.0, major_radius=2.0,
               minor_radius=1.0, random_state=None):
    """Points on a torus.

    Parameters
    ----------
    n_samples : int, default=400
        With ``sampling="grid"`` or ``"jittered"``, rounded down to a square
        ``m x m`` grid of cells.
    kind : {"flat", "ring"}, default="flat"
        ``"flat"``: the Clifford torus ``(cos u, sin u, cos v, sin v) / sqrt 2``
        in R^4 (flat metric: exact eigenfunctions); ``"ring"``: the doughnut
        in R^3 with the given radii (angles sampled uniformly, so the
        density on the surface is not uniform).
    sampling : {"jittered", "grid", "random"}, default="jittered"
    noise : float, default=0.0
    major_radius, minor_radius : float
        Radii of the ring torus.
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n, 4) or (n, 3)
    angles : ndarray of shape (n, 2)
        ``(u, v)`` in [0, 2 pi)^2.
    """
    _check(n_samples, sampling, _SAMPLINGS)
    if kind not in ("flat", "ring"):
        raise ValueError(f"kind must be 'flat' or 'ring', got {kind!r}.")
    rng = check_random_state(random_state)
    if sampling == "random":
        u, v = 2 * np.pi * rng.random((2, n_samples))
    else:
        m = int(np.sqrt(n_samples))
        gu, gv = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
        jitter = rng.random((2, m * m)) if sampling == "jittered" else np.full((2, m * m), 0.5)
        u = 2 * np.pi * (gu.ravel() + jitter[0]) / m
        v = 2 * np.pi * (gv.ravel() + jitter[1]) / m
    if kind == "flat":
        X = np.column_stack([np.cos(u), np.sin(u), np.cos(v), np.sin(v)]) / np.sqrt(2)
    else:
        ring = major_radius + minor_radius * np.cos(v)
        X = np.column_stack([ring * np.cos(u), ring * np.sin(u), minor_radius * np.sin(v)])
    return _noisy(X, noise, rng), np.column_stack([u, v])


def make_swiss_roll_manifold(n_samples=1000, *, sampling="jittered", noise=0.0,
                             random_state=None):
    """Points on the Swiss roll ``(t cos t, h, t sin t)``, ``t`` in [1.5 pi, 4.5 pi], ``h`` in [0, 21].

    Unlike :func:`sklearn.datasets.make_swiss_roll`, ``"jittered"`` sampling
    is near-uniform in *arc length* (the roll's own area measure), not in
    ``t``.

    Returns
    -------
    X : ndarray of shape (n, 3)
        ``n`` is ``n_samples`` rounded down to ``m x (n_samples // m)``.
    coords : ndarray of shape (n, 2)
        ``(t, h)``.
    """
    _check(n_samples, sampling, _SAMPLINGS)
    rng = check_random_state(random_state)
    t_lo, t_hi = 1.5 * np.pi, 4.5 * np.pi

    def arc(t):  # arc length of the spiral r = t from t_lo
        return 0.5 * (t * np.sqrt(1 + t ** 2) + np.arcsinh(t))

    grid = np.linspace(t_lo, t_hi, 4097)
    s_grid = arc(grid) - arc(t_lo)
    length = s_grid[-1]
    n_s = max(1, int(np.sqrt(n_samples * length / 21.0)))
    n_h = max(1, n_samples // n_s)
    n = n_s * n_h
    if sampling == "random":
        s, h = length * rng.random(n), 21.0 * rng.random(n)
    else:
        offset = rng.random((2, n)) if sampling == "jittered" else np.full((2, n), 0.5)
        s = length * (np.repeat(np.arange(n_s), n_h) + offset[0]) / n_s
        h = 21.0 * (np.tile(np.arange(n_h), n_s) + offset[1]) / n_h
    t = np.interp(s, s_grid, grid)
    X = np.column_stack([t * np.cos(t), h, t * np.sin(t)])
    return _noisy(X, noise, rng), np.column_stack([t, h])


def _real_fourier(theta, n):
    """1, cos t, sin t, cos 2t, sin 2t, ...: n functions, unit mean square on the circle."""
    cols, freqs = [np.ones_like(theta)], [0]
    m = 1
    while len(cols) < n:
        cols += [np.sqrt(2) * np.cos(m * theta), np.sqrt(2) * np.sin(m * theta)]
        freqs += [m, m]
        m += 1
    return np.column_stack(cols[:n]), np.array(freqs[:n])


def _spherical_harmonics(theta, phi, n):
    """Real spherical harmonics by degree, unit mean square on the sphere (normalised area)."""
    cols, degrees = [], []
    l = 0
    while len(cols) < n:
        x = np.cos(theta)
        for m in range(-l, l + 1):
            am = abs(m)
            norm = np.sqrt((2 * l + 1) * factorial(l - am) / factorial(l + am))
            # lpmv includes the Condon-Shortley phase; the sign is irrelevant here.
            P = lpmv(am, l, x)
            if m == 0:
                cols.append(norm * P)
            elif m > 0:
                cols.append(np.sqrt(2) * norm * P * np.cos(m * phi))
            else:
                cols.append(np.sqrt(2) * norm * P * np.sin(am * phi))
            degrees.append(l)
        l += 1
    return np.column_stack(cols[:n]), np.array(degrees[:n])


def manifold_eigenfunctions(manifold, coords, n_components):
    """Exact Laplace-Beltrami eigenfunctions at sampled points, ordered by eigenvalue.

    Parameters
    ----------
    manifold : {"circle", "sphere", "flat_torus"}
        The unit circle, the unit sphere, or the flat torus ``[0, 2 pi)^2``.
    coords : ndarray
        The intrinsic coordinates returned by the sampler (``theta``; ``(theta,
        phi)``; ``(u, v)``).
    n_components : int
        Functions to return (the first ones, constant first).

    Returns
    -------
    phi : ndarray of shape (n_points, n_components)
        Real eigenfunctions with unit mean square under the uniform
        probability measure (orthonormal in the continuum; on near-uniform
        samples ``phi.T @ phi / n`` is close to the identity).
    eigenvalues : ndarray of shape (n_components,)
        Circle ``m^2``; sphere ``l (l + 1)``; flat torus ``a^2 + b^2``. A cut
        inside an eigenspace returns part of it: compare subspaces only at
        complete multiplicities.
    """
    coords = np.asarray(coords, dtype=np.float64)
    if manifold == "circle":
        phi, m = _real_fourier(coords.ravel(), n_components)
        return phi, m.astype(float) ** 2
    if manifold == "sphere":
        phi, l = _spherical_harmonics(coords[:, 0], coords[:, 1], n_components)
        return phi, (l * (l + 1)).astype(float)
    if manifold == "flat_torus":
        u, v = coords[:, 0], coords[:, 1]
        M = int(np.ceil(np.sqrt(n_components))) + 2
        fu, mu = _real_fourier(u, 2 * M + 1)
        fv, mv = _real_fourier(v, 2 * M + 1)
        pairs = sorted(((mu[i] ** 2 + mv[j] ** 2, i, j) for i in range(len(mu))
                        for j in range(len(mv))), key=lambda p: (p[0], p[1], p[2]))
        pairs = pairs[:n_components]
        phi = np.column_stack([fu[:, i] * fv[:, j] for _, i, j in pairs])
        return phi, np.array([float(e) for e, _, _ in pairs])
    raise ValueError(f"manifold must be 'circle', 'sphere' or 'flat_torus', got {manifold!r}.")
