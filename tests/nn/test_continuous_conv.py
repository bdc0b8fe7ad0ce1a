"""ContinuousConv: a plain convolution on its training grid, the same integral operator off it."""

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from skop.nn import ContinuousConv, UNetOperator, build_module
from skop.nn.layers._continuous_conv import (
    ContinuousConvTranspose,
    kernel_resize_matrix,
    resample,
    resize_kernel,
)

MODES = {"dirichlet": "constant", "periodic": "circular"}


def _built(factory, seed=0):
    return build_module(factory, torch.Generator().manual_seed(seed)).double().requires_grad_(False)


def _periodic_field(n, n_dims, frequency=1):
    """A smooth periodic function on ``n`` cells per axis, ``(1, 1, *grid)``."""
    x = torch.arange(n, dtype=torch.float64) / n
    if n_dims == 1:
        field = torch.sin(2 * math.pi * frequency * x) + 0.5 * torch.cos(4 * math.pi * x)
        return field[None, None]
    X, Y = torch.meshgrid(x, x, indexing="ij")
    field = (torch.sin(2 * math.pi * frequency * X) * torch.cos(2 * math.pi * 2 * Y)
             + 0.5 * torch.cos(2 * math.pi * (X + Y)))
    return field[None, None]


def _set_kernel(conv, kernel):
    with torch.no_grad():
        conv.conv.weight.copy_(kernel.expand_as(conv.conv.weight))
        if conv.conv.bias is not None:
            conv.conv.bias.zero_()


