"""What every command shares: the one-line error, the parser class, metrics, model data.

Arrows point one way: ``mlpkit.cli`` (the parser) imports the command modules, which
import this module; nothing here imports a command.
"""

from __future__ import annotations

import argparse
import math
from typing import Any, NoReturn

import numpy as np

from ..datasets.files import Data, load_data

__all__ = ["CLIError", "Parser", "metrics", "model_data"]


class CLIError(Exception):
    """An error reported as one line; ``code`` 2 for usage errors, 1 otherwise."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors as one :class:`CLIError` line (exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{message} (see `{self.prog} --help`)", 2)


def metrics(model: Any, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Accuracy and cross-entropy for classifiers; R², RMSE and MAE for regression."""
    if model.is_classifier:
        P = model.predict_proba(X)
        pred = model.classes[P.argmax(axis=1)] if model.classes is not None else P.argmax(axis=1)
        idx = np.searchsorted(model.classes, y) if model.classes is not None else y
        idx = np.clip(np.asarray(idx, dtype=np.int64), 0, P.shape[1] - 1)
        p_true = np.clip(P[np.arange(len(y)), idx], 1e-12, 1.0).astype(np.float64)
        return {"accuracy": float(np.mean(pred == y)), "log_loss": float(-np.mean(np.log(p_true)))}
    pred = np.asarray(model.predict(X), dtype=np.float64).reshape(len(y), -1)
    t = np.asarray(y, dtype=np.float64).reshape(pred.shape)
    err = pred - t
    ss_tot = float(((t - t.mean(axis=0)) ** 2).sum())
    r2 = 1 - float((err**2).sum()) / ss_tot if ss_tot > 0 else math.nan
    return {"r2": r2, "rmse": float(np.sqrt(np.mean(err**2))), "mae": float(np.mean(np.abs(err)))}


def model_data(args: argparse.Namespace, model: Any, need_target: bool) -> Data:
    """``--data`` read for a trained model: its feature columns (and target, if present)."""
    data = load_data(
        args.data,
        args.target,
        need_target=False,
        model_features=model.feature_names,
        model_target=model.target_name,
    )
    n = model.n_features_in_
    if data.X.shape[1] != n:
        # A file with one extra column is most likely features + target: say so.
        hint = (
            " (if one of them is the target, name it with --target)"
            if data.X.shape[1] == n + 1
            else ""
        )
        raise CLIError(
            f"{args.model} expects {n} input columns but {data.source} has {data.X.shape[1]}"
            f"{hint}. Give data with the columns the model was trained on."
        )
    if need_target and data.y is None:
        raise CLIError(
            f"{data.source}: no target column to evaluate against; name it with --target.", 2
        )
    return data
