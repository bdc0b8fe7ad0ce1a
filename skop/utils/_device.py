"""Device resolution shared by every torch-backed piece of skop."""

import torch


def resolve_device(device="auto"):
    """Turn a user's ``device`` parameter into a :class:`torch.device`.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda", "cuda:N", "mps"} or torch.device, default="auto"
        ``"auto"`` picks CUDA when available, else CPU.

    Returns
    -------
    device : torch.device
    """
    if isinstance(device, torch.device):
        resolved = device
    elif device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        try:
            resolved = torch.device(device)
        except (RuntimeError, TypeError) as exc:
            raise ValueError(
                f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}."
            ) from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available in this torch "
            f"build ({torch.__version__}). Use device='cpu' or device='auto'."
        )
    return resolved
