"""Helmholtz equation -Laplace(u) - k^2 u = f on the unit square, u = 0 on its boundary.

Five-point finite differences on a node grid that includes the boundary. The
operator does not depend on the sample, so it is factored once per call by
SuperLU (scipy.sparse.linalg.splu, symmetric minimum-degree ordering) and the
right-hand sides are solved together, 16 columns per call of the factor's
``solve`` (measured fastest: about 1 ms per sample on the 129-node grid, one
thread; 400 columns at once take twice as long per column).

For ``k^2`` above the smallest Dirichlet eigenvalue the operator is indefinite,
so unlike Darcy's the factorisation keeps threshold pivoting.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu
from sklearn.utils._param_validation import Interval, validate_params

from skop.datasets._darcy import _check_grids
from skop.datasets._grf import sample_grf
from skop.utils import draw_seed

__all__ = ["make_helmholtz"]

# Right-hand sides per solve: measured fastest on a 129-node grid (1, 4, 16,
# 64, 400 columns: 2.0, 1.2, 0.85, 1.35, 1.6 ms per sample, one thread).
_BATCH = 16

# k^2 is resonant when it lies within _RESONANCE_RTOL * lambda_min of an
# eigenvalue lambda of the Laplacian, i.e. when ||A^{-1}|| exceeds 1 / rtol
# times the Poisson problem's ||L^{-1}|| = 1 / lambda_min.
_RESONANCE_RTOL = 1e-3


def dirichlet_eigenvalues(n_nodes):
    """1-D eigenvalues ``(4 / h^2) sin^2(pi i h / 2)``, ``i = 1 .. n_nodes - 2``.

    Those of the second difference ``-(u_{i-1} - 2 u_i + u_{i+1}) / h^2`` with
    zero end values, eigenvectors ``sin(pi i x)``; the 2-D five-point
    Laplacian's are the sums ``mu_i + mu_j``.
    """
    h = 1.0 / (n_nodes - 1)
    i = np.arange(1, n_nodes - 1)
    return 4.0 / h**2 * np.sin(np.pi * i * h / 2.0) ** 2


def _check_resonance(wavenumber, mu, what):
    """Raise if ``k^2`` is within the tolerance of an eigenvalue ``mu_i + mu_j``."""
    k2 = float(wavenumber) ** 2
    eigenvalues = mu[:, None] + mu[None, :]
    gap = np.abs(eigenvalues - k2)
    i, j = np.unravel_index(np.argmin(gap), gap.shape)
    smallest = 2.0 * mu[0]
    if gap[i, j] < _RESONANCE_RTOL * smallest:
        raise ValueError(
            f"wavenumber={wavenumber!r} is resonant: k^2 = {k2:.8g} is within "
            f"{gap[i, j]:.3g} of the eigenvalue {eigenvalues[i, j]:.8g} (mode "
            f"({i + 1}, {j + 1})) of the {what}, less than {_RESONANCE_RTOL:g} "
            f"times its smallest eigenvalue {smallest:.8g}; the Helmholtz problem "
            "is singular or ill-conditioned there. Move k away from "
            "sqrt(eigenvalue)."
        )


def helmholtz_factor(n_nodes, wavenumber):
    """SuperLU factor of ``h^2 (-Laplace - k^2)`` on the interior nodes.

    Unknowns are the interior nodes in row-major order (x index first), as in
    ``skop.datasets._darcy``. Raises ``ValueError`` at a resonance of the
    discrete Laplacian.
    """
    _check_resonance(
        wavenumber, dirichlet_eigenvalues(n_nodes),
        f"discrete Dirichlet Laplacian on {n_nodes} x {n_nodes} nodes",
    )  # fmt: skip
    m = n_nodes - 2
    h = 1.0 / (n_nodes - 1)
    second = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(m, m))
    eye = sp.identity(m)
    matrix = sp.kron(second, eye) + sp.kron(eye, second)
    matrix = (matrix - (wavenumber * h) ** 2 * sp.identity(m * m)).tocsc()
    # Symmetric but indefinite beyond the first eigenvalue: keep the symmetric
    # ordering, pivot off the diagonal where a pivot falls below 0.1 of its
    # column (measured: residuals 1e-11 without pivoting, 7e-13 with, at 129).
    return splu(
        matrix,
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.1,
        options={"SymmetricMode": True},
    )


def _solve_factored(lu, f):
    """``u`` (batch, N, N) from the factor and node values ``f`` (batch, N, N)."""
    batch, n_nodes = f.shape[0], f.shape[-1]
    m = n_nodes - 2
    h = 1.0 / (n_nodes - 1)
    u = np.zeros(f.shape)
    for start in range(0, batch, _BATCH):
        block = f[start : start + _BATCH, 1:-1, 1:-1]
        # (m^2, columns), one right-hand side per column, Fortran order.
        rhs = np.asfortranarray(block.reshape(len(block), m * m).T * h**2)
        u[start : start + _BATCH, 1:-1, 1:-1] = lu.solve(rhs).T.reshape(-1, m, m)
    return u


def solve_helmholtz(f, wavenumber):
    """Solve -Laplace(u) - k^2 u = f, u = 0 on the boundary, for each sample.

    Parameters: ``f`` (batch, N, N) node values on ``x_i = i / (N - 1)``, its
    boundary values ignored; ``wavenumber`` the real ``k >= 0``. Returns ``u``
    (batch, N, N), boundary included (exactly zero there). One factorisation
    for all samples. Raises ``ValueError`` when ``k^2`` is within
    ``1e-3 * lambda_min`` of an eigenvalue of the five-point Dirichlet
    Laplacian, ``(4 / h^2) (sin^2(pi i h / 2) + sin^2(pi j h / 2))``.
    """
    f = np.asarray(f, dtype=np.float64)
    if f.ndim != 3 or f.shape[1] != f.shape[2] or f.shape[1] < 3:
        raise ValueError(
            f"f must have shape (n_samples, N, N) with N >= 3; got {f.shape}."
        )
    if not np.all(np.isfinite(f)):
        raise ValueError("f must be finite.")
    wavenumber = float(wavenumber)
    if not (np.isfinite(wavenumber) and wavenumber >= 0):
        raise ValueError(f"wavenumber must be finite and >= 0; got {wavenumber!r}.")
    return _solve_factored(helmholtz_factor(f.shape[-1], wavenumber), f)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "resolution": [Interval(Integral, 3, None, closed="left")],
        "wavenumber": [Interval(Real, 0, None, closed="left")],
        "reference_resolution": [Interval(Integral, 3, None, closed="left"), None],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "tau": [Interval(Real, 0, None, closed="neither")],
        "sigma": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state", np.random.Generator],
    },
    prefer_skip_nested_validation=True,
)
def make_helmholtz(
    n_samples=100,
    resolution=65,
    *,
    wavenumber=5.0,
    reference_resolution=None,
    alpha=2.0,
    tau=3.0,
    sigma=60.0,
    random_state=None,
):
    r"""Generate the Helmholtz benchmark: source -> solution, Dirichlet boundary.

    Solves :math:`-\Delta u - k^2 u = f` on :math:`[0, 1]^2` with :math:`u = 0`
    on the boundary, where
    :math:`f \sim N(0, \sigma^2(-\Delta + \tau^2 I)^{-\alpha})` is a Gaussian
    random field in the cosine (Neumann) basis. The default :math:`k = 5`
    puts :math:`k^2 = 25` between the first two Dirichlet eigenvalues
    :math:`2\pi^2 \approx 19.7` and :math:`5\pi^2 \approx 49.3`: the operator is
    indefinite, the solution oscillatory, and the data set tests whether a
    grid operator (a multigrid neural operator with a Dirichlet boundary, a
    Fourier neural operator) handles the boundary. The solution is computed on
    a finer reference grid and subsampled.

    Parameters
    ----------
    n_samples : int, default=100
        Number of (source, solution) pairs.

    resolution : int, default=65
        Nodes per axis, boundary included: ``x_i = i / (resolution - 1)``
        (the ``grid="nodes"`` convention of skop's operator estimators).

    wavenumber : float, default=5.0
        The wavenumber :math:`k \ge 0`; ``0`` gives the Poisson problem. A
        :math:`k^2` within :math:`10^{-3}\lambda_{\min}` of a Dirichlet
        eigenvalue (continuum or discrete, see Notes) raises ``ValueError``.

    reference_resolution : int, default=None
        Nodes per axis of the solver's grid, ``(resolution - 1) * k + 1``.
        ``None`` uses ``k = 2``, raised to reach 129 nodes when ``resolution``
        is ``2^j + 1``: resolutions 3, 5, ..., 33 and 65 all come from the
        same 129-node reference, 129 from 257.

    alpha : float, default=2.0
        Smoothness of the source.

    tau : float, default=3.0
        Inverse length scale of the source (positive: the constant mode is
        kept, with variance :math:`\sigma^2\tau^{-2\alpha}`).

    sigma : float, default=60.0
        Amplitude of the source. The default makes the solution of order one
        at the default ``wavenumber``, ``alpha`` and ``tau``: root mean square
        of :math:`u` about 1.0 and of :math:`f` about 8.8, mean of
        :math:`\max|u|` per sample about 1.8 (measured over 1000 samples). The
        solution is linear in :math:`\sigma`; its scale also depends on
        :math:`k` (nearer a resonance, larger).

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the sources. The result is bit-for-bit reproducible, and sample
        ``i`` does not depend on ``n_samples``.

    Returns
    -------
    f : ndarray of shape (n_samples, resolution, resolution)
        Source at the nodes, ``f[s, i, j] = f(x_i, y_j)``, float64. Its
        boundary values do not enter the problem.

    u : ndarray of shape (n_samples, resolution, resolution)
        Solution at the nodes, exactly zero on the boundary, float64.

    See Also
    --------
    make_darcy : Darcy flow, the variable-coefficient elliptic benchmark.
    make_gaussian_random_field : The sampler of :math:`f`.

    Notes
    -----
    Five-point finite differences on the reference nodes, second order. The
    matrix is the same for every sample: it is factored once (SuperLU, with a
    symmetric minimum-degree ordering and threshold pivoting, as the operator
    is indefinite for :math:`k^2 > 2\pi^2`) and all sources are solved with
    that factor. 1000 samples at resolution 65 from the 129-node reference
    take about 2 s on one core (measured 1.8 to 2.8 s on a shared machine),
    half of it in the solves, half drawing the sources.

    Resonance: the discrete Dirichlet Laplacian has the eigenvalues
    :math:`\lambda_{ij} = \frac{4}{h^2}(\sin^2\frac{\pi i h}{2} +
    \sin^2\frac{\pi j h}{2})` (the continuum's are :math:`\pi^2(i^2 + j^2)`).
    The solution operator has norm :math:`1 / \min|\lambda_{ij} - k^2|`, the
    Poisson one :math:`1 / \lambda_{11}`; a ``ValueError`` is raised when
    :math:`\min|\lambda_{ij} - k^2| < 10^{-3}\lambda_{11}`, for the discrete
    eigenvalues of the reference grid and for the continuum ones (whose
    solution the data approximate). In two dimensions the eigenvalues have a
    constant mean spacing :math:`4\pi`, so this excludes at most about 0.3 %
    of the :math:`k^2` axis at every :math:`k`.

    Resolution: the wavelength :math:`2\pi/k` should span many reference
    cells; the default has 160 points per wavelength. The pollution error of
    the Helmholtz equation grows with :math:`k` at a fixed number of points
    per wavelength, so raise ``reference_resolution`` for large :math:`k`.

    Nesting: the source is drawn mode by mode on the reference grid (sample
    ``i`` from its own random stream) and both fields are subsampled, so data
    sets with the same reference grid and seed are nested: with the defaults,
    ``make_helmholtz(n, 65, random_state=0)[1][:, ::2, ::2]`` equals
    ``make_helmholtz(n, 33, random_state=0)[1]``. Different reference grids
    draw the same source up to the modes the coarser grid lacks, and their
    solutions differ by the discretisation error.

    References
    ----------
    .. [1] Z. Li et al., "Fourier Neural Operator for Parametric Partial
       Differential Equations", ICLR 2021.
    .. [2] J. He et al., "MgNO: Efficient Parameterization of Linear Operators
       via Multigrid", ICLR 2024.
    .. [3] F. Ihlenburg and I. Babuska, "Finite element solution of the
       Helmholtz equation with high wave number Part I: The h-version of the
       FEM", Computers & Mathematics with Applications 30(9), 1995.

    Examples
    --------
    >>> from skop.datasets import make_helmholtz
    >>> f, u = make_helmholtz(2, 17, random_state=0)
    >>> f.shape, u.shape
    ((2, 17, 17), (2, 17, 17))
    >>> float(abs(u[:, 0, :]).max())
    0.0
    """
    reference = _check_grids(resolution, reference_resolution)
    # The data approximate the continuum solution: refuse its resonances too.
    n_continuum = int(np.ceil(wavenumber / np.pi)) + 2
    _check_resonance(
        wavenumber, np.pi**2 * np.arange(1, n_continuum + 1) ** 2,
        "Dirichlet Laplacian on the unit square",
    )  # fmt: skip
    lu = helmholtz_factor(reference, wavenumber)
    seed = draw_seed(random_state)
    stride = (reference - 1) // (resolution - 1)
    f = np.empty((n_samples, resolution, resolution))
    u = np.empty((n_samples, resolution, resolution))
    for start in range(0, n_samples, _BATCH):
        count = min(_BATCH, n_samples - start)
        f_ref = sample_grf(
            seed, start, count, reference, n_dims=2, boundary="neumann",
            alpha=alpha, tau=tau, sigma=sigma,
        )  # fmt: skip
        u_ref = _solve_factored(lu, f_ref)
        f[start : start + count] = f_ref[:, ::stride, ::stride]
        u[start : start + count] = u_ref[:, ::stride, ::stride]
    return f, u
