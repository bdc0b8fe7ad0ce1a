"""Numerical core of EDMD / ResDMD: whitening, eigenpairs, residuals, pseudospectra.

Everything is computed from one Householder QR of the weighted snapshot matrix
``sqrt(W) [Psi_X, Psi_Y, T]``. Its triangular factor ``R = [R_X, R_Y, R_T]``
preserves every weighted inner product of the data::

    G = R_X^* R_X,   A = R_X^* R_Y,   L = R_Y^* R_Y,

so after the QR nothing depends on the number of snapshots ``M`` and the
residual ``||(Psi_Y - z Psi_X) v||_W`` is a norm of a small matrix-vector
product. Forming ``L - z A^* - conj(z) A + |z|^2 G`` explicitly and taking its
smallest eigenvalue would square the condition number and cost every digit
below ``sqrt(eps)``: a residual of 1e-9 would be lost in rounding.

Whitening by the SVD ``R_X = U S V^*`` turns the generalised problem
``A v = lambda G v`` into an ordinary one for ``K = D U^* R_Y C`` with
``C = V (S^2 + delta)^{-1/2}`` and ``D = S (S^2 + delta)^{-1/2}`` (``delta`` is
the ridge added to ``G``; ``D = I`` without one).
"""

import numpy as np
import scipy.linalg
import torch

# Pseudospectrum batches stay below this many bytes of matrices at a time.
_BATCH_BYTES = 32 * 2**20


def reduce_snapshots(Psi_X, Psi_Y, T, weights, residual_data=True):
    """Triangular factors ``R_X, R_Y, R_T`` of ``sqrt(W) [Psi_X, Psi_Y, T]``.

    Parameters
    ----------
    Psi_X, Psi_Y : ndarray of shape (M, N)
        Dictionary at the snapshots and at their images.
    T : ndarray of shape (M, p)
        Targets (states or an observable) at the snapshots.
    weights : ndarray of shape (M,)
        Non-negative quadrature weights.
    residual_data : bool, default=True
        Factor the whole matrix, so that ``||R_Y v|| = ||Psi_Y v||_W`` and
        residuals can be computed. ``False`` only projects ``Psi_Y`` and ``T``
        on the column space of ``Psi_X`` (``Q_X^* sqrt(W) [Psi_Y, T]``), which
        is all EDMD needs and costs half as much.

    Returns
    -------
    R_X, R_Y : ndarray of shape (k, N)
    R_T : ndarray of shape (k, p)
        With ``k = min(M, 2 N + p)``, or ``min(M, N)`` without residual data.
    """
    n_dict = Psi_X.shape[1]
    dtype = np.result_type(Psi_X, Psi_Y, T, np.float64)
    sw = np.sqrt(weights)[:, None]
    if not residual_data:
        # Economic Householder QR of Psi_X, then one matrix product (faster here than
        # applying the reflectors with qr_multiply).
        Q, R_X = scipy.linalg.qr(
            Psi_X.astype(dtype, copy=False) * sw, mode="economic", check_finite=False
        )
        proj = Q.conj().T @ (np.hstack([Psi_Y, T]).astype(dtype, copy=False) * sw)
        return R_X, proj[:, :n_dict], proj[:, n_dict:]
    Z = np.hstack([Psi_X, Psi_Y, T]).astype(dtype, copy=False) * sw
    # scipy returns the full (M, n) triangle for mode="r"; only its first n rows are non-zero.
    R = scipy.linalg.qr(Z, mode="r", check_finite=False)[0][: Z.shape[1]]
    return R[:, :n_dict], R[:, n_dict : 2 * n_dict], R[:, 2 * n_dict :]


def whiten(R_X, ridge, rcond):
    """Orthonormalise the dictionary: ``R_X C = U diag(D)``.

    Directions with singular value below ``rcond * s_max`` are dropped: they
    are (numerically) the zero function on the data, and keeping them would
    divide by rounding errors. This also makes ``N > M`` (more functions than
    snapshots) well posed.

    Returns
    -------
    U : ndarray of shape (k, r)
        Orthonormal columns.
    D : ndarray of shape (r,)
        ``s / sqrt(s^2 + ridge * s_max^2)``; all ones when ``ridge == 0``.
    C : ndarray of shape (N, r)
        Coefficients of the whitened functions in the dictionary.
    """
    U, s, Vh = scipy.linalg.svd(R_X, full_matrices=False, check_finite=False)
    if s.size == 0 or s[0] == 0:
        raise ValueError(
            "The dictionary is identically zero on the snapshots (or every weight is "
            "zero); use another dictionary or check the data."
        )
    if rcond is None:
        rcond = max(R_X.shape) * np.finfo(np.float64).eps
    keep = s > rcond * s[0]
    U, s, V = U[:, keep], s[keep], Vh[keep].conj().T
    s_reg = np.sqrt(s**2 + ridge * s[0] ** 2)
    return U, s / s_reg, V / s_reg


