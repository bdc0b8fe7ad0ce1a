"""Input and output normalisation stored inside the model."""

from torch import nn


class Standardized(nn.Module):
    """Wrap a model so that it sees standardised inputs and returns raw outputs.

    ``forward(x) = model((x - x_loc) / x_scale) * y_scale + y_loc``. Keeping the
    statistics as buffers in the module (instead of in the estimator) makes the
    saved module usable on its own: it takes and returns physical units.

    Either side may be left out (``None``): a learned proximal operator, say,
    must stay the gradient of a convex function, so its output is not
    rescaled. A model with several keyword inputs gets one ``(loc, scale)``
    pair (or ``None``) per input name through ``inputs``.

    Parameters
    ----------
    model : torch.nn.Module
        The wrapped network.
    x_loc, x_scale : torch.Tensor or None, default=None
        Location and scale of a single positional input, broadcastable to it.
    y_loc, y_scale : torch.Tensor or None, default=None
        Output location and scale, broadcastable to the output.
    inputs : dict of str to (loc, scale) or None, default=None
        Statistics of keyword inputs, ``forward(**inputs)``.
    """

    def __init__(self, model, x_loc=None, x_scale=None, y_loc=None, y_scale=None, *,
                 inputs=None):
        super().__init__()
        self.model = model
        self._register_pair("x", x_loc, x_scale)
        self._register_pair("y", y_loc, y_scale)
        self.input_names = tuple(inputs or ())
        for name, stats in (inputs or {}).items():
            self._register_pair(f"in_{name}", *(stats if stats is not None else (None, None)))

    def _register_pair(self, prefix, loc, scale):
        if (loc is None) != (scale is None):
            raise ValueError(f"{prefix}_loc and {prefix}_scale must be given together.")
        self.register_buffer(f"{prefix}_loc", loc)
        self.register_buffer(f"{prefix}_scale", scale)

    def _normalize(self, prefix, value):
        loc = getattr(self, f"{prefix}_loc")
        if loc is None or not value.is_floating_point():
            return value
        if value.ndim > 1 and value.shape[0] > 1 and value.stride(0) == 0:
            # An input broadcast along the batch (shared by every sample) is
            # normalised once and stays a broadcast view.
            return ((value[:1] - loc) / getattr(self, f"{prefix}_scale")).expand_as(value)
        return (value - loc) / getattr(self, f"{prefix}_scale")

    def forward(self, x=None, **inputs):
        args = () if x is None else (self._normalize("x", x),)
        kwargs = {name: self._normalize(f"in_{name}", value) if name in self.input_names
                  else value for name, value in inputs.items()}
        out = self.model(*args, **kwargs)
        if self.y_loc is None:
            return out
        return out * self.y_scale + self.y_loc
