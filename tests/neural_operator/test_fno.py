"""FNORegressor: layouts, resolution invariance, losses, learning a known operator."""

import numpy as np
import pytest

from skop.metrics import relative_l2_error
from skop.neural_operator import FNORegressor

FAST = dict(width=8, n_modes=4, n_layers=2, max_epochs=2, batch_size=16, random_state=0)


def _heat_data(n, points, rng, t=0.01, top=6):
    """Periodic heat-equation solution operator u0 -> u(t): exactly an FNO kernel.

    The initial data have equal energy in modes 1 .. ``top``."""
    k = np.fft.rfftfreq(points, d=1.0 / points)
    coeff = rng.randn(n, top) + 1j * rng.randn(n, top)
    spec = np.zeros((n, k.size), complex)
    spec[:, 1:top + 1] = coeff * points
    u0 = np.fft.irfft(spec, n=points)
    ut = np.fft.irfft(spec * np.exp(-(2 * np.pi * k) ** 2 * t), n=points)
    return u0, ut


def test_channel_axis_given_at_fit_is_a_channel_axis():
    # X (n, 1, L) with y (n, L) is one channel on a 1-D grid, not a (1, L) grid
    # with L scalar outputs; predict at 2L returns 2L values.
    rng = np.random.RandomState(0)
    X, y = _heat_data(20, 16, rng)
    est = FNORegressor(**FAST).fit(X[:, None, :], y)
    assert (est.n_spatial_dims_, est.n_channels_in_, est.n_outputs_) == (1, 1, None)
    assert est.predict(rng.randn(5, 1, 32)).shape == (5, 32)
    # A y on the grid is a function target, never a vector of len(grid) outputs.
    est = FNORegressor(**FAST).fit(rng.randn(20, 3, 16), y)
    assert (est.n_spatial_dims_, est.n_channels_in_, est.n_outputs_) == (1, 3, None)
    assert est.predict(rng.randn(5, 3, 32)).shape == (5, 32)


def test_ambiguous_layout_names_the_argument_that_settles_it():
    rng = np.random.RandomState(0)
    X = rng.randn(10, 8, 8)
    with pytest.raises(ValueError, match=r"ambiguous.*n_spatial_dims=2: grid \(8, 8\).*"
                                         r"n_spatial_dims=1: grid \(8,\) with 8 channels"):
        FNORegressor(**FAST).fit(X, X)
    with pytest.raises(ValueError, match="ambiguous.*Pass n_spatial_dims"):
        FNORegressor(**FAST).fit(X, rng.randn(10))
    assert FNORegressor(**FAST, n_spatial_dims=1).fit(X, X).n_channels_in_ == 8
    assert FNORegressor(**{**FAST, "n_modes": (4, 4)}).fit(X, X).n_spatial_dims_ == 2
    with pytest.raises(ValueError, match="contradicts"):
        FNORegressor(**{**FAST, "n_modes": (4, 4)}, n_spatial_dims=1).fit(X, X)


def test_2d_grid_shapes_and_zero_shot_superresolution():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 16, 16)
    y = X ** 2
    est = FNORegressor(**FAST, n_spatial_dims=2).fit(X, y)
    assert est.n_spatial_dims_ == 2 and est.grid_shape_ == (16, 16)
    assert est.predict(X[:5]).shape == (5, 16, 16)
    assert est.predict(rng.randn(5, 32, 32)).shape == (5, 32, 32)
    with pytest.raises(ValueError, match="fitted on 2-D grids"):
        est.predict(rng.randn(5, 16))
    with pytest.raises(ValueError, match="fitted on 2-D grids"):
        est.predict(rng.randn(5, 2, 3, 16, 16))


def test_channels_and_tuple_modes():
    rng = np.random.RandomState(0)
    X = rng.randn(30, 2, 12, 10)
    y = rng.randn(30, 3, 12, 10)
    est = FNORegressor(**{**FAST, "n_modes": (4, 3)}).fit(X, y)
    assert (est.n_channels_in_, est.n_channels_out_) == (2, 3)
    assert est.predict(X[:4]).shape == (4, 3, 12, 10)
    assert est.predict(rng.randn(4, 2, 24, 20)).shape == (4, 3, 24, 20)
    with pytest.raises(ValueError, match=r"1 channel\(s\).*fitted on 2 channel"):
        est.predict(rng.randn(4, 1, 12, 10))
    with pytest.raises(ValueError, match=r"n_spatial_dims=1: expected"):
        FNORegressor(**{**FAST, "n_modes": (4,)}).fit(X, y)


def test_3d_grid():
    rng = np.random.RandomState(0)
    X = rng.randn(8, 6, 6, 6)
    est = FNORegressor(**{**FAST, "n_modes": 3}, n_spatial_dims=3).fit(X, X)
    assert est.predict(rng.randn(2, 8, 8, 8)).shape == (2, 8, 8, 8)


