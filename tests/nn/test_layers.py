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


def test_fno_shapes_and_pooling_head():
    model = FNO(2, 3, (4, 4), width=8, n_layers=2)
    assert model(torch.randn(5, 2, 16, 12)).shape == (5, 3, 16, 12)
    pooled = FNO(2, 1, (4,), width=8, n_outputs=7)
    assert pooled(torch.randn(5, 2, 16)).shape == (5, 7)


def test_losses():
    y = torch.randn(4, 1, 32)
    assert RelativeL2Loss()(y, y) == 0
    torch.testing.assert_close(RelativeL2Loss()(1.1 * y, y), torch.tensor(0.1))
    torch.testing.assert_close(RelativeH1Loss(1)(1.1 * y, y), torch.tensor(0.1))
    assert RelativeH1Loss(1)(y + 0.01 * torch.randn_like(y), y) > 0


def test_nn_does_not_import_sklearn():
    code = "import sys, skop.nn; assert 'sklearn' not in sys.modules, 'sklearn imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_torch_gives_install_instructions():
    code = ("import sys; sys.modules['torch'] = None\n"
            "try:\n    import skop\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "needs PyTorch" in out and "pip install torch" in out
