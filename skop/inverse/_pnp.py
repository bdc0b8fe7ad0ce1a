"""Plug-and-play reconstruction (PnP-ADMM, PnP-PGD) and the Tikhonov baseline.

A reconstruction estimator holds a forward operator ``A`` and a prior given
as a denoiser (a fitted or unfitted :class:`LearnedProximalNetwork`, a
:class:`TVDenoiser`, any transformer whose ``transform`` denoises). Its
``transform(Y)`` reconstructs signals from measurements ``Y``; ``fit(Y, X)``
trains an unfitted prior on the clean signals ``X``, so ``GridSearchCV`` can
tune the prior and the solver together, scored by PSNR
(``scoring=skop.metrics.psnr_scorer``).

When the prior is an exact prox (a learned proximal network, TV), PnP
minimises a known objective, reported per iteration by :meth:`reconstruct`:
PnP-ADMM ``1/2 ||A z - y||^2 + rho R(z)``, PnP-PGD
``1/2 ||A x - y||^2 + R(x) / step``.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from skop.inverse._denoisers import TVDenoiser
from skop.inverse._operators import Blur, Identity, LinearForwardOperator


class _ReconstructionBase(TransformerMixin, BaseEstimator):
    """Operator, layouts, prior fitting and the PSNR score shared by the solvers."""

    _parameter_constraints = {
        "operator": [LinearForwardOperator, None],
    }
    _uses_prior = True

    # ------------------------------------------------------------ layouts
    def _check_measurements(self, Y, reset):
        if sp.issparse(Y):
            raise ValueError(f"{type(self).__name__} does not accept sparse measurements: "
                             "pass X.toarray().")
        if not reset:
            check_is_fitted(self, "operator_")
        Y = validate_data(self, Y, dtype=np.float64, allow_nd=True, reset=reset)
        if reset:
            self.operator_ = self.operator if self.operator is not None else Identity(Y.shape[1:])
        out = tuple(self.operator_.out_shape)
        if tuple(Y.shape[1:]) == out:
            return Y, False
        if Y.ndim == 2 and Y.shape[1] == int(np.prod(out)):
            return Y.reshape(len(Y), *out), True
        raise ValueError(f"The measurements X have shape {Y.shape}, but the operator "
                         f"{self.operator_!r} measures (n, {', '.join(map(str, out))}) "
                         f"(or flattened, (n, {int(np.prod(out))})).")

    def _signals(self, X, name="y"):
        X = check_array(X, dtype=np.float64, allow_nd=True, input_name=name)
        shape = tuple(self.operator_.in_shape)
        if tuple(X.shape[1:]) == shape:
            return X
        if X.ndim == 2 and X.shape[1] == int(np.prod(shape)):
            return X.reshape(len(X), *shape)
        raise ValueError(f"The clean signals {name} have shape {X.shape}; the operator "
                         f"{self.operator_!r} acts on (n, {', '.join(map(str, shape))}).")

    def _output(self, X, flat):
        return X.reshape(len(X), -1) if flat and len(self.operator_.in_shape) > 1 else X

    # -------------------------------------------------------------- prior
    def _fit_prior(self, X):
        prior = self.prior if self.prior is not None else TVDenoiser()
        needs_fit = prior.__sklearn_tags__().requires_fit
        if needs_fit:
            try:
                check_is_fitted(prior)
                needs_fit = False
            except NotFittedError:
                pass
        if not needs_fit:
            return prior
        if X is None:
            raise ValueError(f"The prior {prior!r} is not fitted: pass clean signals as "
                             f"fit(X_measured, y_clean), or a fitted prior.")
        return clone(prior).fit(self._signals(X))

    def fit(self, X, y=None):
        """Set up the operator and the prior (trained on ``y`` if it is not fitted).

        Parameters
        ----------
        X : array-like of shape (n_samples, *operator.out_shape) or flattened
            Measurements (only their layout is checked).
        y : array-like of shape (n_samples, *operator.in_shape) or flattened, default=None
            Clean signals, to train an unfitted prior; ignored otherwise.

        Returns
        -------
        self
        """
        self._validate_params()
        self._check_measurements(X, reset=True)
        if self._uses_prior:
            clean = y if (y is not None and np.asarray(y).ndim > 1) else None
            self.prior_ = self._fit_prior(clean)
        return self

    def transform(self, X):
        """Reconstruct signals from measurements ``X``.

        Returns
        -------
        X_rec : ndarray of shape (n_samples, *operator.in_shape), flattened
            when the measurements were given flattened.
        """
        return self.reconstruct(X)

    def _prior_step(self, v):
        return torch.as_tensor(self.prior_.transform(v.numpy()), dtype=torch.float64)

    def _objective(self, z, v, y, weight):
        """``1/2 ||A z - y||^2 + weight R(z)`` per sample, ``z`` the prior's output at ``v``.

        None when the prior has no ``regularizer`` (not an exact prox).
        """
        fn = getattr(self.prior_, "regularizer", None)
        if fn is None:
            return None
        reg = torch.as_tensor(fn(z.numpy(), preimage=v.numpy()))
        fit = 0.5 * _per_sample_norm(self.operator_.forward(z) - y) ** 2
        return (fit + weight * reg).numpy()

    def _finish(self, X, flat, objective, residuals, n_run, return_history, advice):
        """The reconstruction in the measurements' layout, checked finite, and its history."""
        X = self._output(X.numpy(), flat)
        if not np.isfinite(X).all():
            raise ValueError(f"The reconstruction diverged (non-finite values): {advice}.")
        if not return_history:
            return X
        return X, {"objective": np.array(objective) if objective else None,
                   "residual": np.array(residuals), "n_iter": n_run.numpy()}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def _per_sample_norm(t):
    return t.flatten(1).norm(dim=1)


