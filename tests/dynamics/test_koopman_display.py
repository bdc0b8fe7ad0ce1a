"""KoopmanSpectrumDisplay: artists, estimators with and without residuals, bad input."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skop.datasets import make_linear_map  # noqa: E402
from skop.dynamics import EDMD, KoopmanSpectrumDisplay, MonomialDictionary, ResDMD  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return make_linear_map(100, matrix=0.7, random_state=0)


def test_from_resdmd_draws_contours_and_colours(data):
    est = ResDMD(MonomialDictionary(degree=3)).fit(*data)
    disp = KoopmanSpectrumDisplay.from_estimator(est, n_grid=25, levels=[0.05, 0.2])
    assert disp.tau.shape == (25, 25)
    np.testing.assert_allclose(disp.tau, est.pseudospectrum(disp.z))
    assert disp.contour_ is not None and disp.colorbar_ is not None
    np.testing.assert_allclose(disp.scatter_.get_offsets()[:, 0], est.eigenvalues_.real)
    # The default frame holds the unit circle.
    assert disp.z.real.min() <= -1.1 and disp.z.imag.max() >= 1.1
    plt.close(disp.figure_)


def test_from_edmd_has_no_pseudospectrum(data):
    est = EDMD(MonomialDictionary(degree=2)).fit(*data)
    fig, ax = plt.subplots()
    disp = KoopmanSpectrumDisplay.from_estimator(est, ax=ax)
    assert disp.ax_ is ax and disp.tau is None and disp.contour_ is None
    assert disp.colorbar_ is None
    plt.close(fig)


def test_bad_display_input():
    with pytest.raises(ValueError, match="entries"):
        KoopmanSpectrumDisplay([1, 2], [0.1])
    with pytest.raises(ValueError, match="both"):
        KoopmanSpectrumDisplay([1], z=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="same shape"):
        KoopmanSpectrumDisplay([1], z=np.zeros((2, 2)), tau=np.zeros((3, 2)))
