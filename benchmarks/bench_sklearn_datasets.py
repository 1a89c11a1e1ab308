"""mlpkit's estimators against scikit-learn's MLP on scikit-learn's bundled data sets.

Matched settings: the same parameters for both libraries (scikit-learn's defaults unless
given on the command line), standardised features, the same stratified 75/25 splits,
several seeds. Both run with BLAS pinned to one thread (docs/machine.md: on this 2-core
machine a second OpenBLAS thread makes small matrix products slower, which would only
handicap scikit-learn). The two libraries alternate run by run, with a short pause
between them so OpenBLAS's spinning worker threads do not slow the next one.

Prints one table of test accuracy (classification) or R² (regression) and one of fit
times. A script to run by hand, not a test::

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_sklearn_datasets.py
    python benchmarks/bench_sklearn_datasets.py --solver lbfgs --seeds 3
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn import neural_network
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import mlpkit

DATASETS = {
    "digits": (load_digits, "classification"),
    "breast_cancer": (load_breast_cancer, "classification"),
    "wine": (load_wine, "classification"),
    "diabetes": (load_diabetes, "regression"),
}


def split(name: str, seed: int):
    loader, task = DATASETS[name]
    X, y = loader(return_X_y=True)
    strat = y if task == "classification" else None
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=seed,
                                          stratify=strat)  # fmt: skip
    scaler = StandardScaler().fit(Xtr)
    if task == "regression":
        # Standardise the target too (R² is unchanged by it): on diabetes' raw scale
        # (25-346) 200 Adam epochs at learning_rate_init=0.001 fit neither library.
        mu, sd = ytr.mean(), ytr.std()
        ytr, yte = (ytr - mu) / sd, (yte - mu) / sd
    return scaler.transform(Xtr), scaler.transform(Xte), ytr, yte, task


def run_one(
    lib: str, task: str, params: dict, data, seed: int, extra: dict
) -> tuple[float, float, int]:
    Xtr, Xte, ytr, yte = data
    module = mlpkit.estimators if lib == "mlpkit" else neural_network
    cls = module.MLPClassifier if task == "classification" else module.MLPRegressor
    est = cls(random_state=seed, **params, **(extra if lib == "mlpkit" else {}))
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        est.fit(Xtr, ytr)
        elapsed = time.perf_counter() - t0
    return float(est.score(Xte, yte)), elapsed, int(est.n_iter_)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--solver", default="adam")
    ap.add_argument("--activation", default="relu")
    ap.add_argument("--hidden", default="100", help="comma-separated hidden sizes")
    ap.add_argument("--max-iter", type=int, default=200)
    ap.add_argument("--alpha", type=float, default=1e-4)
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--init", default="sklearn", help="mlpkit's init ('auto': He/Glorot)")
    ap.add_argument("--dtype", default="auto", help="mlpkit's dtype")
    args = ap.parse_args(argv)
    params = dict(
        solver=args.solver, activation=args.activation, max_iter=args.max_iter,
        hidden_layer_sizes=tuple(int(h) for h in args.hidden.split(",")), alpha=args.alpha,
    )  # fmt: skip
    # One BLAS thread for both (scikit-learn through threadpool_limits in run_one).
    extra = dict(init=args.init, dtype=args.dtype, n_threads=1)
    print(f"mlpkit only: {extra}")
    print(f"settings (both libraries): {params}, batch_size='auto', seeds 0..{args.seeds - 1}")
    rows = []
    for name in args.datasets.split(","):
        res: dict[str, list[tuple[float, float, int]]] = {"mlpkit": [], "sklearn": []}
        for seed in range(args.seeds):
            Xtr, Xte, ytr, yte, task = split(name, seed)
            # Alternate which library goes first, so neither always runs on a warm cache.
            order = ("mlpkit", "sklearn") if seed % 2 == 0 else ("sklearn", "mlpkit")
            for lib in order:
                data = (Xtr, Xte, ytr, yte)
                res[lib].append(run_one(lib, task, params, data, seed, extra))
                time.sleep(0.2)  # let OpenBLAS's spinning threads go idle
        rows.append((name, task, res))

    def stats(vals: list[float]) -> str:
        return f"{np.mean(vals):.4f} ± {np.std(vals):.4f}"

    print("\nTest score (accuracy for classification, R² for regression), mean ± std")
    print(f"{'dataset':<15}{'metric':<10}{'mlpkit':>20}{'scikit-learn':>20}")
    for name, task, res in rows:
        metric = "accuracy" if task == "classification" else "R²"
        a = [r[0] for r in res["mlpkit"]]
        b = [r[0] for r in res["sklearn"]]
        print(f"{name:<15}{metric:<10}{stats(a):>20}{stats(b):>20}")
    print("\nLargest score difference over the seeds (same random_state: same initial weights")
    print("and mini-batches, so the two fits agree up to floating-point rounding)")
    for name, _, res in rows:
        diff = max(abs(a[0] - b[0]) for a, b in zip(res["mlpkit"], res["sklearn"]))
        print(f"{name:<15}{diff:>10.2e}")
    print("\nFit time in seconds (median over seeds), iterations (mean)")
    print(f"{'dataset':<15}{'mlpkit':>10}{'sklearn':>10}{'speed-up':>10}{'iters mk':>10}"
          f"{'iters sk':>10}")  # fmt: skip
    for name, _, res in rows:
        ta = float(np.median([r[1] for r in res["mlpkit"]]))
        tb = float(np.median([r[1] for r in res["sklearn"]]))
        ia = np.mean([r[2] for r in res["mlpkit"]])
        ib = np.mean([r[2] for r in res["sklearn"]])
        print(f"{name:<15}{ta:>10.3f}{tb:>10.3f}{tb / ta:>9.2f}x{ia:>10.1f}{ib:>10.1f}")


if __name__ == "__main__":
    main()
