"""EDMD / ResDMD side by side with pykoopman's EDMD and a direct numpy EDMD.

Same snapshot pairs, same dictionary: the states are lifted once with a skop
dictionary and every method gets the lifted matrices ``Psi_X, Psi_Y``
(skop through an identity ``FunctionTransformer``, pykoopman through its
``Identity`` observable). pykoopman's own ``Polynomial`` observable fails to
fit under scikit-learn >= 1.2 and it has no tensor-product Fourier basis, so
lifting outside is also the only way to give both the same dictionary.

Prints a markdown table: largest eigenvalue difference to skop's EDMD
(eigenvalues matched one-to-one) and the best-of-``--repeats`` wall time of
each fit, with its ratio to skop's EDMD, all in this one process.

Usage::

    python asv_bench/scripts/resdmd_vs_pykoopman.py [--quick] [--repeats 5]

pykoopman 1.2.1 pins numpy<=1.26, scikit-learn==1.1.3 and torch~=2.1, so it
cannot be installed beside skop with pip's resolver; put it (and the few pure
Python packages its import needs) on ``PYTHONPATH`` with
``pip install --no-deps --target DIR ...``. Without it the script still
compares against numpy.
"""

import argparse
import os
import sys
import time
import warnings

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from skop.datasets import make_duffing, make_linear_map, make_standard_map  # noqa: E402
from skop.dynamics import (  # noqa: E402
    EDMD,
    FourierDictionary,
    MonomialDictionary,
    RBFDictionary,
    ResDMD,
)

torch.set_num_threads(1)


def _pykoopman():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pykoopman
            from pykoopman.regression import EDMD as PKEDMD
        return pykoopman, PKEDMD
    except Exception as exc:  # noqa: BLE001 - any import failure means "not available"
        print(f"pykoopman unavailable ({type(exc).__name__}: {exc}); comparing with numpy only.\n")
        return None, None


def cases(quick):
    scale = 10 if quick else 1
    X, Y = make_linear_map(2000 // scale, matrix=0.9, random_state=0)
    yield "linear map 0.9x, monomials deg 5", X, Y, MonomialDictionary(degree=5)
    X, Y = make_standard_map(20_000 // scale, K=1.0, random_state=0)
    yield "Chirikov K=1, Fourier 7x7, M=%d" % len(X), X, Y, FourierDictionary(n_modes=3)
    X, Y = make_duffing(5000 // scale, random_state=0)
    # gamma=4: a well-conditioned RBF basis (cond(Psi) ~ 1e4); with wide bumps the
    # eigenvalues are not determined by the data to 1e-8 and no two codes agree.
    yield "Duffing, 100 RBFs, M=%d" % len(X), X, Y, RBFDictionary(100, gamma=4.0, random_state=0)


def best_time(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def max_matched_diff(a, b):
    cost = np.abs(a[:, None] - b[None, :])
    i, j = linear_sum_assignment(cost)
    return cost[i, j].max()


def numpy_edmd(Px, Py):
    return np.linalg.eigvals(np.linalg.lstsq(Px, Py, rcond=None)[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x fewer snapshots")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    pykoopman, PKEDMD = _pykoopman()
    # One BLAS thread for every method: on a small shared machine two threads
    # thrash (a 2000 x 100 QR went from 0.03 s to 0.7 s) and the timings mean nothing.
    with threadpool_limits(1):
        rows = run(args, pykoopman, PKEDMD)
    report(rows, pykoopman is not None, args.repeats)


def run(args, pykoopman, PKEDMD):
    ident = FunctionTransformer()

    rows = []
    for name, X, Y, dictionary in cases(args.quick):
        d = dictionary.fit(X)
        Px, Py = d.transform(X), d.transform(Y)
        n = Px.shape[1]
        t_skop, edmd = best_time(lambda: EDMD(ident).fit(Px, Py), args.repeats)
        ref = edmd.eigenvalues_
        t_res, res = best_time(lambda: ResDMD(ident).fit(Px, Py), args.repeats)
        t_np, lam_np = best_time(lambda: numpy_edmd(Px, Py), args.repeats)
        row = {
            "case": name, "N": n, "skop EDMD s": t_skop, "skop ResDMD s": t_res,
            "numpy s": t_np, "numpy diff": max_matched_diff(lam_np, ref),
            "verified": f"{res.verified_.sum()}/{len(res.residuals_)}",
        }
        if pykoopman is not None:

            def fit_pk():
                model = pykoopman.Koopman(
                    observables=pykoopman.observables.Identity(), regressor=PKEDMD(svd_rank=n)
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return model.fit(Px, Py)

            t_pk, model = best_time(fit_pk, args.repeats)
            row.update({"pykoopman s": t_pk,
                        "pykoopman diff": max_matched_diff(model.lamda_array, ref)})
        rows.append(row)
    return rows


def report(rows, have_pk, repeats):
    head = ["case", "N", "skop EDMD s", "skop ResDMD s (+residuals)", "numpy lstsq+eig s",
            "max |dlambda| numpy"]
    if have_pk:
        head += ["pykoopman EDMD s", "max |dlambda| pykoopman", "pykoopman / skop EDMD"]
    head += ["ResDMD res<=0.1"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [r["case"], str(r["N"]), f"{r['skop EDMD s']:.4f}", f"{r['skop ResDMD s']:.4f}",
                 f"{r['numpy s']:.4f}", f"{r['numpy diff']:.1e}"]
        if have_pk:
            cells += [f"{r['pykoopman s']:.4f}", f"{r['pykoopman diff']:.1e}",
                      f"{r['pykoopman s'] / r['skop EDMD s']:.2f}"]
        cells += [r["verified"]]
        print("| " + " | ".join(cells) + " |")
    print(f"\nnumpy {np.__version__}, python {sys.version.split()[0]}, best of {repeats}, one "
          "BLAS thread; times exclude the dictionary evaluation (shared).")


if __name__ == "__main__":
    main()
