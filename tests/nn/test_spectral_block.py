"""The neural spectral block and the LSM model: patch-local, padding-free on any grid."""

import pytest
import torch

from skop.nn import LSM, NeuralSpectralBlock, build_module
from skop.nn.layers._spectral_block import patchify, unpatchify


def _block(channels=8, n_dims=2, patch_size=4, seed=0):
    return build_module(lambda: NeuralSpectralBlock(channels, n_dims, patch_size, n_heads=2),
                        torch.Generator().manual_seed(seed)).double()


@pytest.mark.parametrize("grid, patch", [((8, 12), (4, 3)), ((6,), (2,)), ((4, 4, 6), (2, 2, 3))])
def test_patchify_inverts(grid, patch):
    x = torch.randn(3, 5, *grid)
    p = patchify(x, patch)
    assert p.shape == (3 * (x[0, 0].numel() // torch.Size(patch).numel()), 5,
                       torch.Size(patch).numel())
    torch.testing.assert_close(unpatchify(p, patch, grid, 3), x, rtol=0, atol=0)


def test_output_depends_only_on_the_pixels_of_the_same_patch():
    block = _block()
    x = torch.randn(2, 8, 8, 8, dtype=torch.float64)
    x2 = x.clone()
    x2[:, :, 5, 6] += 1.0  # a pixel of the patch [4:8, 4:8]
    diff = (block(x2) - block(x)).abs().amax(dim=(0, 1))
    assert diff[4:, 4:].max() > 1e-6
    diff[4:, 4:] = 0
    assert diff.max() == 0


def test_partial_patches_are_masked_not_padded():
    # 1-D, 6 points, patch 4: the tail patch holds 2 real points and 2 padded ones.
    # With the padding masked out it must equal the same block with patch 2 on those points
    # (tokens and weights do not depend on the patch size).
    block4 = _block(n_dims=1, patch_size=4)
    block2 = _block(n_dims=1, patch_size=2)
    block2.load_state_dict(block4.state_dict())
    x = torch.randn(3, 8, 6, dtype=torch.float64)
    torch.testing.assert_close(block4(x)[..., 4:], block2(x[..., 4:]))
    torch.testing.assert_close(block4(x)[..., :4], block4(x[..., :4]))


@pytest.mark.parametrize("shape", [(65, 65), (30, 17), (5, 3)])
def test_lsm_runs_on_any_grid_and_is_batch_independent(shape):
    model = build_module(lambda: LSM(2, 3, width=8, n_levels=3, n_heads=2, grid="nodes"),
                         torch.Generator().manual_seed(0)).double().eval()
    x = torch.randn(4, 2, *shape, dtype=torch.float64)
    out = model(x)
    assert out.shape == (4, 3, *shape)
    torch.testing.assert_close(model(x[1:2]), out[1:2], rtol=1e-7, atol=1e-9)


def test_lsm_levels_and_widths_and_pooling():
    model = LSM(1, 2, width=16, n_levels=5, n_heads=8, pool=True)
    assert [b.channels for b in model.spectral] == [16, 32, 64, 128, 128]
    assert model.padded_shape((65, 64)) == (80, 64)
    model = build_module(lambda: LSM(1, 2, width=8, n_levels=2, n_heads=4, n_dims=1, pool=True),
                         torch.Generator().manual_seed(0))
    assert model(torch.randn(3, 1, 10)).shape == (3, 2)


def test_bad_parameters():
    with pytest.raises(ValueError, match="multiple of n_heads"):
        NeuralSpectralBlock(10, 2, n_heads=4)
    with pytest.raises(ValueError, match="patch_size"):
        NeuralSpectralBlock(8, 2, patch_size=(4, 4, 4), n_heads=4)
    with pytest.raises(ValueError, match="boundary"):
        LSM(1, 1, boundary="neumann")
