"""Linear room acoustics in 2-D: p_tt = c^2 (p_xx + p_yy), rigid walls, batched in torch.

The rectangle [0, Lx] x [0, Ly] carries a node-centred grid that includes the
walls, x_i = i hx, y_j = j hy. The Laplacian is the 5-point stencil; the
rigid-wall (sound-hard) condition dp/dn = 0 enters through mirrored ghost nodes
(p_{-1} = p_1, p_{N} = p_{N-2}), which makes the discrete operator symmetric in
the trapezoid-weighted inner product and second order at the walls. Time is
stepped by leapfrog (second-order central differences) from zero initial
velocity, with the second-order first step p^1 = p^0 + dt^2 / 2 c^2 L p^0.
All samples advance together in one (batch, ny, nx) float64 tensor, on CPU or
GPU; the loop never leaves the device.
"""

import math
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from skop.utils import resolve_device

__all__ = ["make_acoustic_source"]

# Samples per chunk = budget // grid nodes. On one CPU thread ~2^16 doubles
# (two 161^2 fields, 0.5 MB each) stay in cache: measured 1.5x faster at the
# defaults than 2^18 and 1.3x faster than 2^15 (the per-step Python overhead
# then shows). A GPU wants large batches to fill its cores.
_CHUNK_VALUES = {"cpu": 2**16, "cuda": 2**24}
# A save time is on the step grid when t / dt is this close to an integer.
_SNAP_TOLERANCE = 1e-6
# How far past the smallest stable step count the default step search looks
# for a count that puts every save time on a step.
_MAX_STEP_SEARCH = 64


def _check_room(room_size):
    try:
        values = np.asarray(room_size, dtype=np.float64)
    except (TypeError, ValueError):
        values = np.full(1, np.nan)
    if values.shape != (2,) or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(
            f"room_size must be two finite positive lengths (Lx, Ly); got {room_size!r}."
        )
    return float(values[0]), float(values[1])


def grid_spacing(shape, room_size):
    """``(hx, hy)`` of the node grid of ``shape = (..., ny, nx)`` on the room."""
    lx, ly = _check_room(room_size)
    ny, nx = shape[-2], shape[-1]
    if nx < 2 or ny < 2:
        raise ValueError(f"The grid needs at least 2 nodes per axis; got (ny, nx) = {(ny, nx)}.")
    return lx / (nx - 1), ly / (ny - 1)


def courant_number(time_step, spacing, speed_of_sound):
    """``c dt sqrt(1 / hx^2 + 1 / hy^2)``: leapfrog is stable when it is below 1.

    The highest Neumann mode, the checkerboard, has the eigenvalue
    ``4 / hx^2 + 4 / hy^2`` of ``-L``; leapfrog is stable for
    ``c^2 dt^2 lambda_max / 4 < 1``.
    """
    hx, hy = spacing
    return speed_of_sound * time_step * math.sqrt(1.0 / hx**2 + 1.0 / hy**2)


def _save_steps(times, time_step):
    steps = np.rint(times / time_step)
    off = np.abs(times / time_step - steps)
    if np.any(off > _SNAP_TOLERANCE):
        bad = times[np.argmax(off)]
        raise ValueError(
            f"save time {bad!r} is not a multiple of the time step {time_step!r}; "
            "choose save times on the step grid, or leave time_step and n_steps "
            "unset to have a step chosen that fits them."
        )
    return steps.astype(np.int64)


