"""Benchmarks of the linear probes beside scikit-learn, on frozen-feature-like data.

``NaiveBayes`` times skop's ``PooledGaussianNB`` and scikit-learn's
``GaussianNB``; ``Logistic`` times skop's torch ``LogisticRegression`` and
scikit-learn's lbfgs one with the same ``C``, ``tol`` and ``max_iter``. Data:
100 000 x 512 float64 features in 10 overlapping classes (tiny in quick
mode). BLAS and torch run on one thread, so both sides are timed alike; the
GPU path is not benchmarked here (``device="cpu"``).
"""

import numpy as np
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.naive_bayes import GaussianNB
from threadpoolctl import threadpool_limits

from benchmarks.common import cache, quick
from skop.linear_model import LogisticRegression
from skop.naive_bayes import PooledGaussianNB

SHAPE = (2_000, 16) if quick() else (100_000, 512)
N_CLASSES = 10


@cache
def features(n_samples, n_features, n_classes=N_CLASSES, seed=0):
    """Class means 0.05 * N(0, 1) per feature plus unit noise: overlapping classes."""
    rng = np.random.RandomState(seed)
    means = rng.normal(scale=0.05, size=(n_classes, n_features))
    y = rng.randint(n_classes, size=n_samples)
    return means[y] + rng.standard_normal((n_samples, n_features)), y


def _naive_bayes(impl):
    return PooledGaussianNB(device="cpu") if impl == "skop" else GaussianNB()


def _logistic(impl):
    kw = dict(C=1.0, tol=1e-4, max_iter=100)
    return LogisticRegression(**kw, device="cpu") if impl == "skop" else SkLogisticRegression(**kw)


class NaiveBayes:
    params = [["skop", "sklearn"]]
    param_names = ["impl"]
    timeout = 600

    def setup(self, impl):
        self.X, self.y = features(*SHAPE)
        self._limits = threadpool_limits(limits=1)
        self.model = _naive_bayes(impl).fit(self.X, self.y)

    def teardown(self, impl):
        self._limits.restore_original_limits()

    def time_fit(self, impl):
        _naive_bayes(impl).fit(self.X, self.y)

    def time_predict(self, impl):
        self.model.predict(self.X)

    def peakmem_fit(self, impl):
        _naive_bayes(impl).fit(self.X, self.y)

    def track_train_accuracy(self, impl):
        return float(self.model.score(self.X, self.y))


class Logistic:
    params = [["skop", "sklearn"]]
    param_names = ["impl"]
    timeout = 900
    number = 1
    repeat = 3

    def setup(self, impl):
        self.X, self.y = features(*SHAPE)
        self._limits = threadpool_limits(limits=1)
        # Pays the one-off torch.optim import outside the timed region.
        LogisticRegression(device="cpu").fit(self.X[:50], self.y[:50])

    def teardown(self, impl):
        self._limits.restore_original_limits()

    def time_fit(self, impl):
        _logistic(impl).fit(self.X, self.y)

    def track_n_iter(self, impl):
        return int(_logistic(impl).fit(self.X, self.y).n_iter_[0])

    def track_coef_gap_to_sklearn(self, impl):
        """max |coef - coef_sklearn| / max |coef_sklearn| (0 for sklearn itself)."""
        ours = _logistic(impl).fit(self.X, self.y).coef_
        ref = _logistic("sklearn").fit(self.X, self.y).coef_
        return float(np.abs(ours - ref).max() / np.abs(ref).max())
