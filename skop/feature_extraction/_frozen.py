"""Frozen features: run a (pre-trained) torch module over X as a transformer."""

import copy
from numbers import Integral

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from skop.utils import resolve_device

_DTYPES = {"float32": (np.float32, torch.float32), "float64": (np.float64, torch.float64)}


def _resolve_module(module):
    """The torch callable behind ``module`` (None, nn.Module, estimator, callable)."""
    if module is None:
        return None
    if isinstance(module, torch.nn.Module):
        return module
    if hasattr(type(module), "fit") or hasattr(module, "get_params"):
        # A skop torch estimator (or a FrozenEstimator around one) exposes its
        # trained network as ``module_`` once fitted.
        try:
            inner = module.module_
        except (AttributeError, NotFittedError) as exc:
            raise ValueError(
                f"module={type(module).__name__} has no fitted torch module "
                "(attribute `module_`). Fit it first, and wrap it as "
                "sklearn.frozen.FrozenEstimator(estimator) so that clone() (used by "
                "Pipeline, cross-validation, ...) keeps it fitted; or pass "
                "estimator.module_ directly."
            ) from exc
        return _resolve_module(inner)
    if callable(module):
        return module
    raise ValueError(
        "module must be None, a torch.nn.Module, a fitted estimator with a "
        f"`module_` attribute or a callable on tensors; got {type(module).__name__}."
    )


def _check_param_dtype(module, torch_dtype):
    # A module whose floating weights have another dtype would fail deep inside
    # its forward pass with an opaque "expected scalar type" error.
    if not isinstance(module, torch.nn.Module):
        return
    for name, tensor in list(module.named_parameters()) + list(module.named_buffers()):
        if tensor.is_floating_point() and tensor.dtype != torch_dtype:
            raise ValueError(
                f"The module's {name!r} is {tensor.dtype} but dtype="
                f"{str(torch_dtype).removeprefix('torch.')!r} was requested; set "
                "dtype to match the module (or cast the module with .to(dtype))."
            )