def acoustic_time_grid(
    final_time, save_times, spacing, speed_of_sound=1.0, *, time_step=None, n_steps=None,
    cfl=0.9,
):  # fmt: skip
    """The leapfrog step and the step index of each save time.

    Parameters
    ----------
    final_time : float
        The last time stepped to.
    save_times : None, int or array-like of float
        ``None``: every step; an int ``k >= 2``: ``k`` equally spaced times on
        ``[0, final_time]``; an array: those times, each in ``[0, final_time]``.
    spacing : tuple of two floats
        ``(hx, hy)``.
    speed_of_sound : float, default=1.0
        ``c``.
    time_step, n_steps : float or int, default=None
        At most one of them: the step ``dt`` (``final_time`` must be a multiple
        of it) or the number of steps (``dt = final_time / n_steps``). Neither:
        the smallest number of steps with ``dt <= cfl / (c sqrt(1/hx^2 + 1/hy^2))``
        (``cfl h / (c sqrt 2)`` on a square grid) that puts every save time on
        a step.
    cfl : float, default=0.9
        Target Courant number of the default step, in (0, 1).

    Returns
    -------
    time_step : float
    n_steps : int
    steps : ndarray of int
        The step index of each save time, in the order given.
    """
    if time_step is not None and n_steps is not None:
        raise ValueError("Pass time_step or n_steps, not both.")
    if not 0.0 < cfl < 1.0:
        raise ValueError(f"cfl must be in (0, 1) for a stable leapfrog step; got {cfl!r}.")
    final_time = float(final_time)
    if not (np.isfinite(final_time) and final_time > 0):
        raise ValueError(f"final_time must be finite and positive; got {final_time!r}.")
    if save_times is None:
        times = None
    elif isinstance(save_times, Integral) and not isinstance(save_times, bool):
        if save_times < 2:
            raise ValueError(f"An integer save_times must be at least 2; got {save_times}.")
        times = np.linspace(0.0, final_time, int(save_times))
    else:
        times = np.asarray(save_times, dtype=np.float64).ravel()
        if times.size == 0 or not np.all(np.isfinite(times)):
            raise ValueError("save_times must be a non-empty array of finite times.")
        if times.min() < 0.0 or times.max() > final_time * (1 + 1e-12):
            raise ValueError(
                f"save_times must lie in [0, final_time] = [0, {final_time!r}]; got "
                f"[{times.min()!r}, {times.max()!r}]."
            )

    if n_steps is not None:
        if n_steps < 1:
            raise ValueError(f"n_steps must be at least 1; got {n_steps!r}.")
        n_steps = int(n_steps)
        time_step = final_time / n_steps
    elif time_step is not None:
        time_step = float(time_step)
        if not (np.isfinite(time_step) and time_step > 0):
            raise ValueError(f"time_step must be finite and positive; got {time_step!r}.")
        n_steps = int(np.rint(final_time / time_step))
        if n_steps < 1 or abs(final_time / time_step - n_steps) > _SNAP_TOLERANCE:
            raise ValueError(
                f"final_time={final_time!r} must be a positive multiple of "
                f"time_step={time_step!r}."
            )
        time_step = final_time / n_steps  # the same step, without its rounding
    else:
        hx, hy = spacing
        largest = cfl / (speed_of_sound * math.sqrt(1.0 / hx**2 + 1.0 / hy**2))
        smallest = max(1, math.ceil(final_time / largest - 1e-9))
        for count in range(smallest, _MAX_STEP_SEARCH * smallest + 1):
            fractions = np.zeros(0) if times is None else times * (count / final_time)
            if np.all(np.abs(fractions - np.rint(fractions)) <= _SNAP_TOLERANCE):
                break
        else:
            raise ValueError(
                "No step count up to "
                f"{_MAX_STEP_SEARCH * smallest} puts every save time on the step "
                "grid; pass n_steps or time_step."
            )
        n_steps, time_step = count, final_time / count

    courant = courant_number(time_step, spacing, speed_of_sound)
    if courant >= 1.0:
        hx, hy = spacing
        limit = 1.0 / (speed_of_sound * math.sqrt(1.0 / hx**2 + 1.0 / hy**2))
        raise ValueError(
            f"time_step={time_step!r} violates the CFL condition: the Courant number "
            f"c dt sqrt(1/hx^2 + 1/hy^2) is {courant:.4g} >= 1 (stable steps are "
            f"below {limit:.6g} on this grid)."
        )
    if times is None:
        steps = np.arange(n_steps + 1)
    else:
        steps = _save_steps(times, time_step)
    return time_step, n_steps, steps


