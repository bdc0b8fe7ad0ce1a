"""SpectralConv's two ways of computing the kept Fourier modes, timed on CPU.

``transform="fft"`` does real / complex FFTs and truncates; ``"matmul"``
multiplies by the kept rows of the DFT matrix (``skop.nn.layers._dft``). Both
give the same numbers to rounding (checked here on every shape, float64). Prints
forward + backward milliseconds per call, their ratio, the kept share of the
spectrum and what ``transform="auto"`` picks (products when that share is at
most 1/4). One torch thread::

    python asv_bench/scripts/spectral_transform.py [--repeats 20]
"""

import argparse
import time

import torch

from skop.nn import SpectralConv
from skop.nn.layers._spectral_conv import kept_share

# (batch, channels, grid, modes): grids of the benchmarks in this folder.
SHAPES = [
    (32, 24, (18, 18), (4, 4)),     # Darcy 16 nodes, padded 0.2 (2-D defaults)
    (32, 24, (16, 16), (4, 4)),
    (32, 24, (16, 16), (8, 8)),     # the whole spectrum
    (32, 24, (32, 32), (8, 8)),
    (32, 32, (64, 64), (12, 12)),   # Darcy 64 x 64
    (32, 32, (64, 64), (32, 32)),   # the whole spectrum
    (20, 32, (85, 85), (12, 12)),
    (10, 32, (256,), (16,)),        # Burgers
    (20, 32, (256,), (64,)),
    (10, 64, (1024,), (16,)),
    (8, 20, (32, 32, 32), (6, 6, 6)),
]


def time_layer(layer, x, repeats):
    for _ in range(3):
        layer(x).sum().backward()
    start = time.perf_counter()
    for _ in range(repeats):
        layer(x).sum().backward()
    return (time.perf_counter() - start) / repeats * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("| batch x channels | grid | modes | kept share | fft ms | matmul ms | ratio | auto |")
    print("|---|---|---|---|---|---|---|---|")
    for batch, channels, grid, modes in SHAPES:
        gen = torch.Generator().manual_seed(0)
        x = torch.randn(batch, channels, *grid, generator=gen, requires_grad=True)
        layers = {t: SpectralConv(channels, channels, modes, transform=t) for t in ("fft", "matmul")}
        layers["matmul"].load_state_dict(layers["fft"].state_dict())
        x64 = x.detach().double()[:2]
        diff = (layers["fft"].double()(x64) - layers["matmul"].double()(x64)).abs().max().item()
        assert diff < 1e-11, diff
        ms = {t: time_layer(layer.float(), x, args.repeats) for t, layer in layers.items()}
        auto = SpectralConv(channels, channels, modes)
        spec_in = auto._mode_indices(grid, grid, x.device)[0]
        share = kept_share(grid, spec_in)
        pick = "matmul" if auto._uses_matmul(x.device, grid, spec_in) else "fft"
        print(f"| {batch} x {channels} | {grid} | {modes} | {share:.2f} | {ms['fft']:.2f} | "
              f"{ms['matmul']:.2f} | {ms['matmul'] / ms['fft']:.2f} | {pick} |")


if __name__ == "__main__":
    main()
