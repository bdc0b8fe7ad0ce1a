"""Physical tests of the 2-D Navier-Stokes generator (vorticity on the unit torus)."""

import math

import numpy as np
import pytest
import torch

from skop.datasets import make_navier_stokes
from skop.datasets._navier_stokes import kolmogorov_forcing, solve_navier_stokes

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _grid(n):
    x = np.arange(n) / n
    return np.meshgrid(x, x, indexing="ij")


def _enstrophy_and_palinstrophy(w):
    """Z = <w^2> / 2 and P = <|grad w|^2> over the torus, spectrally, per field."""
    n = w.shape[-1]
    k = 2 * np.pi * np.fft.fftfreq(n, 1.0 / n)
    w_hat = np.fft.fft2(w, norm="forward")
    k2 = k[:, None] ** 2 + k[None, :] ** 2
    z = 0.5 * np.sum(np.abs(w_hat) ** 2, axis=(-2, -1))
    p = np.sum(k2 * np.abs(w_hat) ** 2, axis=(-2, -1))
    return z, p


@pytest.mark.parametrize("k", [1, 2])
def test_taylor_green_decays_exactly(k):
    # w = cos(2 pi k x) + sin(2 pi k y) lies in one Laplacian shell, so psi is
    # proportional to w and u . grad w = J(psi, w) vanishes: the unforced flow
    # decays as exp(-nu |2 pi k|^2 t), and Crank-Nicolson's amplification
    # (1 - a/2)/(1 + a/2) per step is exact up to round-off.
    nu, n = 1e-2, 32
    x, y = _grid(n)
    w0 = np.cos(2 * np.pi * k * x) + np.sin(2 * np.pi * k * y)
    dt = 1e-2
    w = solve_navier_stokes(torch.tensor(w0)[None], viscosity=nu, record_times=[0.5, 1.0], dt=dt)
    a = nu * (2 * np.pi * k) ** 2 * dt
    discrete = w0 * ((1 - a / 2) / (1 + a / 2)) ** 100
    np.testing.assert_allclose(w[0, 1].numpy(), discrete, atol=1e-12)
    exact = w0 * np.exp(-nu * (2 * np.pi * k) ** 2 * 1.0)
    # Crank-Nicolson is second order: 100 steps err ~ 100 (a^3 / 12) relative.
    np.testing.assert_allclose(w[0, 1].numpy(), exact, atol=1e-4)
    # A mixed-shell field does not decay that way: the nonlinear term acts.
    w_mixed = w0 + np.cos(2 * np.pi * 3 * x) * np.cos(2 * np.pi * y)
    out = solve_navier_stokes(torch.tensor(w_mixed)[None], viscosity=nu, record_times=[1.0], dt=dt)
    linear = np.fft.irfft2(
        np.fft.rfft2(w_mixed) * np.exp(-nu * _k2(n) * 1.0), s=(n, n)
    )
    assert np.abs(out[0, 0].numpy() - linear).max() > 1e-2


def _k2(n):
    k = 2 * np.pi * np.fft.fftfreq(n, 1.0 / n)
    kr = 2 * np.pi * np.fft.rfftfreq(n, 1.0 / n)
    return k[:, None] ** 2 + kr[None, :] ** 2


def test_unforced_enstrophy_decays_by_its_budget():
    # In 2-D the advection conserves enstrophy Z, so dZ/dt = -nu P exactly
    # (P the palinstrophy): check the budget between snapshots, not only
    # that Z decreases.
    nu = 2e-3
    X, y = make_navier_stokes(
        3, 32, nu, t_in=4, t_out=4, snapshot_interval=0.25, reference_resolution=32,
        forcing_amplitude=0.0, device="cpu", random_state=0,
    )
    w = np.concatenate([X, y], axis=1)
    z, p = _enstrophy_and_palinstrophy(w)
    assert np.all(np.diff(z, axis=1) < 0)
    dz = np.diff(z, axis=1) / 0.25
    predicted = -nu * 0.5 * (p[:, 1:] + p[:, :-1])
    np.testing.assert_allclose(dz, predicted, rtol=2e-2)


def test_forcing_enters_with_its_sign():
    # Over a short time the forcing adds t f to the vorticity, to first order
    # (the flow advects the added part at O(t^2): measured 1% at t = 0.05).
    n, t = 32, 0.05
    common = dict(output="final", final_time=t, reference_resolution=n, device="cpu",
                  random_state=1)
    _, forced = make_navier_stokes(2, n, **common)
    _, free = make_navier_stokes(2, n, forcing_amplitude=0.0, **common)
    f = kolmogorov_forcing(n)
    np.testing.assert_allclose(forced - free, np.broadcast_to(t * f, forced.shape),
                               atol=3e-2 * t * np.abs(f).max())