class PnPADMM(_ReconstructionBase):
    """Plug-and-play ADMM: a least-squares step with ``A``, a prior (denoiser) step, a dual step.

    ``x = (A^T A + rho I)^{-1} (A^T y + rho (z - u))``, ``z = prior(x + u)``,
    ``u = u + x - z``, from ``z = A^T y``. With an exact prox as the prior
    this is ADMM on ``1/2 ||A x - y||^2 + rho R(x)``; each sample stops when
    its relative primal and dual residuals fall below ``tol``.

    Parameters
    ----------
    operator : LinearForwardOperator or None, default=None
        ``A`` (:class:`Blur`, :class:`Inpainting`, :class:`SubsampledFourier`,
        :class:`GaussianMeasurement`, :class:`ParallelBeamTomography`); None:
        the identity on the measurements' shape (denoising).
    prior : estimator or None, default=None
        A denoiser with ``transform`` (fitted, or fitted in :meth:`fit` on
        clean signals); None: ``TVDenoiser()``.
    rho : float, default=0.1
        ADMM penalty; with an exact prox ``f = prox_R`` the prior's weight.
    n_iter : int, default=50
        Most iterations.
    tol : float, default=1e-5
        Relative residual tolerance, per sample.

    Attributes
    ----------
    operator_ : LinearForwardOperator
    prior_ : estimator
        The prior used (the one passed, or its fitted clone).
    n_features_in_ : int

    See Also
    --------
    PnPPGD, TikhonovReconstruction, LearnedProximalNetwork, TVDenoiser

    Examples
    --------
    >>> import numpy as np
    >>> from skop.inverse import Blur, PnPADMM, TVDenoiser, gaussian_psf
    >>> A = Blur(gaussian_psf(1.0, 5), (16, 16))
    >>> X = np.zeros((2, 16, 16)); X[:, 4:12, 4:12] = 1.0
    >>> Y = A(X).numpy()
    >>> PnPADMM(A, TVDenoiser(0.01), n_iter=20).fit(Y).transform(Y).shape
    (2, 16, 16)
    """

    _parameter_constraints = {
        **_ReconstructionBase._parameter_constraints,
        "prior": [HasMethods(["transform"]), None],
        "rho": [Interval(Real, 0, None, closed="neither")],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, operator=None, prior=None, *, rho=0.1, n_iter=50, tol=1e-5):
        self.operator = operator
        self.prior = prior
        self.rho = rho
        self.n_iter = n_iter
        self.tol = tol

    def reconstruct(self, Y, return_history=False):
        """Reconstructions of ``Y``, and optionally the per-iteration history.

        Returns
        -------
        X : ndarray
        history : dict, if ``return_history``
            ``"objective"``: (n_iterations, n_samples) values of
            ``1/2 ||A z - y||^2 + rho R(z)`` (None when the prior has no
            ``regularizer``); ``"residual"``: relative primal residuals;
            ``"n_iter"``: iterations per sample.
        """
        Y, flat = self._check_measurements(Y, reset=False)
        A, rho = self.operator_, self.rho
        y = torch.tensor(Y)  # a copy: the caller's array may be read-only
        Aty = A.adjoint(y)
        z, u = Aty.clone(), torch.zeros_like(Aty)
        active = torch.ones(len(y), dtype=torch.bool)
        n_run = torch.zeros(len(y), dtype=torch.int64)
        objective, residuals = [], []
        shape = (-1,) + (1,) * (z.ndim - 1)
        for _ in range(self.n_iter):
            x = A.normal_solve(Aty + rho * (z - u), rho)
            v = x + u
            z_new = self._prior_step(v)
            u_new = u + x - z_new
            scale = _per_sample_norm(z_new).clamp_min(1e-12)
            primal = _per_sample_norm(x - z_new) / scale
            dual = _per_sample_norm(z_new - z) / scale
            keep = active.view(shape)
            z, u = torch.where(keep, z_new, z), torch.where(keep, u_new, u)
            n_run += active
            value = self._objective(z_new, v, y, rho)
            if value is not None:
                objective.append(value)
            residuals.append(primal.numpy())
            active &= ~((primal <= self.tol) & (dual <= self.tol))
            if not active.any():
                break
        return self._finish(z, flat, objective, residuals, n_run, return_history,
                            "lower rho's inverse, check the prior's noise level and the "
                            "operator's scale")


