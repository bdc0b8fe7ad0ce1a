"""2-D room acoustics: the rigid-wall leapfrog solver and make_acoustic_source.

The solver is checked against an exact standing mode (second order in space
and time), against its conserved discrete energy and trapezoid mean, the wall
condition, mirror symmetries, and the free-space solution of a Gaussian pulse
(Dawson's function) before the first reflection.
"""

import numpy as np
import pytest
import torch
from scipy.special import dawsn

from skop.datasets import make_acoustic_source
from skop.datasets._acoustics import (
    acoustic_energy,
    acoustic_time_grid,
    courant_number,
    neumann_laplacian,
    solve_acoustic_wave,
    trapezoid_weights,
)


def gaussian(nx, ny, room, x0, y0, width):
    x = np.linspace(0.0, room[0], nx)
    y = np.linspace(0.0, room[1], ny)
    return np.exp(-((x[None, :] - x0) ** 2 + (y[:, None] - y0) ** 2) / width**2)


def standing_mode_error(nx, ny, n_steps, final_time=0.7, n_save=5, room=(1.0, 0.8), c=1.3):
    x = np.linspace(0.0, room[0], nx)
    y = np.linspace(0.0, room[1], ny)
    shape = np.cos(np.pi * y[:, None] / room[1]) * np.cos(np.pi * x[None, :] / room[0])
    omega = c * np.pi * np.sqrt(1 / room[0] ** 2 + 1 / room[1] ** 2)
    p, times = solve_acoustic_wave(
        shape, room_size=room, speed_of_sound=c, final_time=final_time,
        save_times=n_save, n_steps=n_steps,
    )  # fmt: skip
    exact = shape[None] * np.cos(omega * times)[:, None, None]
    return np.abs(p.numpy() - exact).max()


def test_second_order_convergence_to_the_standing_mode():
    # h, h/2, h/4 with dt proportional to h (Courant number 0.83 throughout).
    errors = [standing_mode_error(16 * k + 1, 12 * k + 1, 32 * k) for k in (1, 2, 4)]
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert errors[0] < 5e-2
    assert np.all((orders >= 1.8) & (orders <= 2.2)), (errors, orders)


def test_energy_is_conserved_and_is_the_continuous_one():
    width, room = 0.1, (1.0, 1.0)
    p0 = gaussian(81, 81, room, 0.4, 0.55, width)
    p, _ = solve_acoustic_wave(p0[None], room_size=room, final_time=2.0, n_steps=400)
    dt = 2.0 / 400
    assert 0.5 < courant_number(dt, (1 / 80, 1 / 80), 1.0) < 1
    energy = acoustic_energy(p[0, :-1], p[0, 1:], time_step=dt, room_size=room)
    drift = (energy - energy[0]).abs().max() / energy[0]
    assert drift < 1e-12, drift
    # The pulse turns potential into kinetic energy and back, off the walls.
    w = trapezoid_weights(p.shape, room)
    kinetic = 0.5 * (w * ((p[0, 1:] - p[0, :-1]) / dt) ** 2).sum(dim=(-2, -1))
    assert kinetic.max() > 0.3 * energy[0]
    # 1/2 int c^2 |grad p0|^2 = pi / 2 for exp(-r^2 / sigma^2), whatever sigma
    # (8 nodes per sigma here).
    assert abs(energy[0].item() - np.pi / 2) < 1.5e-2


