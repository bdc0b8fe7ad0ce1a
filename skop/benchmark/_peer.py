"""neuraloperator 2.0's FNO behind ``fit`` / ``predict``, for the leaderboard only.

neuraloperator is an optional peer, never a dependency: this module is
imported only when it is installed. Its training loop is written here the way
the peer's own Darcy example trains (AdamW, a cosine schedule stepped per
epoch, its relative ``LpLoss``, inputs and outputs standardised per channel),
with the architecture sizes of skop's FNORegressor on the same problem.
"""

import time

import numpy as np
import torch

from skop.neural_operator._fno import _AUTO, _AUTO_NODE_PADDING, auto_projection_channels


class NeuralopFNO:
    """neuraloperator's ``FNO`` trained on arrays (a benchmark adapter, not an estimator).

    Parameters
    ----------
    n_modes : int
        Modes in skop's count: ``k`` non-negative and ``k`` negative
        frequencies per axis. neuraloperator counts ``m`` centred
        frequencies, so it is given ``2 k``.
    width, n_layers, projection_channels, domain_padding : see FNORegressor
    n_spatial_dims : int
    max_epochs, batch_size, lr, weight_decay : training settings
    random_state : int or None
    device : str
        ``"auto"``, ``"cpu"`` or ``"cuda[:N]"``.
    """

    def __init__(self, n_modes, width, n_layers, projection_channels, domain_padding,
                 n_spatial_dims, max_epochs, batch_size, lr, weight_decay=1e-4,
                 random_state=None, device="auto"):
        self.n_modes = n_modes
        self.width = width
        self.n_layers = n_layers
        self.projection_channels = projection_channels
        self.domain_padding = domain_padding
        self.n_spatial_dims = n_spatial_dims
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.device = device

    @classmethod
    def like_skop(cls, skop_params, max_epochs, random_state=None, device="auto"):
        """The peer with the sizes FNORegressor(**skop_params) resolves to."""
        from skop.neural_operator import FNORegressor

        params = FNORegressor(**skop_params).get_params()
        d = params["n_spatial_dims"]
        auto = {**_AUTO[min(d, 2)],
                "domain_padding": _AUTO_NODE_PADDING if params["grid"] == "nodes" else 0.0}

        def resolved(name):
            return auto[name] if params[name] == "auto" else params[name]

        width = resolved("width")
        projection = params["projection_channels"]
        if projection == "auto":
            projection = auto_projection_channels(d, width)
        return cls(n_modes=params["n_modes"], width=width,
                   n_layers=params["n_layers"], projection_channels=projection,
                   domain_padding=resolved("domain_padding"), n_spatial_dims=d,
                   max_epochs=max_epochs, batch_size=resolved("batch_size"), lr=resolved("lr"),
                   weight_decay=params["weight_decay"], random_state=random_state, device=device)

    def _channels(self, X):
        X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
        return X[:, None] if X.ndim == self.n_spatial_dims + 1 else X

    def fit(self, X, y):
        from neuralop.losses import LpLoss
        from neuralop.models import FNO

        device = ("cuda" if torch.cuda.is_available() else "cpu") if self.device == "auto" \
            else self.device
        self.device_ = torch.device(device)
        generator = torch.Generator().manual_seed(0 if self.random_state is None
                                                  else self.random_state)
        torch.manual_seed(int(torch.randint(2**31, (1,), generator=generator)))
        # y of shape (n, *grid) comes back without a channel axis.
        self.y_squeezed_ = np.ndim(y) == self.n_spatial_dims + 1
        X, y = self._channels(X), self._channels(y)
        dims = [0, *range(2, X.ndim)]
        self.x_loc_, self.x_scale_ = X.mean(dims, keepdim=True), X.std(dims, keepdim=True)
        self.y_loc_, self.y_scale_ = y.mean(dims, keepdim=True), y.std(dims, keepdim=True)
        Xn = ((X - self.x_loc_) / self.x_scale_).to(self.device_)
        yn = ((y - self.y_loc_) / self.y_scale_).to(self.device_)
        self.module_ = FNO(
            n_modes=(2 * self.n_modes,) * self.n_spatial_dims, in_channels=X.shape[1],
            out_channels=y.shape[1], hidden_channels=self.width, n_layers=self.n_layers,
            projection_channel_ratio=self.projection_channels / self.width,
            domain_padding=self.domain_padding or None).to(self.device_)
        opt = torch.optim.AdamW(self.module_.parameters(), lr=self.lr,
                                weight_decay=self.weight_decay)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=self.max_epochs)
        loss_fn = LpLoss(d=self.n_spatial_dims, p=2, reduction="mean")
        self.history_ = []
        self.module_.train()
        for _ in range(self.max_epochs):
            start, total = time.perf_counter(), 0.0
            order = torch.randperm(len(Xn), generator=generator).to(self.device_)
            for s in range(0, len(Xn), self.batch_size):
                idx = order[s:s + self.batch_size]
                opt.zero_grad()
                loss = loss_fn(self.module_(Xn[idx]), yn[idx])
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(idx)
            sched.step()
            self.history_.append({"train_loss": total / len(Xn),
                                  "dur": time.perf_counter() - start})
        self.n_iter_ = self.max_epochs
        return self

    def predict(self, X):
        X = self._channels(X)
        self.module_.eval()
        with torch.no_grad():
            out = self.module_(((X - self.x_loc_) / self.x_scale_).to(self.device_))
        out = out.cpu() * self.y_scale_ + self.y_loc_
        out = out.double().numpy()
        return out[:, 0] if self.y_squeezed_ else out
