"""A minimal concrete estimator over the torch base, shared by the base's tests.

The base must not know any specific method, so its behaviour is checked on a
tiny MLP regressor.
"""

import numpy as np
import torch
from sklearn.base import RegressorMixin
from sklearn.utils.validation import validate_data

from skop.base import BaseTorchEstimator
from skop.nn import ScaledMSELoss


class TinyRegressor(RegressorMixin, BaseTorchEstimator):
    _module_params = (*BaseTorchEstimator._module_params, "hidden")

    def __init__(self, hidden=16, *, loss_scale=1.0, max_epochs=10, batch_size=16, lr=1e-2,
                 optimizer="adam", weight_decay=0.0, optimizer_kwargs=None,
                 lr_schedule="constant", early_stopping=False, validation_fraction=0.2,
                 n_iter_no_change=3, callbacks=None, warm_start=False, precision="float32",
                 compile=False, device="cpu", inference_precision="auto", verbose=0,
                 random_state=None):
        super().__init__(
            max_epochs=max_epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
            weight_decay=weight_decay, optimizer_kwargs=optimizer_kwargs,
            lr_schedule=lr_schedule, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            callbacks=callbacks, warm_start=warm_start, precision=precision, compile=compile,
            device=device, inference_precision=inference_precision, verbose=verbose,
            random_state=random_state)
        self.hidden = hidden
        self.loss_scale = loss_scale

    def fit(self, X, y):
        self._validate_params()
        with self._fit_transaction():
            X, y = validate_data(self, X, y, dtype=np.float64)
            return self._fit_arrays(X, y[:, None])

    def predict(self, X):
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._predict_array(X)[:, 0]

    def _build_module(self, X, y):
        return torch.nn.Sequential(torch.nn.Linear(X.shape[1], self.hidden), torch.nn.Tanh(),
                                   torch.nn.Linear(self.hidden, 1))

    def _build_criterion(self, y, y_scale):
        return ScaledMSELoss(self.loss_scale * y_scale)
