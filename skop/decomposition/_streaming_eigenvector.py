"""The top eigenvector of ``A^T A`` from one pass over the rows of ``A`` in random order.

Kacham & Woodruff, "Approximating the top eigenvector in random order
streams" (NeurIPS 2024). In a uniformly random order every block of
consecutive rows is a scaled spectral approximation of the whole matrix, so
the power method can take one step per block: ``y = sum_{a in block} <a, z> a``,
``z = y / ||y||``. Rows heavier than ``||A||_F / sqrt(d log d)`` would spoil
the block they fall in; they are kept exactly instead. At the end the top
eigenvector is taken on ``Q = orth([H^T, z])`` of
``(H Q)^T (H Q) + lambda (Q^T z)(Q^T z)^T``, ``H`` the heavy rows and
``lambda`` the light rows' Rayleigh-quotient estimate (the paper does not
spell out this combination; this one keeps ``L^T L <= A^T A`` on the
subspace). Memory: the heavy rows, ``z`` and ``y``, ``d (h + 2)`` floats.
"""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data


class StreamingTopEigenvector(TransformerMixin, BaseEstimator):
    """Top eigenvector (first right singular vector) of a matrix streamed by rows, in bounded memory.

    Parameters
    ----------
    method : {"block-power", "oja"}, default="block-power"
        ``"block-power"``: Kacham-Woodruff's power method across blocks of the
        stream, heavy rows kept exactly. ``"oja"``: Oja's rule with the fixed
        rate ``learning_rate`` (memory ``d``), the baseline.
    block_size : int, default=1000
        Light rows per power step.
    n_samples : int or None, default=None
        Length of the whole stream, if known: the heavy-row threshold uses
        ``||A||_F^2 = n_samples * mean ||a||^2``. Without it the rows seen so
        far stand in, and rows that stop being heavy as the stream grows are
        folded into the current block.
    heavy_threshold : float, "auto" or None, default="auto"
        A row is heavy when ``||a||^2 >= heavy_threshold * ||A||_F^2``;
        ``"auto"``: ``1 / (d log d)``. None keeps no row apart (every row
        goes through the power steps).
    learning_rate : float, default=1e-3
        Oja's step (``method="oja"``).
    shuffle : bool, default=True
        ``fit`` streams the rows of ``X`` in a random order (the algorithm's
        assumption); ``partial_fit`` takes them as given.
    random_state : int, RandomState instance or None, default=None
        The starting vector and ``fit``'s order.

    Attributes
    ----------
    components_ : ndarray of shape (1, n_features)
        The unit top eigenvector (sign: its largest entry is positive).
    explained_variance_ : ndarray of shape (1,)
        Estimate of the top eigenvalue of ``A^T A`` (``sigma_1^2``); for
        Oja's rule, ``sum_t <a_t, w_t>^2`` along the stream.
    heavy_rows_ : ndarray of shape (n_heavy, n_features)
        The rows kept exactly.
    n_samples_seen_ : int
    n_blocks_ : int
        Power steps taken.
    n_features_in_ : int

    See Also
    --------
    sklearn.decomposition.IncrementalPCA : Batched PCA (memory of a batch).

    Examples
    --------
    >>> import numpy as np
    >>> from skop.decomposition import StreamingTopEigenvector
    >>> rng = np.random.default_rng(0)
    >>> A = rng.normal(size=(5000, 10)) * np.r_[3.0, np.ones(9)]
    >>> v = StreamingTopEigenvector(random_state=0).fit(A).components_[0]
    >>> bool(abs(v[0]) > 0.99)
    True
    """

    _parameter_constraints = {
        "method": [StrOptions({"block-power", "oja"})],
        "block_size": [Interval(Integral, 1, None, closed="left")],
        "n_samples": [Interval(Integral, 1, None, closed="left"), None],
        "heavy_threshold": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"}), None],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, method="block-power", *, block_size=1000, n_samples=None,
                 heavy_threshold="auto", learning_rate=1e-3, shuffle=True, random_state=None):
        self.method = method
        self.block_size = block_size
        self.n_samples = n_samples
        self.heavy_threshold = heavy_threshold
        self.learning_rate = learning_rate
        self.shuffle = shuffle
        self.random_state = random_state

    # ------------------------------------------------------------ fitting
    def fit(self, X, y=None):
        """Stream the rows of ``X`` once (in a random order when ``shuffle``)."""
        rng = self._reset()
        X = validate_data(self, X, dtype=np.float64)
        if self.shuffle:
            X = X[rng.permutation(len(X))]
        self._start(X.shape[1], rng)
        return self._consume(X)

    def partial_fit(self, X, y=None):
        """Stream the next rows ``X`` (a batch of any size)."""
        first = not hasattr(self, "_z")
        rng = self._reset() if first else None
        X = validate_data(self, X, dtype=np.float64, reset=first)
        if first:
            self._start(X.shape[1], rng)
        return self._consume(X)

    def _reset(self):
        self._validate_params()
        for name in ("_z", "components_"):
            self.__dict__.pop(name, None)
        # The generator is local to the start of a stream (not state: the
        # fitted model holds only arrays, so skop.io can save it).
        return check_random_state(self.random_state)

    def _start(self, d, rng):
        z = rng.standard_normal(d)
        self._z = z / np.linalg.norm(z)
        self._y = np.zeros(d)
        self._in_block = 0
        self._rate = None              # Rayleigh quotient per light row (see _power_step)
        self._rates = []
        self._oja_energy = 0.0
        self._n_light = 0
        self._frob2 = 0.0
        self.n_samples_seen_ = 0
        self.n_blocks_ = 0
        self.heavy_rows_ = np.empty((0, d))

    def _consume(self, X):
        if self.method == "oja":
            self._oja(X)
        else:
            start = 0
            while start < len(X):
                # A chunk never crosses a block boundary.
                stop = min(len(X), start + self.block_size - self._in_block)
                self._block_chunk(X[start:stop])
                start = stop
        self._finish()
        return self

    def _threshold(self, d):
        if self.heavy_threshold is None:
            return math.inf
        fraction = (1 / (d * math.log(max(d, 2))) if self.heavy_threshold == "auto"
                    else self.heavy_threshold)
        n = self.n_samples or self.n_samples_seen_
        return fraction * self._frob2 / self.n_samples_seen_ * n

    def _block_chunk(self, rows):
        norms2 = np.einsum("ij,ij->i", rows, rows)
        self._frob2 += float(norms2.sum())
        self.n_samples_seen_ += len(rows)
        threshold = self._threshold(rows.shape[1])
        heavy = norms2 >= threshold
        # Rows kept as heavy earlier that no longer are join the current block.
        kept = np.einsum("ij,ij->i", self.heavy_rows_, self.heavy_rows_) >= threshold
        light = np.concatenate([rows[~heavy], self.heavy_rows_[~kept]])
        self.heavy_rows_ = np.concatenate([self.heavy_rows_[kept], rows[heavy]])
        self._y += light.T @ (light @ self._z)
        self._in_block += len(light)
        self._n_light += len(light)
        if self._in_block >= self.block_size:
            self._power_step()

    def _power_step(self):
        norm = np.linalg.norm(self._y)
        if norm > 0:
            self._rates.append(float(self._y @ self._z) / self._in_block)
            # sigma_1^2 per light row: the mean over the later half of the blocks,
            # where z has converged (one block alone is a noisy sample).
            later = self._rates[len(self._rates) // 2:]
            self._rate = sum(later) / len(later)
            self._z = self._y / norm
            self.n_blocks_ += 1
        self._y = np.zeros_like(self._y)
        self._in_block = 0

    def _oja(self, X):
        w, energy = self._z, 0.0
        for a in X:
            proj = a @ w
            energy += proj * proj
            w = w + self.learning_rate * proj * a
            w /= np.linalg.norm(w)
        self._z = w
        self._oja_energy += energy
        self._frob2 += float(np.einsum("ij,ij->", X, X))
        self.n_samples_seen_ += len(X)

    def _finish(self):
        if self.method == "oja":
            # sum_t <a_t, w_t>^2 along the stream: the one-pass estimate of ||A v||^2.
            v, lam = self._z, self._oja_energy
        else:
            z, rate = self._z, self._rate
            if rate is None:
                # No block finished yet: one step on the partial block.
                norm = np.linalg.norm(self._y)
                if norm > 0 and self._in_block:
                    rate = float(self._y @ self._z) / self._in_block
                    z = self._y / norm
                else:
                    rate = 0.0
            v, lam = self._combine(z, rate * self._n_light)
        v = v / np.linalg.norm(v)
        self.components_ = (v * np.sign(v[np.argmax(np.abs(v))]))[None]
        self.explained_variance_ = np.array([lam])

    def _combine(self, z, lam_light):
        H = self.heavy_rows_
        if len(H) == 0:
            return z, lam_light
        Q, _ = np.linalg.qr(np.column_stack([H.T, z]))
        HQ, zq = H @ Q, Q.T @ z
        M = HQ.T @ HQ + lam_light * np.outer(zq, zq)
        w, U = np.linalg.eigh(M)
        return Q @ U[:, -1], float(w[-1])

    # ------------------------------------------------------------ output
    def transform(self, X):
        """Coordinates along the top eigenvector, shape (n_samples, 1)."""
        check_is_fitted(self, "components_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.components_.T

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "components_")
        return np.array(["streamingtopeigenvector0"], dtype=object)