def sorted_eig(K):
    """Eigenpairs of ``K``, by decreasing modulus (then real part, then imaginary part).

    Moduli are compared after rounding to 12 digits so that the two members of a
    conjugate pair are always ordered by imaginary part, never by rounding noise.
    """
    lam, vec = scipy.linalg.eig(K, check_finite=False)
    order = np.lexsort((-lam.imag, -np.round(lam.real, 12), -np.round(np.abs(lam), 12)))
    return lam[order], vec[:, order]


def normalise(vec, D):
    """Scale eigenvectors so the eigenfunctions have unit weighted L2 norm."""
    norms = np.linalg.norm(D[:, None] * vec, axis=0)
    norms[norms == 0] = 1.0
    return vec / norms


def residuals(B, UD, lam, vec):
    """Relative residuals ``||(Psi_Y - lambda Psi_X) v||_W / ||Psi_X v||_W``.

    Parameters
    ----------
    B : ndarray of shape (k, r)
        ``R_Y C``: the images of the whitened functions.
    UD : ndarray of shape (k, r)
        ``U diag(D)`` (``R_X C``): the whitened functions themselves.
    lam : ndarray of shape (n_eig,)
    vec : ndarray of shape (r, n_eig)
        Eigenvectors in whitened coordinates.
    """
    num = np.linalg.norm(B @ vec - (UD @ vec) * lam[None, :], axis=0)
    den = np.linalg.norm(UD @ vec, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.inf)


def pseudospectrum(B, UD, z, device, batch_size=None):
    """``tau(z) = min_v ||(Psi_Y - z Psi_X) v||_W / ||v||_G``, vectorised over ``z``.

    ``tau(z)`` is the smallest singular value of the small matrix ``B - z UD``
    (its columns are orthonormal under the ridge-regularised Gram matrix).
    For a whole grid that is computed in two passes, batched in torch on
    ``device``:

    1. ``tau^2`` as the smallest eigenvalue of the ``r x r`` Hermitian matrix
       ``(B - z UD)^* (B - z UD) = L - z P^* - conj(z) P + |z|^2 D^2``
       (about ten times cheaper than an SVD of the ``k x r`` matrix), which is
       accurate to ``eps * ||H|| / tau``;
    2. an SVD of ``B - z UD`` at the few points where ``tau`` is so small
       (below ``1e-3 sqrt(||H||)``) that squaring lost digits, e.g. at the
       eigenvalues of an exact invariant subspace.

    Parameters
    ----------
    B, UD : ndarray of shape (k, r)
        As in :func:`residuals`.
    z : ndarray of complex
        Points, any shape.
    device : torch.device
        Where the factorisations run.
    batch_size : int or None
        Points per batch; ``None`` keeps each batch under 32 MiB.

    Returns
    -------
    tau : ndarray of float, same shape as ``z``
    """
    z = np.asarray(z, dtype=np.complex128)
    if not (np.iscomplexobj(B) or np.iscomplexobj(UD)):
        # Real data: tau(conj(z)) = tau(z), so a grid symmetric about the real
        # axis needs only its upper half.
        half, inverse = np.unique(z.real + 1j * np.abs(z.imag), return_inverse=True)
        return _pseudospectrum(B, UD, half, device, batch_size)[inverse.ravel()].reshape(z.shape)
    return _pseudospectrum(B, UD, z.ravel(), device, batch_size).reshape(z.shape)


def _pseudospectrum(B, UD, flat, device, batch_size):
    k, r = B.shape
    if batch_size is None:
        batch_size = max(1, _BATCH_BYTES // (16 * k * r))
    Bt = torch.as_tensor(B.astype(np.complex128), device=device)
    UDt = torch.as_tensor(UD.astype(np.complex128), device=device)
    L = Bt.conj().T @ Bt
    P = UDt.conj().T @ Bt
    D2 = UDt.conj().T @ UDt
    norms = [torch.linalg.matrix_norm(m, 2).item() for m in (L, P, D2)]
    out = np.empty(flat.shape, dtype=np.float64)
    for start in range(0, flat.size, batch_size):
        zt = torch.as_tensor(flat[start : start + batch_size], device=device)[:, None, None]
        az = zt.abs()
        H = L[None] - zt * P.conj().T[None] - zt.conj() * P[None] + (az**2) * D2[None]
        tau2 = torch.linalg.eigvalsh(H)[:, 0].clamp_min(0)
        az = az.ravel()
        scale = norms[0] + 2 * az * norms[1] + az**2 * norms[2]
        tau = tau2.sqrt()
        redo = torch.nonzero(tau < 1e-3 * scale.sqrt()).ravel()
        if redo.numel():
            mats = Bt[None] - zt[redo] * UDt[None]
            tau[redo] = torch.linalg.svdvals(mats)[:, -1]
        out[start : start + batch_size] = tau.cpu().numpy()
    return out
