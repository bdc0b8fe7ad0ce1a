"""A GPU-trained model must unpickle on a CPU-only machine: no device-bound object escapes skorch's loader.

skorch loads the tensors it pickles through ``torch.load(map_location=...)``,
which moves CUDA storages to the CPU when CUDA is absent. A tensor, module or
generator pickled *outside* that path keeps its CUDA storage and fails to load
there ("Attempting to deserialize object on a CUDA device"). This was found on
a real GPU (asv_bench/scripts/gpu_checks.py): the module instance given to
skorch as ``module`` -- the same object as ``module_`` -- travelled outside it.
CI has no GPU, so the test records what the outer pickle of the fitted net
itself serialises. (Tensors the estimators keep beside ``net_`` -- the training
layout, coordinate statistics, smoothing operators -- are built on the CPU from
the numpy input.)
"""

import io
import pickle
import warnings

import pytest
import torch

from skop.base import BaseTorchEstimator
from skop.utils import all_estimators

from tests.io.test_roundtrip import _data, _fitted

torch.set_num_threads(1)

_TORCH_ESTIMATORS = [(n, c) for n, c in all_estimators() if issubclass(c, BaseTorchEstimator)]


class _Spy(pickle.Pickler):
    """Records every torch object the pickler itself serialises (not nested pickles)."""

    def __init__(self, file):
        super().__init__(file)
        self.found = []

    def reducer_override(self, obj):
        if isinstance(obj, (torch.Tensor, torch.nn.Module, torch.Generator)):
            self.found.append(obj)
        return NotImplemented


@pytest.mark.parametrize("name, cls", _TORCH_ESTIMATORS, ids=[n for n, _ in _TORCH_ESTIMATORS])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_only_skorchs_loader_sees_device_state(name, cls, early_stopping):
    est, _ = _fitted(cls, early_stopping=early_stopping, n_iter_no_change=1)
    spy = _Spy(io.BytesIO())
    spy.dump(est.net_)
    escaped = [type(obj).__name__ for obj in spy.found]
    assert not escaped, f"{name}: {escaped[:5]} pickled outside skorch's map_location loader"


def test_unpickled_net_predicts_like_the_original_and_can_continue():
    name, cls = "FNORegressor", dict(all_estimators())["FNORegressor"]
    est, X = _fitted(cls, early_stopping=True, n_iter_no_change=1)
    restored = pickle.loads(pickle.dumps(est))
    assert restored.net_.module is restored.net_.module_   # identity survives
    torch.testing.assert_close(torch.as_tensor(restored.predict(X)),
                               torch.as_tensor(est.predict(X)), rtol=0, atol=0)
    restored.set_params(warm_start=True, max_epochs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        restored.fit(*_data(est))
    assert len(restored.loss_curve_) == len(est.loss_curve_) + 2, name
