"""The multigrid V-cycle against a hand-written reference, and its structure."""

import pytest
import torch
from torch.nn import functional as F

from skop.nn import MgNO, MultigridConv, build_module
from skop.nn.layers._multigrid import coarsened, max_levels


def _reference_vcycle(net, f, mode):
    """The correction-scheme V-cycle written out with F.conv1d / conv_transpose1d."""

    def conv(layer, x, stride=1):
        return F.conv1d(F.pad(x, (1, 1), mode=mode), layer.conv.weight, stride=stride)

    levels = net.n_levels
    fs, us = [f], []
    for level in range(levels):
        f = fs[level]
        u = conv(net.S_pre[level][0], f)
        for S in list(net.S_pre[level])[1:]:
            u = u + conv(S, f - conv(net.A[level], u))
        us.append(u)
        if level < levels - 1:
            fs.append(conv(net.restrict[level], f - conv(net.A[level], u), stride=2))
    u = us[-1]
    for level in reversed(range(levels - 1)):
        n = us[level].shape[-1]
        coarse = F.pad(u, (1, 1), mode=mode)
        fine = F.conv_transpose1d(coarse, net.prolong[level].conv.weight, stride=2)
        u = us[level] + fine[..., 3:3 + n]
        for S in net.S_post[level]:
            u = u + conv(S, fs[level] - conv(net.A[level], u))
    return u


@pytest.mark.parametrize("boundary, mode", [("dirichlet", "constant"), ("periodic", "circular"),
                                            ("neumann", "reflect")])
@pytest.mark.parametrize("n", [33, 40])
def test_vcycle_matches_reference(boundary, mode, n):
    net = build_module(lambda: MultigridConv(3, 4, 3, 1, boundary, pre_smooth=2, post_smooth=1),
                       torch.Generator().manual_seed(0)).double()
    f = torch.randn(2, 3, n, dtype=torch.float64)
    torch.testing.assert_close(net(f), _reference_vcycle(net, f, mode))


def test_vcycle_is_linear():
    net = build_module(lambda: MultigridConv(2, 2, 4, 2, "dirichlet"),
                       torch.Generator().manual_seed(1)).double()
    f1, f2 = torch.randn(2, 1, 2, 33, 33, dtype=torch.float64)
    torch.testing.assert_close(net(2 * f1 - 3 * f2), 2 * net(f1) - 3 * net(f2))


def test_periodic_vcycle_commutes_with_coarse_shifts():
    # Circular padding: shifting by a multiple of the coarsest spacing (2^(L-1)
    # fine points) shifts the output; zero padding breaks this at the walls.
    g = torch.Generator().manual_seed(2)
    periodic = build_module(lambda: MultigridConv(1, 1, 3, 2, "periodic"), g).double()
    dirichlet = build_module(lambda: MultigridConv(1, 1, 3, 2, "dirichlet"), g).double()
    f = torch.randn(1, 1, 32, 32, dtype=torch.float64)
    shift = lambda t: torch.roll(t, (4, -8), dims=(2, 3))  # noqa: E731
    torch.testing.assert_close(periodic(shift(f)), shift(periodic(f)))
    assert not torch.allclose(dirichlet(shift(f)), shift(dirichlet(f)))


def test_coarsening_sizes():
    assert coarsened(65, 5) == [65, 33, 17, 9, 5]
    assert coarsened(64, 4) == [64, 32, 16, 8]
    assert max_levels(65) == 6 and max_levels(5) == 2 and max_levels(6) == 2
    assert max_levels(4) == 1  # 4 -> 2 points: below the 3-point coarsest grid


def test_mgno_model_any_grid_and_pooling():
    g = torch.Generator().manual_seed(3)
    model = build_module(lambda: MgNO(2, 3, width=6, n_layers=2, n_levels=3), g)
    for shape in [(17, 17), (20, 13)]:
        assert model(torch.randn(2, 2, *shape)).shape == (2, 3, *shape)
    pooled = build_module(lambda: MgNO(1, 2, width=4, n_layers=1, n_levels=2, n_dims=1,
                                       pool=True), g)
    x = torch.randn(3, 1, 16)
    torch.testing.assert_close(pooled(x), pooled.head(pooled.blocks[0](x)).mean(-1))