def test_more_than_three_dims_rejected():
    with pytest.raises(ValueError, match="no reading with 1 to 3 grid axes"):
        FNORegressor(**FAST).fit(np.ones((4, 1, 1, 2, 2, 2)), np.ones(4))
    with pytest.raises(ValueError, match="n_spatial_dims"):
        FNORegressor(**FAST, n_spatial_dims=4).fit(np.ones((4, 2, 2, 2, 2)), np.ones(4))


@pytest.mark.parametrize("y_shape, expected", [((30,), (5,)), ((30, 5), (5, 5))])
def test_scalar_and_vector_targets_use_pooling_head(y_shape, expected):
    rng = np.random.RandomState(0)
    X = rng.randn(30, 2, 16)
    est = FNORegressor(**{**FAST, "n_modes": (4,)}).fit(X, rng.randn(*y_shape))
    assert est.n_outputs_ == (1 if len(y_shape) == 1 else 5)
    assert est.predict(X[:5]).shape == expected
    assert est.predict(rng.randn(5, 2, 64)).shape == expected  # any resolution


def test_table_input_keeps_its_columns_with_a_hint():
    rng = np.random.RandomState(0)
    X = rng.randn(20, 16)
    est = FNORegressor(**FAST).fit(X, X)
    with pytest.raises(ValueError, match=r"X has 32 features.*X\[:, None, :\]"):
        est.predict(rng.randn(3, 32))
    assert est.predict(rng.randn(3, 1, 32)).shape == (3, 32)


@pytest.mark.parametrize("loss", ["relative_l2", "h1", "mse"])
def test_losses_train(loss):
    rng = np.random.RandomState(0)
    X, y = _heat_data(40, 32, rng)
    est = FNORegressor(**{**FAST, "max_epochs": 5, "loss": loss}).fit(X, y)
    assert est.loss_curve_[-1] < est.loss_curve_[0]


def test_function_loss_rejected_for_scalar_targets():
    with pytest.raises(ValueError, match="use loss='mse'"):
        FNORegressor(**{**FAST, "loss": "h1"}).fit(np.ones((6, 8)), np.arange(6.0))


def test_learns_heat_operator_at_any_resolution():
    """The heat semigroup is diagonal in Fourier space: an FNO learns it and,
    since its weights live on modes, evaluates it on a finer grid just as well.
    The data have energy up to the highest kept mode (7 of 8)."""
    rng = np.random.RandomState(0)
    X, y = _heat_data(200, 32, rng, top=7)
    X_test, y_test = _heat_data(50, 32, np.random.RandomState(1), top=7)
    X_fine, y_fine = _heat_data(50, 128, np.random.RandomState(1), top=7)
    est = FNORegressor(n_modes=8, width=16, n_layers=2, max_epochs=40, lr=5e-3,
                       random_state=0).fit(X, y)
    coarse = relative_l2_error(y_test, est.predict(X_test))
    fine = relative_l2_error(y_fine, est.predict(X_fine[:, None, :]))
    assert coarse < 0.05
    assert fine < 1.5 * coarse + 0.005


def test_modes_the_grid_cannot_hold_are_not_built():
    rng = np.random.RandomState(0)
    X, y = _heat_data(20, 10, rng, top=4)
    with pytest.warns(UserWarning, match=r"holds only \(5,\).*n_modes_=\(5,\)"):
        est = FNORegressor(**{**FAST, "n_modes": 16}).fit(X, y)
    assert est.n_modes_ == (5,)
    assert all(block.spectral.weight.shape[2] == 5 for block in est.module_.model.blocks)
    # Padding adds points: 10 cells padded by 0.6 -> 16 points hold 8 modes.
    with pytest.warns(UserWarning, match=r"holds only \(8,\)"):
        est = FNORegressor(**{**FAST, "n_modes": 16, "domain_padding": 0.6}).fit(X, y)
    assert est.n_modes_ == (8,)


@pytest.mark.parametrize("grid, coarse, fine", [("periodic", 32, 64), ("nodes", 33, 65)])
def test_domain_padding_keeps_the_physical_period(grid, coarse, fine):
    """On nested grids a padded model gives the same values at the shared points:
    one mode is one physical frequency on both grids (smooth data, so only
    the aliasing of the pointwise non-linearities differs)."""
    def smooth(n):
        x = np.arange(n) / n if grid == "periodic" else np.linspace(0, 1, n)
        phase = np.random.RandomState(0).rand(6, 1)
        return np.sin(2 * np.pi * x + 2 * np.pi * phase) + np.cos(2 * np.pi * 2 * x)

    def mismatch(convention):
        X = smooth(coarse)
        est = FNORegressor(**{**FAST, "domain_padding": 0.25}, grid=convention).fit(X, X)
        y_fine = est.predict(smooth(fine)[:, None, :])
        return relative_l2_error(est.predict(X[:, None, :]), y_fine[:, ::2])

    right = mismatch(grid)
    assert right < 4e-3
    # The other convention's coordinates and padding put a different physical
    # period on the two grids (measured: 3x to 6x worse).
    assert mismatch({"periodic": "nodes", "nodes": "periodic"}[grid]) > 2.5 * right


