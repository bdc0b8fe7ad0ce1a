"""Burgers generator: checked against exact solutions and its own refinements."""

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import skop.datasets._burgers as burgers
from skop.datasets import fno_burgers_params, make_burgers
from skop.datasets._burgers import (
    default_reference_resolution,
    default_time_step,
    solve_burgers,
    step_sizes,
)

# phi = 1.2 + sum_k c_k exp(-nu w_k^2 t) cos(w_k X + theta_k) > 0, w_k = 2 pi k / L,
# solves the heat equation on [0, L), so u = -2 nu phi_X / phi solves Burgers
# (Cole-Hopf).
_HEAT_MODES = [(1, 0.6, 0.3), (2, 0.3, 1.1), (3, 0.1, -0.4)]
_LENGTHS = [1.0, 2 * np.pi]


def _cole_hopf(x, t, nu, length=1.0):
    """The solution at ``X = length * x`` for grid coordinates ``x`` in [0, 1)."""
    phi, dphi = 1.2 + 0 * x, 0 * x
    for k, c, theta in _HEAT_MODES:
        w = 2 * np.pi * k / length
        decay = c * np.exp(-nu * w**2 * t)
        phi = phi + decay * np.cos(w * length * x + theta)
        dphi = dphi - decay * w * np.sin(w * length * x + theta)
    return -2 * nu * dphi / phi


def _solve(u0, nu, final_time, time_step, length=1.0):
    u, _ = solve_burgers(
        torch.as_tensor(u0)[None], viscosity=nu, final_time=final_time,
        time_step=time_step, domain_length=length,
    )  # fmt: skip
    return u[0].numpy()


@pytest.mark.parametrize("length", _LENGTHS)
def test_matches_cole_hopf_with_fourth_order_in_time(length):
    # On [0, L) with nu L, t L and steps dt L this is the unit-interval problem
    # rescaled (u(X, t) = v(X / L, t / L)), so the same errors are expected.
    nu, final_time, n = 0.02 * length, 0.5 * length, 128
    x = np.arange(n) / n
    exact = _cole_hopf(x, final_time, nu, length)
    errors = [
        np.abs(_solve(_cole_hopf(x, 0.0, nu, length), nu, final_time, dt * length, length)
               - exact).max()
        for dt in (0.05, 0.025, 0.0125)
    ]  # fmt: skip
    errors = np.array(errors) / np.abs(exact).max()
    # Measured (both lengths): 1.2e-6, 7.9e-8, 5.1e-9 (orders 3.9, 3.9).
    assert errors[-1] < 2e-8
    assert np.all(np.log2(errors[:-1] / errors[1:]) > 3.6)


def test_cole_hopf_on_a_long_domain_at_the_fno_viscosity():
    # nu = 0.1 on [0, 2 pi) to t = 1 (the regime of fno_burgers_params), not a
    # rescaled unit-interval problem: the exact solution to 1e-10.
    nu, length, n = 0.1, 2 * np.pi, 128
    x = np.arange(n) / n
    exact = _cole_hopf(x, 1.0, nu, length)
    u = _solve(_cole_hopf(x, 0.0, nu, length), nu, 1.0, 5e-3, length)
    assert np.abs(u - exact).max() < 1e-10 * np.abs(exact).max()


@pytest.mark.parametrize("length", _LENGTHS)
def test_heat_equation_limit_for_tiny_amplitude(length):
    # sigma = 1e-6: the nonlinear term is 1e-6 of the viscous one, so each mode
    # decays like exp(-nu (2 pi k / L)^2 t). reference_resolution == resolution
    # makes X the exact initial grid function.
    X, y = make_burgers(
        3, 64, reference_resolution=64, sigma=1e-6, domain_length=length,
        device="cpu", random_state=0,
    )  # fmt: skip
    k = np.fft.rfftfreq(64, 1 / 64)
    heat = np.fft.irfft(np.fft.rfft(X) * np.exp(-0.1 * (2 * np.pi * k / length) ** 2), n=64)
    assert np.abs(y - heat).max() < 1e-6 * np.abs(heat).max()
    assert np.abs(y).max() > 1e-11  # not trivially zero (L = 1, mode 1: ~3e-10)


@pytest.mark.parametrize("length", _LENGTHS)
def test_mass_is_conserved(length):
    rng = np.random.default_rng(0)
    u0 = rng.standard_normal(64) + 0.7  # rough, with a nonzero mean
    u = _solve(u0, 0.05, 1.0, 0.01, length)
    assert abs(u.mean() - u0.mean()) < 1e-12
    # On [0, 2 pi) the defaults' u0 (std ~2.6) makes fronts: use the preset,
    # on a grid that holds it (its mode 32 is still 4e-6 of mode 1, which a
    # 32-point subsample would alias onto the mean).
    preset, n = (fno_burgers_params(), 128) if length != 1 else ({}, 32)
    X, y = make_burgers(4, n, reference_resolution=4 * n, device="cpu", random_state=1, **preset)
    assert np.abs(y.mean(axis=1)).max() < 1e-12  # u0 has zero mean (FNO convention)