def _add_stencil(out, p, a, b, center):
    """``out += center p + a (p_E + p_W) + b (p_N + p_S)``, mirrored ghost nodes.

    ``p`` has shape (batch, ny, nx), x the last axis. A ghost node beyond a
    wall mirrors the node next to the wall (``p_{-1} = p_1``), so the wall
    node gets twice its one neighbour.
    """
    out.add_(p, alpha=center)
    out[..., 1:-1].add_(p[..., 2:], alpha=a).add_(p[..., :-2], alpha=a)
    out[..., 0].add_(p[..., 1], alpha=2.0 * a)
    out[..., -1].add_(p[..., -2], alpha=2.0 * a)
    out[..., 1:-1, :].add_(p[..., 2:, :], alpha=b).add_(p[..., :-2, :], alpha=b)
    out[..., 0, :].add_(p[..., 1, :], alpha=2.0 * b)
    out[..., -1, :].add_(p[..., -2, :], alpha=2.0 * b)
    return out


def neumann_laplacian(p, room_size=(1.0, 1.0)):
    """The 5-point Laplacian ``L p`` with rigid walls (mirrored ghost nodes).

    ``p`` is a float tensor of shape (..., ny, nx) on the nodes
    ``(x_i, y_j) = (i hx, j hy)``, ``p[..., j, i] = p(x_i, y_j)``.
    """
    hx, hy = grid_spacing(p.shape, room_size)
    a, b = 1.0 / hx**2, 1.0 / hy**2
    q = p.reshape(-1, *p.shape[-2:])
    return _add_stencil(torch.zeros_like(q), q, a, b, -2.0 * (a + b)).reshape(p.shape)


def trapezoid_weights(shape, room_size=(1.0, 1.0), *, dtype=torch.float64, device=None):
    """Trapezoid-rule weights (ny, nx): ``hx hy``, halved on each wall.

    In ``<u, v>_W = sum W u v`` the rigid-wall Laplacian is symmetric, and
    ``sum W L p = 0``.
    """
    hx, hy = grid_spacing(shape, room_size)
    ny, nx = shape[-2], shape[-1]
    wx = torch.full((nx,), hx, dtype=dtype, device=device)
    wy = torch.full((ny,), hy, dtype=dtype, device=device)
    wx[[0, -1]] /= 2
    wy[[0, -1]] /= 2
    return wy[:, None] * wx[None, :]


def acoustic_energy(p_now, p_next, *, time_step, room_size=(1.0, 1.0), speed_of_sound=1.0):
    r"""The discrete energy that leapfrog conserves, between two consecutive steps.

    .. math::
        E^{n+1/2} = \tfrac12 \|(p^{n+1} - p^n) / \Delta t\|_W^2
        + \tfrac{c^2}{2} \langle p^{n+1}, -L p^n \rangle_W

    with ``W`` the trapezoid weights and ``L`` the rigid-wall Laplacian. It is
    positive under the CFL condition, exactly constant in exact arithmetic
    from ``n = 0`` on (the first step included), and tends to
    :math:`\tfrac12 \int p_t^2 + c^2 |\nabla p|^2` as the grid is refined.

    Parameters
    ----------
    p_now, p_next : tensor or ndarray of shape (..., ny, nx)
        :math:`p^n` and :math:`p^{n+1}`.
    time_step : float
    room_size : tuple of two floats, default=(1.0, 1.0)
    speed_of_sound : float, default=1.0

    Returns
    -------
    energy : tensor of shape (...)
    """
    p_now = torch.as_tensor(p_now, dtype=torch.float64)
    p_next = torch.as_tensor(p_next, dtype=torch.float64, device=p_now.device)
    w = trapezoid_weights(p_now.shape, room_size, device=p_now.device)
    velocity = (p_next - p_now) / time_step
    kinetic = 0.5 * (w * velocity**2).sum(dim=(-2, -1))
    potential = -0.5 * speed_of_sound**2 * (
        w * p_next * neumann_laplacian(p_now, room_size)
    ).sum(dim=(-2, -1))
    return kinetic + potential


