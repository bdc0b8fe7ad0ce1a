"""Linear forward operators ``y = A x`` with adjoints, batched in torch.

Every operator maps a batch ``(n, *in_shape)`` to ``(n, *out_shape)``, has the
exact adjoint, solves the regularised normal equations
``(A^T A + rho I) x = b`` (in closed form where ``A^T A`` is diagonal in some
basis, by conjugate gradients otherwise) and is a
``scipy.sparse.linalg.LinearOperator`` on one flattened sample through
:meth:`LinearForwardOperator.as_linear_operator`.
"""

import numpy as np
import torch
from scipy.sparse.linalg import LinearOperator

from skop.nn._linalg import batched_cg


def _as_tensor(x, dtype=torch.float64):
    return torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x, dtype=dtype)


class LinearForwardOperator:
    """Base: ``forward``, ``adjoint``, ``normal_solve``, shapes and checks.

    Subclasses set ``in_shape`` / ``out_shape`` and implement ``_forward`` and
    ``_adjoint`` on float64 tensors; they may override ``normal_solve``.
    """

    in_shape = ()
    out_shape = ()

    def _check(self, t, shape, name):
        t = _as_tensor(t)
        if tuple(t.shape[1:]) != tuple(shape):
            raise ValueError(f"{type(self).__name__} expects {name} of shape (n, "
                             f"{', '.join(map(str, shape))}), got {tuple(t.shape)}.")
        return t

    def forward(self, x):
        """``A x`` for a batch ``x`` of shape ``(n, *in_shape)``."""
        return self._forward(self._check(x, self.in_shape, "x"))

    def adjoint(self, y):
        """``A^T y`` for a batch ``y`` of shape ``(n, *out_shape)``."""
        return self._adjoint(self._check(y, self.out_shape, "y"))

    __call__ = forward

    def normal_solve(self, b, rho):
        """``(A^T A + rho I)^{-1} b`` per sample (conjugate gradients by default)."""
        b = self._check(b, self.in_shape, "b")
        return batched_cg(lambda v: self._adjoint(self._forward(v)) + rho * v, b)

    def as_linear_operator(self):
        """This operator on one flattened float64 sample, as a scipy ``LinearOperator``."""
        n_in, n_out = int(np.prod(self.in_shape)), int(np.prod(self.out_shape))

        def matvec(v):
            x = torch.as_tensor(np.asarray(v, dtype=np.float64).reshape(1, *self.in_shape))
            return self._forward(x).numpy().reshape(n_out)

        def rmatvec(v):
            y = torch.as_tensor(np.asarray(v, dtype=np.float64).reshape(1, *self.out_shape))
            return self._adjoint(y).numpy().reshape(n_in)

        return LinearOperator((n_out, n_in), matvec=matvec, rmatvec=rmatvec, dtype=np.float64)

    def __repr__(self):
        return f"{type(self).__name__}(in_shape={self.in_shape}, out_shape={self.out_shape})"


class Identity(LinearForwardOperator):
    """``A = I`` on samples of ``shape`` (denoising)."""

    def __init__(self, shape):
        self.in_shape = self.out_shape = tuple(shape)

    def _forward(self, x):
        return x

    def _adjoint(self, y):
        return y

    def normal_solve(self, b, rho):
        return self._check(b, self.in_shape, "b") / (1 + rho)


def gaussian_psf(sigma=1.0, size=5):
    """A normalised ``size x size`` Gaussian point-spread function."""
    if size % 2 == 0:
        raise ValueError(f"size must be odd, got {size}.")
    r = np.arange(size) - size // 2
    k = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * sigma ** 2))
    return k / k.sum()


