"""
=======================================================
DeepONet: the antiderivative operator, queried anywhere
=======================================================

A deep operator network (DeepONet) learns an operator ``G`` from input
functions ``u``, observed at fixed *sensors*, to output functions evaluated at
*any* point: ``G(u)(x) ~ sum_k b_k(u) t_k(x)``, with a branch net ``b`` on the
sensor values and a trunk net ``t`` on the coordinate ``x``.

The classic first benchmark of the DeepONet paper is the antiderivative
``G(u)(x) = int_0^x u(s) ds`` of Gaussian random fields ``u``
(:func:`~skop.datasets.make_antiderivative`, exact targets). We train on 100
grid points per function and then evaluate at random points the model never
saw, and at a much finer grid; then we show physics-informed training, where
the equation ``dG/dx = u`` replaces most of the data.
"""

# %%
# Data: 150 training functions, as in DeepXDE's antiderivative example
# ----------------------------------------------------------------------
import os

import matplotlib.pyplot as plt
import numpy as np
import torch

from skop.datasets import make_antiderivative
from skop.metrics import relative_l2_error
from skop.neural_operator import DeepONetRegressor

torch.set_num_threads(1)
QUICK = os.environ.get("SKOP_EXAMPLE_QUICK", "0") == "1"

n_train, n_test = 150, 200
X, y, points = make_antiderivative(n_train + n_test, n_sensors=100, n_points=100,
                                   random_state=0)
X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
print(X_train.shape, y_train.shape, points.shape)

# %%
# Fit
# ---
# ``fit(X, y, query_points=P)``: ``P`` holds the coordinates of the columns of
# ``y`` (shared by all functions here; ``(n_samples, n_points, d)`` gives
# points per function). ``query_batch_size`` trains each step on a random
# subset of the points, minibatching over points as well as functions.
est = DeepONetRegressor(n_basis=64, branch_hidden=(64, 64), trunk_hidden=(64, 64),
                        query_batch_size=50, max_epochs=20 if QUICK else 2000,
                        random_state=0)
est.fit(X_train, y_train, query_points=points)
on_grid = relative_l2_error(y_test, est.predict(X_test))
print(f"test rel-L2 on the training points: {on_grid:.2e}")

# %%
# Query points off the training grid
# ----------------------------------
# The same test functions, with their exact antiderivatives at 100 random
# points each (drawn per function), and on a grid 10 times finer.
_, y_random, points_random = make_antiderivative(n_train + n_test, n_sensors=100,
                                                 n_points=100, query="random", random_state=0)
off_grid = relative_l2_error(y_random[n_train:],
                             est.predict(X_test, query_points=points_random[n_train:]))
_, y_fine, points_fine = make_antiderivative(n_train + n_test, n_sensors=100, n_points=1000,
                                             random_state=0)
fine = relative_l2_error(y_fine[n_train:], est.predict(X_test, query_points=points_fine))
print(f"random points per function: {off_grid:.2e}; 1000-point grid: {fine:.2e}")

fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
for i, colour in zip(range(3), ["C0", "C1", "C2"]):
    ax[0].plot(np.linspace(0, 1, 100), X_test[i], colour, lw=1)
    ax[1].plot(points_fine[:, 0], y_fine[n_train + i], colour, lw=1)
    order = np.argsort(points_random[n_train + i, :, 0])
    p = points_random[n_train + i][order]
    ax[1].plot(p[:, 0], est.predict(X_test[i:i + 1], query_points=p)[0], colour + ".", ms=3)
ax[0].set(title="input functions u (at the 100 sensors)", xlabel="x")
ax[1].set(title="G(u): exact (lines), DeepONet at random points (dots)", xlabel="x")
fig.tight_layout()

# %%
# Physics-informed training
# -------------------------
# With ``physics_residual`` the loss adds the mean square of a residual that
# vanishes for the true operator, evaluated at collocation points drawn in
# ``domain`` at every step. Here only ``G(u)(0) = 0`` is given as data; the
# equation ``dG/dx = u(x)`` (``u`` interpolated from its sensors, derivative
# by autograd) determines the rest.


def antiderivative_residual(G, x, u):
    """dG/dx - u(x) at the collocation points x (batch, n_c, 1)."""
    dG = torch.autograd.grad(G.sum(), x, create_graph=True)[0][..., 0]
    s = x[..., 0].detach() * (u.shape[1] - 1)
    left = s.floor().clamp(max=u.shape[1] - 2).long()
    w = s - left
    u_x = torch.gather(u, 1, left) * (1 - w) + torch.gather(u, 1, left + 1) * w
    return dG - u_x


zero = np.zeros((n_train, 1))
informed = DeepONetRegressor(n_basis=64, branch_hidden=(64, 64), trunk_hidden=(64, 64),
                             activation="tanh", physics_residual=antiderivative_residual,
                             domain=[(0.0, 1.0)], n_collocation=64,
                             max_epochs=10 if QUICK else 600, random_state=0)
informed.fit(X_train, zero, query_points=np.zeros((1, 1)))
physics = relative_l2_error(y_test, informed.predict(X_test, query_points=points))
print(f"physics-informed, data only at x = 0: test rel-L2 {physics:.2e}")