def solve_acoustic_wave(
    p0,
    *,
    room_size=(1.0, 1.0),
    speed_of_sound=1.0,
    final_time=1.0,
    save_times=None,
    time_step=None,
    n_steps=None,
    cfl=0.9,
    device=None,
):
    r"""Solve :math:`p_{tt} = c^2 \Delta p` in a rigid-walled rectangle, from rest.

    Initial pressure ``p0``, zero initial velocity, :math:`\partial_n p = 0`
    on the walls of :math:`[0, L_x] \times [0, L_y]`. Second order in space
    and time (5-point Laplacian with mirrored ghost nodes, leapfrog).

    Parameters
    ----------
    p0 : tensor or ndarray of shape (ny, nx) or (n, ny, nx)
        Initial pressure on the nodes :math:`(x_i, y_j) = (i h_x, j h_y)`,
        :math:`h_x = L_x / (n_x - 1)`, walls included;
        ``p0[..., j, i] = p(x_i, y_j)`` (x the last axis).
    room_size : tuple of two floats, default=(1.0, 1.0)
        :math:`(L_x, L_y)`.
    speed_of_sound : float, default=1.0
        :math:`c`.
    final_time : float, default=1.0
        The time stepped to.
    save_times : None, int or array-like of float, default=None
        ``None``: every step (``n_steps + 1`` fields, ``t = 0`` first); an int
        ``k >= 2``: ``k`` equally spaced times on ``[0, final_time]``, both
        ends included; an array: those times (any order, in
        ``[0, final_time]``).
    time_step : float, default=None
        The step :math:`\Delta t`; ``final_time`` and every save time must be
        multiples of it. It must satisfy the CFL condition
        :math:`c \Delta t \sqrt{h_x^{-2} + h_y^{-2}} < 1`, else ValueError.
    n_steps : int, default=None
        Alternatively the number of steps, :math:`\Delta t` = ``final_time / n_steps``.
    cfl : float, default=0.9
        With neither ``time_step`` nor ``n_steps``: the step is
        ``final_time / n`` for the smallest ``n`` with Courant number
        :math:`c \Delta t \sqrt{h_x^{-2} + h_y^{-2}} \le` ``cfl``
        (:math:`\Delta t \le` ``cfl`` :math:`h / (c\sqrt 2)` on a square
        grid) that puts every save time exactly on a step. Save times are
        never interpolated.
    device : str or torch.device, default=None
        Where to compute; ``None``: the device of ``p0`` (CPU for an array).

    Returns
    -------
    p : tensor of shape (n, n_save, ny, nx) or (n_save, ny, nx)
        float64 pressure at the save times, on ``device``.
    times : ndarray of shape (n_save,)
        The save times, exact multiples of the step.
    """
    if device is None:
        device = p0.device if isinstance(p0, torch.Tensor) else torch.device("cpu")
    device = resolve_device(device)
    if device.type == "mps":
        raise ValueError("The acoustics solver needs float64, which MPS lacks; use device='cpu'.")
    p0 = torch.as_tensor(p0).to(device=device, dtype=torch.float64)
    if p0.ndim not in (2, 3):
        raise ValueError(f"p0 must have shape (ny, nx) or (n, ny, nx); got {tuple(p0.shape)}.")
    batched = p0.ndim == 3
    p0 = p0 if batched else p0[None]
    if speed_of_sound <= 0 or not np.isfinite(speed_of_sound):
        raise ValueError(f"speed_of_sound must be finite and positive; got {speed_of_sound!r}.")
    hx, hy = grid_spacing(p0.shape, room_size)
    dt, n_steps, steps = acoustic_time_grid(
        final_time, save_times, (hx, hy), speed_of_sound,
        time_step=time_step, n_steps=n_steps, cfl=cfl,
    )  # fmt: skip
    a = (speed_of_sound * dt / hx) ** 2
    b = (speed_of_sound * dt / hy) ** 2
    slots = {}
    for slot, step in enumerate(steps.tolist()):
        slots.setdefault(step, []).append(slot)
    out = torch.empty((p0.shape[0], len(steps), *p0.shape[1:]), dtype=torch.float64,
                      device=device)  # fmt: skip

    def save(step, field):
        for slot in slots.get(step, ()):
            out[:, slot] = field

    previous = p0.clone()
    save(0, previous)
    # p^1 = p^0 + dt^2 / 2 c^2 L p^0: zero velocity, second order.
    current = _add_stencil(p0.clone(), p0, a / 2, b / 2, -(a + b))
    save(1, current)
    last = max(slots)
    for step in range(2, last + 1):
        # p^{n+1} = 2 p^n - p^{n-1} + c^2 dt^2 L p^n, written over p^{n-1}.
        previous.neg_()
        _add_stencil(previous, current, a, b, 2.0 - 2.0 * (a + b))
        previous, current = current, previous
        save(step, current)
    times = final_time * steps / n_steps  # exactly final_time at the last step
    return (out if batched else out[0]), times


