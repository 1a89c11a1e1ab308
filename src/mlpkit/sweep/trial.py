"""What a worker does with one trial: split, fit, score, and report. Nothing else.

A trial is a plain dict made by the driver (:func:`make_task`); the worker returns a plain
dict (:func:`run_trial`). Both cross process boundaries (loky, Dask) by pickle, so they
hold only numbers, strings and lists. The worker never raises: an exception in a fit (a
diverged loss, a bad combination of options) becomes ``status="failed"`` with the error,
so the sweep goes on.

The folds come from ``(cv, val_split, seed)`` alone, so every worker on every backend
builds the same ones; the fits are seeded with the sweep's seed and run with a fixed
number of BLAS threads, so a trial's scores are the same wherever it runs.
"""

from __future__ import annotations

import math
import os
import socket
import time
import traceback
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .space import estimator_params

__all__ = ["METRIC_ALIASES", "blas_threads", "check_metric", "make_splits", "run_trial"]

#: Short names for scikit-learn scorers (all scores are "greater is better").
METRIC_ALIASES = {
    "mse": "neg_mean_squared_error",
    "rmse": "neg_root_mean_squared_error",
    "mae": "neg_mean_absolute_error",
    "log_loss": "neg_log_loss",
}
_CLASSIFICATION = {
    "accuracy", "balanced_accuracy", "f1", "f1_macro", "f1_micro", "f1_weighted",
    "neg_log_loss", "precision", "precision_macro", "precision_weighted", "recall",
    "recall_macro", "recall_weighted", "roc_auc", "roc_auc_ovr", "roc_auc_ovo",
    "average_precision", "jaccard", "jaccard_macro", "matthews_corrcoef", "top_k_accuracy",
    "neg_brier_score",
}  # fmt: skip
_REGRESSION = {
    "r2", "explained_variance", "max_error", "neg_mean_squared_error",
    "neg_root_mean_squared_error", "neg_mean_absolute_error", "neg_median_absolute_error",
    "neg_mean_absolute_percentage_error", "neg_mean_squared_log_error",
    "neg_root_mean_squared_log_error", "neg_mean_poisson_deviance", "neg_mean_gamma_deviance",
    "d2_absolute_error_score",
}  # fmt: skip


def check_metric(metric: str | None, task: str) -> str:
    """The scikit-learn scorer name for ``metric`` (default: accuracy or r2).

    Raises
    ------
    ValueError
        For an unknown metric, or one that does not fit the task.
    """
    if metric is None:
        return "accuracy" if task == "classification" else "r2"
    name = METRIC_ALIASES.get(metric, metric)
    clf = task == "classification"
    wanted, other = (_CLASSIFICATION, _REGRESSION) if clf else (_REGRESSION, _CLASSIFICATION)
    if name in wanted:
        return name
    if name in other:
        raise ValueError(
            f"--metric {metric} is a {'regression' if clf else 'classification'} metric but "
            f"this is a {task} task; use one of: {', '.join(sorted(wanted))}."
        )
    raise ValueError(
        f"unknown --metric {metric!r}; for {task} use one of: {', '.join(sorted(wanted))} "
        f"(or {', '.join(k for k in METRIC_ALIASES)})."
    )


