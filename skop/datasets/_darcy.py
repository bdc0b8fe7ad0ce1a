"""Steady Darcy flow -div(a grad u) = f on the unit square, u = 0 on its boundary.

Five-point finite differences on a node grid that includes the boundary; each
face of the stencil carries the harmonic mean of the permeabilities at its two
nodes. The sparsity pattern is the same for every sample, so it is built once
per grid and each sample only fills the values (vectorised), then is factored
by SuperLU (scipy.sparse.linalg.splu) with a symmetric minimum-degree ordering.
"""

import functools
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.parallel import Parallel, delayed
from tqdm.auto import tqdm

from skop.datasets._grf import sample_grf
from skop.utils import draw_seed

__all__ = ["make_darcy"]

# Samples per task: the random fields of one batch at the reference grid stay
# small (16 x 257^2 doubles = 8 MB) and a progress bar moves often enough.
_BATCH = 16


def default_reference_resolution(resolution):
    """``(resolution - 1) * k + 1`` nodes: ``k = 2``, or up to 129 nodes for ``2^j + 1``.

    Resolutions ``2^j + 1`` up to 65 share the 129-node reference, so their
    data sets are nested (``u65[:, ::2, ::2] == u33`` for the same seed).
    """
    cells = resolution - 1
    factor = 2
    if cells & (cells - 1) == 0:  # a power of two
        factor = max(2, 128 // cells)
    return cells * factor + 1


def face_coefficients(a):
    """Harmonic means of ``a`` (batch, N, N) across the x- and y-faces.

    The harmonic mean is the exact 1-D flux-continuity coefficient of a medium
    that jumps between two nodes (two resistors in series): the scheme then
    conserves flux across the 12 / 3 interfaces of the benchmark, and it equals
    the arithmetic mean up to O(h^2) where ``a`` is smooth.
    """
    ax = 2.0 * a[:, 1:, :] * a[:, :-1, :] / (a[:, 1:, :] + a[:, :-1, :])
    ay = 2.0 * a[:, :, 1:] * a[:, :, :-1] / (a[:, :, 1:] + a[:, :, :-1])
    return ax, ay


@functools.lru_cache(maxsize=8)
def _stencil_pattern(n_nodes):
    """Directed nonzeros (rows, cols) of the interior operator, in stencil order.

    Unknowns are the interior nodes in row-major order (x index first); the
    entries are listed as [diagonal, east, west, north, south], the order of
    ``_stencil_values``.
    """
    m = n_nodes - 2
    index = np.arange(m * m).reshape(m, m)
    rows = [index.ravel(), index[:-1, :].ravel(), index[1:, :].ravel()]
    cols = [index.ravel(), index[1:, :].ravel(), index[:-1, :].ravel()]
    rows += [index[:, :-1].ravel(), index[:, 1:].ravel()]
    cols += [index[:, 1:].ravel(), index[:, :-1].ravel()]
    return np.concatenate(rows), np.concatenate(cols)


@functools.lru_cache(maxsize=8)
def _csc_pattern(n_nodes):
    """CSC ``(indptr, indices, order)``: stencil values land in data as ``values[..., order]``.

    The matrix is symmetric, so CSC = CSR.
    """
    rows, cols = _stencil_pattern(n_nodes)
    size = (n_nodes - 2) ** 2
    slots = np.arange(1, rows.size + 1)  # +1: a zero would be dropped as explicit
    matrix = sp.csc_matrix((slots, (rows, cols)), shape=(size, size))
    matrix.sort_indices()
    return matrix.indptr, matrix.indices, matrix.data - 1


def _stencil_values(a):
    """Stencil values of h^2 * (-div a grad) for ``a`` (batch, N, N), in pattern order."""
    ax, ay = face_coefficients(a)
    east, west = ax[:, 1:, 1:-1], ax[:, :-1, 1:-1]
    north, south = ay[:, 1:-1, 1:], ay[:, 1:-1, :-1]
    batch = a.shape[0]
    return np.concatenate(
        [
            (east + west + north + south).reshape(batch, -1),
            -east[:, :-1, :].reshape(batch, -1),  # (i, j) -> (i + 1, j)
            -east[:, :-1, :].reshape(batch, -1),  # (i + 1, j) -> (i, j)
            -north[:, :, :-1].reshape(batch, -1),  # (i, j) -> (i, j + 1)
            -north[:, :, :-1].reshape(batch, -1),  # (i, j + 1) -> (i, j)
        ],
        axis=1,
    )


def darcy_matrices(a):
    """The operators ``h^2 * (-div a grad)`` on the interior nodes, one per sample.

    ``a`` has shape (batch, N, N) with node values; unknowns are the interior
    nodes in row-major order (x index first).
    """
    n_nodes = a.shape[-1]
    indptr, indices, order = _csc_pattern(n_nodes)
    # Fancy indexing may return a Fortran-ordered array; SuperLU wants C rows.
    data = np.ascontiguousarray(_stencil_values(a)[:, order])
    size = (n_nodes - 2) ** 2
    return [sp.csc_matrix((row, indices, indptr), shape=(size, size)) for row in data]


def _forcing_vector(forcing, n_nodes):
    """h^2 f on the interior nodes, flattened like the unknowns."""
    h = 1.0 / (n_nodes - 1)
    f = np.broadcast_to(np.asarray(forcing, dtype=np.float64), (n_nodes, n_nodes))
    return np.ascontiguousarray(f[1:-1, 1:-1]).ravel() * h**2


def solve_darcy(a, forcing=1.0):
    """Solve -div(a grad u) = forcing, u = 0 on the boundary, for each sample.

    Parameters: ``a`` (batch, N, N) node values on ``x_i = i / (N - 1)``;
    ``forcing`` a scalar or (N, N) node values. Returns ``u`` (batch, N, N),
    boundary included.
    """
    a = np.asarray(a, dtype=np.float64)
    n_nodes, m = a.shape[-1], a.shape[-1] - 2
    rhs = _forcing_vector(forcing, n_nodes)
    u = np.zeros(a.shape)
    for b, matrix in enumerate(darcy_matrices(a)):
        # SPD: diagonal pivots are stable, and SymmetricMode keeps the
        # minimum-degree ordering of A + A^T symmetric (about 2x less fill than
        # the default COLAMD, measured).
        lu = splu(
            matrix,
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )
        u[b, 1:-1, 1:-1] = lu.solve(rhs).reshape(m, m)
    return u


def _darcy_batch(seed, start, count, reference, stride, alpha, tau, contrast, forcing):
    """Samples ``start .. start + count - 1``, solved on the reference grid."""
    z = sample_grf(
        seed, start, count, reference, n_dims=2, boundary="neumann",
        alpha=alpha, tau=tau, sigma=1.0, zero_mean=True,
    )  # fmt: skip
    a = np.where(z >= 0.0, contrast[0], contrast[1])
    u = solve_darcy(a, forcing)
    return a[:, ::stride, ::stride], u[:, ::stride, ::stride]


def _check_contrast(contrast):
    try:
        values = np.asarray(contrast, dtype=np.float64)
    except (TypeError, ValueError):
        values = np.full(1, np.nan)
    if values.shape != (2,) or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(
            "contrast must be two finite positive permeabilities (where z >= 0, "
            f"where z < 0); got {contrast!r}."
        )
    return float(values[0]), float(values[1])


def _check_grids(resolution, reference_resolution):
    if reference_resolution is None:
        return default_reference_resolution(resolution)
    if (reference_resolution - 1) % (resolution - 1):
        raise ValueError(
            f"reference_resolution={reference_resolution} must be (resolution - 1) "
            f"* k + 1 = {resolution - 1} * k + 1 for an integer k, so that the "
            "output nodes are reference nodes."
        )
    return reference_resolution


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "resolution": [Interval(Integral, 3, None, closed="left")],
        "reference_resolution": [Interval(Integral, 3, None, closed="left"), None],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "tau": [Interval(Real, 0, None, closed="left")],
        "contrast": ["array-like"],
        "forcing": [Interval(Real, None, None, closed="neither")],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "random_state": ["random_state", np.random.Generator],
    },
    prefer_skip_nested_validation=True,
)
def make_darcy(
    n_samples=1000,
    resolution=64,
    *,
    reference_resolution=None,
    alpha=2.0,
    tau=3.0,
    contrast=(12.0, 3.0),
    forcing=1.0,
    n_jobs=None,
    verbose=False,
    random_state=None,
):
    r"""Generate the Darcy flow benchmark: permeability -> pressure.

    Solves :math:`-\nabla\cdot(a\nabla u) = f` on :math:`[0, 1]^2` with
    :math:`u = 0` on the boundary, where :math:`a = 12` where :math:`z \ge 0`
    and :math:`a = 3` elsewhere, :math:`z \sim N(0, (-\Delta + \tau^2 I)^{-\alpha})`
    (defaults: :math:`(-\Delta + 9 I)^{-2}`, :math:`f = 1`, the Fourier neural
    operator benchmark). The solution is computed on a finer reference grid and
    subsampled.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of (permeability, solution) pairs.

    resolution : int, default=64
        Nodes per axis, boundary included: ``x_i = i / (resolution - 1)``
        (the ``grid="nodes"`` convention of skop's operator estimators).

    reference_resolution : int, default=None
        Nodes per axis of the solver's grid, ``(resolution - 1) * k + 1``.
        ``None`` uses ``k = 2``, raised to reach 129 nodes when ``resolution``
        is ``2^j + 1``: resolutions 3, 5, ..., 33 and 65 all come from the
        same 129-node reference, 129 from 257.

    alpha : float, default=2.0
        Smoothness of the field :math:`z`.

    tau : float, default=3.0
        Inverse length scale of :math:`z` (larger: smaller inclusions).

    contrast : tuple of two floats, default=(12.0, 3.0)
        Permeability where :math:`z \ge 0`, and where :math:`z < 0`.

    forcing : float, default=1.0
        The constant source :math:`f`.

    n_jobs : int, default=None
        Processes solving batches of 16 samples in parallel (joblib);
        ``None`` means one. The data do not depend on it. Use it where cores
        are free: on a shared 2-core machine two processes were measured
        slower than one.

    verbose : bool, default=False
        Show a progress bar over samples.

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the fields. The result is bit-for-bit reproducible, and sample
        ``i`` does not depend on ``n_samples``.

    Returns
    -------
    a : ndarray of shape (n_samples, resolution, resolution)
        Permeability at the nodes, ``a[s, i, j] = a(x_i, y_j)``, float64.

    u : ndarray of shape (n_samples, resolution, resolution)
        Solution at the nodes, zero on the boundary, float64.

    See Also
    --------
    make_gaussian_random_field : The sampler of :math:`z`.
    make_burgers : The 1-D Burgers benchmark.

    Notes
    -----
    :math:`z` is drawn in the cosine (Neumann) basis on the reference nodes,
    without its constant mode, as in the FNO data [1]_ (which only thresholds
    it: its scale is irrelevant). Five-point finite differences, second order
    for smooth :math:`a`; each face carries the harmonic mean of its two node
    values, the flux-continuous choice across a jump of :math:`a`. One sparse
    LU (SuperLU) per sample.

    Nesting: the reference grid is subsampled by ``k``. Data sets with the
    same reference grid and seed are nested: with the defaults,
    ``make_darcy(n, 65, random_state=0)[1][:, ::2, ::2]`` equals
    ``make_darcy(n, 33, random_state=0)[1]``. Different reference grids draw
    the same :math:`z` up to the modes the coarser grid lacks. The FNO paper
    used a 421-node reference; 129 nodes keep the solve cheap on a CPU.

    Discretisation error of the data: at resolution 65 the default
    (129-node reference) differs from a 513-node reference solution of the
    same fields by 2e-3 in mean relative L2 norm (1.5e-2 at worst, pointwise,
    near the jumps of :math:`a`, where convergence is about first order);
    see ``asv_bench/scripts/datasets_speed.py``. For smooth :math:`a` the
    scheme is second order.

    References
    ----------
    .. [1] Z. Li et al., "Fourier Neural Operator for Parametric Partial
       Differential Equations", ICLR 2021.

    Examples
    --------
    >>> from skop.datasets import make_darcy
    >>> a, u = make_darcy(2, 17, random_state=0)
    >>> a.shape, u.shape
    ((2, 17, 17), (2, 17, 17))
    """
    reference = _check_grids(resolution, reference_resolution)
    contrast = _check_contrast(contrast)
    seed = draw_seed(random_state)
    stride = (reference - 1) // (resolution - 1)
    starts = range(0, n_samples, _BATCH)
    tasks = (
        delayed(_darcy_batch)(
            seed, start, min(_BATCH, n_samples - start), reference, stride,
            alpha, tau, contrast, forcing,
        )  # fmt: skip
        for start in starts
    )
    a = np.empty((n_samples, resolution, resolution))
    u = np.empty((n_samples, resolution, resolution))
    results = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    with tqdm(total=n_samples, desc="make_darcy", disable=not verbose) as progress:
        for start, (a_batch, u_batch) in zip(starts, results):
            a[start : start + len(a_batch)] = a_batch
            u[start : start + len(u_batch)] = u_batch
            progress.update(len(a_batch))
    return a, u
