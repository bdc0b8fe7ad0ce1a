"""Gaussian random fields N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha)).

The field is sampled through its Karhunen-Loeve expansion: the eigenfunctions of
the Laplacian are Fourier modes on the periodic unit torus and cosines on the
unit cube with Neumann boundaries, so a sample is a spectral sum evaluated with
one inverse FFT (periodic) or one type-I DCT (cosine, on a node grid that
includes the boundary).

Every sample draws its coefficients from its own random stream
(``SeedSequence(seed, spawn_key=(i,))``), mode by mode in order of increasing
wavenumber shell ``max_d |k_d|``. Hence sample ``i`` does not depend on how
many samples are drawn, and the same seed gives the *same function* at every
resolution, up to the modes a coarser grid cannot hold. The PDE generators rely
on this: refining a reference grid refines the solution of the same problem.
"""

import functools
from numbers import Integral, Real

import numpy as np
import scipy.fft
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skop.utils import draw_seed

__all__ = ["make_gaussian_random_field"]


@functools.lru_cache(maxsize=32)
def _mode_order(n_dims, max_mode, periodic):
    """Wavevectors in draw order: by shell ``max|k_d|``, then lexicographically.

    The order of the modes of shell ``s`` does not depend on ``max_mode``, which
    is what makes fields drawn at different resolutions share their low modes.
    """
    values = np.arange(-max_mode, max_mode + 1) if periodic else np.arange(max_mode + 1)
    grids = np.meshgrid(*([values] * n_dims), indexing="ij")
    k = np.stack([g.ravel() for g in grids], axis=1)
    shell = np.abs(k).max(axis=1)
    # np.lexsort sorts by its *last* key first.
    order = np.lexsort(tuple(k[:, d] for d in reversed(range(n_dims))) + (shell,))
    k = k[order]
    k.setflags(write=False)
    return k


def grf_eigenvalues(k, *, periodic, alpha, tau, sigma):
    """Eigenvalues ``sigma^2 (|lambda_k| + tau^2)^(-alpha)`` of the covariance.

    The Laplacian's eigenvalue is ``(2 pi |k|)^2`` for ``exp(2 pi i k.x)`` on the
    unit torus and ``(pi |k|)^2`` for ``prod_d cos(pi k_d x_d)`` on the unit cube.
    """
    scale = 2.0 * np.pi if periodic else np.pi
    laplacian = scale**2 * np.sum(np.asarray(k, dtype=np.float64) ** 2, axis=-1)
    with np.errstate(divide="ignore"):  # tau = 0: the constant mode, dropped later
        return sigma**2 * (laplacian + tau**2) ** (-alpha)


def _standard_normals(seed, start, n_samples, n_draws):
    """``(n_samples, n_draws)`` normals; row ``i`` from the stream of sample ``start + i``."""
    out = np.empty((n_samples, n_draws))
    for i in range(n_samples):
        stream = np.random.SeedSequence(seed, spawn_key=(start + i,))
        np.random.default_rng(stream).standard_normal(out=out[i])
    return out