def test_rigid_walls_and_conserved_mean():
    # A pulse near the left wall (p0 = 5e-6 there) reflects from it by t = 0.4.
    deriv = []
    for n in (81, 161):
        h = 1.0 / (n - 1)
        p0 = gaussian(n, n, (1.0, 1.0), 0.35, 0.5, 0.1)
        p, _ = solve_acoustic_wave(p0, final_time=0.4, save_times=9)
        p = p.numpy()[1:]
        # One-sided second-order differences at x = 0 and x = 1, over the
        # interior slope of the field.
        left = (-3 * p[..., 0] + 4 * p[..., 1] - p[..., 2]) / (2 * h)
        right = (3 * p[..., -1] - 4 * p[..., -2] + p[..., -3]) / (2 * h)
        slope = np.abs(np.diff(p, axis=-1)).max() / h
        assert slope > 3  # the field has steep gradients
        deriv.append(max(np.abs(left).max(), np.abs(right).max()) / slope)
    # O(h^2) at least; measured O(h^3) (the mirrored field is even at the wall).
    assert deriv[1] < 2e-3
    assert deriv[0] / deriv[1] > 4

    p0 = gaussian(41, 31, (1.0, 0.75), 0.2, 0.3, 0.1)
    p, _ = solve_acoustic_wave(p0, room_size=(1.0, 0.75), final_time=1.5, n_steps=300)
    w = trapezoid_weights(p.shape, (1.0, 0.75))
    mean = (w * p).sum(dim=(-2, -1))
    # Exact in exact arithmetic; the zero mode is leapfrog's marginal one, so
    # round-off drifts (measured 8e-14 of the peak pressure over 300 steps).
    assert (mean - mean[0]).abs().max() < 1e-12
    # The unweighted mean is not the conserved one once the walls act.
    plain = p.sum(dim=(-2, -1))
    assert (plain - plain[0]).abs().max() > 1e-3
    # The trapezoid-weighted Laplacian is symmetric and annihilates constants.
    u, v = torch.rand(2, 31, 41, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    lu, lv = neumann_laplacian(u, (1.0, 0.75)), neumann_laplacian(v, (1.0, 0.75))
    assert abs((w * v * lu).sum() - (w * u * lv).sum()) < 1e-10 * (w * v * lu).sum().abs()
    assert neumann_laplacian(torch.ones(5, 7, dtype=torch.float64)).abs().max() < 1e-12


def test_mirror_symmetries():
    room = (1.2, 0.8)
    centre = solve_acoustic_wave(gaussian(49, 33, room, 0.6, 0.4, 0.1), room_size=room,
                                 save_times=5)[0].numpy()  # fmt: skip
    scale = np.abs(centre).max()
    np.testing.assert_allclose(centre, centre[..., ::-1], atol=1e-13 * scale)
    np.testing.assert_allclose(centre, centre[..., ::-1, :], atol=1e-13 * scale)

    p0 = np.stack([
        gaussian(49, 33, room, 0.3, 0.25, 0.1),
        gaussian(49, 33, room, 1.2 - 0.3, 0.25, 0.1),  # mirrored in x
        gaussian(49, 33, room, 0.3, 0.8 - 0.25, 0.1),  # mirrored in y
    ])  # fmt: skip
    p, _ = solve_acoustic_wave(p0, room_size=room, final_time=1.5, save_times=7)
    p = p.numpy()
    assert np.abs(p[0] - p[0, ..., ::-1]).max() > 0.1  # not symmetric itself
    np.testing.assert_allclose(p[1], p[0, ..., ::-1], atol=1e-13)
    np.testing.assert_allclose(p[2], p[0, ..., ::-1, :], atol=1e-13)


def test_time_grid_puts_save_times_on_steps():
    spacing = (1 / 160, 1 / 160)
    dt, n_steps, steps = acoustic_time_grid(1.0, 21, spacing)
    assert n_steps % 20 == 0 and courant_number(dt, spacing, 1.0) <= 0.9
    assert courant_number(1.0 / (n_steps - 20), spacing, 1.0) > 0.9  # the smallest
    np.testing.assert_array_equal(steps, np.arange(21) * (n_steps // 20))
    dt, n_steps, steps = acoustic_time_grid(0.5, [0.3, 0.0, 0.125], spacing, cfl=0.5)
    np.testing.assert_allclose(steps * dt, [0.3, 0.0, 0.125], rtol=0, atol=1e-15)
    # Solved fields at the snapped times, in the order asked, duplicates allowed.
    p0 = gaussian(21, 21, (1.0, 1.0), 0.5, 0.5, 0.2)
    every, times = solve_acoustic_wave(p0, final_time=0.5, n_steps=40)
    some, at = solve_acoustic_wave(p0, final_time=0.5, n_steps=40,
                                   save_times=[0.5, 0.0125, 0.5, 0.0])  # fmt: skip
    np.testing.assert_array_equal(some.numpy(), every.numpy()[[40, 1, 40, 0]])
    np.testing.assert_allclose(times, np.arange(41) / 80, rtol=0, atol=1e-16)
    assert every.dtype == torch.float64 and every.shape == (41, 21, 21)


def test_first_step_is_second_order():
    # p^1 = p^0 + dt^2 / 2 c^2 L p^0, from rest: one step matches the Taylor
    # expansion of the standing mode, error O(dt^4) per step.
    errors = [standing_mode_error(16 * k + 1, 12 * k + 1, 1, final_time=0.02 / k, n_save=2)
              for k in (1, 2)]  # fmt: skip
    assert errors[0] < 1e-4 and errors[0] / errors[1] > 12


def test_free_space_pulse_matches_dawson_before_reflection():
    # p at the source of exp(-r^2 / sigma^2) in free 2-D space is
    # 1 - 2 s D(s), s = c t / sigma, D Dawson's function; the echo from the
    # walls of the unit room reaches the centre at t = 1.
    X, y, points = make_acoustic_source(
        1, n_times=11, final_time=0.5, source_region=((0.5, 0.5), (0.5, 0.5)),
        random_state=0,
    )  # fmt: skip
    np.testing.assert_array_equal(X, [[0.5, 0.5]])
    field = y.reshape(11, 21, 21)
    s = np.linspace(0.0, 0.5, 11) / 0.1
    np.testing.assert_allclose(field[:, 10, 10], 1 - 2 * s * dawsn(s), atol=1e-3)
    assert field[:, 10, 10].min() < -0.25  # the rarefaction behind the front


def test_make_acoustic_source_layout():
    room = (1.0, 0.5)
    X, y, points = make_acoustic_source(
        3, resolution=41, output_resolution=11, n_times=5, room_size=room,
        final_time=0.8, source_width=0.1, random_state=0,
    )  # fmt: skip
    assert X.shape == (3, 2) and y.shape == (3, 5 * 11 * 11) and points.shape == (605, 3)
    assert y.dtype == np.float64
    assert np.all((X >= [0.2, 0.1]) & (X <= [0.8, 0.4]))
    grid = points.reshape(5, 11, 11, 3)  # (t, y, x, coordinate)
    x_nodes, y_nodes = np.linspace(0, 1, 11), np.linspace(0, 0.5, 11)
    t_nodes = np.linspace(0, 0.8, 5)
    np.testing.assert_array_equal(grid[2, 3, :, 0], x_nodes)
    np.testing.assert_array_equal(grid[2, :, 4, 1], y_nodes)
    np.testing.assert_allclose(grid[:, 3, 4, 2], t_nodes, rtol=0, atol=1e-15)
    field = y.reshape(3, 5, 11, 11)
    for s in range(3):
        np.testing.assert_allclose(field[s, 0], gaussian(11, 11, room, *X[s], 0.1), rtol=1e-14)
        # Later times are the solver's field on the 41-node grid, subsampled.
        fine, _ = solve_acoustic_wave(gaussian(41, 41, room, *X[s], 0.1), room_size=room,
                                      final_time=0.8, save_times=5)  # fmt: skip
        np.testing.assert_allclose(field[s], fine.numpy()[:, ::4, ::4], rtol=0, atol=1e-14)
    assert np.abs(field[:, -1]).max() > 0.05  # still sounding at t = final_time


def test_make_acoustic_source_is_seeded():
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    kwargs = dict(resolution=21, output_resolution=6, n_times=3)
    a = make_acoustic_source(5, random_state=3, **kwargs)
    b = make_acoustic_source(5, random_state=3, **kwargs)
    prefix = make_acoustic_source(2, random_state=3, **kwargs)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    np.testing.assert_array_equal(prefix[0], a[0][:2])  # sample i ignores n_samples
    np.testing.assert_array_equal(prefix[1], a[1][:2])
    np.testing.assert_array_equal(prefix[2], a[2])
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)
    c = make_acoustic_source(5, random_state=4, **kwargs)
    assert not np.allclose(a[0], c[0]) and not np.allclose(a[1], c[1])
    rng = np.random.RandomState(3)
    np.testing.assert_array_equal(make_acoustic_source(5, random_state=rng, **kwargs)[0], a[0])


def test_bad_parameters():
    p0 = gaussian(21, 21, (1.0, 1.0), 0.5, 0.5, 0.1)
    with pytest.raises(ValueError, match="CFL"):  # dt > h / (c sqrt 2) = 0.035
        solve_acoustic_wave(p0, final_time=0.4, time_step=0.04)
    with pytest.raises(ValueError, match="CFL"):
        solve_acoustic_wave(p0, final_time=1.0, n_steps=20, speed_of_sound=2.0)
    with pytest.raises(ValueError, match="not both"):
        solve_acoustic_wave(p0, time_step=0.01, n_steps=100)
    with pytest.raises(ValueError, match="multiple of the time step"):
        solve_acoustic_wave(p0, final_time=1.0, n_steps=100, save_times=[0.005])
    with pytest.raises(ValueError, match="final_time"):
        solve_acoustic_wave(p0, final_time=1.0, time_step=0.003)
    with pytest.raises(ValueError, match=r"\[0, final_time\]"):
        solve_acoustic_wave(p0, final_time=1.0, save_times=[1.5])
    with pytest.raises(ValueError, match="cfl"):
        solve_acoustic_wave(p0, cfl=1.0)
    with pytest.raises(ValueError, match="shape"):
        solve_acoustic_wave(np.zeros(21))
    with pytest.raises(ValueError, match="source_region"):
        make_acoustic_source(2, source_region=((0.2, 1.1), (0.2, 0.8)))
    with pytest.raises(ValueError, match="source_region"):
        make_acoustic_source(2, source_region=((0.8, 0.2), (0.2, 0.8)))
    with pytest.raises(ValueError, match="source_region"):
        make_acoustic_source(2, source_region=(0.2, 0.8))
    with pytest.raises(ValueError, match="output nodes are solver nodes"):
        make_acoustic_source(2, resolution=41, output_resolution=12)
    with pytest.raises(ValueError, match="under-resolved"):
        make_acoustic_source(2, resolution=21, output_resolution=11, source_width=0.05)
    with pytest.raises(ValueError, match="room_size"):
        make_acoustic_source(2, room_size=(1.0, -1.0))
    with pytest.raises(ValueError, match="cfl"):
        make_acoustic_source(2, cfl=1.2)
    with pytest.raises(ValueError, match="n_times"):
        make_acoustic_source(2, n_times=1)
