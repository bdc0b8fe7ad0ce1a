"""One rank of a data-parallel fit (run by tests/base/test_distributed.py under torchrun).

Writes this rank's fitted parameters and predictions to ``OUT/rank{r}.safetensors``.
"""

import os
import sys

import numpy as np
import safetensors.torch
import torch
import torch.distributed as dist


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 32)).cumsum(1) / 32
    return X, np.roll(X, 2, axis=1) ** 2


def fit():
    from skop.neural_operator import FNORegressor

    X, y = data()
    model = FNORegressor(n_modes=6, width=8, n_layers=2, max_epochs=4, batch_size=8,
                         random_state=0, device="cpu").fit(X, y)
    tensors = {k: v.detach().clone() for k, v in model.module_.state_dict().items()}
    tensors["__predict__"] = torch.as_tensor(model.predict(X))
    tensors["__loss_curve__"] = torch.as_tensor(model.loss_curve_)
    return tensors


if __name__ == "__main__":
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    out = fit()
    safetensors.torch.save_file(out, os.path.join(sys.argv[1], f"rank{dist.get_rank()}.safetensors"))
    dist.destroy_process_group()
