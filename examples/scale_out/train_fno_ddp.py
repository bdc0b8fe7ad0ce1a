"""
Data-parallel training with torchrun
====================================

An FNO on Burgers data trained over several processes (a script to start
with ``torchrun``; the gallery shows it without running it).

CPU, 2 processes (gloo)::

    torchrun --nnodes 1 --nproc_per_node 2 --master_addr 127.0.0.1 \
        examples/scale_out/train_fno_ddp.py

One node with 4 GPUs (nccl)::

    torchrun --nnodes 1 --nproc_per_node 4 examples/scale_out/train_fno_ddp.py

Each process builds the same data (same seed) and calls ``fit`` as usual;
skop sees the initialised process group, gives every rank its share of each
batch and combines the gradients, so all ranks end with the same model --
the model one process would train with the same ``batch_size``. Rank 0
saves it with :func:`skop.io.save`.
"""

import os

import torch
import torch.distributed as dist

from skop.datasets import make_burgers
from skop.io import save
from skop.neural_operator import FNORegressor


def main():
    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    if not cuda:
        torch.set_num_threads(1)
    X, y = make_burgers(n_samples=400, resolution=128, random_state=0)[:2]
    model = FNORegressor(n_modes=16, width=32, max_epochs=50, batch_size=32, random_state=0,
                         device=f"cuda:{local_rank}" if cuda else "cpu").fit(X, y)
    if dist.get_rank() == 0:
        print(f"train R^2 {model.score(X, y):.4f}; saved to",
              save(model, "fno_ddp", overwrite=True))
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