class PnPPGD(_ReconstructionBase):
    """Plug-and-play proximal gradient: ``x = prior(x - step A^T (A x - y))``.

    With an exact prox as the prior this is proximal gradient descent on
    ``1/2 ||A x - y||^2 + R(x) / step``. Converges for ``step <= 1 / ||A||^2``.

    Parameters
    ----------
    operator : LinearForwardOperator or None, default=None
        As in :class:`PnPADMM`.
    prior : estimator or None, default=None
        As in :class:`PnPADMM`.
    step : float or "auto", default="auto"
        Gradient step; ``"auto"`` is ``1 / ||A||^2`` (power iteration).
    n_iter : int, default=100
        Most iterations.
    tol : float, default=1e-5
        Relative change per iteration at which a sample stops.

    Attributes
    ----------
    operator_ : LinearForwardOperator
    prior_ : estimator
    step_ : float
        The step used.
    n_features_in_ : int

    See Also
    --------
    PnPADMM

    Examples
    --------
    >>> import numpy as np
    >>> from skop.inverse import Inpainting, PnPPGD, TVDenoiser
    >>> A = Inpainting(np.random.default_rng(0).random((12, 12)) < 0.6)
    >>> X = np.ones((1, 12, 12)); Y = A(X).numpy()
    >>> PnPPGD(A, TVDenoiser(0.05), n_iter=30).fit(Y).transform(Y).shape
    (1, 12, 12)
    """

    _parameter_constraints = {
        **_ReconstructionBase._parameter_constraints,
        "prior": [HasMethods(["transform"]), None],
        "step": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, operator=None, prior=None, *, step="auto", n_iter=100, tol=1e-5):
        self.operator = operator
        self.prior = prior
        self.step = step
        self.n_iter = n_iter
        self.tol = tol

    def fit(self, X, y=None):
        """As :meth:`PnPADMM.fit`; also sets ``step_``."""
        super().fit(X, y)
        self.step_ = (1.0 / _operator_norm_sq(self.operator_) if self.step == "auto"
                      else float(self.step))
        return self

    def reconstruct(self, Y, return_history=False):
        """Reconstructions of ``Y`` (and the history, as in :meth:`PnPADMM.reconstruct`)."""
        Y, flat = self._check_measurements(Y, reset=False)
        A, step = self.operator_, self.step_
        y = torch.tensor(Y)  # a copy: the caller's array may be read-only
        x = A.adjoint(y)
        active = torch.ones(len(y), dtype=torch.bool)
        n_run = torch.zeros(len(y), dtype=torch.int64)
        objective, changes = [], []
        shape = (-1,) + (1,) * (x.ndim - 1)
        for _ in range(self.n_iter):
            v = x - step * A.adjoint(A.forward(x) - y)
            x_new = self._prior_step(v)
            change = _per_sample_norm(x_new - x) / _per_sample_norm(x_new).clamp_min(1e-12)
            x = torch.where(active.view(shape), x_new, x)
            n_run += active
            value = self._objective(x_new, v, y, 1.0 / step)
            if value is not None:
                objective.append(value)
            changes.append(change.numpy())
            active &= change > self.tol
            if not active.any():
                break
        return self._finish(x, flat, objective, changes, n_run, return_history,
                            "use a smaller step (step='auto' is 1 / ||A||^2)")


