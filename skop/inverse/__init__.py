"""Inverse problems: forward operators, learned and classical priors, plug-and-play solvers."""

from skop.inverse._denoisers import TVDenoiser, tv_norm, tv_prox
from skop.inverse._lpn import GammaSchedule, LearnedProximalNetwork
from skop.inverse._operators import (
    Blur,
    GaussianMeasurement,
    Identity,
    Inpainting,
    LinearForwardOperator,
    ParallelBeamTomography,
    SubsampledFourier,
    gaussian_psf,
)
from skop.inverse._pnp import PnPADMM, PnPPGD, TikhonovReconstruction, WienerFilter
from skop.nn._linalg import batched_cg

__all__ = [
    "Blur",
    "GammaSchedule",
    "GaussianMeasurement",
    "Identity",
    "Inpainting",
    "LearnedProximalNetwork",
    "LinearForwardOperator",
    "ParallelBeamTomography",
    "PnPADMM",
    "PnPPGD",
    "SubsampledFourier",
    "TVDenoiser",
    "TikhonovReconstruction",
    "WienerFilter",
    "batched_cg",
    "gaussian_psf",
    "tv_norm",
    "tv_prox",
]
