"""Seeding helpers: turn a scikit-learn ``random_state`` into torch randomness.

Torch has one global generator per device. Estimators must be reproducible from
``random_state`` *and* leave the caller's global RNG state untouched, so every
fit/predict runs inside :func:`torch_rng` which forks the global state, seeds it
and restores it on exit.
"""

import contextlib
import numbers

import numpy as np
import torch

_MAX_SEED = np.iinfo(np.int32).max


def draw_seed(random_state):
    """Draw an integer seed from ``random_state``.

    Parameters
    ----------
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator
        ``None`` draws from numpy's global RNG (a fresh seed each call), an int is
        used as is, a ``RandomState`` or ``Generator`` is advanced by one draw.

    Returns
    -------
    seed : int
        A seed in ``[0, 2**31 - 1)``.
    """
    if random_state is None:
        return int(np.random.mtrand._rand.randint(_MAX_SEED))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= int(random_state) <= 2**32 - 1:
            raise ValueError(
                f"random_state must be in [0, 2**32 - 1], got {random_state}."
            )
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(_MAX_SEED))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(_MAX_SEED))
    raise ValueError(
        "random_state must be None, an int, a numpy RandomState or a numpy Generator; "
        f"got {random_state!r}."
    )


@contextlib.contextmanager
def torch_rng(seed, device="cpu"):
    """Run a block under a seeded torch global RNG, restoring the caller's state.

    Only the generators the block can touch are seeded and restored: the CPU
    default generator and, for a CUDA ``device``, that device's generator.
    (``torch.manual_seed`` would seed every accelerator, and ``fork_rng``
    saves each of them, which costs more than a small sampler call.)

    Parameters
    ----------
    seed : int
        Seed of the generators inside the block.
    device : str or torch.device, default="cpu"
        The device the block computes on.
    """
    device = torch.device(device)
    cpu_state = torch.get_rng_state()
    cuda_index = None
    if device.type == "cuda":
        cuda_index = device.index if device.index is not None else torch.cuda.current_device()
        cuda_state = torch.cuda.get_rng_state(cuda_index)
        with torch.cuda.device(cuda_index):
            torch.cuda.manual_seed(seed)
    torch.default_generator.manual_seed(seed)
    try:
        yield
    finally:
        torch.set_rng_state(cpu_state)
        if cuda_index is not None:
            torch.cuda.set_rng_state(cuda_state, cuda_index)


def torch_generator(random_state, device="cpu"):
    """A fresh ``torch.Generator`` on ``device`` seeded from ``random_state``."""
    gen = torch.Generator(device=torch.device(device))
    gen.manual_seed(draw_seed(random_state))
    return gen
