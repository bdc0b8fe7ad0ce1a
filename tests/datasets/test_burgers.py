"""Burgers generator: checked against exact solutions and its own refinements."""

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import skop.datasets._burgers as burgers
from skop.datasets import make_burgers
from skop.datasets._burgers import (
    default_reference_resolution,
    default_time_step,
    solve_burgers,
    step_sizes,
)

# phi = 1.2 + sum_k c_k exp(-nu (2 pi k)^2 t) cos(2 pi k x + theta_k) > 0 solves
# the heat equation, so u = -2 nu phi_x / phi solves Burgers (Cole-Hopf).
_HEAT_MODES = [(1, 0.6, 0.3), (2, 0.3, 1.1), (3, 0.1, -0.4)]


def _cole_hopf(x, t, nu):
    phi, dphi = 1.2 + 0 * x, 0 * x
    for k, c, theta in _HEAT_MODES:
        w = 2 * np.pi * k
        decay = c * np.exp(-nu * w**2 * t)
        phi = phi + decay * np.cos(w * x + theta)
        dphi = dphi - decay * w * np.sin(w * x + theta)
    return -2 * nu * dphi / phi


def _solve(u0, nu, final_time, time_step):
    u, _ = solve_burgers(
        torch.as_tensor(u0)[None], viscosity=nu, final_time=final_time, time_step=time_step
    )
    return u[0].numpy()


def test_matches_cole_hopf_with_fourth_order_in_time():
    nu, final_time, n = 0.02, 0.5, 128
    x = np.arange(n) / n
    exact = _cole_hopf(x, final_time, nu)
    errors = [
        np.abs(_solve(_cole_hopf(x, 0.0, nu), nu, final_time, dt) - exact).max()
        for dt in (0.05, 0.025, 0.0125)
    ]
    errors = np.array(errors) / np.abs(exact).max()
    # Measured: 1.2e-6, 7.9e-8, 5.1e-9 (orders 3.9, 3.9).
    assert errors[-1] < 2e-8
    assert np.all(np.log2(errors[:-1] / errors[1:]) > 3.6)


def test_heat_equation_limit_for_tiny_amplitude():
    # sigma = 1e-6: the nonlinear term is 1e-6 of the viscous one, so each mode
    # decays like exp(-nu (2 pi k)^2 t). reference_resolution == resolution
    # makes X the exact initial grid function.
    X, y = make_burgers(
        3, 64, reference_resolution=64, sigma=1e-6, device="cpu", random_state=0
    )
    k = np.fft.rfftfreq(64, 1 / 64)
    heat = np.fft.irfft(np.fft.rfft(X) * np.exp(-0.1 * (2 * np.pi * k) ** 2), n=64)
    assert np.abs(y - heat).max() < 1e-6 * np.abs(heat).max()
    assert np.abs(y).max() > 1e-11  # not trivially zero (mode 1: ~3e-10)


def test_mass_is_conserved():
    rng = np.random.default_rng(0)
    u0 = rng.standard_normal(64) + 0.7  # rough, with a nonzero mean
    u = _solve(u0, 0.05, 1.0, 0.01)
    assert abs(u.mean() - u0.mean()) < 1e-12
    X, y = make_burgers(4, 32, reference_resolution=128, device="cpu", random_state=1)
    assert np.abs(y.mean(axis=1)).max() < 1e-12  # u0 has zero mean (FNO convention)


def test_refinement_converges_and_coarse_error_is_measured_by_the_change():
    # Halving the step and doubling the reference grid moves u(1) by nearly the
    # whole error of the coarse run: the finer run is far more accurate.
    def run(reference, dt):
        return make_burgers(
            4, 64, reference_resolution=reference, time_step=dt, device="cpu",
            random_state=2,
        )[1]  # fmt: skip

    coarse, mid, fine = run(256, 1 / 40), run(512, 1 / 80), run(1024, 1 / 640)
    scale = np.abs(fine).max()
    error_coarse = np.abs(coarse - fine).max() / scale
    error_mid = np.abs(mid - fine).max() / scale
    change = np.abs(coarse - mid).max() / scale
    assert error_mid < error_coarse / 4
    assert 0.7 * error_coarse < change < 1.3 * error_coarse
    assert error_coarse < 1e-4


