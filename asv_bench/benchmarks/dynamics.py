"""Benchmarks of EDMD / ResDMD on the Chirikov standard map, beside peers.

``method`` runs, on the same lifted snapshot matrices (7 x 7 Fourier
dictionary), skop's EDMD, skop's ResDMD (EDMD + residuals), a direct numpy
EDMD (``eig(lstsq(Psi_X, Psi_Y))``) and, when it can be imported,
pykoopman's EDMD (``Koopman(Identity(), EDMD(svd_rank=N))``). BLAS runs on one
thread, as torch does, so the methods are timed alike.
"""

import warnings

import numpy as np
from sklearn.preprocessing import FunctionTransformer
from threadpoolctl import threadpool_limits

from benchmarks.common import cache, quick
from skop.datasets import make_standard_map
from skop.dynamics import EDMD, FourierDictionary, ResDMD


def _pykoopman_available():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pykoopman  # noqa: F401
        return True
    except Exception:  # noqa: BLE001 - any import failure means "not installed here"
        return False


METHODS = ["skop-edmd", "skop-resdmd", "numpy-edmd"] + (
    ["pykoopman-edmd"] if _pykoopman_available() else []
)
SIZES = [2_000] if quick() else [2_000, 20_000, 200_000]


@cache
def lifted(n_samples):
    X, Y = make_standard_map(n_samples, K=1.0, random_state=0)
    d = FourierDictionary(n_modes=3).fit(X)
    return X, Y, d.transform(X), d.transform(Y)


def _fit(method, Px, Py):
    if method == "skop-edmd":
        return EDMD(FunctionTransformer()).fit(Px, Py).eigenvalues_
    if method == "skop-resdmd":
        return ResDMD(FunctionTransformer()).fit(Px, Py).eigenvalues_
    if method == "numpy-edmd":
        return np.linalg.eigvals(np.linalg.lstsq(Px, Py, rcond=None)[0])
    import pykoopman
    from pykoopman.regression import EDMD as PKEDMD

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = pykoopman.Koopman(
            observables=pykoopman.observables.Identity(), regressor=PKEDMD(svd_rank=Px.shape[1])
        ).fit(Px, Py)
    return model.lamda_array


class KoopmanFit:
    """Fit time of EDMD variants on lifted standard-map snapshots."""

    params = [METHODS, SIZES]
    param_names = ["method", "n_samples"]
    timeout = 600

    def setup(self, method, n_samples):
        _, _, self.Px, self.Py = lifted(n_samples)
        self._limits = threadpool_limits(1)

    def teardown(self, method, n_samples):
        self._limits.unregister()

    def time_fit(self, method, n_samples):
        _fit(method, self.Px, self.Py)

    def peakmem_fit(self, method, n_samples):
        _fit(method, self.Px, self.Py)

    def track_max_eigenvalue_difference(self, method, n_samples):
        """Largest distance from each eigenvalue to skop's EDMD spectrum."""
        ours = _fit("skop-edmd", self.Px, self.Py)
        theirs = _fit(method, self.Px, self.Py)
        return float(np.abs(theirs[:, None] - ours[None, :]).min(axis=1).max())


class Pseudospectrum:
    """ResDMD's pseudospectrum on a grid, and the Chirikov quantities it certifies."""

    params = [[20] if quick() else [50, 200]]
    param_names = ["n_grid"]
    timeout = 600

    def setup(self, n_grid):
        X, Y, _, _ = lifted(2_000 if quick() else 20_000)
        self.est = ResDMD(FourierDictionary(n_modes=3)).fit(X, Y)
        x = np.linspace(-1.2, 1.2, n_grid)
        self.z = x[None, :] + 1j * x[:, None]

    def time_pseudospectrum(self, n_grid):
        self.est.pseudospectrum(self.z)

    def track_fraction_verified(self, n_grid):
        """Fraction of EDMD eigenvalues with residual < 0.1 (true spectrum: unit circle)."""
        return float(np.mean(self.est.residuals_ < 0.1))

    def track_tau_at_zero(self, n_grid):
        """tau(0): 1 for the exact operator, lower by the quadrature error."""
        return float(self.est.pseudospectrum(0.0))
