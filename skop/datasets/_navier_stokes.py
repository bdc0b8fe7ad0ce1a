"""2-D incompressible Navier-Stokes in vorticity form on the periodic unit torus.

    w_t + u . grad w = nu Lap w + f,    u = (psi_y, -psi_x),    -Lap psi = w

is solved pseudo-spectrally, batched in torch: Fourier in space with the 2/3
rule against aliasing (the product u . grad w is formed on the grid and its top
third of wavenumbers dropped), Crank-Nicolson for the viscous term and Heun's
predictor-corrector for the explicit advection and forcing. That is the scheme
of the FNO authors' generator, which produced the data every published
Navier-Stokes number (FNO, LSM, MgNO) is measured on; this is our own
implementation of it. The problem is solved on a reference grid and
subsampled, so the coarse data carry no discretisation error of the coarse grid.
"""

import math
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from tqdm.auto import tqdm

from skop.datasets._grf import sample_grf
from skop.utils import draw_seed, resolve_device

__all__ = ["make_navier_stokes", "solve_navier_stokes", "kolmogorov_forcing"]

# Samples per chunk = budget // reference points: ~2^18 values keep a CPU
# chunk's dozen working arrays in cache; a GPU wants large batches.
_CHUNK_VALUES = {"cpu": 2**18, "cuda": 2**24}
# The FNO authors' generator scales the GRF by sqrt(2) tau^(alpha - 1) (its
# paper writes the covariance as 7^(3/2) (-Lap + 49)^(-2.5)); the published
# data and numbers use the generator's amplitude, so we do too.
_FNO_SIGMA = math.sqrt(2.0) * 7.0**1.5

# A CFL number of 0.25 on the largest kept wavenumber: Heun is (weakly)
# unstable for purely imaginary eigenvalues, growing |1 + z + z^2/2| - 1 ~
# |z|^4 / 8 per step; at |z| = 0.25 that is 5e-4 of a per-step growth on the
# highest mode only, which viscosity and the 2/3 rule damp. Measured: at
# this CFL the unforced Taylor-Green decay is exact to 1e-10 and the forced
# nu = 1e-3 runs match dt / 4 to 2e-5 (see tests).
_CFL = 0.25
# The largest speed the benchmark flows reach, with margin: the initial GRF
# has max |u| ~0.07 and the forced nu = 1e-3 flow reached 0.29 over t in
# [0, 50] (4 samples on 64^2, measured). A bound 3.4x above that keeps the
# default step safe; a flow that outruns it 4x fails the CFL check loudly.
_SPEED_BOUND = 1.0


def kolmogorov_forcing(resolution, amplitude=0.1):
    """The benchmark forcing ``0.1 (sin 2 pi (x + y) + cos 2 pi (x + y))``.

    On the grid ``x_i = i / resolution`` (axis 0 is x, axis 1 is y).
    """
    x = np.arange(resolution) / resolution
    s = 2.0 * np.pi * (x[:, None] + x[None, :])
    return amplitude * (np.sin(s) + np.cos(s))


