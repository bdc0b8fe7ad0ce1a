"""Side-by-side timings of skop's linear probes against scikit-learn, on one CPU thread.

* ``skop.naive_bayes.PooledGaussianNB`` vs ``sklearn.naive_bayes.GaussianNB``
  (fit and predict);
* ``skop.linear_model.LogisticRegression`` (torch L-BFGS) vs
  ``sklearn.linear_model.LogisticRegression(solver="lbfgs")`` (fit, same
  ``C``, ``tol`` and ``max_iter``), with the coefficient agreement.

Both sides run in the same process on the same data; the table reports the
best of ``--repeats`` runs and the ratio sklearn / skop (> 1: skop faster).

Run::

    python asv_bench/scripts/linear_probes_vs_sklearn.py            # 100k x 512
    python asv_bench/scripts/linear_probes_vs_sklearn.py --n-samples 20000
    python asv_bench/scripts/linear_probes_vs_sklearn.py --dtype float32
"""

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from sklearn.linear_model import LogisticRegression as SkLogisticRegression  # noqa: E402
from sklearn.naive_bayes import GaussianNB  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from skop.linear_model import LogisticRegression  # noqa: E402
from skop.naive_bayes import PooledGaussianNB  # noqa: E402

torch.set_num_threads(1)


def make_features(n_samples, n_features, n_classes, seed=0):
    """Frozen-feature-like data: class means plus unit noise, float64.

    The means are close (about 1.6 noise standard deviations apart at 512
    features), so the classes overlap and the logistic loss has a proper
    minimiser instead of running off to infinity on separable data.
    """
    rng = np.random.RandomState(seed)
    means = rng.normal(scale=0.05, size=(n_classes, n_features))
    y = rng.randint(n_classes, size=n_samples)
    X = means[y] + rng.standard_normal((n_samples, n_features))
    return X, y


def best_time(func, repeats):
    """Best wall time of ``repeats`` calls and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=100_000)
    parser.add_argument("--n-features", type=int, default=512)
    parser.add_argument("--n-classes", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lr-repeats", type=int, default=1)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--max-iter", type=int, default=100)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = parser.parse_args()

    X, y = make_features(args.n_samples, args.n_features, args.n_classes)
    X = X.astype(args.dtype)
    print(
        f"data: {X.shape[0]} x {X.shape[1]} {args.dtype}, {args.n_classes} classes; "
        f"1 thread (torch {torch.__version__}, CPU)\n"
    )
    rows = []
    with threadpool_limits(limits=1):
        # Warm-up: the first torch.optim optimizer of a process imports
        # torch._dynamo (a one-off of seconds), which is not solver time.
        LogisticRegression(device="cpu").fit(X[:50], y[:50])
        t_sk, sk_nb = best_time(lambda: GaussianNB().fit(X, y), args.repeats)
        t_sk_pred, _ = best_time(lambda: sk_nb.predict(X), args.repeats)
        t_nb, nb = best_time(lambda: PooledGaussianNB(device="cpu").fit(X, y), args.repeats)
        t_nb_pred, _ = best_time(lambda: nb.predict(X), args.repeats)
        rows.append(("naive Bayes fit", "GaussianNB", t_sk, t_nb))
        rows.append(("naive Bayes predict", "GaussianNB", t_sk_pred, t_nb_pred))

        lr_kw = dict(C=args.C, max_iter=args.max_iter, tol=1e-4)
        t_sk_lr, sk_lr = best_time(lambda: SkLogisticRegression(**lr_kw).fit(X, y), args.lr_repeats)
        t_lr, lr = best_time(
            lambda: LogisticRegression(**lr_kw, device="cpu").fit(X, y), args.lr_repeats
        )
        rows.append(("logistic fit", "LogisticRegression(lbfgs)", t_sk_lr, t_lr))
        t_sk_lrp, _ = best_time(lambda: sk_lr.predict_proba(X), args.repeats)
        t_lrp, _ = best_time(lambda: lr.predict_proba(X), args.repeats)
        rows.append(("logistic predict_proba", "LogisticRegression(lbfgs)", t_sk_lrp, t_lrp))

    print("| task | scikit-learn | sklearn (s) | skop (s) | sklearn / skop |")
    print("|---|---|---|---|---|")
    for task, ref, t_ref, t_ours in rows:
        print(f"| {task} | {ref} | {t_ref:.3f} | {t_ours:.3f} | {t_ref / t_ours:.2f} |")
    scale = np.abs(sk_lr.coef_).max()
    print(
        f"\nlogistic: iterations sklearn {int(sk_lr.n_iter_[0])}, skop {int(lr.n_iter_[0])}; "
        f"max |coef diff| / max |coef| = {np.abs(sk_lr.coef_ - lr.coef_).max() / scale:.2e}; "
        f"train accuracy sklearn {sk_lr.score(X, y):.4f}, skop {lr.score(X, y):.4f}"
    )
    print(
        f"naive Bayes train accuracy: GaussianNB {sk_nb.score(X, y):.4f}, "
        f"PooledGaussianNB {nb.score(X, y):.4f}"
    )
    print("GPU: not measured in this run (device='cpu' on both sides).")


if __name__ == "__main__":
    main()
