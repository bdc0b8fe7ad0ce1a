"""Lion-K: the constrained problems it solves, Lion step for step, and use through the estimators."""

import numpy as np
import pytest
import torch

from skop.optim import LionK

C = torch.tensor([3.0, -2.0, 0.5, -0.2, 1.5], dtype=torch.float64)


def _minimise(direction, weight_decay=1.0, steps=3000):
    x = torch.zeros(5, dtype=torch.float64, requires_grad=True)
    opt = LionK([x], lr=0.01, weight_decay=weight_decay, direction=direction)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)   # lr -> 0: exact limit
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * (x - C).pow(2).sum()).backward()
        opt.step()
        sched.step()
    return x.detach()


def test_lion_solves_the_box_constrained_problem():
    for decay in (1.0, 2.0):
        torch.testing.assert_close(_minimise("sign", decay), C.clamp(-1 / decay, 1 / decay),
                                   atol=2e-3, rtol=0)


def test_lion_l2_solves_the_ball_constrained_problem():
    torch.testing.assert_close(_minimise("l2", 1.0), C / C.norm(), atol=2e-3, rtol=0)
    torch.testing.assert_close(_minimise("l2", 0.1), C, atol=2e-3, rtol=0)   # inside the ball


def test_nuclear_direction_is_the_polar_factor():
    W = torch.zeros(4, 3, dtype=torch.float64, requires_grad=True)
    target = torch.randn(4, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    opt = LionK([W], lr=0.1, betas=(0.0, 0.0), direction="nuclear")
    (0.5 * (W - target).pow(2).sum()).backward()
    opt.step()
    U, _, Vh = torch.linalg.svd(-target, full_matrices=False)     # the gradient is W - target
    torch.testing.assert_close(W.detach(), -0.1 * U @ Vh)
    singular = torch.linalg.svdvals(W.detach())
    torch.testing.assert_close(singular, torch.full((3,), 0.1, dtype=torch.float64))


def test_matches_lion_pytorch_step_for_step():
    from lion_pytorch import Lion

    def net():
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))

    ours, theirs = net(), net()
    opts = [LionK(ours.parameters(), lr=1e-3, weight_decay=0.1),
            Lion(theirs.parameters(), lr=1e-3, weight_decay=0.1)]
    g = torch.Generator().manual_seed(1)
    for _ in range(50):
        X, y = torch.randn(32, 4, generator=g), torch.randn(32, 1, generator=g)
        for model, opt in zip((ours, theirs), opts):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(X), y).backward()
            opt.step()
        for a, b in zip(ours.parameters(), theirs.parameters()):
            torch.testing.assert_close(a, b, rtol=0, atol=1e-6)


def test_callable_direction_and_bad_arguments():
    x = torch.ones(3, requires_grad=True)
    opt = LionK([x], lr=0.5, betas=(0.0, 0.0), direction=lambda c: 2 * c)
    x.sum().backward()
    opt.step()
    torch.testing.assert_close(x.detach(), torch.zeros(3))     # 1 - 0.5 * 2 * grad(=1)
    with pytest.raises(ValueError, match="direction must be one of"):
        LionK([x], direction="l3")
    with pytest.raises(ValueError, match="lr must be positive"):
        LionK([x], lr=0.0)
    bad = LionK([x], direction=lambda c: c.sum())
    x.grad = torch.ones(3)
    with pytest.raises(ValueError, match="returned shape"):
        bad.step()


def test_estimators_train_with_lion():
    from skop.neural_operator import FNORegressor

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 32)).cumsum(1) / 32
    y = np.roll(X, 2, axis=1)
    # measured: final/initial loss 0.45 (sign, lr 1e-3), 0.46 (nuclear, lr 1e-2); AdamW 0.43
    for kwargs, lr in ((None, 1e-3), ({"direction": "nuclear"}, 1e-2)):
        model = FNORegressor(n_modes=6, width=8, n_layers=2, max_epochs=30, optimizer="lion",
                             optimizer_kwargs=kwargs, lr=lr, random_state=0).fit(X, y)
        assert isinstance(model.net_.optimizer_, LionK)
        assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]
