"""Scores, defined once: accuracy, R² and log-loss.

Every front end (the Trainer's per-epoch metric, ``MLP.score``, the estimators, the
CLI's ``evaluate``, the experiments) computes its numbers here.

* **Accuracy** of predictions ``A`` against targets ``Y`` for a classifier head:
  softmax — the arg-max class; logistic with one output — ``A ≥ 0.5``; logistic with
  several outputs (multi-label) — the fraction of rows whose every label is right
  (subset accuracy, as :func:`sklearn.metrics.accuracy_score`).
* **R²** ``1 - Σ (y - ŷ)² / Σ (y - ȳ)²`` per output, then *averaged uniformly over the
  outputs*, as scikit-learn's ``r2_score(multioutput="uniform_average")``. An output
  whose targets are constant scores 1 when predicted exactly and 0 otherwise
  (scikit-learn's convention).
* **Log-loss**: the mean cross-entropy of probabilities against labels.

Sample weights, where given, weight rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["accuracy", "log_loss", "r2_score", "score"]

Array = np.ndarray


def accuracy(A: Any, Y: Any, head: str, sample_weight: Any = None) -> float:
    """Fraction of rows predicted right.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_outputs)
        Predictions after the head (probabilities).
    Y : ndarray of shape (n_samples, n_outputs) or (n_samples,)
        One-hot rows or class indices (softmax); 0/1 labels (logistic).
    head : {"softmax", "logistic"}
    sample_weight : ndarray of shape (n_samples,), optional
    """
    A = np.asarray(A)
    Y = np.asarray(Y)
    if head == "softmax":
        labels = Y.argmax(axis=1) if Y.ndim == 2 else Y
        right = A.argmax(axis=1) == labels
    elif head == "logistic":
        Y2 = Y.reshape(A.shape)
        right = np.all((A >= 0.5) == (Y2 >= 0.5), axis=1)
    else:
        raise ValueError(
            f"accuracy needs a classifier head ('softmax' or 'logistic'); got {head!r}."
        )
    return float(np.average(right, weights=sample_weight))


def r2_score(Y: Any, A: Any, sample_weight: Any = None) -> float:
    """Coefficient of determination, averaged uniformly over outputs.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs) or (n_samples,)
        True values.
    A : ndarray of the same shape
        Predictions.
    sample_weight : ndarray of shape (n_samples,), optional
    """
    A = np.asarray(A, dtype=np.float64)
    A = A.reshape(A.shape[0], -1)
    Y = np.asarray(Y, dtype=np.float64).reshape(A.shape)
    w = np.ones((A.shape[0], 1)) if sample_weight is None else np.reshape(sample_weight, (-1, 1))
    mean = np.sum(w * Y, axis=0) / np.sum(w)
    ss_res = np.sum(w * (Y - A) ** 2, axis=0)
    ss_tot = np.sum(w * (Y - mean) ** 2, axis=0)
    constant = ss_tot == 0
    r2 = np.where(
        constant, np.where(ss_res == 0, 1.0, 0.0), 1 - ss_res / np.where(constant, 1, ss_tot)
    )
    return float(np.mean(r2))


def log_loss(P: Any, Y: Any, sample_weight: Any = None) -> float:
    """Mean cross-entropy ``-Σ_k y_k ln p_k`` of probability rows ``P`` (n, K), or of
    one probability column for binary labels, against one-hot rows or labels."""
    P = np.asarray(P, dtype=np.float64)
    Y = np.asarray(Y)
    eps = np.finfo(np.float64).eps
    P = np.clip(P, eps, 1 - eps)
    if P.ndim == 1 or P.shape[1] == 1:
        p, y = P.reshape(-1), Y.reshape(-1).astype(np.float64)
        per = -(y * np.log(p) + (1 - y) * np.log1p(-p))
    else:
        onehot = Y if Y.ndim == 2 else np.eye(P.shape[1])[Y.astype(np.int64)]
        per = -np.sum(onehot * np.log(P), axis=1)
    return float(np.average(per, weights=sample_weight))


def score(A: Any, Y: Any, head: str, sample_weight: Any = None) -> float:
    """Accuracy for classifier heads, R² otherwise: what ``MLP.score`` reports."""
    if head in ("softmax", "logistic"):
        return accuracy(A, Y, head, sample_weight)
    return r2_score(Y, A, sample_weight)