def _operator_norm_sq(A, n_iter=50):
    """``||A||^2`` by power iteration on ``A^T A`` (deterministic start)."""
    x = torch.ones((1, *A.in_shape), dtype=torch.float64)
    x = x + 0.1 * torch.arange(x.numel(), dtype=torch.float64).reshape(x.shape).sin()
    value = 1.0
    for _ in range(n_iter):
        x = A.adjoint(A.forward(x))
        value = float(x.norm())
        if value == 0:
            return 1.0
        x = x / value
    return value


class TikhonovReconstruction(_ReconstructionBase):
    """The classical baseline: ``x = (A^T A + alpha I)^{-1} A^T y``.

    Parameters
    ----------
    operator : LinearForwardOperator or None, default=None
        As in :class:`PnPADMM`.
    alpha : float, default=0.01
        Regularisation weight.

    Attributes
    ----------
    operator_ : LinearForwardOperator
    n_features_in_ : int

    See Also
    --------
    PnPADMM

    Examples
    --------
    >>> import numpy as np
    >>> from skop.inverse import Blur, TikhonovReconstruction, gaussian_psf
    >>> A = Blur(gaussian_psf(1.0, 5), (8, 8))
    >>> Y = A(np.ones((1, 8, 8))).numpy()
    >>> TikhonovReconstruction(A, alpha=1e-3).fit(Y).transform(Y).shape
    (1, 8, 8)
    """

    _parameter_constraints = {
        **_ReconstructionBase._parameter_constraints,
        "alpha": [Interval(Real, 0, None, closed="neither")],
    }
    _uses_prior = False

    def __init__(self, operator=None, *, alpha=0.01):
        self.operator = operator
        self.alpha = alpha

    def reconstruct(self, Y, return_history=False):
        """Reconstructions of ``Y`` (no iterations: ``return_history`` gives an empty dict)."""
        Y, flat = self._check_measurements(Y, reset=False)
        A = self.operator_
        X = self._output(A.normal_solve(A.adjoint(torch.tensor(Y)), self.alpha).numpy(), flat)
        return (X, {}) if return_history else X