def test_score_is_r2_for_every_target_layout():
    from sklearn.metrics import r2_score
    from sklearn.model_selection import cross_val_score

    rng = np.random.RandomState(0)
    X = rng.randn(30, 8, 8)
    y = np.cumsum(X, axis=1)
    y[:, 0, :] = 0.0  # a Dirichlet boundary: the same value in every sample
    est = FNORegressor(**FAST, n_spatial_dims=2).fit(X, y)
    pred = est.predict(X)
    sse = ((y - pred) ** 2).sum()
    sst = ((y - y.mean(axis=0)) ** 2).sum()
    assert est.score(X, y) == pytest.approx(1 - sse / sst)
    assert cross_val_score(FNORegressor(**FAST, n_spatial_dims=2), X, y, cv=2).shape == (2,)
    targets = y[:, 1, :3]  # 3 numbers per sample: a vector target
    vec = FNORegressor(**FAST).fit(X[:, 0], targets)
    assert vec.n_outputs_ == 3
    assert vec.score(X[:, 0], targets) == pytest.approx(
        r2_score(targets, vec.predict(X[:, 0])))


def test_warm_start_with_other_layout_is_an_error():
    rng = np.random.RandomState(0)
    est = FNORegressor(**{**FAST, "warm_start": True}).fit(rng.randn(10, 8), rng.randn(10, 8))
    with pytest.raises(ValueError, match="warm_start=True needs data of the same layout"):
        est.fit(rng.randn(10, 8), rng.randn(10))


def test_targets_are_standardised_inside_the_model():
    """With the (standardised) MSE loss, fitting a * y + b gives exactly the
    affinely transformed predictions: units of y do not change training."""
    rng = np.random.RandomState(0)
    X, y = _heat_data(30, 16, rng)
    params = {**FAST, "loss": "mse"}
    raw = FNORegressor(**params).fit(X, y).predict(X)
    scaled = FNORegressor(**params).fit(X, 1e3 * y + 50).predict(X)
    np.testing.assert_allclose(scaled, 1e3 * raw + 50, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("shape, grid, expected", [
    ((12, 16), "periodic", (32, 10, 1e-3, 0.0, 128, None)),
    ((12, 8, 8), "periodic", (20, 12, 1e-2, 0.0, 40, 10)),   # batch 32 capped at 12 samples
    ((12, 8, 8), "nodes", (20, 12, 1e-2, 0.2, 40, 10)),
])
def test_auto_defaults_follow_the_dimension_and_grid(shape, grid, expected):
    rng = np.random.RandomState(0)
    X = rng.randn(*shape)
    est = FNORegressor(n_modes=2, n_layers=1, max_epochs=1, grid=grid,
                       n_spatial_dims=len(shape) - 1, random_state=0).fit(X, X)
    width, batch, lr, padding, projection, mlp_hidden = expected
    model = est.module_.model
    assert model.lifting.weight.shape[0] == width
    assert est.net_.batch_size == batch and est.net_.lr == lr
    assert model.padding.fraction == padding
    assert model.projection.fc1.weight.shape[0] == projection
    mlp = model.blocks[0].mlp
    assert (None if mlp is None else mlp.fc1.weight.shape[0]) == mlp_hidden


def test_projection_follows_an_explicit_width_on_2d_grids():
    X = np.random.RandomState(0).randn(12, 8, 8)
    est = FNORegressor(n_modes=2, n_layers=1, max_epochs=1, width=6, n_spatial_dims=2,
                       random_state=0).fit(X, X)
    assert est.module_.model.projection.fc1.weight.shape[0] == 12


def test_even_extension_needs_node_grids_and_counts_modes_on_the_mirrored_period():
    X = np.random.RandomState(0).randn(12, 6, 6)
    with pytest.raises(ValueError, match="grid='nodes'"):
        FNORegressor(n_modes=2, max_epochs=1, n_spatial_dims=2, domain_padding="even").fit(X, X)
    with pytest.warns(UserWarning, match="n_modes_"):
        est = FNORegressor(n_modes=6, n_layers=1, max_epochs=1, n_spatial_dims=2, grid="nodes",
                           domain_padding="even", random_state=0).fit(X, X)
    assert est.n_modes_ == (5, 5)  # a 6-node axis mirrored: a period of 10 points
    assert est.module_.model.blocks[0].spectral.extension == "even"
    assert est.predict(np.random.RandomState(1).randn(2, 11, 11)).shape == (2, 11, 11)
