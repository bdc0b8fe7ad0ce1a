"""Forward operators: exact adjoints, normal solves, LinearOperator views, bad shapes."""

import numpy as np
import pytest
import torch
from scipy.sparse.linalg import aslinearoperator, cg

from skop.inverse import (
    Blur,
    GaussianMeasurement,
    Identity,
    Inpainting,
    ParallelBeamTomography,
    SubsampledFourier,
    gaussian_psf,
)

_rng = np.random.default_rng(0)
OPERATORS = [
    Identity((5, 6)),
    Blur(gaussian_psf(1.0, 5), (8, 9)),
    Blur(gaussian_psf(0.7, 3), (2, 8, 8)),
    Inpainting(_rng.random((6, 7)) < 0.5),
    SubsampledFourier(_rng.random((8, 8)) < 0.4),
    GaussianMeasurement(10, (4, 5), random_state=0),
    ParallelBeamTomography(12, 7),
]


@pytest.mark.parametrize("A", OPERATORS, ids=lambda A: type(A).__name__)
def test_adjoint_and_normal_solve(A):
    rng = np.random.default_rng(1)
    x = torch.as_tensor(rng.normal(size=(3, *A.in_shape)))
    y = torch.as_tensor(rng.normal(size=(3, *A.out_shape)))
    assert float((A(x) * y).sum() - (x * A.adjoint(y)).sum()) == pytest.approx(0, abs=1e-10)
    b = torch.as_tensor(rng.normal(size=(3, *A.in_shape)))
    s = A.normal_solve(b, 0.3)
    torch.testing.assert_close(A.adjoint(A(s)) + 0.3 * s, b, atol=1e-8, rtol=0)
    L = A.as_linear_operator()
    v = rng.normal(size=L.shape[1])
    np.testing.assert_allclose(L.matvec(v), A(torch.as_tensor(v.reshape(1, *A.in_shape)))
                               .numpy().ravel(), atol=1e-12)
    # scipy's CG on the LinearOperator agrees with the batched normal solve.
    M = aslinearoperator(L).T @ aslinearoperator(L) + 0.3 * aslinearoperator(np.eye(L.shape[1]))
    ref, info = cg(M, b[0].numpy().ravel(), rtol=1e-12, atol=0, maxiter=2000)
    assert info == 0
    np.testing.assert_allclose(s[0].numpy().ravel(), ref, atol=1e-7)


def test_blur_is_a_convolution_with_the_psf():
    psf = gaussian_psf(1.0, 3)
    A = Blur(psf, (7, 7))
    delta = np.zeros((1, 7, 7))
    delta[0, 3, 3] = 1.0
    np.testing.assert_allclose(A(delta).numpy()[0, 2:5, 2:5], psf, atol=1e-14)
    assert float(A(np.ones((1, 7, 7))).mean()) == pytest.approx(1.0)


def test_subsampled_fourier_full_mask_is_an_isometry():
    A = SubsampledFourier(np.ones((6, 6), dtype=bool))
    x = torch.as_tensor(np.random.default_rng(0).normal(size=(2, 6, 6)))
    assert float(A(x).norm()) == pytest.approx(float(x.norm()))
    torch.testing.assert_close(A.adjoint(A(x)), x)


def test_tomography_line_integrals_of_a_disc():
    """A centred disc of radius r: every projection integrates to its area pi r^2."""
    N = 64
    A = ParallelBeamTomography(N, 6)
    c = (np.arange(N) + 0.5) / N * 2 - 1
    disc = ((c[None, :] ** 2 + c[:, None] ** 2) < 0.5 ** 2).astype(float)[None]
    sino = A(disc).numpy()[0]
    ds = 2 * np.sqrt(2) / A.out_shape[1]
    np.testing.assert_allclose(sino.sum(1) * ds, np.pi * 0.25, rtol=0.02)
    # The central ray crosses the diameter: length 2 r = 1.
    assert sino[:, A.out_shape[1] // 2].max() == pytest.approx(1.0, rel=0.05)


def test_shape_errors_name_the_expected_shape():
    A = Blur(gaussian_psf(1.0, 3), (8, 8))
    with pytest.raises(ValueError, match=r"expects x of shape \(n, 8, 8\)"):
        A(np.ones((2, 8, 9)))
    with pytest.raises(ValueError, match="fit in the image"):
        Blur(np.ones((9, 9)), (8, 8))
    with pytest.raises(ValueError, match="odd"):
        gaussian_psf(1.0, 4)
