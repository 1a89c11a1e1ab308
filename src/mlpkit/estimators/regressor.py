"""MLPRegressor: scikit-learn's API on mlpkit's engine."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import (
    RegressorMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import (
    StrOptions,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    column_or_1d,
    validate_data,
)

from ._base import _BaseMLP

__all__ = ["MLPRegressor"]

Array = np.ndarray


class MLPRegressor(RegressorMixin, TransformerMixin, _BaseMLP):
    """Multi-layer perceptron regressor: scikit-learn's API on mlpkit's engine.

    Parameters
    ----------
    loss : {"squared_error", "poisson", "huber"}, default="squared_error"
        ``"squared_error"`` is half the squared error, ``"poisson"`` half the Poisson
        deviance with an exponential output, as in scikit-learn; ``"huber"`` is robust
        to outliers (δ = 1).
    output : {"identity", "exp", "logistic", "tanh", "softplus"} or None, default=None
        The output activation; None picks the loss's canonical one (identity, or exp
        for Poisson).

    Every other parameter is :class:`MLPClassifier`'s (without ``class_weight``); for
    regression, ``early_stopping`` monitors the validation R².

    Attributes
    ----------
    loss_, best_loss_, loss_curve_, validation_loss_curve_, validation_scores_,
    best_validation_score_, t_, coefs_, intercepts_, n_features_in_, feature_names_in_,
    n_iter_, n_layers_, n_outputs_, out_activation_, net_
        As for :class:`MLPClassifier`. For several outputs, the squared-error ``loss_``
        is averaged over outputs as scikit-learn reports it.

    Examples
    --------
    >>> import numpy as np
    >>> from mlpkit import MLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, (200, 2))
    >>> y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
    >>> reg = MLPRegressor(hidden_layer_sizes=(32, 32), activation=["tanh", "gelu"],
    ...                    solver="lbfgs", max_iter=500, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> reg.score(X, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson", "huber"})],
        "output": [StrOptions({"identity", "exp", "logistic", "tanh", "softplus"}), None],
    }

    _is_classifier = False

    def __init__(
        self,
        loss: str = "squared_error",
        hidden_layer_sizes: Any = (100,),
        activation: Any = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: Any = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: Any = 10,
        max_fun: int = 15000,
        output: str | None = None,
        init: str = "sklearn",
        dropout: Any = 0.0,
        residual: Any = False,
        layer_norm: Any = False,
        clip_norm: float | None = None,
        clip_value: float | None = None,
        lr_schedule: Any = None,
        dtype: Any = "auto",
        callbacks: Any = None,
        n_threads: Any = "auto",
    ):
        self._set_params_from(locals())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _core_loss(self) -> str:
        return str(self.loss)

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool):
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True, y_numeric=True,
            dtype=(np.float64, np.float32), reset=reset,
        )  # fmt: skip
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "loss='poisson' needs non-negative targets (counts or rates); y has a minimum "
                f"of {np.min(y):g}. Use loss='squared_error' for signed targets."
            )
        if reset or not hasattr(self, "out_activation_"):
            default = "exp" if self.loss == "poisson" else "identity"
            self.out_activation_ = self.output or default
        Y = np.asarray(y, dtype=np.float64)
        Y = Y.reshape(-1, 1) if Y.ndim == 1 else Y
        return X, Y, y

    def _check_weighted_classes(self, Y: Array, sw: Array | None, incremental: bool) -> None:
        if sw is not None and not np.any(sw > 0):
            raise ValueError("Sample weights must contain at least one non-zero number.")

    def _score_predictions(self, A: Array, y: Array, sw: Array | None) -> float:
        if not np.all(np.isfinite(A)):
            return float("nan")
        pred = A.ravel() if A.shape[1] == 1 else A
        return float(r2_score(y, pred, sample_weight=sw))

    def predict(self, X: Any) -> Array:
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        A = np.array(self._forward(X), dtype=self.net_.dtype)
        return A.ravel() if A.shape[1] == 1 else A

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None):
        """One epoch over (X, y), continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)