class FrozenFeatures(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Features of a frozen torch module, computed in batches on a device.

    The transformer behind linear evaluation: put it first in a
    :class:`~sklearn.pipeline.Pipeline` and any classifier after it trains on
    the outputs of a pre-trained network, e.g. ``make_pipeline(FrozenFeatures(
    backbone), MinMaxScaler(), PooledGaussianNB())``. The module runs in eval
    mode, without gradients, and its output is flattened to one row per sample.

    Parameters
    ----------
    module : torch.nn.Module, fitted estimator, callable or None, default=None
        What computes the features. A ``torch.nn.Module`` is deep-copied in
        ``fit`` (so the caller's module is never moved or switched to eval
        mode) and sent to ``device``. An estimator is replaced by its fitted
        torch module ``module_`` (skop's torch estimators expose it); wrap it
        in :class:`sklearn.frozen.FrozenEstimator` so cloning keeps it fitted.
        Any other callable is applied to the input tensors as is. None is the
        identity: the transformer then only flattens and casts ``X``.
    batch_size : int, default=256
        Samples per forward pass; bounds the device memory used.
    device : str or torch.device, default="auto"
        Where the module runs; ``"auto"`` picks CUDA when available.
    dtype : {"float32", "float64"}, default="float32"
        Dtype of the input tensors and of the returned features. It must match
        the module's floating-point weights.
    input_shape : tuple of int, default=None
        If given, every row of a 2-D ``X`` is reshaped to ``input_shape``
        (e.g. ``(3, 32, 32)`` for flattened images) before the module.
        Without it, ``X`` is passed with its own shape, which may have more
        than two dimensions.

    Attributes
    ----------
    module_ : torch.nn.Module, callable or None
        The frozen module that computes the features (None for the identity).
    device_ : torch.device
        The device the module runs on.
    n_features_out_ : int
        Number of features per sample after flattening.
    n_features_in_ : int
        Size of the second axis of ``X`` seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.frozen.FrozenEstimator : Keep a fitted estimator fitted under clone.
    skop.naive_bayes.PooledGaussianNB : A fast linear probe on the features.
    skop.linear_model.LogisticRegression : The discriminative linear probe.

    Notes
    -----
    ``fit`` only inspects the module (it runs one sample to learn the output
    size); nothing is trained. Outputs are concatenated on the CPU as numpy.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skop.feature_extraction import FrozenFeatures
    >>> backbone = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU())
    >>> X = np.random.RandomState(0).rand(10, 4)
    >>> features = FrozenFeatures(backbone, device="cpu").fit_transform(X)
    >>> features.shape, features.dtype
    ((10, 3), dtype('float32'))
    """

    _parameter_constraints: dict = {
        "module": "no_validation",
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "dtype": [StrOptions(set(_DTYPES))],
        "input_shape": [tuple, list, None],
    }

    def __init__(
        self, module=None, *, batch_size=256, device="auto", dtype="float32",
        input_shape=None,
    ):
        self.module = module
        self.batch_size = batch_size
        self.device = device
        self.dtype = dtype
        self.input_shape = input_shape

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Freeze the module on the device and record the feature size.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Inputs of the module.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        np_dtype, torch_dtype = _DTYPES[self.dtype]
        X = validate_data(self, X, allow_nd=True, dtype=np_dtype)
        self._sample_shape = X.shape[1:]
        self._module_input_shape = self._reshape_to(X.shape[1:])
        self.device_ = resolve_device(self.device)
        module = _resolve_module(self.module)
        if isinstance(module, torch.nn.Module):
            module = copy.deepcopy(module).to(self.device_).eval().requires_grad_(False)
        _check_param_dtype(module, torch_dtype)
        self.module_ = module
        self.n_features_out_ = self._forward(X[:1]).shape[1]
        return self

    def _reshape_to(self, sample_shape):
        """Shape of one module input; checks ``input_shape`` against ``X``."""
        if self.input_shape is None:
            return tuple(sample_shape)
        target = tuple(int(d) for d in self.input_shape)
        if int(np.prod(target)) != int(np.prod(sample_shape)):
            raise ValueError(
                f"input_shape={target} holds {int(np.prod(target))} values but each "
                f"sample of X has shape {tuple(sample_shape)} "
                f"({int(np.prod(sample_shape))} values)."
            )
        return target

    def _forward(self, X):
        """Run the frozen module over ``X`` in batches; returns numpy features."""
        np_dtype, torch_dtype = _DTYPES[self.dtype]
        outputs = []
        with torch.inference_mode():
            for start in range(0, X.shape[0], self.batch_size):
                block = np.ascontiguousarray(X[start : start + self.batch_size])
                batch = torch.as_tensor(block.copy() if not block.flags.writeable else block)
                batch = batch.to(self.device_, torch_dtype).reshape(-1, *self._module_input_shape)
                out = batch if self.module_ is None else self.module_(batch)
                if not isinstance(out, torch.Tensor):
                    raise ValueError(
                        f"The module returned {type(out).__name__}, not a tensor; "
                        "wrap it so that it returns the feature tensor."
                    )
                outputs.append(out.reshape(out.shape[0], -1).to("cpu", torch_dtype).numpy())
        return np.concatenate(outputs).astype(np_dtype, copy=False)

    def transform(self, X):
        """Compute the features of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Inputs of the module, shaped as in ``fit``.

        Returns
        -------
        features : ndarray of shape (n_samples, `n_features_out_`)
            Flattened module outputs, of dtype ``dtype``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype=_DTYPES[self.dtype][0])
        if X.shape[1:] != self._sample_shape:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but FrozenFeatures was "
                f"fitted on samples of shape {self._sample_shape}."
            )
        return self._forward(X)

    @property
    def _n_features_out(self):
        return self.n_features_out_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = [self.dtype]
        tags.input_tags.three_d_array = True
        return tags
