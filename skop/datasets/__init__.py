"""Data generators: PDE solvers and benchmark simulations, never downloads."""

from skop.datasets._acoustics import make_acoustic_source
from skop.datasets._antiderivative import make_antiderivative
from skop.datasets._burgers import fno_burgers_params, make_burgers
from skop.datasets._darcy import make_darcy
from skop.datasets._dynamical_systems import (
    make_duffing,
    make_linear_map,
    make_logistic_map,
    make_lorenz,
    make_pendulum,
    make_standard_map,
)
from skop.datasets._gaussian_mixture import make_easy_gaussian_mixture
from skop.datasets._grf import make_gaussian_random_field
from skop.datasets._helmholtz import make_helmholtz
from skop.datasets._manifolds import (
    make_circle,
    make_sphere,
    make_swiss_roll_manifold,
    make_torus,
    manifold_eigenfunctions,
)
from skop.datasets._matrices import make_heavy_row_regression, make_spiked_rows
from skop.datasets._navier_stokes import make_navier_stokes

__all__ = [
    "fno_burgers_params",
    "make_acoustic_source",
    "make_antiderivative",
    "make_burgers",
    "make_circle",
    "make_darcy",
    "make_duffing",
    "make_easy_gaussian_mixture",
    "make_gaussian_random_field",
    "make_heavy_row_regression",
    "make_helmholtz",
    "make_linear_map",
    "make_logistic_map",
    "make_lorenz",
    "make_navier_stokes",
    "make_pendulum",
    "make_sphere",
    "make_spiked_rows",
    "make_standard_map",
    "make_swiss_roll_manifold",
    "make_torus",
    "manifold_eigenfunctions",
]
