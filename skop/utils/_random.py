"""Seeding helpers: turn a scikit-learn ``random_state`` into torch randomness.

Estimators must be reproducible from ``random_state`` *and* leave the caller's
global RNG state untouched. Torch estimators draw everything (initialisation,
shuffling, splits, noise) from explicit ``torch.Generator`` objects derived
with :func:`derive_seed`, so concurrent fits in threads cannot clobber each
other. :func:`torch_rng` (fork, seed and restore the global generator) remains
for code that calls torch functions without a ``generator`` argument.
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
        ``None`` draws a fresh seed from the operating system's entropy (numpy's
        global RNG is not touched), an int is used as is, a ``RandomState`` or
        ``Generator`` is advanced by one draw.

    Returns
    -------
    seed : int
        A seed in ``[0, 2**31 - 1)``.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0] % _MAX_SEED)
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


def derive_seed(seed, *keys):
    """An independent seed for the stream named by ``keys`` under ``seed``.

    ``derive_seed(seed, "init")`` and ``derive_seed(seed, "shuffle", 3)`` are
    statistically independent (numpy's ``SeedSequence`` spawning), so each use
    of randomness in a fit gets its own stream, and a warm-started
    continuation (key: the number of epochs already run) does not replay the
    first fit's shuffle order.

    Parameters
    ----------
    seed : int
        The fit's seed, from :func:`draw_seed`.
    *keys : str or int
        Names the stream.

    Returns
    -------
    seed : int
    """
    words = [int(seed)]
    for key in keys:
        if isinstance(key, str):
            words.extend(key.encode())
        else:
            words.append(int(key))
    return int(np.random.SeedSequence(words).generate_state(1)[0] % _MAX_SEED)


def make_generator(seed, device="cpu"):
    """A ``torch.Generator`` on ``device`` seeded with the int ``seed``."""
    gen = torch.Generator(device=torch.device(device))
    gen.manual_seed(int(seed))
    return gen


def torch_generator(random_state, device="cpu"):
    """A fresh ``torch.Generator`` on ``device`` seeded from ``random_state``."""
    return make_generator(draw_seed(random_state), device)
