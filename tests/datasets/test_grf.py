"""Gaussian random fields: the spectrum, nesting across grids, seeding, bad input."""

import numpy as np
import pytest
import torch

from skop.datasets import make_gaussian_random_field
from skop.datasets._grf import _mode_order, _standard_normals, grf_eigenvalues


def test_periodic_spectrum_matches_covariance():
    # E|u_hat_k|^2 = lambda_k for every kept mode k != 0; each estimate from
    # n samples is a mean of exponentials, relative std 1/sqrt(n).
    n, resolution, alpha, tau, sigma = 3000, 16, 2.0, 2.0, 3.0
    u = make_gaussian_random_field(
        n, resolution, alpha=alpha, tau=tau, sigma=sigma, random_state=0
    )
    power = (np.abs(np.fft.fft(u, axis=1, norm="forward")) ** 2).mean(axis=0)
    k = np.arange(1, resolution // 2)
    expected = grf_eigenvalues(k[:, None], periodic=True, alpha=alpha, tau=tau, sigma=sigma)
    np.testing.assert_allclose(power[k], expected, rtol=5 / np.sqrt(n))
    np.testing.assert_allclose(power[-k], expected, rtol=5 / np.sqrt(n))
    # The constant mode is real: variance lambda_0; the Nyquist mode is absent.
    lam0 = sigma**2 * tau ** (-2 * alpha)
    assert abs(power[0] / lam0 - 1) < 5 * np.sqrt(2 / n)
    assert power[resolution // 2] < 1e-28


def test_neumann_pointwise_variance_matches_covariance():
    n, resolution, alpha, tau = 4000, 9, 1.5, 1.0
    z = make_gaussian_random_field(
        n, resolution, n_dims=2, boundary="neumann", alpha=alpha, tau=tau,
        random_state=1,
    )  # fmt: skip
    k = _mode_order(2, resolution - 1, False)
    lam = grf_eigenvalues(k, periodic=False, alpha=alpha, tau=tau, sigma=1.0)
    x = np.linspace(0, 1, resolution)
    basis = np.where(k[:, :1] == 0, 1.0, np.sqrt(2)) * np.cos(np.pi * k[:, :1] * x)
    basis_y = np.where(k[:, 1:] == 0, 1.0, np.sqrt(2)) * np.cos(np.pi * k[:, 1:] * x)
    expected = np.einsum("m,mi,mj->ij", lam, basis**2, basis_y**2)
    # The sample variance of n Gaussians has relative std sqrt(2 / n).
    np.testing.assert_allclose(z.var(axis=0), expected, rtol=5 * np.sqrt(2 / n))


def test_neumann_field_is_its_cosine_series():
    # The DCT-I evaluation equals the plain sum over the drawn modes of
    # sqrt(lambda_k) * xi_k * prod_d c(k_d) cos(pi k_d x_d), c(0) = 1, c(k) = sqrt 2.
    resolution, seed = 6, 11
    z = make_gaussian_random_field(1, resolution, n_dims=2, boundary="neumann",
                                   random_state=seed)[0]  # fmt: skip
    k = _mode_order(2, resolution - 1, False)
    xi = _standard_normals(seed, 0, 1, len(k))[0]
    lam = grf_eigenvalues(k, periodic=False, alpha=2.0, tau=3.0, sigma=1.0)
    x = np.linspace(0, 1, resolution)
    c = np.where(k == 0, 1.0, np.sqrt(2.0))
    phi_x = c[:, :1] * np.cos(np.pi * k[:, :1] * x)
    phi_y = c[:, 1:] * np.cos(np.pi * k[:, 1:] * x)
    direct = np.einsum("m,mi,mj->ij", np.sqrt(lam) * xi, phi_x, phi_y)
    np.testing.assert_allclose(z, direct, rtol=0, atol=1e-14)


@pytest.mark.parametrize(
    "boundary, coarse, fine, n_dims",
    [("periodic", 16, 32, 1), ("periodic", 8, 16, 2), ("neumann", 9, 17, 2)],
)
def test_same_function_at_every_resolution(boundary, coarse, fine, n_dims):
    kept = (coarse - 1) // 2 if boundary == "periodic" else coarse - 1
    kwargs = dict(n_dims=n_dims, boundary=boundary, random_state=5)
    u_coarse = make_gaussian_random_field(3, coarse, **kwargs)
    u_fine = make_gaussian_random_field(3, fine, max_mode=kept, **kwargs)
    step = (fine // coarse) if boundary == "periodic" else (fine - 1) // (coarse - 1)
    index = (slice(None),) + (slice(None, None, step),) * n_dims
    np.testing.assert_allclose(u_fine[index], u_coarse, rtol=0, atol=1e-13)
    # Without truncation the finer field adds its higher modes: close, not equal.
    u_full = make_gaussian_random_field(3, fine, **kwargs)
    difference = np.abs(u_full[index] - u_coarse).max()
    assert 0 < difference < 0.5 * np.abs(u_coarse).max()


def test_samples_do_not_depend_on_n_samples_and_are_reproducible():
    few = make_gaussian_random_field(3, 32, random_state=7)
    many = make_gaussian_random_field(10, 32, random_state=7)
    # The same samples whatever the batch (to rounding: FFT kernels may differ by
    # batch size and CPU in the last bit).
    np.testing.assert_allclose(many[:3], few, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(make_gaussian_random_field(3, 32, random_state=7), few)
    assert not np.allclose(make_gaussian_random_field(3, 32, random_state=8), few)


def test_zero_mean_and_shapes():
    u = make_gaussian_random_field(4, 12, n_dims=2, zero_mean=True, random_state=0)
    assert u.shape == (4, 12, 12) and u.dtype == np.float64
    assert np.abs(u.mean(axis=(1, 2))).max() < 1e-15
    assert make_gaussian_random_field(2, 5, n_dims=3, boundary="neumann").shape == (2, 5, 5, 5)
    # tau = 0 is allowed once the constant mode (infinite variance) is dropped.
    assert np.isfinite(make_gaussian_random_field(2, 8, tau=0.0, zero_mean=True)).all()


def test_random_state_kinds_and_global_rng_untouched():
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    a = make_gaussian_random_field(2, 8, random_state=np.random.RandomState(0))
    b = make_gaussian_random_field(2, 8, random_state=np.random.default_rng(0))
    assert a.shape == b.shape == (2, 8)
    make_gaussian_random_field(2, 8, random_state=0)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples"),
        (dict(resolution=1), "resolution"),
        (dict(boundary="dirichlet"), "boundary"),
        (dict(n_dims=4), "n_dims"),
        (dict(alpha=0.0), "alpha"),
        (dict(max_mode=8, resolution=16), "max_mode"),
        (dict(tau=0.0), "zero_mean"),
        (dict(random_state="seed"), "random_state"),
    ],
)
def test_bad_input_is_a_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_gaussian_random_field(**kwargs)
