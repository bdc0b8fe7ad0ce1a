"""Initialise a whole model from one explicit ``torch.Generator``.

torch's layers draw their initial weights from the global generator inside
their constructors. An estimator that must be reproducible *and* safe to fit
in several threads at once cannot use that state, so it builds its model on
the ``meta`` device (no values, no random draws) and then gives every
parameter its value here, from its own generator, with the distribution the
layer's own ``reset_parameters`` would use.

A skop layer takes part by defining ``reset_parameters(generator=None)``; the
common torch layers are handled in :data:`_TORCH_INITIALISERS`. A module with
parameters or buffers of its own that is in neither place raises, rather than
silently keeping uninitialised memory.
"""

import math

import torch
from torch import nn


def _kaiming_uniform(weight, generator):
    # torch's default for Linear / Conv: kaiming_uniform_(a=sqrt(5)).
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)


def _fan_in_uniform(bias, fan_in, generator):
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    nn.init.uniform_(bias, -bound, bound, generator=generator)


def init_linear_or_conv(module, generator):
    """torch's Linear / Conv initialisation of ``module.weight`` and ``module.bias``."""
    _kaiming_uniform(module.weight, generator)
    if module.bias is not None:
        fan_in, _ = nn.init._calculate_fan_in_and_fan_out(module.weight)
        _fan_in_uniform(module.bias, fan_in, generator)


def _init_bilinear(module, generator):
    # torch's default for Bilinear: uniform(+-1/sqrt(in1_features)) for both.
    bound = 1.0 / math.sqrt(module.weight.shape[1])
    nn.init.uniform_(module.weight, -bound, bound, generator=generator)
    if module.bias is not None:
        nn.init.uniform_(module.bias, -bound, bound, generator=generator)


def _init_affine_norm(module, generator):
    if getattr(module, "weight", None) is not None:
        nn.init.ones_(module.weight)
    if getattr(module, "bias", None) is not None:
        nn.init.zeros_(module.bias)
    if hasattr(module, "reset_running_stats") and module.track_running_stats:
        module.running_mean = torch.zeros_like(module.running_mean)
        module.running_var = torch.ones_like(module.running_var)
        module.num_batches_tracked = torch.zeros_like(module.num_batches_tracked)


def _init_embedding(module, generator):
    nn.init.normal_(module.weight, generator=generator)


def _init_multihead_attention(module, generator):
    if module.in_proj_weight is not None:
        nn.init.xavier_uniform_(module.in_proj_weight, generator=generator)
    for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
        weight = getattr(module, name, None)
        if weight is not None:
            nn.init.xavier_uniform_(weight, generator=generator)
    if module.in_proj_bias is not None:
        nn.init.zeros_(module.in_proj_bias)
    for name in ("bias_k", "bias_v"):
        bias = getattr(module, name, None)
        if bias is not None:
            nn.init.xavier_normal_(bias, generator=generator)


_TORCH_INITIALISERS = (
    ((nn.Linear, nn.modules.conv._ConvNd), init_linear_or_conv),
    ((nn.Bilinear,), _init_bilinear),
    ((nn.LayerNorm, nn.GroupNorm, nn.modules.batchnorm._NormBase), _init_affine_norm),
    ((nn.Embedding,), _init_embedding),
    ((nn.MultiheadAttention,), _init_multihead_attention),
)


def _has_own_state(module):
    return any(True for _ in module.parameters(recurse=False)) or any(
        True for _ in module.buffers(recurse=False))


def reset_parameters(module, generator):
    """Give every parameter and buffer of ``module`` its initial value.

    Parameters
    ----------
    module : torch.nn.Module
        Typically built under ``torch.device("meta")`` and moved with
        ``to_empty``: its tensors hold no values yet.
    generator : torch.Generator
        The only source of randomness used.

    Returns
    -------
    module : torch.nn.Module
        The same module, initialised in place.
    """
    with torch.no_grad():
        for sub in module.modules():
            own = getattr(type(sub), "reset_parameters", None)
            if own is not None and getattr(own, "_skop_generator_aware", False):
                sub.reset_parameters(generator=generator)
                continue
            for types, init in _TORCH_INITIALISERS:
                if isinstance(sub, types):
                    init(sub, generator)
                    break
            else:
                if _has_own_state(sub):
                    raise TypeError(
                        f"{type(sub).__name__} holds parameters or buffers that skop cannot "
                        "initialise from an explicit generator: give it a "
                        "reset_parameters(generator=None) method decorated with "
                        "skop.nn.generator_aware."
                    )
    return module


def generator_aware(method):
    """Mark a layer's ``reset_parameters(generator=None)`` as usable by :func:`reset_parameters`."""
    method._skop_generator_aware = True
    return method


def build_module(factory, generator, device="cpu"):
    """Build ``factory()`` without touching the global RNG and initialise it from ``generator``.

    The module is constructed on the ``meta`` device (its constructors draw
    nothing), materialised on ``device`` and initialised by
    :func:`reset_parameters`.
    """
    with torch.device("meta"):
        module = factory()
    module = module.to_empty(device=device)
    return reset_parameters(module, generator)
