"""Data-parallel training over the processes of a ``torch.distributed`` group (started by torchrun).

When a script runs under ``torchrun --nproc_per_node N`` and initialises a
process group, every torch estimator trains data-parallel with no code
change: all ranks draw the same shuffled batches (same seed), each computes
the loss and gradients on its share of every batch, and the gradients are
combined (one all-reduce per step, weighted by the share sizes) before the
optimizer step -- so every rank takes the step a single process would take
on the whole batch, and the parameters stay identical across ranks. The
initial weights are broadcast from rank 0, so even ``random_state=None``
starts all ranks alike.
"""

import torch
import torch.distributed as dist


def world():
    """``(rank, world_size)`` of an initialised group of more than one process, else None."""
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        return dist.get_rank(), dist.get_world_size()
    return None


def shard(index, n, device):
    """This rank's part of a batch given by ``index`` (a slice or an index tensor) of ``n`` samples."""
    where = world()
    if where is None:
        return index
    rank, size = where
    if n < size:
        raise ValueError(f"A batch of {n} sample(s) cannot be split over {size} processes: "
                         f"use batch_size >= {size} and at least {size} training samples.")
    if isinstance(index, slice):
        index = torch.arange(index.start or 0, (index.start or 0) + n, device=device)
    return torch.tensor_split(index, size)[rank]


def _reduce_device(device):
    # gloo reduces CPU tensors, nccl CUDA ones.
    return "cpu" if dist.get_backend() == "gloo" else device


def combine_step(parameters, loss, n_local):
    """Gradients and loss of the whole batch from every rank's share: returns the batch loss."""
    params = [p for p in parameters if p.grad is not None]
    share = local_share(n_local, loss.device)
    if params:
        flat = torch.cat([p.grad.reshape(-1) for p in params])
        device = flat.device
        flat = (flat * share).to(_reduce_device(flat.device))
        dist.all_reduce(flat)
        flat = flat.to(device)
        offset = 0
        for p in params:
            p.grad.copy_(flat[offset:offset + p.grad.numel()].view_as(p.grad))
            offset += p.grad.numel()
    return combine_loss(loss, share)


def combine_loss(loss, share):
    """The share-weighted sum of every rank's loss (a detached scalar)."""
    value = (loss.detach().double() * share).reshape(1).to(_reduce_device(loss.device))
    dist.all_reduce(value)
    return value.to(loss.device, loss.dtype).reshape(())


def local_share(n_local, device):
    """This rank's fraction of a batch (one all-reduce of the sizes; ``device``: the batch's)."""
    # nccl reduces CUDA tensors only: a CPU count would fail there.
    total = torch.tensor([float(n_local)], dtype=torch.float64,
                         device=_reduce_device(device))
    dist.all_reduce(total)
    return n_local / total.item()


def broadcast_module(module):
    """Copy rank 0's parameters and buffers to every rank."""
    for tensor in module.state_dict().values():
        if tensor.is_floating_point() or tensor.dtype in (torch.int64, torch.bool):
            buffer = tensor.detach().to(_reduce_device(tensor.device))
            dist.broadcast(buffer, 0)
            with torch.no_grad():
                tensor.copy_(buffer.to(tensor.device))
