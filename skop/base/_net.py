"""skorch's ``NeuralNet`` with mixed precision and unsupervised batches.

Still skorch's training loop: only the three methods a precision policy
needs are extended (the forward pass runs under ``torch.autocast``, an fp16
loss is scaled before ``backward`` and unscaled at the optimizer step), and
``get_loss`` accepts batches without targets.
"""

import copy
import io
import pickle

import torch
from skorch import NeuralNet

from skop.base._data import map_tensors, n_samples
from skop.base._distributed import broadcast_module, combine_loss, combine_step, local_share, world

PRECISIONS = ("float32", "bf16-mixed", "fp16-mixed")

_AUTOCAST_DTYPES = {"float32": None, "bf16-mixed": torch.bfloat16, "fp16-mixed": torch.float16}

# Rebuilt by every fit and warm-started continuation, and bound to the training
# device (validation data, CUDA generators, which no map_location can move):
# not pickled.
_FIT_ONLY = ("train_split", "iterator_train__transform", "iterator_train__generator")
# What skorch's __setstate__ reads before it loads the rest.
_LOAD_KEYS = ("device", "torch_load_kwargs")


def _to_float32(t):
    return t.float() if t.is_floating_point() and t.dtype != torch.float64 else t


class _SkopNet(NeuralNet):
    """A ``NeuralNet`` with a ``precision`` policy (private: estimators build it in ``fit``).

    Parameters
    ----------
    *args, **kwargs
        Passed to :class:`skorch.NeuralNet`.
    precision : {"float32", "bf16-mixed", "fp16-mixed"}, default="float32"
        ``"bf16-mixed"`` / ``"fp16-mixed"`` run the forward pass under
        ``torch.autocast`` with that dtype (weights stay float32; layers that
        need float32, such as FFTs, opt out themselves); ``"fp16-mixed"`` also
        scales the loss (``torch.amp.GradScaler``) so small gradients survive
        in half precision. The loss is computed in float32.
    """

    def __init__(self, *args, precision="float32", **kwargs):
        super().__init__(*args, **kwargs)
        self.precision = precision

    # ------------------------------------------------------------ precision
    def _device_type(self):
        return torch.device(self.device).type

    def infer(self, x, **fit_params):
        dtype = _AUTOCAST_DTYPES[self.precision]
        if dtype is None:
            return super().infer(x, **fit_params)
        with torch.autocast(device_type=self._device_type(), dtype=dtype):
            out = super().infer(x, **fit_params)
        return map_tensors(_to_float32, out)

    def _grad_scaler(self):
        if self.precision != "fp16-mixed":
            return None
        scaler = getattr(self, "grad_scaler_", None)
        if scaler is None:
            scaler = self.grad_scaler_ = torch.amp.GradScaler(self._device_type())
        return scaler

    def train_step_single(self, batch, **fit_params):
        scaler = self._grad_scaler()
        if scaler is None:
            out = super().train_step_single(batch, **fit_params)
        else:
            self._set_training(True)
            Xi, yi = batch
            y_pred = self.infer(Xi, **fit_params)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
            scaler.scale(loss).backward()
            out = {"loss": loss, "y_pred": y_pred}
        if world() is not None:
            # Data parallel: this rank computed its share of the batch.
            out["loss"] = combine_step(self.module_.parameters(), out["loss"],
                                       n_samples(batch[0]))
        return out

    def validation_step(self, batch, **fit_params):
        out = super().validation_step(batch, **fit_params)
        if world() is not None:
            out["loss"] = combine_loss(out["loss"],
                                       local_share(n_samples(batch[0]), out["loss"].device))
        return out

    def initialize(self):
        super().initialize()
        if world() is not None:
            broadcast_module(self.module_)   # every rank starts from rank 0's weights
        return self

    def _step_optimizer(self, step_fn):
        # Counted because fused optimizers (Adam / AdamW with fused=True) update
        # the weights without bumping their tensors' version counters, which is
        # what the estimators' cached inference copy is otherwise keyed on.
        self.n_optimizer_steps = getattr(self, "n_optimizer_steps", 0) + 1
        scaler = self._grad_scaler()
        if scaler is None:
            return super()._step_optimizer(step_fn)
        # GradScaler cannot drive an optimizer closure: compute the gradients
        # once, then let the scaler unscale, skip inf/NaN steps and adapt.
        step_fn()
        for name in self._optimizers:
            scaler.step(getattr(self, name + "_"))
        scaler.update()
        return None

    def __deepcopy__(self, memo):
        # A copy in this process (warm starts, the fit transaction's backup):
        # everything copied as it is, on its device, fit-only state included,
        # and nothing pickled (a user's callback may be a local class).
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

    def __getstate__(self):
        # Pickling (another process or machine). skorch routes only module_ /
        # criterion_ / optimizer_ through its map_location loader; the module
        # instance given as ``module`` (the same object), callbacks' weight
        # snapshots (EarlyStopping) and everything else would be plain-pickled
        # with their CUDA storages and fail to load on a CPU-only machine.
        # Route the whole state through it.
        state = {k: v for k, v in self.__dict__.items() if k != "grad_scaler_"}
        state.update({k: None for k in _FIT_ONLY if k in state})
        buffer = io.BytesIO()
        pickle.dump({k: v for k, v in state.items() if k not in _LOAD_KEYS}, buffer)
        return {**{k: state[k] for k in _LOAD_KEYS if k in state},
                "__cuda_dependent_attributes__": buffer.getvalue()}

    def _set_training(self, training=True):
        # skorch switches every module's mode at every step; Module.train walks
        # the whole tree, which on a small network cost a tenth of the step.
        # Switch only the modules that are not in that mode already.
        for name in self._modules:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)

    # ------------------------------------------------------------ targets
    def get_loss(self, y_pred, y_true, X=None, training=False):
        if y_true is None:
            return self.criterion_(y_pred, None)
        return super().get_loss(y_pred, y_true, X=X, training=training)