def test_second_order_in_time():
    common = dict(output="final", final_time=1.0, reference_resolution=32, device="cpu",
                  random_state=2)
    runs = [make_navier_stokes(2, 32, 1e-3, dt=dt, **common)[1] for dt in (2e-2, 1e-2, 2.5e-3)]
    coarse = np.abs(runs[0] - runs[2]).max()
    fine = np.abs(runs[1] - runs[2]).max()
    # dt and dt/2 against dt/8: a second-order error ratio (2^2 - 1/16) / (1 - 1/16) ~ 4.
    assert 3.0 < coarse / fine < 5.0
    assert fine < 1e-4 * np.abs(runs[2]).max()


def test_converges_with_reference_resolution():
    # The same seed gives the same initial field on every reference grid, so
    # refining the grid refines one solution: differences fall fast.
    common = dict(output="final", final_time=1.0, device="cpu", random_state=3)
    w = {n: make_navier_stokes(2, 16, 1e-3, reference_resolution=n, dt=5e-3, **common)[1]
         for n in (16, 32, 64)}
    err16 = np.abs(w[16] - w[64]).max()
    err32 = np.abs(w[32] - w[64]).max()
    assert err32 < 0.2 * err16
    assert err32 < 1e-3 * np.abs(w[64]).max()


def test_windows_are_snapshots_of_one_trajectory():
    X, y = make_navier_stokes(3, 16, t_in=2, t_out=2, snapshot_interval=0.5, device="cpu",
                              random_state=4)
    assert X.shape == (3, 2, 16, 16) and y.shape == (3, 2, 16, 16)
    _, w1 = make_navier_stokes(3, 16, output="final", final_time=0.5, device="cpu",
                               random_state=4)
    np.testing.assert_allclose(X[:, 0], w1, rtol=0, atol=1e-12)
    assert np.abs(y[:, 1] - X[:, 1]).max() > 1e-3  # the flow moves


def test_reproducible_and_independent_of_n_samples():
    kw = dict(t_in=1, t_out=1, snapshot_interval=0.2, device="cpu")
    a = make_navier_stokes(3, 16, random_state=5, **kw)
    b = make_navier_stokes(2, 16, random_state=5, **kw)
    np.testing.assert_allclose(a[1][:2], b[1], rtol=0, atol=1e-12)
    c = make_navier_stokes(2, 16, random_state=6, **kw)
    assert np.abs(c[1] - b[1]).max() > 1e-2
    state = np.random.get_state()[1].copy()
    make_navier_stokes(1, 16, random_state=np.random.RandomState(0), **kw)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_initial_field_statistics():
    # sigma^2 ((2 pi |k|)^2 + tau^2)^(-alpha) summed over the kept modes is the
    # pointwise variance of w0.
    X, _ = make_navier_stokes(64, 16, output="final", final_time=0.01, device="cpu",
                              random_state=7)
    k = np.arange(-10, 11)
    k2 = (2 * np.pi) ** 2 * (k[:, None] ** 2 + k[None, :] ** 2)
    keep = (np.abs(k)[:, None] <= 10) & (np.abs(k)[None, :] <= 10) & (k2 > 0)
    variance = np.sum((2 * 7.0**3) * (k2[keep] + 49.0) ** -2.5)
    assert abs(X.var() / variance - 1) < 0.15
    np.testing.assert_allclose(X.mean(axis=(1, 2)), 0.0, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(final_time=2.0), "final_time applies to output='final'"),
        (dict(reference_resolution=24), "multiple of resolution"),
        (dict(resolution=2, reference_resolution=4), "at least 6"),
        (dict(dt=0.5), "smaller dt"),
        (dict(viscosity=0.0), "viscosity"),
        (dict(output="trajectory"), "output"),
    ],
)
def test_bad_arguments(kwargs, match):
    params = dict(n_samples=1, resolution=16, t_in=1, t_out=1, device="cpu", random_state=0)
    params.update(kwargs)
    with pytest.raises(ValueError, match=match):
        make_navier_stokes(**params)


def test_solver_rejects_bad_record_times():
    with pytest.raises(ValueError, match="increasing and positive"):
        solve_navier_stokes(torch.zeros(1, 8, 8, dtype=torch.float64), viscosity=1e-3,
                            record_times=[1.0, 0.5])


def test_fields_are_finite_and_forced_flow_gains_enstrophy():
    X, y = make_navier_stokes(2, 16, 1e-3, t_in=1, t_out=1, snapshot_interval=4.0,
                              device="cpu", random_state=8)
    assert np.isfinite(X).all() and np.isfinite(y).all()
    # The forcing's enstrophy input outweighs viscous loss at nu = 1e-3.
    assert (y**2).mean() > (X**2).mean()
    assert math.isfinite(float(np.abs(y).max()))
