"""Learned proximal networks (Fang, Buchanan & Sulam, ICLR 2024) as a transformer."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from skop.base import AddNoise, BaseTorchEstimator, ParamSchedule
from skop.nn import ConvICNN, LearnedProx, ProximalMatchingLoss, SquaredDenoisingLoss, VectorICNN
from skop.utils import make_generator, resolve_device


class GammaSchedule:
    """Proximal matching's ``gamma`` by epoch: an L1 warm-up, then decreasing stages.

    ``None`` (the L1 warm-up) for the first ``warmup`` fraction of the
    epochs, then equal stages: for a number ``gamma``, ``n_stages`` stages
    ``gamma * 2^(n_stages - 1 - stage)`` (the paper's 8, 4, 2, 1 times
    ``gamma_min`` for images); for a sequence, one stage per value (the
    paper's Laplace toy: 0.5, 0.4, 0.3, 0.2, 0.1).
    """

    def __init__(self, gamma, n_stages=4, warmup=0.5):
        self.gamma = gamma
        self.n_stages = n_stages
        self.warmup = warmup

    def stages(self):
        if isinstance(self.gamma, (int, float)):
            return [self.gamma * 2.0 ** (self.n_stages - 1 - k) for k in range(self.n_stages)]
        return [float(g) for g in self.gamma]

    def __call__(self, epoch, max_epochs):
        n_warm = int(round(self.warmup * max_epochs))
        if epoch < n_warm:
            return None
        stages = self.stages()
        stage = min(len(stages) - 1, (epoch - n_warm) * len(stages) // max(1, max_epochs - n_warm))
        return stages[stage]


def _clamp_potential(module):
    # Module-level (picklable): keep the ICNN convex after every step.
    module.model.clamp_nonnegative_()


class LearnedProximalNetwork(TransformerMixin, BaseTorchEstimator):
    """Learned proximal network: a denoiser that is exactly the prox of a learned prior.

    The network is the gradient ``f = grad psi`` of an input-convex potential
    ``psi`` (:class:`skop.nn.VectorICNN` for vectors, :class:`skop.nn.ConvICNN`
    for images), so ``f`` is the proximal operator of a regulariser ``R``
    that can be evaluated (:meth:`score_samples`). ``fit(X)`` takes clean
    samples only: each batch is corrupted by fresh Gaussian noise of level
    ``sigma`` and ``f`` is trained to undo it with proximal matching, which
    makes ``f`` the MAP denoiser (the prox of ``-log p``, up to the noise
    level), not the posterior mean the squared loss gives (``loss="l2"``).

    Data layout: ``X`` of shape ``(n_samples, n_features)`` is a set of
    vectors, unless ``image_shape`` says it holds flattened images;
    ``(n_samples, H, W)`` are grey images and ``(n_samples, C, H, W)``
    images with channels. The convolutional potential sums over pixels, so a
    model fitted on patches applies to images of any size (same channels).
    No normalisation is applied: the prox is defined in the data's units.

    Parameters
    ----------
    sigma : float, default=0.1
        Standard deviation of the training noise (the prox's noise level).
    loss : {"proximal_matching", "l2", "l1"}, default="proximal_matching"
        ``"proximal_matching"`` learns the MAP denoiser (the paper's method);
        ``"l2"`` the posterior mean (MMSE), ``"l1"`` the posterior median.
    gamma : float, sequence of float or "auto", default="auto"
        Width of the proximal-matching kernel: the smallest of ``n_stages``
        halving stages, or the sequence of stage widths itself; ``"auto"`` is
        ``0.08 sqrt(dim)`` (the paper's choice for images) with halving.
    n_stages : int, default=4
        Halving stages of a number ``gamma`` after the warm-up.
    warmup : float, default=0.5
        Fraction of the epochs trained with the L1 loss first.
    architecture : {"auto", "vector", "conv"}, default="auto"
        Potential network; ``"auto"``: convolutional for images.
    image_shape : tuple of int or None, default=None
        ``(H, W)`` or ``(C, H, W)``: 2-D ``X`` holds flattened images (e.g.
        ``load_digits``), which get the convolutional potential.
    hidden : int or "auto", default="auto"
        Width of the hidden layers: 128 (vector) or 64 channels (conv).
    n_layers : int, default=4
        Hidden layers of the potential.
    kernel_size : int, default=3
        Odd kernel size of the convolutional potential.
    beta : float, default=10.0
        Softplus sharpness.
    strong_convexity : float, default=1e-6
        ``alpha`` of the term ``alpha / 2 ||x||^2`` in ``psi``; positive, so
        the prox is invertible (needed by :meth:`score_samples`).
    init : {"auto", "identity", "paper"}, default="auto"
        ``"paper"``: the authors' initialisation (tiny positive weights, so
        the prox starts near 0 and must learn the identity first: tens of
        thousands of steps on images). ``"identity"``: the potential also has
        a learned ``a / 2 ||x||^2`` (``a >= 0``, from 1), so the prox starts as
        the identity and learns the shrinkage; it stays the gradient of a
        convex function. ``"auto"``: identity for images, paper for vectors.
    max_epochs, batch_size, lr, optimizer, weight_decay, optimizer_kwargs, \
lr_schedule, early_stopping, validation_fraction, n_iter_no_change, callbacks, \
warm_start, precision, compile, device, inference_precision, verbose, random_state
        As in :class:`skop.base.BaseTorchEstimator`. ``random_state`` also
        seeds the training noise.

    Attributes
    ----------
    n_features_in_ : int
        Features (vector data) or the size of axis 1 (images).
    image_shape_ : tuple of int or None
        ``(C, H, W)`` of the training images, None for vectors.
    loss_curve_ : ndarray
        Training loss per epoch (the loss changes with the schedule).
    n_iter_ : int
        Epochs run.

    See Also
    --------
    skop.nn.LearnedProx : the torch module (gradient of a convex potential).
    skop.nn.ProximalMatchingLoss : the training loss.

    References
    ----------
    Z. Fang, S. Buchanan, J. Sulam. What's in a Prior? Learned Proximal
    Networks for Inverse Problems. ICLR 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skop.inverse import LearnedProximalNetwork
    >>> X = np.random.default_rng(0).laplace(size=(256, 1))
    >>> lpn = LearnedProximalNetwork(sigma=1.0, hidden=32, max_epochs=4,
    ...                              random_state=0).fit(X)
    >>> lpn.transform(np.array([[0.5], [3.0]])).shape
    (2, 1)
    """

    _parameter_constraints = {
        **BaseTorchEstimator._parameter_constraints,
        "sigma": [Interval(Real, 0, None, closed="neither")],
        "loss": [StrOptions({"proximal_matching", "l2", "l1"})],
        "gamma": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"}), tuple, list],
        "n_stages": [Interval(Integral, 1, None, closed="left")],
        "warmup": [Interval(Real, 0, 1, closed="left")],
        "architecture": [StrOptions({"auto", "vector", "conv"})],
        "image_shape": [tuple, None],
        "hidden": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "strong_convexity": [Interval(Real, 0, None, closed="neither")],
        "init": [StrOptions({"auto", "identity", "paper"})],
    }
    _module_params = (*BaseTorchEstimator._module_params, "architecture", "image_shape",
                      "hidden", "n_layers", "kernel_size", "beta", "strong_convexity", "init")
    _inference_grad = True

    def __init__(self, sigma=0.1, *, loss="proximal_matching", gamma="auto", n_stages=4,
                 warmup=0.5, architecture="auto", image_shape=None, hidden="auto", n_layers=4,
                 kernel_size=3, beta=10.0, strong_convexity=1e-6, init="auto", max_epochs=100,
                 batch_size=64, lr=1e-3, optimizer="adam", weight_decay=0.0,
                 optimizer_kwargs=None, lr_schedule="cosine", early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, callbacks=None,
                 warm_start=False, precision="float32", compile=False, device="auto",
                 inference_precision="auto", verbose=0, random_state=None):
        super().__init__(
            max_epochs=max_epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
            weight_decay=weight_decay, optimizer_kwargs=optimizer_kwargs,
            lr_schedule=lr_schedule, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            callbacks=callbacks, warm_start=warm_start, precision=precision, compile=compile,
            device=device, inference_precision=inference_precision, verbose=verbose,
            random_state=random_state,
        )
        self.sigma = sigma
        self.loss = loss
        self.gamma = gamma
        self.n_stages = n_stages
        self.warmup = warmup
        self.architecture = architecture
        self.image_shape = image_shape
        self.hidden = hidden
        self.n_layers = n_layers
        self.kernel_size = kernel_size
        self.beta = beta
        self.strong_convexity = strong_convexity
        self.init = init

    # ------------------------------------------------------------- layout
    def _check_image_shape(self):
        shape = self.image_shape
        if shape is not None and (len(shape) not in (2, 3) or not all(
                isinstance(s, Integral) and s >= 1 for s in shape)):
            raise ValueError(f"image_shape must be (H, W) or (C, H, W) of positive ints, "
                             f"got {shape!r}.")
        if shape is not None and self.architecture == "vector":
            raise ValueError("image_shape says X holds images, but architecture='vector'; "
                             "use architecture='auto' or 'conv', or drop image_shape.")
        return None if shape is None else ((1, *shape) if len(shape) == 2 else tuple(shape))

    def _to_module_layout(self, X, image_shape):
        """``X`` (validated array) -> (vector ``(n, d)`` or image ``(n, C, H, W)``)."""
        if X.ndim == 2 and image_shape is not None:
            if X.shape[1] != int(np.prod(image_shape)):
                raise ValueError(f"X has {X.shape[1]} features, but image_shape "
                                 f"{self.image_shape} holds {int(np.prod(image_shape))}.")
            return X.reshape(len(X), *image_shape)
        if X.ndim == 3:
            return X[:, None]
        return X

    def _validate(self, X, reset):
        if sp.issparse(X):
            raise ValueError(f"{type(self).__name__} does not accept sparse X: pass "
                             "X.toarray().")
        if reset or getattr(self, "image_shape_", None) is None or self.image_shape is not None:
            # Vectors and flattened images: a fixed number of features.
            X = validate_data(self, X, dtype=np.float64, allow_nd=True, reset=reset)
        else:
            # Images: any size, the channels of the fit.
            check_is_fitted(self)
            X = check_array(X, dtype=np.float64, allow_nd=True)
        if X.ndim not in (2, 3, 4):
            raise ValueError(f"X must be (n, d) vectors, (n, H, W) or (n, C, H, W) images; "
                             f"got an array of shape {X.shape}.")
        return X

    def _check_like_fit(self, X):
        if self.image_shape_ is None:
            if X.ndim != 2:
                raise ValueError(f"This model was fitted on vectors (n, {self.n_features_in_}); "
                                 f"got an array of shape {X.shape}.")
            return X
        X = self._to_module_layout(X, self._check_image_shape())
        if X.ndim != 4 or X.shape[1] != self.image_shape_[0]:
            raise ValueError(f"This model was fitted on images with {self.image_shape_[0]} "
                             f"channel(s); got data of shape {X.shape}.")
        return X

    # ------------------------------------------------------------ fitting
    def fit(self, X, y=None):
        """Learn the prox from clean samples ``X`` (``y`` is ignored).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, H, W) or \
(n_samples, C, H, W)
            Clean samples of the signal class.
        y : None
            Ignored.

        Returns
        -------
        self : LearnedProximalNetwork
        """
        self._validate_params()
        with self._fit_transaction():
            image_shape = self._check_image_shape()
            X = self._validate(X, reset=True)
            Xm = self._to_module_layout(X, image_shape)
            if Xm.ndim == 2 and self.architecture == "conv":
                raise ValueError("architecture='conv' needs images: pass (n, H, W) or "
                                 "(n, C, H, W) data, or flattened images with image_shape.")
            self.image_shape_ = None if Xm.ndim == 2 else tuple(Xm.shape[1:])
            self._dim = int(np.prod(Xm.shape[1:]))
            return self._fit_arrays(Xm, None)

    def _build_module(self, X, y):
        conv = self.image_shape_ is not None
        hidden = self.hidden if self.hidden != "auto" else (64 if conv else 128)
        if conv:
            potential = ConvICNN(X.shape[1], hidden, self.n_layers, self.kernel_size,
                                 self.beta, self.strong_convexity, self._identity_init())
        else:
            potential = VectorICNN(X.shape[1], hidden, self.n_layers, self.beta,
                                   self.strong_convexity, self._identity_init())
        return LearnedProx(potential)

    def _identity_init(self):
        if self.init == "auto":
            return self.image_shape_ is not None
        return self.init == "identity"

    def _gamma(self):
        if isinstance(self.gamma, str):
            return 0.08 * float(np.sqrt(self._dim))
        if isinstance(self.gamma, Real):
            return float(self.gamma)
        if len(self.gamma) == 0 or not all(isinstance(g, Real) and g > 0 for g in self.gamma):
            raise ValueError(f"gamma as a sequence must hold positive stage widths, "
                             f"got {self.gamma!r}.")
        return tuple(float(g) for g in self.gamma)

    def _build_criterion(self, y, y_scale):
        if self.loss == "l2":
            return SquaredDenoisingLoss()
        return ProximalMatchingLoss(gamma=None)

    def _training_callbacks(self):
        if self.loss != "proximal_matching":
            return []
        schedule = GammaSchedule(self._gamma(), self.n_stages, self.warmup)
        return [("gamma_schedule", ParamSchedule("gamma", schedule))]

    def _normalization(self, X, y):
        return None, None

    def _batch_transform(self, generator):
        return AddNoise(self.sigma, generator)

    def _post_step(self):
        return _clamp_potential

    def _eval_transform(self):
        # Validation batches (early stopping) are noisy too, from a fixed stream
        # on the training device (a CPU generator cannot draw CUDA noise).
        return AddNoise(self.sigma, make_generator(0, resolve_device(self.device)))

    # ---------------------------------------------------------- inference
    def transform(self, X):
        """Apply the learned prox (MAP denoiser) to ``X``.

        Parameters
        ----------
        X : array-like in the layout of the fit (images: any height / width)

        Returns
        -------
        X_denoised : ndarray of the shape of ``X``
        """
        check_is_fitted(self, "net_")
        X = self._validate(X, reset=False)
        shape = X.shape
        out = self._predict_array(self._check_like_fit(X))
        return out.reshape(shape)

    def score_samples(self, X, n_iter=50, tol=1e-9):
        """The learned log-prior ``-R(x)``, up to an additive constant.

        ``R(x) = <x, y> - ||x||^2 / 2 - psi(y)`` with ``y`` the input whose prox
        is ``x`` (``f(y) = x``), found by Newton-CG on the convex
        ``psi(y) - <x, y>``. Larger is more plausible under the learned prior.

        Parameters
        ----------
        X : array-like in the layout of the fit
        n_iter : int, default=50
            Newton iterations of the inversion.
        tol : float, default=1e-9
            Relative gradient tolerance of the inversion; a sample that does
            not reach it raises a warning.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        import warnings

        check_is_fitted(self, "net_")
        X = self._validate(X, reset=False)
        Xm = self._check_like_fit(X)
        module = self._inference_module().model
        dtype = self._inference_dtype()
        scores, failed = [], 0
        for start in range(0, len(Xm), 256):
            x = torch.as_tensor(Xm[start:start + 256], dtype=dtype, device=self.device_)
            y, converged = module.inverse(x, n_iter=n_iter, tol=tol)
            failed += int((~converged).sum())
            scores.append(-module.regularizer(x, y).cpu().double().numpy())
        if failed:
            warnings.warn(f"The prox inversion did not converge for {failed} of {len(Xm)} "
                          f"samples (tol={tol:g}, n_iter={n_iter}): their scores are "
                          "approximate. Raise n_iter or strong_convexity.", stacklevel=2)
        return np.concatenate(scores)

    def regularizer(self, X, preimage=None):
        """The learned regulariser ``R(x)`` (up to a constant), per sample.

        Parameters
        ----------
        X : array-like in the layout of the fit
        preimage : array-like like ``X``, default=None
            A ``y`` with ``transform(y) = x`` when known (plug-and-play knows
            it: ``x`` is the prox of its input), which makes ``R`` exact and
            avoids the inversion; otherwise ``R = -score_samples(X)``.

        Returns
        -------
        R : ndarray of shape (n_samples,)
        """
        if preimage is None:
            return -self.score_samples(X)
        check_is_fitted(self, "net_")
        module = self._inference_module().model
        dtype = self._inference_dtype()
        x = torch.as_tensor(self._check_like_fit(self._validate(X, reset=False)), dtype=dtype)
        y = torch.as_tensor(self._check_like_fit(self._validate(preimage, reset=False)),
                            dtype=dtype)
        if x.shape != y.shape:
            raise ValueError(f"X and preimage have different shapes: {tuple(x.shape)} and "
                             f"{tuple(y.shape)}.")
        return module.regularizer(x.to(self.device_), y.to(self.device_)).cpu().double().numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
