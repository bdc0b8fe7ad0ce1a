"""Checkpoints during fit; an interrupted fit resumed from its checkpoint ends as if never stopped."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from skop.inverse import LearnedProximalNetwork
from skop.io import ResumeTraining, TrainingCheckpoint, UntrustedFileError
from skop.neural_operator import FNORegressor

torch.set_num_threads(1)


class _StopAt(Callback):
    """Simulates a kill: KeyboardInterrupt in the middle of the epoch after ``epoch``."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch + 1 and len(net.history[-1, "batches"]) == 2:
            raise KeyboardInterrupt


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 32)).cumsum(1) / 32
    return X, np.roll(X, 2, axis=1) ** 2


@pytest.mark.parametrize("schedule", ["cosine", "onecycle"])
def test_interrupted_fit_resumes_to_the_uninterrupted_result(tmp_path, schedule):
    X, y = _data()
    kw = dict(n_modes=6, width=8, n_layers=2, max_epochs=6, batch_size=8,
              lr_schedule=schedule, random_state=0)
    full = FNORegressor(**kw).fit(X, y)
    run = tmp_path / "run"
    cut = FNORegressor(**kw, callbacks=[TrainingCheckpoint(run), _StopAt(3)]).fit(X, y)
    assert cut.interrupted_ and len(cut.history_) == 4     # killed during epoch 4
    resumed = FNORegressor(**kw, callbacks=[TrainingCheckpoint(run), ResumeTraining(run)])
    resumed.fit(X, y)
    assert len(resumed.history_) == 6 and resumed.n_iter_ == 6
    np.testing.assert_array_equal(resumed.loss_curve_, full.loss_curve_)
    np.testing.assert_array_equal(resumed.predict(X), full.predict(X))
    assert (run / "best").is_dir() and (run / "last").is_dir()


def test_resume_restores_the_batch_noise_stream(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(16, 64))
    kw = dict(hidden=8, n_layers=2, max_epochs=4, batch_size=4, random_state=0)
    full = LearnedProximalNetwork(**kw).fit(X)
    run = tmp_path / "lpn"
    LearnedProximalNetwork(**kw, callbacks=[TrainingCheckpoint(run), _StopAt(2)]).fit(X)
    resumed = LearnedProximalNetwork(**kw, callbacks=[ResumeTraining(run)]).fit(X)
    np.testing.assert_array_equal(resumed.loss_curve_, full.loss_curve_)
    np.testing.assert_array_equal(resumed.transform(X), full.transform(X))


def test_resume_without_a_checkpoint_starts_fresh_and_checks_the_architecture(tmp_path):
    X, y = _data()
    kw = dict(n_modes=6, width=8, n_layers=2, max_epochs=2, random_state=0)
    fresh = FNORegressor(**kw, callbacks=[ResumeTraining(tmp_path / "none")]).fit(X, y)
    np.testing.assert_array_equal(fresh.predict(X), FNORegressor(**kw).fit(X, y).predict(X))
    FNORegressor(**kw, callbacks=[TrainingCheckpoint(tmp_path / "r")]).fit(X, y)
    with pytest.raises(RuntimeError, match="size mismatch"):
        FNORegressor(**{**kw, "width": 12},
                     callbacks=[ResumeTraining(tmp_path / "r")]).fit(X, y)
    (tmp_path / "r" / "last" / "estimator.json").write_bytes(b"\x80\x04junk")
    with pytest.raises(UntrustedFileError, match="not skop.io JSON"):
        FNORegressor(**kw, callbacks=[ResumeTraining(tmp_path / "r")]).fit(X, y)
