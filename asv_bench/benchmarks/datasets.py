"""Benchmarks of the PDE data generators (CPU, one torch thread).

The targets of the foundation issue: ``make_burgers(1200, 256)`` within 60 s
and ``make_darcy(1200, 64)`` within 120 s. ``track_*`` report the accuracy of
the defaults against finer runs (see asv_bench/scripts/datasets_speed.py for a
table with repeats).
"""

import numpy as np

from benchmarks.common import quick
from skop.datasets import make_burgers, make_darcy, make_gaussian_random_field

N_SAMPLES = 4 if quick() else 1200


def _max_relative_difference(y, y_fine):
    scale = np.abs(y_fine).max(axis=tuple(range(1, y.ndim)))
    return float((np.abs(y - y_fine).max(axis=tuple(range(1, y.ndim))) / scale).max())


class Burgers:
    params = [[256] if quick() else [256, 1024]]
    param_names = ["resolution"]
    timeout = 600
    repeat = (1, 3, 300.0)
    number = 1

    def time_make_burgers(self, resolution):
        make_burgers(N_SAMPLES, resolution, device="cpu", random_state=0)

    def peakmem_make_burgers(self, resolution):
        make_burgers(N_SAMPLES, resolution, device="cpu", random_state=0)

    def track_max_relative_difference_to_fine(self, resolution):
        # Default reference grid and step vs an 8x finer grid and 16x smaller step.
        n = 2 if quick() else 32
        fine_reference = 4 * resolution if quick() else 8192
        _, y = make_burgers(n, resolution, device="cpu", random_state=0)
        _, y_fine = make_burgers(
            n, resolution, reference_resolution=fine_reference,
            time_step=1 / 3200, device="cpu", random_state=0,
        )  # fmt: skip
        return _max_relative_difference(y, y_fine)

    track_max_relative_difference_to_fine.unit = "relative"


class Darcy:
    params = [[17] if quick() else [33, 64, 65]]
    param_names = ["resolution"]
    timeout = 600
    repeat = (1, 3, 300.0)
    number = 1

    def time_make_darcy(self, resolution):
        make_darcy(N_SAMPLES, resolution, random_state=0)

    def peakmem_make_darcy(self, resolution):
        make_darcy(N_SAMPLES, resolution, random_state=0)

    def track_max_relative_difference_to_fine(self, resolution):
        # Default reference grid vs one with 4x more cells per axis: the
        # discretisation error of the data (first order at the 12 / 3 jumps).
        from skop.datasets._darcy import default_reference_resolution

        n = 2 if quick() else 8
        reference = default_reference_resolution(resolution)
        _, u = make_darcy(n, resolution, random_state=0)
        _, u_fine = make_darcy(
            n, resolution, reference_resolution=4 * (reference - 1) + 1, random_state=0
        )
        return _max_relative_difference(u, u_fine)

    track_max_relative_difference_to_fine.unit = "relative"


class GaussianRandomField:
    params = [[64] if quick() else [64, 256]]
    param_names = ["resolution"]

    def time_neumann_2d(self, resolution):
        make_gaussian_random_field(
            4 if quick() else 200, resolution, n_dims=2, boundary="neumann",
            random_state=0,
        )  # fmt: skip
