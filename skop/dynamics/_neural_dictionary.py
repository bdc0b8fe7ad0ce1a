"""A dictionary of observables learned from snapshot pairs (EDMD with dictionary learning)."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from skop.base import BaseTorchEstimator
from skop.dynamics._edmd import snapshot_pairs, validate_snapshot_data
from skop.base import channel_stats
from skop.nn import EDMDResidualLoss, KoopmanDictionaryNet


class NeuralDictionary(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseTorchEstimator):
    """Observables ``[1, x, MLP(x)]`` trained so that their span is nearly Koopman-invariant.

    The MLP is trained (through skorch, by :class:`skop.base.BaseTorchEstimator`)
    on snapshot pairs to minimise the one-step EDMD residual of the whole
    dictionary, ``||psi(F(x)) - psi(x) K||^2`` with ``K`` the least-squares
    Koopman matrix of each batch. Use it as the ``dictionary`` of
    :class:`EDMD` or :class:`ResDMD`, which pass it the snapshot pairs, and
    check the result with ResDMD's residuals: training reduces the residual
    on the training batches, it does not certify the spectrum.

    Parameters
    ----------
    n_learned : int, default=16
        Number of learned functions (the dictionary has ``1 + n_features + n_learned``).
    width : int, default=32
        Hidden width of the MLP.
    depth : int, default=2
        Number of hidden tanh layers.
    ridge : float, default=1e-3
        Relative ridge of the batch least-squares problem inside the loss.
    variance_weight : float, default=1.0
        Weight of the penalty that keeps each learned function from collapsing
        to a constant.
    max_epochs : int, default=100
        Passes over the snapshot pairs.
    batch_size : int, default=256
        Pairs per step; keep it well above the number of functions so the
        batch Koopman matrix is determined.
    lr : float, default=1e-3
        Learning rate.
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="adamw"
        Optimizer.
    weight_decay : float, default=1e-4
        Weight decay.
    optimizer_kwargs : dict or None, default=None
        Further optimizer arguments.
    lr_schedule : {"constant", "cosine", "step", "onecycle"}, default="cosine"
        Learning-rate schedule.
    early_stopping : bool, default=False
        Stop when the loss on held-out pairs stops improving.
    validation_fraction : float, default=0.1
        Held-out fraction for early stopping.
    n_iter_no_change : int, default=10
        Early-stopping patience in epochs.
    callbacks : list of skorch callbacks, default=None
        Extra skorch callbacks.
    warm_start : bool, default=False
        Continue training from the fitted weights.
    precision : {"float32", "bf16-mixed", "fp16-mixed"}, default="float32"
        Training precision.
    compile : bool, default=False
        Train a ``torch.compile``-d module.
    device : str, default="auto"
        Training device.
    inference_precision : {"auto", "float32", "float64"}, default="auto"
        Precision of ``transform``.
    verbose : int, default=0
        Training output.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation and shuffling.

    Attributes
    ----------
    n_features_in_ : int
        State dimension.
    feature_names_in_ : ndarray of shape (n_features,)
        State names, when ``X`` had string column names.
    n_output_features_ : int
        Number of functions ``1 + n_features_in_ + n_learned``.
    module_ : torch.nn.Module
        The trained dictionary (takes and returns physical units).
    loss_curve_ : ndarray of shape (n_epochs,)
        Training loss per epoch.

    See Also
    --------
    MonomialDictionary, FourierDictionary, RBFDictionary : Fixed dictionaries.
    skop.nn.KoopmanDictionaryNet : The torch module.
    skop.nn.EDMDResidualLoss : Its training loss.

    Notes
    -----
    ``fit`` takes the same layouts as :class:`EDMD`: ``y=None`` (``X`` is one
    trajectory), ``y`` with ``X``'s shape (images of the snapshots), or any
    other ``y`` (an observable along the trajectory ``X``, which a dictionary
    does not use).

    References
    ----------
    .. [1] Q. Li, F. Dietrich, E. M. Bollt, I. G. Kevrekidis, "Extended dynamic
       mode decomposition with dictionary learning", Chaos 27 (2017).

    Examples
    --------
    >>> from skop.datasets import make_duffing
    >>> from skop.dynamics import NeuralDictionary, ResDMD
    >>> X, Y = make_duffing(300, random_state=0)
    >>> dictionary = NeuralDictionary(n_learned=4, max_epochs=5, random_state=0)
    >>> ResDMD(dictionary).fit(X, Y).n_dictionary_
    7
    """

    _parameter_constraints = {
        **BaseTorchEstimator._parameter_constraints,
        "n_learned": [Interval(Integral, 0, None, closed="left")],
        "width": [Interval(Integral, 1, None, closed="left")],
        "depth": [Interval(Integral, 0, None, closed="left")],
        "ridge": [Interval(Real, 0, None, closed="neither")],
        "variance_weight": [Interval(Real, 0, None, closed="left")],
    }

    # EDMD / ResDMD pass the images of the snapshots to fit.
    _fit_on_pairs = True
    _module_params = (*BaseTorchEstimator._module_params, "n_learned", "width", "depth")

    def __init__(self, n_learned=16, *, width=32, depth=2, ridge=1e-3, variance_weight=1.0,
                 max_epochs=100, batch_size=256, lr=1e-3, optimizer="adamw",
                 weight_decay=1e-4, optimizer_kwargs=None, lr_schedule="cosine",
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 callbacks=None, warm_start=False, precision="float32", compile=False,
                 device="auto", inference_precision="auto", verbose=0, random_state=None):
        super().__init__(
            max_epochs=max_epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
            weight_decay=weight_decay, optimizer_kwargs=optimizer_kwargs,
            lr_schedule=lr_schedule, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            callbacks=callbacks, warm_start=warm_start, precision=precision, compile=compile,
            device=device, inference_precision=inference_precision, verbose=verbose,
            random_state=random_state,
        )
        self.n_learned = n_learned
        self.width = width
        self.depth = depth
        self.ridge = ridge
        self.variance_weight = variance_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the dictionary on snapshot pairs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Snapshots, or one trajectory when ``y`` is None or an observable.
        y : array-like, default=None
            Images of the snapshots (same shape as ``X``); any other shape is an
            observable along the trajectory ``X`` and is not used.

        Returns
        -------
        self : NeuralDictionary
            The fitted dictionary.
        """
        with self._fit_transaction():
            X, y = validate_snapshot_data(self, X, y)
            Xp, Yp, _, _ = snapshot_pairs(X, y)
            self.n_output_features_ = 1 + X.shape[1] + self.n_learned
            # Unsupervised: the module sees both snapshots, the loss needs no target.
            pairs = {"x": np.asarray(Xp, dtype=np.float64),
                     "x_next": np.asarray(Yp, dtype=np.float64)}
            return self._fit_arrays(pairs, None)

    def _normalization(self, X, y):
        # x and F(x) must go through the same affine map: pooled statistics.
        stats = channel_stats(torch.cat([X["x"], X["x_next"]]))
        return {"x": stats, "x_next": stats}, None

    def transform(self, X):
        """Evaluate the dictionary.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.

        Returns
        -------
        Psi : ndarray of shape (n_samples, n_functions)
            ``[1, x_std, h(x)]`` with ``x_std`` the standardised state.
        """
        check_is_fitted(self, "net_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._predict_array({"x": X})

    def _build_module(self, X, y):
        return KoopmanDictionaryNet(X["x"].shape[1], self.n_learned, self.width, self.depth)

    def _build_criterion(self, y, y_scale):
        return EDMDResidualLoss(self.n_learned, self.ridge, self.variance_weight)

    @property
    def _n_features_out(self):
        return self.n_output_features_
