"""DeepONet's torch pieces against plain formulas: contraction, MLPs, features, broadcasting."""

import math

import pytest
import torch

from skop.nn import (
    MLP,
    ConvBranch,
    Dense,
    DeepONet,
    FourierFeatures,
    ModifiedMLP,
    PeriodicFeatures,
    ProductBranch,
    Standardized,
    build_module,
)


def _net(n_outputs=2, p=5, d=2, m=7):
    g = torch.Generator().manual_seed(0)
    return build_module(lambda: DeepONet(MLP(m, (9,), n_outputs * p),
                                         MLP(d, (9,), n_outputs * p, final_activation=True),
                                         p, n_outputs), g)


def test_contraction_is_the_deeponet_sum():
    net = _net()
    with torch.no_grad():
        net.bias.copy_(torch.tensor([0.3, -1.0]))
    u, x = torch.randn(4, 7), torch.randn(6, 2)
    out = net(u, x)
    b = net.branch(u).reshape(4, 2, 5)
    t = net.trunk(x).reshape(6, 2, 5)
    expected = torch.einsum("bop,qop->boq", b, t) + net.bias[:, None]
    torch.testing.assert_close(out, expected)
    # Per-sample points and a broadcast view of shared points agree with it.
    torch.testing.assert_close(net(u, x.expand(4, 6, 2).clone()), expected)
    torch.testing.assert_close(net(u, x.expand(4, 6, 2)), expected)


def test_standardized_keeps_broadcast_inputs_broadcast():
    seen = {}

    class Probe(torch.nn.Module):
        def forward(self, u, points):
            seen["stride"] = points.stride(0)
            return points.sum(-1)

    model = Standardized(Probe(), inputs={"u": None,
                                          "points": (torch.tensor([1.0, 2.0]),
                                                     torch.tensor([2.0, 4.0]))})
    x = torch.randn(5, 2)
    out = model(u=torch.zeros(3, 1), points=x.expand(3, 5, 2))
    assert seen["stride"] == 0
    torch.testing.assert_close(out, ((x - torch.tensor([1.0, 2.0])) / torch.tensor([2.0, 4.0])
                                     ).sum(-1).expand(3, 5))


def test_dense_is_glorot_normal_with_zero_bias():
    layer = build_module(lambda: Dense(400, 600), torch.Generator().manual_seed(1))
    assert torch.all(layer.bias == 0)
    std = math.sqrt(2 / (400 + 600))
    assert abs(float(layer.weight.detach().std()) / std - 1) < 0.01


def test_modified_mlp_formula():
    net = build_module(lambda: ModifiedMLP(3, (4, 4), 2, "tanh"), torch.Generator().manual_seed(2))
    x = torch.randn(5, 3)
    u, v = torch.tanh(net.encoder_u(x)), torch.tanh(net.encoder_v(x))
    h = x
    for layer in net.layers:
        z = torch.tanh(layer(h))
        h = (1 - z) * u + z * v
    torch.testing.assert_close(net(x), net.output(h))
    with pytest.raises(ValueError, match="one width"):
        ModifiedMLP(3, (4, 5), 2)


def test_fourier_features_values_and_seeding():
    a = build_module(lambda: FourierFeatures(2, 64, scale=3.0), torch.Generator().manual_seed(3))
    b = build_module(lambda: FourierFeatures(2, 64, scale=3.0), torch.Generator().manual_seed(3))
    torch.testing.assert_close(a.frequencies, b.frequencies)
    assert 2.5 < float(a.frequencies.std()) < 3.5
    # float64: phases reach ~50 rad, where float32 rounding of a differently
    # ordered product differs by 1e-5 between CPUs.
    a = a.double()
    x = torch.randn(4, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    phase = 2 * math.pi * x @ a.frequencies
    torch.testing.assert_close(a(x), torch.cat([x, phase.cos(), phase.sin()], -1))
    assert a.out_features == 2 + 128


def test_periodic_features_are_periodic():
    f = build_module(lambda: PeriodicFeatures([2.0, 0.5], 3), torch.Generator())
    x = torch.rand(10, 2, dtype=torch.float64)
    shifted = x + torch.tensor([2.0, 0.5], dtype=torch.float64)
    f = f.double()
    # omega is stored in float32: periodic to its rounding.
    torch.testing.assert_close(f(x), f(shifted), atol=1e-5, rtol=0)
    # First harmonic of axis 0 is cos(2 pi x / 2) = cos(pi x).
    torch.testing.assert_close(f(x)[:, 0], torch.cos(math.pi * x[:, 0]), atol=1e-6, rtol=0)
    assert f.out_features == 12


def test_product_branch_multiplies_blockwise():
    g = torch.Generator().manual_seed(4)
    branch = build_module(lambda: ProductBranch([MLP(3, (), 4), MLP(2, (), 4)], [3, 2]), g)
    x = torch.randn(6, 5)
    torch.testing.assert_close(branch(x), branch.nets[0](x[:, :3]) * branch.nets[1](x[:, 3:]))


def test_conv_branch_any_resolution_same_features():
    g = torch.Generator().manual_seed(5)
    branch = build_module(lambda: ConvBranch(1, 6, 2, channels=(4, 8)), g)
    assert branch(torch.randn(3, 1, 16, 16)).shape == branch(torch.randn(3, 1, 33, 20)).shape
    # A constant field gives the same features at every resolution (average pooling).
    c16 = branch(torch.ones(1, 1, 32, 32))
    c64 = branch(torch.ones(1, 1, 64, 64))
    torch.testing.assert_close(c16, c64, atol=0.05, rtol=0.05)