def test_defaults_match_the_documentation():
    assert default_reference_resolution(256) == 1024
    assert default_reference_resolution(512) == 1024
    assert default_reference_resolution(1024) == 2048
    assert default_reference_resolution(100) == 1600
    assert default_time_step(0.1, 2.4, 341) == 5e-3  # the FNO setting
    assert default_time_step(1e-3, 2.0, 2730) == pytest.approx(2.5e-4)  # nu / U^2
    steps = step_sizes(1.0, 5e-3)
    assert len(steps) == 204 and math.isclose(sum(steps), 1.0, rel_tol=1e-14)


def test_shapes_reproducibility_and_chunking(monkeypatch):
    X, y = make_burgers(5, 32, reference_resolution=128, device="cpu", random_state=3)
    assert X.shape == y.shape == (5, 32) and X.dtype == y.dtype == np.float64
    X2, y2 = make_burgers(5, 32, reference_resolution=128, device="cpu", random_state=3)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    # Sample i does not depend on n_samples or on the chunk size.
    monkeypatch.setitem(burgers._CHUNK_VALUES, "cpu", 2 * 128)
    X3, y3 = make_burgers(7, 32, reference_resolution=128, device="cpu", random_state=3)
    np.testing.assert_array_equal(X3[:5], X)
    np.testing.assert_array_equal(y3[:5], y)
    # X is the reference initial condition subsampled.
    X4, _ = make_burgers(5, 128, reference_resolution=128, device="cpu", random_state=3)
    np.testing.assert_array_equal(X4[:, ::4], X)


def test_random_state_kinds_and_global_rng_untouched():
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    make_burgers(2, 16, reference_resolution=64, device="cpu", random_state=0)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)
    for random_state in (np.random.RandomState(0), np.random.default_rng(0), None):
        X, _ = make_burgers(
            2, 16, reference_resolution=64, device="cpu", random_state=random_state
        )
        assert X.shape == (2, 16)


def test_underresolved_front_warns():
    with pytest.warns(RuntimeWarning, match="under-resolved"):
        make_burgers(2, 32, viscosity=1e-3, reference_resolution=128, device="cpu",
                     random_state=0)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_burgers(2, 32, reference_resolution=128, device="cpu", random_state=0)


def test_verbose_shows_progress(capsys):
    make_burgers(2, 16, reference_resolution=64, device="cpu", verbose=True, random_state=0)
    assert "make_burgers" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples"),
        (dict(resolution=1), "resolution"),
        (dict(reference_resolution=100), "multiple"),
        (dict(resolution=2, reference_resolution=2), "at least 4"),
        (dict(viscosity=0.0), "viscosity"),
        (dict(time_step=-0.1), "time_step"),
        (dict(final_time=0.0), "final_time"),
        (dict(device="tpu"), "device"),
        (dict(device="mps"), "MPS"),
        (dict(random_state="seed"), "random_state"),
    ],
)
def test_bad_input_is_a_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_burgers(**{"n_samples": 2, "resolution": 32, "device": "cpu", **kwargs})


@settings(max_examples=15, deadline=None)
@given(resolution=st.integers(2, 16), reference=st.integers(2, 64))
def test_grid_validation(resolution, reference):
    valid = reference % resolution == 0 and reference >= 4
    if not valid:
        with pytest.raises(ValueError, match="reference_resolution"):
            make_burgers(1, resolution, reference_resolution=reference, device="cpu")
        return
    X, y = make_burgers(
        1, resolution, reference_resolution=reference, device="cpu", random_state=0
    )
    assert X.shape == y.shape == (1, resolution)
    assert np.isfinite(y).all()