def _smooth_kernel(k, n_dims):
    """An asymmetric bump sampled on ``k`` taps per axis: a resolved continuous kernel."""
    t = torch.arange(-(k // 2), k // 2 + 1, dtype=torch.float64) / (k / 4)
    bump = torch.exp(-t**2) * (1 + 0.5 * t)
    return bump if n_dims == 1 else bump[:, None] * bump[None, :]


def _rel(a, b):
    return float((a - b).detach().norm() / b.detach().norm())


# ----------------------------------------------------------------- training grid
@pytest.mark.parametrize("n_dims, shape", [(1, (33,)), (2, (17, 12))])
@pytest.mark.parametrize("boundary", ["dirichlet", "periodic"])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("kernel_size", [3, 5])
def test_plain_convolution_on_the_training_grid(n_dims, shape, boundary, stride, kernel_size):
    conv = _built(lambda: ContinuousConv(2, 3, kernel_size, n_dims, stride=stride,
                                         train_resolution=shape, boundary=boundary))
    x = torch.randn(4, 2, *shape, dtype=torch.float64)
    p = kernel_size // 2
    reference = (F.conv1d if n_dims == 1 else F.conv2d)(
        F.pad(x, (p,) * 2 * n_dims, mode=MODES[boundary]), conv.conv.weight, conv.conv.bias,
        stride=stride)
    assert torch.equal(conv(x), reference)
    conv.resolution_agnostic = False
    assert torch.equal(conv(x), reference)


@pytest.mark.parametrize("boundary", ["dirichlet", "periodic"])
def test_transposed_convolution_on_the_training_grids(boundary):
    up = _built(lambda: ContinuousConvTranspose(3, 2, 2, train_resolution=(9, 6),
                                                train_output_resolution=(17, 12),
                                                boundary=boundary))
    x = torch.randn(2, 3, 9, 6, dtype=torch.float64)
    full = F.conv_transpose2d(F.pad(x, (1,) * 4, mode=MODES[boundary]), up.conv.weight,
                              up.conv.bias, stride=2)
    assert torch.equal(up(x, (17, 12)), full[..., 3:20, 3:15])


def test_initialisation_is_reproducible():
    def make():
        return ContinuousConv(3, 4, 5, 2, train_resolution=16)

    a, b = _built(make, seed=3), _built(make, seed=3)
    assert torch.equal(a.conv.weight, b.conv.weight)
    bound = 1 / math.sqrt(3 * 25)  # torch's Conv2d initialisation
    assert 0 < a.conv.weight.abs().max() <= bound


# ----------------------------------------------------------------- kernel resizing
def test_kernel_sizes_follow_the_paper():
    # 9 x 9 at 128 points: 5 x 5 at 64 and 17 x 17 at 256; 3 taps -> 5 and 9.
    assert kernel_resize_matrix(9, 0.5).shape == (5, 9)
    assert kernel_resize_matrix(9, 2.0).shape == (17, 9)
    assert kernel_resize_matrix(3, 2.0).shape == (5, 3)
    assert kernel_resize_matrix(3, 4.0, "fourier").shape == (9, 3)
    np.testing.assert_array_equal(kernel_resize_matrix(5, 1.0), np.eye(5))


@pytest.mark.parametrize("method", ["bilinear", "fourier"])
@pytest.mark.parametrize("k, s", [(3, 2.0), (5, 4.0), (9, 0.5), (5, 1.5), (1, 2.0)])
def test_resizing_keeps_the_kernel_sum(method, k, s):
    # The sum of the taps over the cell-size ratio is what a smooth input sees
    # first: every tap's resized weights sum to 1 after the division by s.
    matrix = kernel_resize_matrix(k, s, method)
    np.testing.assert_allclose(matrix.sum(axis=0), np.ones(k), atol=1e-12)


def test_bilinear_resize_at_twice_the_resolution():
    # Taps [a, b, c] on [-h0, h0]: kappa = [2a, b, 2c] (trapezoid ends), sampled
    # at h0 / 2 with trapezoid weights and divided by s = 2.
    kernel = torch.tensor([[[1.0, 2.0, 4.0]]], dtype=torch.float64)
    torch.testing.assert_close(resize_kernel(kernel, (2.0,)),
                               torch.tensor([[[0.5, 1.0, 1.0, 2.5, 2.0]]], dtype=torch.float64))


@pytest.mark.parametrize("n_dims, stride", [(1, 1), (1, 2), (2, 1), (2, 2)])
def test_resized_convolution_is_the_convolution_with_the_resized_kernel(n_dims, stride):
    # Large resized kernels run by FFT: the same as a direct convolution.
    conv = _built(lambda: ContinuousConv(3, 2, 5, n_dims, stride=stride, train_resolution=16,
                                         boundary="periodic"))
    x = torch.randn(2, 3, *(32,) * n_dims, dtype=torch.float64)
    weight = resize_kernel(conv.conv.weight, (2.0,) * n_dims)
    assert weight.shape[2:] == (9,) * n_dims
    reference = (F.conv1d if n_dims == 1 else F.conv2d)(
        F.pad(x, (4,) * 2 * n_dims, mode="circular"), weight, conv.conv.bias, stride=stride)
    torch.testing.assert_close(conv(x), reference, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------- other grids
@pytest.mark.parametrize("method", ["bilinear", "fourier"])
def test_approximates_the_same_integral_operator_1d(method):
    conv = _built(lambda: ContinuousConv(1, 1, 9, 1, train_resolution=32, boundary="periodic",
                                         resize=method))
    _set_kernel(conv, _smooth_kernel(9, 1))
    errors = {}
    for frequency in (1, 2, 4):
        coarse = conv(_periodic_field(32, 1, frequency))
        for n in (64, 128, 512):
            fine = conv(_periodic_field(n, 1, frequency))
            errors[frequency, n] = _rel(fine[..., ::n // 32], coarse)
        # The training output interpolated to the 2x grid agrees on every point.
        fine = conv(_periodic_field(64, 1, frequency))
        errors[frequency, "interpolated"] = _rel(fine, resample(coarse, (64,), "periodic",
                                                                "fourier"))
        conv.resolution_agnostic = False
        errors[frequency, "plain"] = _rel(
            conv(_periodic_field(64, 1, frequency))[..., ::2], coarse)
        conv.resolution_agnostic = True
    # Smoother inputs: smaller errors; a plain conv (kernel in grid units) is
    # another operator.
    assert errors[1, 64] < errors[2, 64] < errors[4, 64]
    assert errors[1, 64] < 0.01 and errors[1, "interpolated"] < 0.01
    for frequency in (1, 2, 4):
        assert errors[frequency, "plain"] > 10 * errors[frequency, 64]
    # Finer grids converge (to the continuous operator, near the training output).
    fine = {n: conv(_periodic_field(n, 1, 2))[..., ::n // 64] for n in (64, 128, 256, 512)}
    steps = [_rel(fine[n], fine[512]) for n in (64, 128, 256)]
    assert steps[0] > 2 * steps[1] > 4 * steps[2]


def test_cell_area_factor_in_2d():
    # A zero-sum (Laplacian-like) smooth kernel: the plain conv at 2x resolution
    # is off by about the area factor 1/4; the rescaled conv is close to the
    # training output, and resizing without dividing by s^d would be 4x off.
    k = 9
    t = torch.arange(-(k // 2), k // 2 + 1, dtype=torch.float64) / 2.0
    r2 = t[:, None] ** 2 + t[None, :] ** 2
    log = (r2 - 2) * torch.exp(-r2 / 2)
    log = log - log.mean()
    results = {}
    for method in ("bilinear", "fourier"):
        conv = _built(lambda m=method: ContinuousConv(
            1, 1, k, 2, train_resolution=(32, 32), boundary="periodic", resize=m, bias=False))
        _set_kernel(conv, log)
        coarse = conv(_periodic_field(32, 2))
        fine = conv(_periodic_field(64, 2))[..., ::2, ::2]
        results[method] = _rel(fine, coarse)
        undivided = F.conv2d(F.pad(_periodic_field(64, 2), (8,) * 4, mode="circular"),
                             4 * resize_kernel(conv.conv.weight, (2.0, 2.0), method))
        assert 3.5 < float(undivided[..., ::2, ::2].norm() / coarse.norm()) < 4.5
        conv.resolution_agnostic = False
        plain = conv(_periodic_field(64, 2))[..., ::2, ::2]
        assert 0.2 < float(plain.norm() / coarse.norm()) < 0.35
    assert results["bilinear"] < 0.1 and results["fourier"] < 0.02


def test_smooth_kernel_in_2d_with_zero_padding():
    conv = _built(lambda: ContinuousConv(1, 1, 7, 2, train_resolution=(33, 33), grid="nodes",
                                         bias=False))
    _set_kernel(conv, _smooth_kernel(7, 2))

    def bump(n):  # vanishes with its derivatives at the boundary: zero padding is exact
        x = torch.linspace(0, 1, n, dtype=torch.float64)
        b = torch.sin(math.pi * x) ** 3
        return (b[:, None] * b[None, :])[None, None]

    coarse = conv(bump(33))
    error = _rel(conv(bump(65))[..., ::2, ::2], coarse)
    assert error < 0.005
    assert _rel(conv(bump(129))[..., ::4, ::4], coarse) < 0.005
    conv.resolution_agnostic = False
    assert _rel(conv(bump(65))[..., ::2, ::2], coarse) > 10 * error


def test_strided_convolution_on_a_finer_grid():
    # Node grids 65 -> 33 at 2x the training 33 -> 17: same points, same operator.
    conv = _built(lambda: ContinuousConv(1, 1, 5, 1, stride=2, train_resolution=33, grid="nodes",
                                         bias=False))
    _set_kernel(conv, _smooth_kernel(5, 1))

    def signal(n):
        x = torch.linspace(0, 1, n, dtype=torch.float64)
        return (torch.sin(math.pi * x) ** 3)[None, None]

    coarse, fine = conv(signal(33)), conv(signal(65))
    assert coarse.shape[-1] == 17 and fine.shape[-1] == 33
    assert _rel(fine[..., ::2], coarse) < 0.01


def test_transposed_convolution_on_finer_grids():
    up = _built(lambda: ContinuousConvTranspose(1, 1, 1, train_resolution=17,
                                                train_output_resolution=33, grid="nodes"))

    def signal(n):
        x = torch.linspace(0, 1, n, dtype=torch.float64)
        return torch.sin(math.pi * x)[None, None]

    coarse = up(signal(17), (33,))
    fine = up(signal(33), (65,))
    assert fine.shape[-1] == 65
    # The input interpolated down to 17 points and the output up to 65: the
    # training output, linearly interpolated.
    torch.testing.assert_close(fine, resample(coarse, (65,), "nodes"))
    up.resolution_agnostic = False
    assert _rel(up(signal(33), (65,))[..., ::2], coarse) > 0.1


def test_resample_conventions():
    x = torch.arange(32, dtype=torch.float64) / 32
    wave = torch.sin(2 * math.pi * 3 * x)[None, None]
    x64 = torch.arange(64, dtype=torch.float64) / 64
    torch.testing.assert_close(resample(wave, (64,), "periodic", "fourier"),
                               torch.sin(2 * math.pi * 3 * x64)[None, None])
    torch.testing.assert_close(resample(wave, (64,), "periodic")[..., ::2], wave)
    nodes = torch.linspace(0, 1, 17, dtype=torch.float64)[None, None] ** 2
    torch.testing.assert_close(resample(nodes, (33,), "nodes")[..., ::2], nodes)


# ----------------------------------------------------------------- errors
def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match="odd"):
        ContinuousConv(1, 1, 4, 2, train_resolution=16)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        ContinuousConv(1, 1, 3, 3, train_resolution=16)
    with pytest.raises(ValueError, match="train_resolution must give 2"):
        ContinuousConv(1, 1, 3, 2, train_resolution=(16, 16, 16))
    with pytest.raises(ValueError, match="boundary"):
        ContinuousConv(1, 1, 3, 1, train_resolution=16, boundary="neumann")
    with pytest.raises(ValueError, match="resize"):
        ContinuousConv(1, 1, 3, 1, train_resolution=16, resize="nearest")
    conv = _built(lambda: ContinuousConv(1, 1, 3, 2, train_resolution=16))
    with pytest.raises(ValueError, match="2 grid axes"):
        conv(torch.randn(1, 1, 16, dtype=torch.float64))
    up = _built(lambda: ContinuousConvTranspose(1, 1, 1, train_resolution=5,
                                                train_output_resolution=9,
                                                resolution_agnostic=False))
    with pytest.raises(ValueError, match="reaches at most"):
        up(torch.randn(1, 1, 5, dtype=torch.float64), (20,))


# ----------------------------------------------------------------- the U-Net
@pytest.mark.parametrize("n_dims, shape, grid", [(2, (33, 33), "nodes"), (2, (20, 12), "periodic"),
                                                 (1, (40,), "periodic")])
def test_unet_is_a_plain_unet_on_its_training_grid(n_dims, shape, grid):
    net = _built(lambda: UNetOperator(2, 3, width=4, depth=2, kernel_size=5, n_dims=n_dims,
                                      train_resolution=shape, grid=grid))
    x = torch.randn(2, 2, *shape, dtype=torch.float64)
    agnostic = net(x)
    assert agnostic.shape == (2, 3, *shape)
    net.resolution_agnostic = False
    assert not net.resolution_agnostic
    assert torch.equal(net(x), agnostic)


def test_unet_on_other_grids():
    net = _built(lambda: UNetOperator(1, 1, width=4, depth=3, kernel_size=5, n_dims=2,
                                      train_resolution=(33, 33), grid="nodes"))
    for shape in [(65, 65), (129, 129), (17, 17), (40, 24)]:
        assert net(torch.randn(1, 1, *shape, dtype=torch.float64)).shape == (1, 1, *shape)
    with pytest.raises(ValueError, match="too coarse"):
        net(torch.randn(1, 1, 7, 33, dtype=torch.float64))
    with pytest.raises(ValueError, match="at most depth=2"):
        UNetOperator(1, 1, depth=3, n_dims=1, train_resolution=8)
    pooled = _built(lambda: UNetOperator(1, 2, width=4, depth=1, n_dims=1, train_resolution=16,
                                         pool=True))
    assert pooled(torch.randn(3, 1, 32, dtype=torch.float64)).shape == (3, 2)