class WienerFilter(_ReconstructionBase):
    """The classical deconvolution baseline: the Wiener filter of a Fourier-diagonal operator.

    ``x = m + F^{-1}[conj(H) S / (|H|^2 S + sigma^2) F(y - A m)]`` with ``H`` the
    operator's transfer function, ``sigma`` the noise level and ``S`` the
    signals' power spectrum: estimated from clean signals ``y`` in
    :meth:`fit` (their mean ``m`` too), or, without them, a white spectrum
    at the measurements' power about their mean (``m`` = that mean; the
    filter is then Tikhonov's).

    Parameters
    ----------
    operator : Blur, Identity or None, default=None
        A convolution (or the identity: denoising); None is the identity.
    noise_level : float, default=0.01
        Standard deviation of the measurement noise.

    Attributes
    ----------
    operator_ : LinearForwardOperator
    power_spectrum_ : ndarray
        ``S`` (orthonormal DFT) over the operator's spatial axes.
    mean_ : ndarray
        ``m``.
    n_features_in_ : int

    See Also
    --------
    TikhonovReconstruction, PnPADMM

    Examples
    --------
    >>> import numpy as np
    >>> from skop.inverse import Blur, WienerFilter, gaussian_psf
    >>> A = Blur(gaussian_psf(1.0, 5), (16, 16))
    >>> X = np.random.default_rng(0).random((20, 16, 16))
    >>> Y = A(X).numpy()
    >>> WienerFilter(A, noise_level=0.01).fit(Y, X).transform(Y).shape
    (20, 16, 16)
    """

    _parameter_constraints = {
        **_ReconstructionBase._parameter_constraints,
        "noise_level": [Interval(Real, 0, None, closed="left")],
    }
    _uses_prior = False

    def __init__(self, operator=None, *, noise_level=0.01):
        self.operator = operator
        self.noise_level = noise_level

    def _axes(self):
        return (-1,) if len(self.operator_.in_shape) == 1 else (-2, -1)

    def _transfer(self):
        if isinstance(self.operator_, Identity):
            return torch.ones(())
        if isinstance(self.operator_, Blur):
            return self.operator_.transfer
        raise ValueError(f"WienerFilter needs an operator that is diagonal in Fourier "
                         f"(Blur or Identity), got {self.operator_!r}; use "
                         "TikhonovReconstruction or PnPADMM for other operators.")

    def fit(self, X, y=None):
        """Estimate the signals' mean and power spectrum (from ``y`` if given, else ``X``)."""
        self._validate_params()
        Y, _ = self._check_measurements(X, reset=True)
        H = self._transfer()
        fft = lambda t: torch.fft.fftn(t, dim=self._axes(), norm="ortho")  # noqa: E731
        clean = y if (y is not None and np.asarray(y).ndim > 1) else None
        if clean is not None:
            Xc = torch.tensor(self._signals(clean))
            mean = Xc.mean(0)
            S = (fft(Xc - mean).abs() ** 2).mean(0)
        else:
            # Without clean signals only a white spectrum is identifiable
            # (dividing |F y|^2 by |H|^2 blows the noise up where H is small):
            # its level from the power of the measurements about their mean
            # (which stands in for m). This is Tikhonov with alpha = sigma^2 / S.
            Yt = torch.tensor(Y)
            mean = Yt.mean(0)
            power = (fft(Yt - mean).abs() ** 2).mean() - self.noise_level ** 2
            level = power.clamp_min(1e-12) / (H.abs() ** 2).mean()
            S = torch.full(self.operator_.in_shape, float(level), dtype=torch.float64)
        self.mean_ = mean.numpy()
        self.power_spectrum_ = S.numpy()
        return self

    def reconstruct(self, X, return_history=False):
        """Wiener-filtered reconstructions of the measurements ``X``."""
        Y, flat = self._check_measurements(X, reset=False)
        H, axes = self._transfer(), self._axes()
        S = torch.as_tensor(self.power_spectrum_)
        mean = torch.as_tensor(self.mean_)
        W = H.conj() * S / (H.abs() ** 2 * S + self.noise_level ** 2).clamp_min(1e-300)
        residual = torch.tensor(Y) - self.operator_.forward(mean[None].expand(len(Y), *mean.shape))
        X_hat = mean + torch.fft.ifftn(W * torch.fft.fftn(residual, dim=axes, norm="ortho"),
                                       dim=axes, norm="ortho").real
        X_hat = self._output(X_hat.numpy(), flat)
        return (X_hat, {}) if return_history else X_hat