def default_time_step(resolution, snapshot_interval, speed=_SPEED_BOUND):
    """The largest step at CFL 0.25 that divides ``snapshot_interval``.

    The kept band reaches ``2 pi N / 3`` on an ``N`` grid, advected at
    ``speed``; the step is capped at 1e-2 for accuracy of the forcing.
    """
    k_max = 2.0 * np.pi * (resolution // 3)
    bound = min(1e-2, _CFL / (k_max * speed))
    return snapshot_interval / math.ceil(snapshot_interval / bound - 1e-9)


class _SpectralNS:
    """Wavenumbers, dealiasing mask and the Crank-Nicolson factors on one grid."""

    def __init__(self, n, viscosity, dt, device, dtype):
        k = torch.fft.fftfreq(n, 1.0 / n, dtype=dtype, device=device)
        kr = torch.fft.rfftfreq(n, 1.0 / n, dtype=dtype, device=device)
        self.n = n
        self.kx = (2 * math.pi * k)[:, None]  # axis 0: x
        self.ky = (2 * math.pi * kr)[None, :]  # axis 1: y (the real-FFT axis)
        k2 = self.kx**2 + self.ky**2
        self.k2 = k2
        self.inv_k2 = torch.where(k2 > 0, 1.0 / torch.where(k2 > 0, k2, 1.0), 0.0)
        cut = n // 3  # the 2/3 rule: keep |k| <= N / 3 on each axis
        self.mask = ((k.abs() <= cut)[:, None] & (kr <= cut)[None, :]).to(dtype)
        self.k_max = 2 * math.pi * cut
        self.set_step(viscosity, dt)

    def set_step(self, viscosity, dt):
        self.dt = dt
        half = 0.5 * dt * viscosity * self.k2
        self.explicit = 1.0 - half
        self.implicit = 1.0 / (1.0 + half)

    def velocity(self, w_hat):
        psi_hat = w_hat * self.inv_k2
        u = torch.fft.irfft2(1j * self.ky * psi_hat, s=(self.n, self.n))
        v = torch.fft.irfft2(-1j * self.kx * psi_hat, s=(self.n, self.n))
        return u, v

    def advection(self, w_hat):
        """The dealiased transform of ``u . grad w``."""
        u, v = self.velocity(w_hat)
        w_x = torch.fft.irfft2(1j * self.kx * w_hat, s=(self.n, self.n))
        w_y = torch.fft.irfft2(1j * self.ky * w_hat, s=(self.n, self.n))
        return torch.fft.rfft2(u * w_x + v * w_y) * self.mask

    def step(self, w_hat, f_hat):
        """One Heun / Crank-Nicolson step."""
        dt = self.dt
        n0 = self.advection(w_hat)
        predictor = (self.explicit * w_hat + dt * (f_hat - n0)) * self.implicit
        n1 = self.advection(predictor)
        return (self.explicit * w_hat + dt * (f_hat - 0.5 * (n0 + n1))) * self.implicit


def solve_navier_stokes(
    w0,
    *,
    viscosity,
    record_times,
    forcing=None,
    dt=None,
    progress=None,
):
    """Advance a batch of vorticity fields and record snapshots.

    Parameters
    ----------
    w0 : torch.Tensor of shape (batch, N, N)
        Initial vorticity on ``x_i = i / N`` (axis 0 is x); its mean is removed
        (the mean vorticity of a periodic flow is zero), and it is projected on
        the 2/3-rule band.

    viscosity : float
        Kinematic viscosity ``nu > 0``.

    record_times : sequence of float
        Increasing times ``> 0`` at which to record the vorticity; each must be
        a whole number of steps.

    forcing : torch.Tensor of shape (N, N), default=None
        The time-independent forcing ``f``; ``None`` for unforced flow.

    dt : float, default=None
        Time step; ``None`` takes :func:`default_time_step` for the first
        interval between records, adapted to divide every interval.

    progress : tqdm, default=None
        Updated once per step.

    Returns
    -------
    torch.Tensor of shape (batch, len(record_times), N, N)
        The recorded vorticity, in ``w0``'s dtype and device.

    Raises
    ------
    ValueError
        If the flow diverges (a non-finite field, or a speed whose CFL number
        on the kept band exceeds 1): pass a smaller ``dt``.
    """
    n = w0.shape[-1]
    times = [0.0] + [float(t) for t in record_times]
    intervals = np.diff(times)
    if len(intervals) == 0 or np.any(intervals <= 0):
        raise ValueError(f"record_times must be increasing and positive; got {record_times}.")
    solver = _SpectralNS(n, viscosity, 1.0, w0.device, w0.dtype)
    w_hat = torch.fft.rfft2(w0) * solver.mask
    w_hat[..., 0, 0] = 0.0
    f_hat = 0.0 if forcing is None else torch.fft.rfft2(forcing) * solver.mask
    out = torch.empty((w0.shape[0], len(intervals), n, n), dtype=w0.dtype, device=w0.device)
    for i, interval in enumerate(intervals):
        step = default_time_step(n, interval) if dt is None else dt
        n_steps = max(1, round(interval / step))
        solver.set_step(viscosity, interval / n_steps)
        for _ in range(n_steps):
            w_hat = solver.step(w_hat, f_hat)
            if progress is not None:
                progress.update(1)
        _check_stable(solver, w_hat, times[i + 1])
        out[:, i] = torch.fft.irfft2(w_hat, s=(n, n))
    return out


def _check_stable(solver, w_hat, t):
    """Raise if the flow blew up or outran the step (checked at every record)."""
    if not torch.isfinite(w_hat).all():
        raise ValueError(
            f"The Navier-Stokes solver diverged before t = {t:g} (non-finite "
            f"vorticity) with dt = {solver.dt:.3g}; pass a smaller dt."
        )
    u, v = solver.velocity(w_hat)
    speed = float(torch.sqrt(u**2 + v**2).max())
    cfl = solver.dt * solver.k_max * speed
    if cfl > 1.0:
        raise ValueError(
            f"The flow reached speed {speed:.3g} at t = {t:g}: CFL number {cfl:.2f} > 1 "
            f"on the {solver.n}-point grid with dt = {solver.dt:.3g}, where the "
            "Heun step is unstable; pass a smaller dt."
        )


def _check_grids(resolution, reference_resolution):
    reference = 2 * resolution if reference_resolution is None else reference_resolution
    if reference % resolution:
        raise ValueError(
            f"reference_resolution={reference} must be a multiple of "
            f"resolution={resolution}, so that the output grid is a subsample of it."
        )
    if reference < 6:
        raise ValueError(
            "reference_resolution must be at least 6 to keep a Fourier mode per "
            f"axis under the 2/3 rule; got {reference}."
        )
    return reference


def _record_times(output, t_in, t_out, snapshot_interval, final_time):
    if output == "final":
        return [1.0 if final_time is None else float(final_time)]
    if final_time is not None:
        raise ValueError(
            "final_time applies to output='final'; with output='windows' the "
            "snapshots are t = k * snapshot_interval, k = 1 .. t_in + t_out."
        )
    return [snapshot_interval * k for k in range(1, t_in + t_out + 1)]


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "resolution": [Interval(Integral, 2, None, closed="left")],
        "viscosity": [Interval(Real, 0, None, closed="neither")],
        "t_in": [Interval(Integral, 1, None, closed="left")],
        "t_out": [Interval(Integral, 1, None, closed="left")],
        "snapshot_interval": [Interval(Real, 0, None, closed="neither")],
        "output": [StrOptions({"windows", "final"})],
        "final_time": [Interval(Real, 0, None, closed="neither"), None],
        "reference_resolution": [Interval(Integral, 2, None, closed="left"), None],
        "dt": [Interval(Real, 0, None, closed="neither"), None],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "tau": [Interval(Real, 0, None, closed="neither")],
        "sigma": [Interval(Real, 0, None, closed="neither"), None],
        "forcing_amplitude": [Interval(Real, 0, None, closed="left")],
        "device": [str, torch.device],
        "verbose": ["verbose"],
        "random_state": ["random_state", np.random.Generator],
    },
    prefer_skip_nested_validation=True,
)
def make_navier_stokes(
    n_samples=100,
    resolution=64,
    viscosity=1e-3,
    *,
    t_in=10,
    t_out=10,
    snapshot_interval=1.0,
    output="windows",
    final_time=None,
    reference_resolution=None,
    dt=None,
    alpha=2.5,
    tau=7.0,
    sigma=None,
    forcing_amplitude=0.1,
    device="auto",
    verbose=False,
    random_state=None,
):
    r"""Generate 2-D Navier-Stokes vorticity data on the periodic unit torus.

    Solves :math:`w_t + u \cdot \nabla w = \nu \Delta w + f` with
    :math:`u = (\psi_y, -\psi_x)`, :math:`-\Delta \psi = w`, the forcing
    :math:`f = 0.1 (\sin 2\pi(x + y) + \cos 2\pi(x + y))` and initial
    vorticity :math:`w_0 \sim N(0, \sigma^2 (-\Delta + \tau^2)^{-\alpha})`
    (zero mean), the benchmark of the Fourier neural operator and latent
    spectral model papers. Pseudo-spectral in space with the 2/3 rule,
    Crank-Nicolson (viscosity) with Heun's method (advection, forcing) in
    time, on a reference grid subsampled to ``resolution``; batched in torch
    (float64), on the GPU when ``device`` selects one.

    Parameters
    ----------
    n_samples : int, default=100
        Number of flows (independent initial vorticities).

    resolution : int, default=64
        Grid points per axis of the returned fields, ``x_i = i / resolution``
        (axis 1 of a field is x, axis 2 is y).

    viscosity : float, default=1e-3
        Kinematic viscosity; the benchmarks use 1e-3, 1e-4 and 1e-5.

    t_in, t_out : int, default=10
        With ``output="windows"``: ``X`` holds the snapshots
        ``t = k * snapshot_interval`` for ``k = 1 .. t_in`` and ``y`` the next
        ``t_out`` (the "10 steps in, 10 out" task).

    snapshot_interval : float, default=1.0
        Time between recorded snapshots.

    output : {"windows", "final"}, default="windows"
        ``"windows"``: ``X`` of shape (n_samples, t_in, resolution, resolution)
        and ``y`` of shape (n_samples, t_out, resolution, resolution).
        ``"final"``: ``X = w(0)`` and ``y = w(final_time)``, each of shape
        (n_samples, resolution, resolution).

    final_time : float, default=None
        The time of ``y`` with ``output="final"`` (``None``: 1.0); an error with
        ``output="windows"``.

    reference_resolution : int, default=None
        The grid the equation is solved on, a multiple of ``resolution``;
        ``None`` takes ``2 * resolution`` (every mode the 2/3 rule keeps on the
        reference grid is then below the output grid's Nyquist frequency).
        The published data solve on 256 x 256 and subsample to 64 x 64.

    dt : float, default=None
        Time step. ``None`` takes the largest step at CFL number 0.25 for a
        speed of 1 on the kept band of the reference grid (the forced flows
        reach 0.3), adjusted to divide ``snapshot_interval``. The FNO data use
        1e-4. A flow that outruns its step raises a ``ValueError``.

    alpha, tau : float, default=2.5, 7.0
        Smoothness and inverse length scale of the initial vorticity's
        Gaussian random field.

    sigma : float, default=None
        Amplitude of that field; ``None`` takes the FNO generator's
        ``sqrt(2) * 7**1.5`` (its paper writes ``7**1.5`` for the variance;
        the published data use the generator).

    forcing_amplitude : float, default=0.1
        Scales the forcing; 0 gives unforced, decaying flow.

    device : str or torch.device, default="auto"
        Where to solve: ``"auto"`` (CUDA when available), ``"cpu"``, ``"cuda"``.

    verbose : bool, default=False
        Show a progress bar over time steps.

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the initial fields; sample ``i`` depends only on the seed and
        ``i`` (not on ``n_samples``), and the same seed gives the same initial
        field at every reference resolution, up to the modes it holds.

    Returns
    -------
    X : ndarray of shape (n_samples, t_in, resolution, resolution) or (n_samples, resolution, resolution)
        Input snapshots (float64).

    y : ndarray of shape (n_samples, t_out, resolution, resolution) or (n_samples, resolution, resolution)
        Target snapshots (float64).

    Raises
    ------
    ValueError
        If the flow diverges or outruns the time step (pass a smaller ``dt``).

    See Also
    --------
    skop.neural_operator.time_windows : Windows of longer trajectories.
    skop.neural_operator.rollout : Autoregressive prediction of later snapshots.

    Notes
    -----
    Cost is ``O(n_samples * steps * N^2 log N)`` on the reference grid ``N``:
    on one CPU thread about 0.4-0.6 ms per sample and step at 64 x 64. The
    published 1,200 flows at 256 x 256 with ``dt = 1e-4`` to ``t = 20`` are a
    GPU job; see ``asv_bench/scripts/navier_stokes_speed.py``.

    References
    ----------
    .. [1] Z. Li et al., "Fourier Neural Operator for Parametric Partial
       Differential Equations", ICLR 2021.
    .. [2] H. Wu et al., "Solving High-Dimensional PDEs with Latent Spectral
       Models", ICML 2023.

    Examples
    --------
    >>> from skop.datasets import make_navier_stokes
    >>> X, y = make_navier_stokes(2, 16, t_in=2, t_out=1, device="cpu",
    ...                           random_state=0)
    >>> X.shape, y.shape
    ((2, 2, 16, 16), (2, 1, 16, 16))
    """
    reference = _check_grids(resolution, reference_resolution)
    times = _record_times(output, t_in, t_out, snapshot_interval, final_time)
    device = resolve_device(device)
    if device.type == "mps":
        raise ValueError("The Navier-Stokes solver needs float64, which MPS lacks; use device='cpu'.")
    seed = draw_seed(random_state)
    grf = dict(n_dims=2, alpha=alpha, tau=tau, sigma=_FNO_SIGMA if sigma is None else sigma)
    forcing = torch.tensor(kolmogorov_forcing(reference, forcing_amplitude), device=device)
    stride = reference // resolution
    chunk = max(1, _CHUNK_VALUES.get(device.type, _CHUNK_VALUES["cuda"]) // reference**2)
    steps = sum(
        max(1, round(interval / (dt or default_time_step(reference, interval))))
        for interval in np.diff([0.0] + times)
    )
    w0 = np.empty((n_samples, resolution, resolution))
    w = np.empty((n_samples, len(times), resolution, resolution))
    with tqdm(total=steps * math.ceil(n_samples / chunk), desc="make_navier_stokes",
              unit="step", disable=not verbose) as progress:
        for start in range(0, n_samples, chunk):
            count = min(chunk, n_samples - start)
            init = sample_grf(seed, start, count, reference, **grf,
                              max_mode=reference // 3, zero_mean=True)
            out = solve_navier_stokes(
                torch.from_numpy(init).to(device), viscosity=viscosity,
                record_times=times, forcing=forcing, dt=dt, progress=progress,
            )
            w0[start : start + count] = init[:, ::stride, ::stride]
            w[start : start + count] = out[..., ::stride, ::stride].cpu().numpy()
    if output == "final":
        return w0, w[:, 0]
    return w[:, :t_in], w[:, t_in:]
