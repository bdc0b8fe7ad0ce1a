"""Koopman operators from data: EDMD, residual DMD and pseudospectra.

:class:`EDMD` approximates the Koopman operator of a map on a dictionary of
observables; :class:`ResDMD` adds a residual to every eigenpair and the
pseudospectrum, which tell true spectrum from spurious eigenvalues.
"""

from skop.dynamics._dictionaries import FourierDictionary, MonomialDictionary, RBFDictionary
from skop.dynamics._display import KoopmanSpectrumDisplay
from skop.dynamics._edmd import EDMD
from skop.dynamics._neural_dictionary import NeuralDictionary
from skop.dynamics._resdmd import ResDMD

__all__ = [
    "EDMD",
    "FourierDictionary",
    "KoopmanSpectrumDisplay",
    "MonomialDictionary",
    "NeuralDictionary",
    "RBFDictionary",
    "ResDMD",
]
