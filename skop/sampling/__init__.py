"""Exact samplers for optimal weighted least squares.

Finite candidate sets (an ``N x m`` matrix ``Q`` with orthonormal columns) and
continuous domains (an orthonormal basis of :mod:`skop.preprocessing`):
projection determinantal point processes (DPPs), independent DPP repetitions,
generalised volume-rescaled sampling and i.i.d. sampling from the optimal
(inverse-Christoffel) density. All draws are batched torch computations that
run on GPU when available.

Row sampling for l_p regression (Woodruff & Yasuda): leverage scores,
root leverage, l_p Lewis weights, exact l_1 sensitivities, and the sampler
that keeps rows with probabilities proportional to them.
"""

from skop.sampling._continuous import (
    sample_christoffel_points,
    sample_dpp_repetitions_points,
    sample_projection_dpp_points,
    sample_volume_rescaled_points,
)
from skop.sampling._lp_sensitivity import (
    leverage_scores,
    lewis_weights,
    lp_sensitivities,
    row_scores,
    sample_rows,
)
from skop.sampling._finite import (
    sample_christoffel,
    sample_dpp_repetitions,
    sample_projection_dpp,
    sample_volume_rescaled,
)

__all__ = [
    "leverage_scores",
    "lewis_weights",
    "lp_sensitivities",
    "row_scores",
    "sample_rows",
    "sample_christoffel",
    "sample_christoffel_points",
    "sample_dpp_repetitions",
    "sample_dpp_repetitions_points",
    "sample_projection_dpp",
    "sample_projection_dpp_points",
    "sample_volume_rescaled",
    "sample_volume_rescaled_points",
]