@pytest.mark.parametrize("preset", [{}, fno_burgers_params()], ids=["unit", "fno"])
def test_refinement_converges_and_coarse_error_is_measured_by_the_change(preset):
    # Halving the step and doubling the reference grid moves u(1) by nearly the
    # whole error of the coarse run: the finer run is far more accurate.
    def run(reference, dt):
        return make_burgers(
            4, 64, reference_resolution=reference, time_step=dt, device="cpu",
            random_state=2, **preset,
        )[1]  # fmt: skip

    coarse, mid, fine = run(256, 1 / 40), run(512, 1 / 80), run(1024, 1 / 640)
    scale = np.abs(fine).max()
    error_coarse = np.abs(coarse - fine).max() / scale
    error_mid = np.abs(mid - fine).max() / scale
    change = np.abs(coarse - mid).max() / scale
    assert error_mid < error_coarse / 4
    assert 0.7 * error_coarse < change < 1.3 * error_coarse
    assert error_coarse < 1e-4


def test_domain_length_is_the_unit_interval_rescaled():
    # (L, nu, T, tau, sigma, dt) on [0, L) is (1, nu / L, T / L, L tau,
    # L^alpha sigma, dt / L) on [0, 1): same u0, same u(T) on the grid.
    length, alpha = 2 * np.pi, 2.5
    common = dict(alpha=alpha, reference_resolution=128, device="cpu", random_state=4)
    X, y = make_burgers(
        3, 64, domain_length=length, viscosity=0.1, final_time=1.0, tau=2.0,
        sigma=1.0, time_step=0.01, **common,
    )  # fmt: skip
    X1, y1 = make_burgers(
        3, 64, viscosity=0.1 / length, final_time=1.0 / length, tau=2.0 * length,
        sigma=length**alpha, time_step=0.01 / length, **common,
    )  # fmt: skip
    np.testing.assert_allclose(X, X1, rtol=0, atol=1e-13 * np.abs(X).max())
    np.testing.assert_allclose(y, y1, rtol=0, atol=1e-12 * np.abs(y).max())


def _regime_statistics(X, y):
    """Per-sample statistics of the issue-8 comparison (slopes in grid units)."""
    f0, f1 = np.fft.rfft(X), np.fft.rfft(y)
    k = np.arange(f1.shape[1])
    energy = np.abs(f1) ** 2
    return {
        "std_u0": X.std(axis=1),
        "std_ratio": y.std(axis=1) / X.std(axis=1),
        "mode1": np.abs(f1[:, 1]) / np.abs(f0[:, 1]),
        "mode2": np.abs(f1[:, 2]) / np.abs(f0[:, 2]),
        "high": energy[:, 6:].sum(axis=1) / energy[:, 1:].sum(axis=1),
        "slope": np.fft.irfft(2j * np.pi * k * f1, n=X.shape[1]).max(axis=1),
    }


def test_fno_preset_is_in_the_regime_of_the_released_data():
    # Ranges read off the released burgers_data_R10 (see fno_burgers_params).
    # 200 samples: the medians' sampling spread (~0.01) is well inside the
    # margins. Measured medians: std_u0 0.36, std_ratio 0.76, mode1 0.89,
    # mode2 0.64, high 7e-4, slope 2.8.
    X, y = make_burgers(200, 256, device="cpu", random_state=0, **fno_burgers_params())
    med = {name: np.median(v) for name, v in _regime_statistics(X, y).items()}
    assert 0.30 <= med["std_u0"] <= 0.42
    assert 0.72 <= med["std_ratio"] <= 0.85
    assert 2.0 <= med["slope"] <= 4.0
    assert med["high"] < 1e-2
    # Modes 1 and 2 sit just outside the released 0.91-1.00 and 0.40-0.60
    # (random phases; documented), near the heat decays 0.90 and 0.67.
    assert 0.85 <= med["mode1"] <= 1.0
    assert 0.40 <= med["mode2"] <= 0.70
    # The literal unit-interval reading (the defaults) is nearly dissipated.
    X, y = make_burgers(50, 256, device="cpu", random_state=0)
    assert np.median(_regime_statistics(X, y)["std_ratio"]) < 0.03


def test_fno_params_is_a_fresh_dict():
    params = fno_burgers_params()
    assert params == dict(viscosity=0.1, final_time=1.0, domain_length=2 * np.pi,
                          alpha=2.0, tau=1.75, sigma=0.95)  # fmt: skip
    params["viscosity"] = 1.0
    assert fno_burgers_params()["viscosity"] == 0.1


def test_defaults_match_the_documentation():
    assert default_reference_resolution(256) == 1024
    assert default_reference_resolution(512) == 1024
    assert default_reference_resolution(1024) == 2048
    assert default_reference_resolution(100) == 1600
    assert default_time_step(0.1, 2.4, 341) == 5e-3  # the FNO setting
    assert default_time_step(1e-3, 2.0, 2730) == pytest.approx(2.5e-4)  # nu / U^2
    assert default_time_step(0.1, 1.6, 341, 2 * np.pi) == 5e-3  # fno_burgers_params
    # The CFL bound scales with L: advection rate w U with w = 2 pi k / L.
    assert default_time_step(1e-4, 1.0, 100, 2.0) == pytest.approx(1 / (100 * np.pi))
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
    # (to rounding: batched FFTs may differ in the last bit between chunk sizes
    # and CPUs)
    np.testing.assert_allclose(X3[:5], X, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(y3[:5], y, rtol=1e-12, atol=1e-14)
    # X is the reference initial condition subsampled.
    X4, _ = make_burgers(5, 128, reference_resolution=128, device="cpu", random_state=3)
    np.testing.assert_allclose(X4[:, ::4], X, rtol=1e-12, atol=1e-14)


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
        (dict(domain_length=0.0), "domain_length"),
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