class Blur(LinearForwardOperator):
    """Periodic convolution with a point-spread function, by FFT.

    Parameters
    ----------
    psf : array of shape (h, w)
        Kernel, centred at ``(h // 2, w // 2)``; not larger than the image.
    image_shape : tuple
        ``(H, W)`` or ``(C, H, W)`` (each channel blurred alike).
    """

    def __init__(self, psf, image_shape):
        psf = np.asarray(psf, dtype=np.float64)
        self.in_shape = self.out_shape = tuple(image_shape)
        H, W = self.in_shape[-2:]
        if psf.ndim != 2 or psf.shape[0] > H or psf.shape[1] > W:
            raise ValueError(f"psf must be 2-D and fit in the image {H} x {W}, got {psf.shape}.")
        kernel = np.zeros((H, W))
        kernel[:psf.shape[0], :psf.shape[1]] = psf
        kernel = np.roll(kernel, (-(psf.shape[0] // 2), -(psf.shape[1] // 2)), axis=(0, 1))
        self.psf = psf
        self.transfer = torch.fft.fft2(torch.as_tensor(kernel))

    def _forward(self, x):
        return torch.fft.ifft2(torch.fft.fft2(x) * self.transfer).real

    def _adjoint(self, y):
        return torch.fft.ifft2(torch.fft.fft2(y) * self.transfer.conj()).real

    def normal_solve(self, b, rho):
        b = self._check(b, self.in_shape, "b")
        return torch.fft.ifft2(torch.fft.fft2(b) / (self.transfer.abs() ** 2 + rho)).real


class Inpainting(LinearForwardOperator):
    """Keep the pixels where ``mask`` is True (zero elsewhere): ``A x = mask * x``."""

    def __init__(self, mask):
        mask = np.asarray(mask, dtype=bool)
        self.in_shape = self.out_shape = mask.shape
        self.mask = torch.as_tensor(mask, dtype=torch.float64)

    def _forward(self, x):
        return self.mask * x

    _adjoint = _forward

    def normal_solve(self, b, rho):
        return self._check(b, self.in_shape, "b") / (self.mask + rho)


class SubsampledFourier(LinearForwardOperator):
    """MRI-like measurements: the orthonormal 2-D DFT at the frequencies where ``mask`` is True.

    The output is real: ``(n, H, W, 2)``, the real and imaginary parts (zero
    off the mask).
    """

    def __init__(self, mask):
        mask = np.asarray(mask, dtype=bool)
        if mask.ndim != 2:
            raise ValueError(f"mask must be (H, W), got shape {mask.shape}.")
        self.in_shape = mask.shape
        self.out_shape = (*mask.shape, 2)
        self.mask = torch.as_tensor(mask, dtype=torch.float64)
        # For real x, A^T A = F^H ((M + M(-k)) / 2) F: diagonal in Fourier.
        flipped = torch.roll(torch.flip(self.mask, (0, 1)), (1, 1), (0, 1))
        self._normal_diag = (self.mask + flipped) / 2

    def _forward(self, x):
        return torch.view_as_real(self.mask * torch.fft.fft2(x, norm="ortho"))

    def _adjoint(self, y):
        return torch.fft.ifft2(self.mask * torch.view_as_complex(y.contiguous()),
                               norm="ortho").real

    def normal_solve(self, b, rho):
        b = self._check(b, self.in_shape, "b")
        return torch.fft.ifft2(torch.fft.fft2(b, norm="ortho") / (self._normal_diag + rho),
                               norm="ortho").real


class GaussianMeasurement(LinearForwardOperator):
    """Compressed sensing: ``A = G / sqrt(m)`` with ``G`` an ``m x d`` standard normal matrix.

    Parameters
    ----------
    n_measurements : int
        ``m``.
    in_shape : tuple
        Shape of one signal (``d`` = its size).
    random_state : int or None
        Seed of ``G``.
    """

    def __init__(self, n_measurements, in_shape, random_state=None):
        self.in_shape = tuple(in_shape)
        self.out_shape = (int(n_measurements),)
        d = int(np.prod(self.in_shape))
        rng = np.random.default_rng(random_state)
        self.matrix = torch.as_tensor(rng.standard_normal((n_measurements, d))
                                      / np.sqrt(n_measurements))
        gram = self.matrix.T @ self.matrix
        self._eigvals, self._eigvecs = torch.linalg.eigh(gram)

    def _forward(self, x):
        return x.flatten(1) @ self.matrix.T

    def _adjoint(self, y):
        return (y @ self.matrix).reshape(len(y), *self.in_shape)

    def normal_solve(self, b, rho):
        b = self._check(b, self.in_shape, "b").flatten(1)
        V = self._eigvecs
        out = ((b @ V) / (self._eigvals.clamp_min(0) + rho)) @ V.T
        return out.reshape(len(b), *self.in_shape)


class ParallelBeamTomography(LinearForwardOperator):
    """Parallel-beam X-ray transform (sparse-view CT): line integrals of an image.

    The image covers ``[-1, 1]^2`` (pixel centres); for each angle and
    detector offset ``s`` the ray ``{s (cos t, sin t) + r (-sin t, cos t)}``
    is sampled every half pixel with bilinear interpolation, which gives a
    sparse matrix whose transpose is the exact adjoint (back-projection).

    Parameters
    ----------
    image_size : int
        ``N`` of an ``N x N`` image.
    angles : int or array
        Number of equispaced angles in ``[0, pi)``, or the angles (radians).
    n_detectors : int, default=None
        Detector bins across ``[-sqrt 2, sqrt 2]`` (default ``ceil(sqrt 2 N)``).
    """

    def __init__(self, image_size, angles, n_detectors=None):
        N = int(image_size)
        self.angles = (np.linspace(0, np.pi, int(angles), endpoint=False)
                       if np.ndim(angles) == 0 else np.asarray(angles, dtype=np.float64))
        n_det = int(np.ceil(np.sqrt(2) * N)) if n_detectors is None else int(n_detectors)
        self.in_shape, self.out_shape = (N, N), (len(self.angles), n_det)
        self.matrix, self._matrix_t = self._system_matrix(N, self.angles, n_det)

    @staticmethod
    def _system_matrix(N, angles, n_det):
        h = 2.0 / N  # pixel size on [-1, 1]
        s = (np.arange(n_det) - (n_det - 1) / 2) * (2 * np.sqrt(2) / n_det)
        r = np.arange(-np.sqrt(2), np.sqrt(2), h / 2)
        rows, cols, vals = [], [], []
        for a, t in enumerate(angles):
            px = s[:, None] * np.cos(t) - r[None, :] * np.sin(t)
            py = s[:, None] * np.sin(t) + r[None, :] * np.cos(t)
            # continuous pixel index: centre of pixel j at -1 + (j + 1/2) h
            fx, fy = (px + 1) / h - 0.5, (py + 1) / h - 0.5
            x0, y0 = np.floor(fx).astype(int), np.floor(fy).astype(int)
            for dx in (0, 1):
                for dy in (0, 1):
                    xi, yi = x0 + dx, y0 + dy
                    w = (1 - np.abs(fx - xi)) * (1 - np.abs(fy - yi)) * (h / 2)
                    ok = (xi >= 0) & (xi < N) & (yi >= 0) & (yi < N) & (w > 0)
                    det = np.broadcast_to(np.arange(n_det)[:, None], ok.shape)
                    rows.append(a * n_det + det[ok])
                    cols.append(yi[ok] * N + xi[ok])  # row-major (y, x) image index
                    vals.append(w[ok])
        import scipy.sparse as sp

        A = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(len(angles) * n_det, N * N)).tocsr()
        A.sum_duplicates()
        A = A.tocoo()

        def coo(rows, cols, shape):
            idx = torch.as_tensor(np.stack([rows, cols]), dtype=torch.int64)
            return torch.sparse_coo_tensor(idx, torch.as_tensor(A.data), shape,
                                           check_invariants=False).coalesce()

        return coo(A.row, A.col, A.shape), coo(A.col, A.row, A.shape[::-1])

    def _forward(self, x):
        return torch.sparse.mm(self.matrix, x.flatten(1).T).T.reshape(len(x), *self.out_shape)

    def _adjoint(self, y):
        return torch.sparse.mm(self._matrix_t, y.flatten(1).T).T.reshape(len(y), *self.in_shape)