def _check_source_region(source_region, room):
    lx, ly = room
    if source_region is None:
        return np.array([[0.2 * lx, 0.8 * lx], [0.2 * ly, 0.8 * ly]])
    try:
        region = np.asarray(source_region, dtype=np.float64)
    except (TypeError, ValueError):
        region = np.full(1, np.nan)
    if region.shape != (2, 2) or not np.all(np.isfinite(region)):
        raise ValueError(
            "source_region must be ((x_min, x_max), (y_min, y_max)); got "
            f"{source_region!r}."
        )
    inside = (
        0.0 <= region[0, 0] <= region[0, 1] <= lx
        and 0.0 <= region[1, 0] <= region[1, 1] <= ly
    )
    if not inside:
        raise ValueError(
            f"source_region={source_region!r} must be ordered (min <= max) and lie "
            f"inside the room [0, {lx!r}] x [0, {ly!r}]."
        )
    return region


def _gaussian_pulses(sources, nodes_x, nodes_y, width):
    """``exp(-|x - x0|^2 / width^2)`` on the nodes, (n, ny, nx), separable."""
    gx = torch.exp(-(((nodes_x[None, :] - sources[:, :1]) / width) ** 2))
    gy = torch.exp(-(((nodes_y[None, :] - sources[:, 1:]) / width) ** 2))
    return gy[:, :, None] * gx[:, None, :]


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "resolution": [Interval(Integral, 3, None, closed="left")],
        "output_resolution": [Interval(Integral, 2, None, closed="left")],
        "n_times": [Interval(Integral, 2, None, closed="left")],
        "room_size": ["array-like"],
        "speed_of_sound": [Interval(Real, 0, None, closed="neither")],
        "final_time": [Interval(Real, 0, None, closed="neither")],
        "source_width": [Interval(Real, 0, None, closed="neither")],
        "source_region": ["array-like", None],
        "cfl": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "device": [str, torch.device],
    },
    prefer_skip_nested_validation=True,
)
def make_acoustic_source(
    n_samples=200,
    *,
    resolution=161,
    output_resolution=21,
    n_times=21,
    room_size=(1.0, 1.0),
    speed_of_sound=1.0,
    final_time=1.0,
    source_width=0.1,
    source_region=None,
    cfl=0.9,
    random_state=None,
    device="cpu",
):
    r"""Room acoustics in 2-D: source position -> pressure field :math:`p(x, y, t)`.

    The DeepONet benchmark of Borrel-Jensen et al. [1]_ reduced to two
    dimensions: the linear wave equation :math:`p_{tt} = c^2 \Delta p` in the
    rigid-walled room :math:`[0, L_x] \times [0, L_y]`
    (:math:`\partial_n p = 0`), at rest at :math:`t = 0` with the Gaussian
    pulse :math:`p_0(\mathbf x) = \exp(-|\mathbf x - \mathbf x_0|^2 / \sigma^2)`
    around a source :math:`\mathbf x_0` drawn uniformly in ``source_region``.
    The operator maps :math:`\mathbf x_0` (the branch input) to the field at
    the query points :math:`(x, y, t)` (the trunk input). With the defaults
    the pulse reaches every wall and reflects before ``final_time``.

    Parameters
    ----------
    n_samples : int, default=200
        Number of sources.

    resolution : int, default=161
        Nodes per axis of the solver's grid, walls included:
        :math:`x_i = i L_x / (` ``resolution`` :math:`- 1)`, likewise in y.
        The default resolves :math:`\sigma = 0.1` with 16 nodes; keep at least
        about 5 per :math:`\sigma` (fewer than 2 raise ValueError).

    output_resolution : int, default=21
        Nodes per axis of the output grid, walls included. The output nodes
        are solver nodes (no interpolation): ``resolution - 1`` must be a
        multiple of ``output_resolution - 1``, else ValueError.

    n_times : int, default=21
        Output times :math:`t_k = k\,T / (` ``n_times`` :math:`- 1)`,
        :math:`t = 0` and :math:`t = T` included.

    room_size : array-like of shape (2,), default=(1.0, 1.0)
        :math:`(L_x, L_y)`.

    speed_of_sound : float, default=1.0
        :math:`c`.

    final_time : float, default=1.0
        :math:`T`; the default is one crossing of the unit room at
        :math:`c = 1`.

    source_width : float, default=0.1
        :math:`\sigma`, in units of length.

    source_region : array-like of shape (2, 2), default=None
        ``((x_min, x_max), (y_min, y_max))`` inside the room, where sources
        are drawn uniformly; ``None`` is
        :math:`[0.2 L_x, 0.8 L_x] \times [0.2 L_y, 0.8 L_y]`.

    cfl : float, default=0.9
        Courant number bound of the time step, in (0, 1); see Notes.

    random_state : int, RandomState instance or None, default=None
        Seeds the source positions (numpy's global RNG and torch's are not
        touched). Sample ``i`` does not depend on ``n_samples``.

    device : str or torch.device, default="cpu"
        Where the solver runs. The data do not depend on it beyond round-off.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        Source positions :math:`(x_0, y_0)`.

    y : ndarray of shape (n_samples, n_times * output_resolution**2)
        Pressure at the query points, float64;
        ``y.reshape(n_samples, n_times, output_resolution, output_resolution)[s, k, j, i]``
        is :math:`p(x_i, y_j, t_k)` for source ``s`` (time slowest, then y,
        then x).

    points : ndarray of shape (n_times * output_resolution**2, 3)
        The query points :math:`(x, y, t)`, in the order of the columns of
        ``y``; shared by all samples.

    See Also
    --------
    skop.neural_operator.DeepONetRegressor : Learns this operator from (X, y, points).
    make_antiderivative : DeepONet's first benchmark.

    Notes
    -----
    The solver (``solve_acoustic_wave`` in this module) uses the 5-point
    Laplacian on the node grid, the rigid walls as mirrored ghost nodes
    (symmetric in the trapezoid inner product, so the spatial mean of
    :math:`p` and a discrete energy are conserved up to round-off), and
    leapfrog from rest with the second-order first step
    :math:`p^1 = p^0 + \tfrac{\Delta t^2}{2} c^2 L p^0`; it is second order in
    space and time. The step is :math:`\Delta t = T / m` for the smallest
    :math:`m` that is a multiple of ``n_times - 1`` with
    :math:`c\,\Delta t \sqrt{h_x^{-2} + h_y^{-2}} \le` ``cfl``
    (:math:`\Delta t \le` ``cfl`` :math:`h / (c \sqrt 2)` on a square
    grid), so every output time is a step: fields are never interpolated in
    time or space. All samples of a chunk advance together in one float64
    tensor.

    Discretisation error of the data: with the defaults, ``y`` differs from
    that of a 481-node solve of the same sources by 2e-3 in relative L2 norm
    (6e-3 at ``resolution=101``, 3.8e-3 with ``cfl=0.5``). A Courant number
    near 1 is the more accurate choice: leapfrog's time error partly cancels
    the 5-point stencil's dispersion. The default call (200 samples) took
    6 to 9 s on one CPU thread (a shared 2-core machine).

    The Gaussian does not satisfy :math:`\partial_n p_0 = 0` exactly; with
    the defaults the source is at least :math:`2\sigma` from the walls,
    where :math:`p_0 \le e^{-4} \approx 0.018`.

    References
    ----------
    .. [1] N. Borrel-Jensen, S. Goswami, A. P. Engsig-Karup, G. E. Karniadakis,
       C.-H. Jeong, "Sound propagation in realistic interactive 3D scenes with
       parameterized sources using deep neural operators", PNAS 121(2), 2024.

    Examples
    --------
    >>> from skop.datasets import make_acoustic_source
    >>> X, y, points = make_acoustic_source(
    ...     4, resolution=41, output_resolution=11, n_times=5, random_state=0)
    >>> X.shape, y.shape, points.shape
    ((4, 2), (4, 605), (605, 3))
    >>> field = y.reshape(4, 5, 11, 11)  # (sample, t, y, x)
    >>> points[-1]  # the last query point: (x, y, t) = (Lx, Ly, T)
    array([1., 1., 1.])
    """
    room = _check_room(room_size)
    region = _check_source_region(source_region, room)
    if (resolution - 1) % (output_resolution - 1):
        raise ValueError(
            f"resolution={resolution} must be (output_resolution - 1) * k + 1 = "
            f"{output_resolution - 1} * k + 1 for an integer k, so that the output "
            "nodes are solver nodes."
        )
    stride = (resolution - 1) // (output_resolution - 1)
    spacing = (room[0] / (resolution - 1), room[1] / (resolution - 1))
    if source_width < 2.0 * max(spacing):
        raise ValueError(
            f"source_width={source_width!r} is under-resolved on the solver grid "
            f"(spacing {max(spacing):.4g}); raise resolution to at least 2 nodes per "
            "source_width, 5 or more for accurate waves."
        )
    device = resolve_device(device)
    if device.type == "mps":
        raise ValueError("The acoustics solver needs float64, which MPS lacks; use device='cpu'.")

    rng = check_random_state(random_state)
    low, high = region[:, 0], region[:, 1]
    X = low + (high - low) * rng.uniform(size=(n_samples, 2))

    nodes_x = torch.linspace(0.0, room[0], resolution, dtype=torch.float64, device=device)
    nodes_y = torch.linspace(0.0, room[1], resolution, dtype=torch.float64, device=device)
    chunk = max(1, _CHUNK_VALUES.get(device.type, _CHUNK_VALUES["cuda"]) // resolution**2)
    y = np.empty((n_samples, n_times, output_resolution, output_resolution))
    for start in range(0, n_samples, chunk):
        sources = torch.as_tensor(X[start : start + chunk], device=device)
        p0 = _gaussian_pulses(sources, nodes_x, nodes_y, source_width)
        p, times = solve_acoustic_wave(
            p0, room_size=room, speed_of_sound=speed_of_sound, final_time=final_time,
            save_times=n_times, cfl=cfl, device=device,
        )  # fmt: skip
        y[start : start + len(sources)] = p[..., ::stride, ::stride].cpu().numpy()

    out_x = np.linspace(0.0, room[0], output_resolution)
    out_y = np.linspace(0.0, room[1], output_resolution)
    t, yy, xx = np.meshgrid(times, out_y, out_x, indexing="ij")
    points = np.stack([xx.ravel(), yy.ravel(), t.ravel()], axis=1)
    return X, y.reshape(n_samples, -1), points