def sample_grf(
    seed,
    start,
    n_samples,
    resolution,
    *,
    n_dims=1,
    boundary="periodic",
    alpha=2.0,
    tau=3.0,
    sigma=1.0,
    max_mode=None,
    zero_mean=False,
):
    """Samples ``start, ..., start + n_samples - 1`` of a field, as float64 numpy.

    No validation: the public functions check their arguments. ``max_mode``
    truncates the expansion to ``|k_d| <= max_mode`` (default: all the modes the
    grid holds, without the Nyquist mode on a periodic grid).
    """
    periodic = boundary == "periodic"
    full = (resolution - 1) // 2 if periodic else resolution - 1
    max_mode = full if max_mode is None else max_mode
    k = _mode_order(n_dims, max_mode, periodic)
    amplitude = np.sqrt(
        grf_eigenvalues(k, periodic=periodic, alpha=alpha, tau=tau, sigma=sigma)
    )
    if zero_mean:
        amplitude[0] = 0.0  # shell 0 is the constant mode, always drawn first
    shape = (n_samples,) + (resolution,) * n_dims
    axes = tuple(range(1, n_dims + 1))
    if periodic:
        # u = Re(sum_k sqrt(lam_k) (xi_k + i eta_k) e_k) with independent xi, eta
        # for k and -k has covariance sum_k lam_k e_k(x) conj(e_k(y)): the target.
        xi = _standard_normals(seed, start, n_samples, 2 * len(k)).reshape(
            n_samples, len(k), 2
        )
        coef = np.zeros(shape, dtype=np.complex128)
        index = (slice(None),) + tuple(np.mod(k, resolution).T)
        coef[index] = amplitude * (xi[..., 0] + 1j * xi[..., 1])
        return np.fft.ifftn(coef, axes=axes, norm="forward").real
    # Cosine basis, L2-normalised on [0, 1]: 1 and sqrt(2) cos(pi k x). DCT-I
    # computes x_0 + (-1)^j x_{N-1} + 2 sum_{0<k<N-1} x_k cos(pi k j / (N-1)),
    # so interior modes are halved to evaluate the plain cosine sum at nodes.
    normalise = np.where(k == 0, 1.0, np.sqrt(2.0)).prod(axis=1)
    halve = np.where((k == 0) | (k == resolution - 1), 1.0, 0.5).prod(axis=1)
    xi = _standard_normals(seed, start, n_samples, len(k))
    coef = np.zeros(shape)
    coef[(slice(None),) + tuple(k.T)] = (amplitude * normalise * halve) * xi
    return scipy.fft.dctn(coef, type=1, axes=axes)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "resolution": [Interval(Integral, 2, None, closed="left")],
        "n_dims": [Interval(Integral, 1, 3, closed="both")],
        "boundary": [StrOptions({"periodic", "neumann"})],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "tau": [Interval(Real, 0, None, closed="left")],
        "sigma": [Interval(Real, 0, None, closed="neither")],
        "max_mode": [Interval(Integral, 0, None, closed="left"), None],
        "zero_mean": ["boolean"],
        "random_state": ["random_state", np.random.Generator],
    },
    prefer_skip_nested_validation=True,
)
def make_gaussian_random_field(
    n_samples=100,
    resolution=128,
    *,
    n_dims=1,
    boundary="periodic",
    alpha=2.0,
    tau=3.0,
    sigma=1.0,
    max_mode=None,
    zero_mean=False,
    random_state=None,
):
    r"""Sample a Gaussian random field with covariance :math:`\sigma^2(-\Delta+\tau^2 I)^{-\alpha}`.

    The field is drawn through its Karhunen-Loeve expansion in the eigenfunctions
    of the Laplacian: complex exponentials on the periodic unit torus
    (``boundary="periodic"``), cosines on the unit cube with Neumann boundaries
    (``boundary="neumann"``). These are the input fields of the Burgers and
    Darcy benchmarks of the Fourier neural operator paper.

    Parameters
    ----------
    n_samples : int, default=100
        Number of independent fields.

    resolution : int, default=128
        Grid points per axis. Periodic grids are ``x_i = i / resolution``
        (``i < resolution``); Neumann grids include both ends,
        ``x_i = i / (resolution - 1)``.

    n_dims : {1, 2, 3}, default=1
        Spatial dimension.

    boundary : {"periodic", "neumann"}, default="periodic"
        Which Laplacian: Fourier modes ``exp(2 pi i k.x)`` or cosines
        ``prod_d cos(pi k_d x_d)``.

    alpha : float, default=2.0
        Smoothness: larger ``alpha`` makes the spectrum decay faster.

    tau : float, default=3.0
        Inverse length scale; ``tau = 0`` requires ``zero_mean=True``.

    sigma : float, default=1.0
        Amplitude; the covariance operator is scaled by ``sigma**2``.

    max_mode : int, default=None
        Keep the modes with ``max_d |k_d| <= max_mode``. ``None`` keeps every
        mode the grid resolves: ``(resolution - 1) // 2`` periodic (no Nyquist
        mode), ``resolution - 1`` Neumann.

    zero_mean : bool, default=False
        Drop the constant mode, as the FNO benchmark data does, so that every
        field has zero spatial mean.

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the draw. Sample ``i`` only depends on the seed and ``i``.

    Returns
    -------
    ndarray of shape (n_samples, resolution, ...)
        The fields, float64, with ``n_dims`` spatial axes of length
        ``resolution``.

    See Also
    --------
    make_burgers : Burgers' equation with a periodic field as initial condition.
    make_darcy : Darcy flow with a thresholded Neumann field as permeability.

    Notes
    -----
    Mode ``k`` has variance ``sigma^2 ((c |k|)^2 + tau^2)^(-alpha)`` with
    ``c = 2 pi`` (periodic) or ``c = pi`` (Neumann) in an L2-orthonormal basis.
    Each sample has its own random stream and draws its modes shell by shell
    (``max_d |k_d| = 0, 1, 2, ...``), so the same ``random_state`` gives the same
    function at every resolution, truncated to the modes the grid holds: a
    Neumann field at resolution 33 equals the one at resolution 65 with
    ``max_mode=32`` on every second node.

    References
    ----------
    .. [1] Z. Li et al., "Fourier Neural Operator for Parametric Partial
       Differential Equations", ICLR 2021.

    Examples
    --------
    >>> from skop.datasets import make_gaussian_random_field
    >>> z = make_gaussian_random_field(4, 33, n_dims=2, boundary="neumann",
    ...                                random_state=0)
    >>> z.shape
    (4, 33, 33)
    """
    if tau == 0 and not zero_mean:
        raise ValueError(
            "tau=0 gives the constant mode infinite variance; set zero_mean=True "
            "or use tau > 0."
        )
    periodic = boundary == "periodic"
    full = (resolution - 1) // 2 if periodic else resolution - 1
    if max_mode is not None and max_mode > full:
        raise ValueError(
            f"max_mode={max_mode} exceeds the {full} modes a {boundary} grid of "
            f"resolution {resolution} holds; lower max_mode or raise resolution."
        )
    seed = draw_seed(random_state)
    return sample_grf(
        seed,
        0,
        n_samples,
        resolution,
        n_dims=n_dims,
        boundary=boundary,
        alpha=alpha,
        tau=tau,
        sigma=sigma,
        max_mode=max_mode,
        zero_mean=zero_mean,
    )
