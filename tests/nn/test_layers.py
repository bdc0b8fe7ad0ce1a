"""Pure torch layers and models: resolution behaviour, losses, no scikit-learn import."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from skop.nn import FNO, RelativeH1Loss, RelativeL2Loss, SpectralConv


def _band_limited(n_points, n_dims):
    axes = [torch.arange(n_points, dtype=torch.float64) / n_points] * n_dims
    grids = torch.meshgrid(*axes, indexing="ij")
    phase = sum(grids)
    return (torch.sin(2 * np.pi * phase) + 0.5 * torch.cos(4 * np.pi * grids[0]))[None, None]


@pytest.mark.parametrize("n_dims", [1, 2, 3])
def test_spectral_conv_is_resolution_invariant_on_band_limited_input(n_dims):
    torch.manual_seed(0)
    layer = SpectralConv(1, 2, (3,) * n_dims).double()
    coarse = layer(_band_limited(8, n_dims))
    fine = layer(_band_limited(16, n_dims))
    sub = fine[(Ellipsis, *[slice(None, None, 2)] * n_dims)]
    torch.testing.assert_close(coarse, sub, rtol=0, atol=1e-12)
    # and evaluating the coarse input straight onto the fine grid agrees too
    up = layer(_band_limited(8, n_dims), output_shape=(16,) * n_dims)
    torch.testing.assert_close(up, fine, rtol=0, atol=1e-12)


def _reference_spectral_conv(layer, x):
    """rfftn, a complex einsum over the kept modes, irfftn: the textbook layer."""
    d = len(layer.n_modes)
    dims = tuple(range(2, 2 + d))
    spec = torch.fft.rfftn(x, dim=dims, norm="forward")
    weight = torch.view_as_complex(layer.weight.detach().contiguous())
    spec_idx, weight_idx = [], []
    for axis, k in enumerate(layer.n_modes):
        n = x.shape[2 + axis]
        if axis == d - 1:
            spec_idx.append(torch.arange(k))
            weight_idx.append(torch.arange(k))
        else:  # frequencies 0..k-1 and -k..-1
            spec_idx.append(torch.cat([torch.arange(k), torch.arange(n - k, n)]))
            weight_idx.append(torch.arange(2 * k))
    s_sel = spec[(slice(None), slice(None), *torch.meshgrid(*spec_idx, indexing="ij"))]
    w_sel = weight[(slice(None), slice(None), *torch.meshgrid(*weight_idx, indexing="ij"))]
    out = torch.zeros(x.shape[0], layer.out_channels, *spec.shape[2:], dtype=spec.dtype)
    out[(slice(None), slice(None), *torch.meshgrid(*spec_idx, indexing="ij"))] = torch.einsum(
        "bi...,io...->bo...", s_sel, w_sel)
    return torch.fft.irfftn(out, s=x.shape[2:], dim=dims, norm="forward")


@pytest.mark.parametrize("transform", ["fft", "matmul"])
@pytest.mark.parametrize("n_modes, grid", [((5,), (16,)), ((3, 4), (10, 12)),
                                           ((2, 3, 3), (6, 8, 9)), ((3, 3), (9, 11))])
def test_spectral_conv_equals_plain_reference(n_modes, grid, transform):
    gen = torch.Generator().manual_seed(0)
    layer = SpectralConv(3, 2, n_modes, transform=transform).double()
    with torch.no_grad():  # random weights of both signs, not the small init
        layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen, dtype=torch.float64))
    x = torch.randn(4, 3, *grid, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(layer(x), _reference_spectral_conv(layer, x),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n_modes, grid, output_shape", [
    ((5,), (16,), (33,)), ((5,), (16,), (8,)), ((3, 4), (10, 12), (20, 23)),
    ((2, 2, 3), (6, 8, 9), (12, 5, 18))])
def test_dft_products_equal_ffts_onto_another_grid(n_modes, grid, output_shape):
    # Super-resolution (and a coarser axis): zero-filled inverse transforms,
    # with the Nyquist column of an even output axis counted once.
    gen = torch.Generator().manual_seed(2)
    fft = SpectralConv(2, 3, n_modes, transform="fft").double()
    with torch.no_grad():
        fft.weight.copy_(torch.randn(fft.weight.shape, generator=gen, dtype=torch.float64))
    matmul = SpectralConv(2, 3, n_modes, transform="matmul").double()
    matmul.load_state_dict(fft.state_dict())
    x = torch.randn(3, 2, *grid, generator=gen, dtype=torch.float64, requires_grad=True)
    out_fft, out_mat = fft(x, output_shape), matmul(x, output_shape)
    torch.testing.assert_close(out_mat, out_fft, rtol=1e-10, atol=1e-12)
    probe = torch.randn(out_fft.shape, generator=gen, dtype=torch.float64)
    g_fft = torch.autograd.grad((out_fft * probe).sum(), [x, fft.weight])
    g_mat = torch.autograd.grad((out_mat * probe).sum(), [x, matmul.weight])
    for a, b in zip(g_mat, g_fft):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n_modes, grid, output_shape", [
    ((5,), (16,), None), ((4,), (9,), (17,)), ((3, 4), (10, 12), None),
    ((3, 4), (10, 12), (19, 23)), ((2, 2, 3), (6, 8, 9), None)])
def test_even_extension_is_the_periodic_layer_on_the_mirrored_field(n_modes, grid, output_shape):
    # Reference: mirror every axis about its end nodes by hand, apply the
    # periodic layer on the 2 (n - 1)-point period, keep the nodes.
    gen = torch.Generator().manual_seed(3)
    periodic = SpectralConv(2, 3, n_modes, transform="fft").double()
    with torch.no_grad():
        periodic.weight.copy_(torch.randn(periodic.weight.shape, generator=gen,
                                          dtype=torch.float64))
    x = torch.randn(2, 2, *grid, generator=gen, dtype=torch.float64)
    mirrored = x
    for dim in range(2, x.ndim):
        n = x.shape[dim]
        flipped = mirrored.flip(dim).narrow(dim, 1, n - 2)
        mirrored = torch.cat([mirrored, flipped], dim=dim)
    nodes = output_shape or grid
    expected = periodic(mirrored, tuple(2 * (m - 1) for m in nodes))
    expected = expected[(Ellipsis, *[slice(0, m) for m in nodes])]
    for transform in ("fft", "matmul"):
        layer = SpectralConv(2, 3, n_modes, transform=transform, extension="even").double()
        layer.load_state_dict(periodic.state_dict())
        torch.testing.assert_close(layer(x, output_shape), expected, rtol=1e-10, atol=1e-12)


def test_even_extension_agrees_across_nested_node_grids():
    # cos(pi k x) on [0, 1] is one mode of the mirrored period for every k:
    # a 9-node and a 17-node grid give the same output on their common nodes.
    gen = torch.Generator().manual_seed(4)
    layer = SpectralConv(1, 2, (4, 4), extension="even").double()
    with torch.no_grad():
        layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen, dtype=torch.float64))

    def field(n):
        t = torch.linspace(0, 1, n, dtype=torch.float64)
        xx, yy = torch.meshgrid(t, t, indexing="ij")
        return (torch.cos(np.pi * xx) * torch.cos(3 * np.pi * yy) + torch.cos(2 * np.pi * yy))[
            None, None]

    coarse, fine = layer(field(9)), layer(field(17))
    torch.testing.assert_close(coarse, fine[..., ::2, ::2], rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="at least 2 nodes"):
        layer(torch.randn(1, 1, 1, 5, dtype=torch.float64))


def test_auto_transform_uses_products_only_for_a_small_share_of_the_spectrum():
    layer = SpectralConv(1, 1, (4, 4))
    cpu = torch.device("cpu")
    small = layer._mode_indices((18, 18), (18, 18), cpu)[0]   # 8 x 4 of 18 x 10
    whole = layer._mode_indices((8, 8), (8, 8), cpu)[0]       # every mode
    assert layer._uses_matmul(cpu, (18, 18), small)
    assert not layer._uses_matmul(cpu, (8, 8), whole)
    assert not layer._uses_matmul(torch.device("meta"), (18, 18), small)  # FFTs off the CPU
    with pytest.raises(ValueError, match="transform"):
        SpectralConv(1, 1, (4,), transform="dft")
    with pytest.raises(ValueError, match="extension"):
        SpectralConv(1, 1, (4,), extension="odd")


def test_gpu_mode_product_equals_cpu_real_block_form():
    # The complex-einsum path runs on CUDA; check it on CPU against the CPU path.
    from skop.nn.layers._spectral_conv import _mode_product

    gen = torch.Generator().manual_seed(1)
    low = torch.randn(3, 4, 6, 5, dtype=torch.complex128, generator=gen)
    weight = torch.randn(4, 2, 6, 5, 2, dtype=torch.float64, generator=gen)
    torch.testing.assert_close(_mode_product(low, weight, real_blocks=False),
                               _mode_product(low, weight, real_blocks=True))


def test_spectral_conv_caches_mode_indices_per_grid():
    layer = SpectralConv(1, 1, (3, 3))
    layer(torch.randn(1, 1, 8, 8))
    layer(torch.randn(1, 1, 8, 8))
    assert list(layer._index_cache) == [((8, 8), (8, 8), "cpu")]
    layer(torch.randn(1, 1, 16, 16))
    assert len(layer._index_cache) == 2
    layer.double()
    assert layer._index_cache == {}  # moving or casting drops device-bound indices


def test_spectral_conv_keeps_only_low_modes():
    torch.manual_seed(0)
    layer = SpectralConv(1, 1, (2,)).double()
    x = torch.cos(2 * np.pi * 5 * torch.arange(32, dtype=torch.float64) / 32)[None, None]
    assert layer(x).abs().max() < 1e-12  # mode 5 is above the 2 kept modes


def test_spectral_conv_gradients_flow_and_float64_cast():
    layer = SpectralConv(2, 3, (4, 3))
    x = torch.randn(2, 2, 8, 8, requires_grad=True)
    layer(x).sum().backward()
    assert layer.weight.grad is not None and x.grad is not None
    layer64 = layer.to(torch.float64)
    assert layer64(x.double().detach()).dtype == torch.float64


def test_fno_block_channel_mlp_equals_its_formula():
    from skop.nn.models._fno import FNOBlock

    torch.manual_seed(0)
    block = FNOBlock(4, (3, 3), activation=torch.nn.functional.gelu, channel_mlp=0.5).double()
    assert block.mlp.fc1.weight.shape == (2, 4) and torch.equal(block.gate, torch.ones(1, 4, 1, 1))
    with torch.no_grad():
        block.gate.copy_(torch.tensor([0.5, -1.0, 2.0, 0.0]).reshape(1, 4, 1, 1))
    x = torch.randn(2, 4, 9, 10, dtype=torch.float64)
    gelu = torch.nn.functional.gelu
    h = gelu(block.spectral(x) + block.pointwise(x))
    expected = gelu(block.mlp.fc2(gelu(block.mlp.fc1(h))) + block.gate * x)
    torch.testing.assert_close(block(x), expected)
    last = FNOBlock(4, (3, 3), activation=None, channel_mlp=0.5).double()  # no outer activation
    h = last.spectral(x) + last.pointwise(x)
    torch.testing.assert_close(last(x), last.mlp.fc2(gelu(last.mlp.fc1(h))) + x)


def test_fno_activation_is_checked_and_used():
    model = FNO(1, 1, (3,), width=4, activation="silu")
    assert isinstance(model.projection.activation, torch.nn.SiLU)
    assert all(isinstance(b.activation, torch.nn.SiLU) for b in model.blocks[:-1])
    with pytest.raises(ValueError, match="activation"):
        FNO(1, 1, (3,), activation="swish")


def test_fno_shapes_and_pooling_head():
    model = FNO(2, 3, (4, 4), width=8, n_layers=2)
    assert model(torch.randn(5, 2, 16, 12)).shape == (5, 3, 16, 12)
    pooled = FNO(2, 1, (4,), width=8, n_outputs=7)
    assert pooled(torch.randn(5, 2, 16)).shape == (5, 7)


def test_relative_l2():
    y = torch.randn(4, 1, 32)
    assert RelativeL2Loss()(y, y) == 0
    torch.testing.assert_close(RelativeL2Loss()(1.1 * y, y), torch.tensor(0.1))


@pytest.mark.parametrize("grid", ["periodic", "nodes"])
def test_relative_h1_on_sines_with_known_derivatives(grid):
    """||sin(2 pi k x)||_H1^2 = 1/2 + (2 pi k)^2 / 2 (mean-square norms on [0, 1])."""
    n = 512
    x = torch.arange(n, dtype=torch.float64) / n if grid == "periodic" else torch.linspace(
        0, 1, n, dtype=torch.float64)

    def h1(k):
        return np.sqrt(0.5 + (2 * np.pi * k) ** 2 / 2)

    y = torch.sin(2 * np.pi * 2 * x)[None, None]
    err = torch.sin(2 * np.pi * 5 * x)[None, None]
    loss = RelativeH1Loss(1, grid=grid)(y + err, y).item()
    assert loss == pytest.approx(h1(5) / h1(2), rel=2e-3)
    # The derivative term dominates: the relative L2 error of the same pair is 1.
    assert RelativeL2Loss()(y + err, y).item() == pytest.approx(1.0, rel=2e-3)


def test_nn_does_not_import_sklearn():
    code = "import sys, skop.nn; assert 'sklearn' not in sys.modules, 'sklearn imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_torch_gives_install_instructions():
    code = ("import sys; sys.modules['torch'] = None\n"
            "try:\n    import skop\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "needs PyTorch" in out and "pip install torch" in out


@pytest.mark.parametrize("factory", [
    lambda: torch.nn.Linear(5, 3),
    lambda: torch.nn.Conv2d(2, 4, 3),
    lambda: torch.nn.Bilinear(3, 4, 2),
    lambda: torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.LayerNorm(4)),
    lambda: __import__("skop.nn", fromlist=["PointwiseLinear"]).PointwiseLinear(6, 2),
])
def test_build_module_draws_what_torch_defaults_draw(factory):
    """Built on meta and initialised from a generator seeded s, a module gets the
    values torch's own constructor draws after torch.manual_seed(s)."""
    from skop.nn import build_module

    state = torch.get_rng_state()
    torch.manual_seed(0)
    reference = factory()
    torch.set_rng_state(state)
    built = build_module(factory, torch.Generator().manual_seed(0))
    assert torch.equal(torch.get_rng_state(), state)
    for (name, a), (_, b) in zip(reference.state_dict().items(), built.state_dict().items()):
        torch.testing.assert_close(b, a, rtol=0, atol=0, msg=name)


def test_resample_is_exact_for_band_limited_periodic_fields_and_node_interpolation():
    from skop.nn.layers._grid import resample

    def field(n):
        x = torch.arange(n, dtype=torch.float64) / n
        return (torch.cos(2 * torch.pi * 3 * x + 0.4) + torch.sin(2 * torch.pi * x))[None, None]

    for n_in, n_out in [(16, 33), (33, 16), (15, 30), (24, 16)]:
        torch.testing.assert_close(resample(field(n_in), (n_out,)), field(n_out))
    x = torch.randn(2, 3, 16, 10, dtype=torch.float64)
    torch.testing.assert_close(resample(resample(x, (32, 20)), (16, 10)), x)
    nodes = torch.randn(2, 1, 9, 5, dtype=torch.float64)
    fine = resample(nodes, (17, 9), "nodes")
    torch.testing.assert_close(fine[..., ::2, ::2], nodes)
    torch.testing.assert_close(fine[..., 1, 0], (nodes[..., 0, 0] + nodes[..., 1, 0]) / 2)