def make_splits(
    y: np.ndarray, task: str, cv: int | None, val_split: float | None, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, validation) index pairs: ``cv`` shuffled folds (stratified for
    classification), or one split holding out ``val_split`` of the rows."""
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

    n = len(y)
    idx = np.arange(n)
    if cv:
        if task == "classification":
            _, counts = np.unique(y, return_counts=True)
            if counts.min() >= cv:
                kf: Any = StratifiedKFold(cv, shuffle=True, random_state=seed)
                return list(kf.split(idx, y))
        kf = KFold(cv, shuffle=True, random_state=seed)
        return list(kf.split(idx))
    strat = None
    if task == "classification":
        _, counts = np.unique(y, return_counts=True)
        strat = y if counts.min() >= 2 else None
    tr, va = train_test_split(idx, test_size=val_split, random_state=seed, stratify=strat)
    return [(np.sort(tr), np.sort(va))]


_CONTROLLER: list[Any] = []


def blas_threads() -> int:
    """The BLAS thread limit in force in this process right now (threadpoolctl).

    The libraries are scanned once per process (a scan costs ~10 ms, a tenth of a small
    trial); the thread counts are read live on every call.
    """
    from threadpoolctl import ThreadpoolController

    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    n = [int(i["num_threads"]) for i in _CONTROLLER[0].select(user_api="blas").info()]
    return max(n) if n else 1


class _Probe:
    """An estimator callback: reads the BLAS thread count during the fit, and (on the
    first fold) the network's own validation score every ``stride`` epochs for the
    curves figure: accuracy for classifiers, R² for regressors (:meth:`mlpkit.MLP.score`,
    one forward pass; a scikit-learn scorer's input checks would cost more than a small
    epoch)."""

    def __init__(self, Xv: np.ndarray | None, yv: np.ndarray | None, stride: int):
        self.Xv, self.yv, self.stride = Xv, yv, stride
        self.threads: int | None = None
        self.epoch = 0
        self.curve: list[tuple[int, float]] = []
        self._targets: np.ndarray | None = None

    def on_epoch_end(self, est: Any) -> bool:
        self.epoch += 1
        if self.threads is None:
            self.threads = blas_threads()  # inside the estimator's BLAS limit
        if self.Xv is not None and self.epoch % self.stride == 0:
            if self._targets is None:
                classes = getattr(est, "classes_", None)
                # The network scores class indices, not labels.
                yv = np.asarray(self.yv)
                self._targets = yv if classes is None else np.searchsorted(classes, yv)
            self.curve.append((self.epoch, float(est.net_.score(self.Xv, self._targets))))
        return False


def make_task(
    trial_id: int,
    params: Mapping[str, Any],
    *,
    task: str,
    metric: str,
    cv: int | None,
    val_split: float | None,
    seed: int,
    threads: int = 1,
    standardize: bool = True,
    curve_points: int = 30,
) -> dict[str, Any]:
    """The description of one trial that a worker receives."""
    return {
        "id": int(trial_id),
        "params": dict(params),
        "task": task,
        "metric": metric,
        "cv": cv,
        "val_split": val_split,
        "seed": int(seed),
        "threads": int(threads),
        "standardize": bool(standardize),
        "curve_points": int(curve_points),
    }


def build_estimator(spec: Mapping[str, Any], threads: int, callbacks: Any = None) -> Any:
    """The estimator of a trial: mlpkit's public MLPClassifier / MLPRegressor."""
    from ..estimators import MLPClassifier, MLPRegressor

    cls = MLPClassifier if spec["task"] == "classification" else MLPRegressor
    return cls(
        random_state=spec["seed"],
        n_threads=threads,
        callbacks=callbacks,
        **estimator_params(spec["params"]),
    )


def standardizer(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and scales of ``X`` (scale 1 for constant columns, e.g. digits'
    border pixels, so they stay 0 instead of becoming NaN)."""
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def run_trial(spec: Mapping[str, Any], X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Fit and score one trial on every fold; never raises.

    Returns
    -------
    dict
        ``id``, ``status`` ("ok" or "failed"), ``error`` (one line, or ""), ``scores``
        (one per fold), ``score`` (their mean) and ``score_std``, ``fit_time`` (seconds
        of fitting, all folds), ``n_iter`` (per fold), ``pid`` and ``host`` of the process
        that ran it, ``blas_threads`` (the largest BLAS thread count seen during a fit),
        ``curve`` (``[epoch, validation accuracy or R²]`` pairs of the first fold).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import get_scorer

    out: dict[str, Any] = {
        "id": spec["id"],
        "status": "ok",
        "error": "",
        "scores": [],
        "score": math.nan,
        "score_std": math.nan,
        "fit_time": 0.0,
        "n_iter": [],
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "blas_threads": 0,
        "curve": [],
    }
    t_start = time.perf_counter()
    try:
        # Never raise the thread limit this process was given (a Dask worker's nanny
        # sets 1): use at most what is in force now.
        threads = max(1, min(int(spec["threads"]), blas_threads()))
        scorer = get_scorer(spec["metric"])
        folds = make_splits(y, spec["task"], spec["cv"], spec["val_split"], spec["seed"])
        max_iter = int(estimator_params(spec["params"]).get("max_iter", 200))
        stride = max(1, math.ceil(max_iter / max(1, int(spec["curve_points"]))))
        for k, (tr, va) in enumerate(folds):
            Xtr, Xva = X[tr], X[va]
            if spec["standardize"]:
                mean, scale = standardizer(Xtr)
                Xtr, Xva = (Xtr - mean) / scale, (Xva - mean) / scale
            probe = _Probe(Xva if k == 0 else None, y[va] if k == 0 else None, stride)
            est = build_estimator(spec, threads, callbacks=[probe])
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                est.fit(Xtr, y[tr])
            out["fit_time"] += time.perf_counter() - t0
            score = float(scorer(est, Xva, y[va]))
            out["scores"].append(score)
            out["n_iter"].append(int(est.n_iter_))
            out["blas_threads"] = max(out["blas_threads"], probe.threads or 0)
            if k == 0:
                out["curve"] = [[e, s] for e, s in probe.curve]
            if not math.isfinite(score):
                raise ValueError(f"the {spec['metric']} score of fold {k + 1} is {score}")
        out["score"] = float(np.mean(out["scores"]))
        out["score_std"] = float(np.std(out["scores"]))
    except Exception as exc:  # a failed trial is a result, not a crash of the sweep
        out["status"] = "failed"
        msg = str(exc).strip().splitlines()
        out["error"] = f"{type(exc).__name__}: {msg[0] if msg else ''}".strip()
        if os.environ.get("MLPKIT_DEBUG"):
            out["error"] += "\n" + traceback.format_exc()
    out["wall_time"] = time.perf_counter() - t_start
    return out
