"""Input and output normalisation stored inside the model."""

from torch import nn


class Standardized(nn.Module):
    """Wrap a model so that it sees standardised inputs and returns raw outputs.

    ``forward(x) = model((x - x_loc) / x_scale) * y_scale + y_loc``. Keeping the
    statistics as buffers in the module (instead of in the estimator) makes the
    saved module usable on its own: it takes and returns physical units.

    Parameters
    ----------
    model : torch.nn.Module
        The wrapped network.
    x_loc, x_scale : torch.Tensor
        Input location and scale, broadcastable to the input.
    y_loc, y_scale : torch.Tensor
        Output location and scale, broadcastable to the output.
    """

    def __init__(self, model, x_loc, x_scale, y_loc, y_scale):
        super().__init__()
        self.model = model
        self.register_buffer("x_loc", x_loc)
        self.register_buffer("x_scale", x_scale)
        self.register_buffer("y_loc", y_loc)
        self.register_buffer("y_scale", y_scale)

    def forward(self, x):
        return self.model((x - self.x_loc) / self.x_scale) * self.y_scale + self.y_loc
