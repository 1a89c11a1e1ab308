"""MLPClassifier: scikit-learn's API on mlpkit's engine."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import (
    ClassifierMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import (
    StrOptions,
)
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    column_or_1d,
    validate_data,
)

from ._base import _BaseMLP

__all__ = ["MLPClassifier"]

Array = np.ndarray


class MLPClassifier(ClassifierMixin, TransformerMixin, _BaseMLP):
    """Multi-layer perceptron classifier: scikit-learn's API on mlpkit's engine.

    Binary targets train one logistic output, multi-class targets a softmax output and
    a multi-label indicator matrix one logistic output per label, each with the
    cross-entropy loss (its canonical link: ``dZ = (A - Y) / n``).

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The number of units of each hidden layer.
    activation : str or list of str, default="relu"
        The hidden activation, or one per hidden layer: any name of
        :data:`mlpkit.ACTIVATIONS` (``"identity"``, ``"logistic"``, ``"tanh"``,
        ``"relu"``, ``"leaky_relu"``, ``"elu"``, ``"gelu"``, ``"silu"``, ``"prelu"``...).
    solver : {"adam", "sgd", "lbfgs", "rmsprop", "adamw"}, default="adam"
        ``"sgd"`` uses ``momentum`` / ``nesterovs_momentum`` and ``learning_rate``;
        ``"adam"`` ``beta_1``, ``beta_2``, ``epsilon``; ``"lbfgs"`` SciPy's L-BFGS-B on
        the full batch (``max_iter`` iterations, ``max_fun`` evaluations).
    alpha : float, default=0.0001
        L2 penalty: ``(alpha / 2) Σ_k ||W_k||² / n_batch`` is added to each batch's mean
        loss, as in scikit-learn (biases are not penalised).
    batch_size : int or "auto", default="auto"
        ``"auto"`` is ``min(200, n_samples)``. Ignored by L-BFGS.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        SGD only. ``"invscaling"``: ``η_t = learning_rate_init / (t + 1)^power_t`` with
        ``t`` the samples seen; ``"adaptive"``: divide by 5 whenever the loss (or
        validation score) stalls for ``n_iter_no_change`` epochs.
    learning_rate_init : float, default=0.001
    power_t : float, default=0.5
    max_iter : int, default=200
        Epochs (stochastic solvers) or iterations (L-BFGS).
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, dropout and the validation split.
    tol : float, default=1e-4
    verbose : bool, default=False
    warm_start : bool, default=False
    momentum : float, default=0.9
    nesterovs_momentum : bool, default=True
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` (stratified), stop when the validation accuracy
        fails to improve by ``tol`` for ``n_iter_no_change`` epochs, and keep the best
        weights.
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's parameters.
    n_iter_no_change : int, default=10
    max_fun : int, default=15000
    init : str, default="sklearn"
        ``"sklearn"``: scikit-learn's scheme, ``W, b ~ U(±sqrt(6 / (fan_in + fan_out)))``
        (2 instead of 6 for a logistic network), drawn from the same RandomState in the
        same order, so a given ``random_state`` starts from scikit-learn's weights.
        ``"auto"``: the core's choice (He normal for the ReLU family, Glorot uniform
        otherwise, zero biases), better for deep ReLU networks. Or any name of
        :data:`mlpkit.init.INITIALIZERS`.
    dropout : float or list of float, default=0.0
        Dropout probability after each hidden layer (training only).
    residual : bool or list of bool, default=False
        Residual connections around hidden blocks of equal width.
    layer_norm : bool or list of bool, default=False
        Layer normalisation of each hidden layer's pre-activations.
    clip_norm, clip_value : float or None, default=None
        Gradient clipping (global L2 norm; per entry).
    lr_schedule : {"step", "exponential", "cosine", "plateau", "constant"}, Schedule or None
        A per-epoch learning-rate schedule of :mod:`mlpkit.schedules` (stochastic solvers).
    dtype : {"auto", "float32", "float64"}, default="auto"
        The network's precision. ``"auto"`` follows X: float32 input trains and predicts
        in float32, anything else in float64 (as scikit-learn).
    callbacks : list or None, default=None
        Callables ``f(estimator)`` run after every epoch (returning True stops), or
        objects with ``on_train_begin`` / ``on_epoch_end`` / ``on_train_end`` methods
        taking the estimator.
    n_threads : int or "auto", default="auto"
        BLAS threads while fitting; "auto" uses one unless a batch's largest matrix
        product is big (:func:`mlpkit.threads.blas_threads_for`). On a busy machine one
        thread is often fastest (docs/estimators.md).
    class_weight : dict, "balanced" or None, default=None
        Weights multiplied into ``sample_weight`` per class (not for multi-label).

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
    loss_ : float
        The last epoch's mean training loss (penalty included).
    best_loss_ : float or None
    loss_curve_ : list of float
    validation_loss_curve_ : list of float
        With ``early_stopping``: the validation loss (penalty included) per epoch.
    validation_scores_ : list of float or None
    best_validation_score_ : float or None
    t_ : int
        Training samples seen.
    coefs_ : list of ndarray of shape (n_in, n_out)
        Views into ``net_.params``.
    intercepts_ : list of ndarray of shape (n_out,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    n_iter_ : int
    n_layers_ : int
    n_outputs_ : int
    out_activation_ : str
    net_ : mlpkit.MLP
        The trained network.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from mlpkit import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((16,), activation="leaky_relu", solver="lbfgs",
    ...                     max_iter=300, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.transform(X[:2]).shape
    (2, 16)
    """

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _is_classifier = True

    def __init__(
        self,
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
        class_weight: Any = None,
    ):
        self._set_params_from(locals())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        # transform keeps float32 input in float32 (dtype="auto").
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _core_loss(self) -> str:
        return "cross_entropy" if self.out_activation_ == "softmax" else "binary_cross_entropy"

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes as in "
                        f"the previous call to fit. Previously got {self.classes_}, `y` has "
                        f"{classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                unseen = np.setdiff1d(classes, self.classes_, assume_unique=True)
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}. Unseen label(s): {unseen}. Pass "
                    "every label through partial_fit(..., classes=...) on the first call."
                )
        if reset or not hasattr(self, "out_activation_"):
            kind = self._label_binarizer.y_type_
            self.out_activation_ = "softmax" if kind == "multiclass" else "logistic"
        Y = self._label_binarizer.transform(y).astype(np.float64)
        return X, Y, y

    def _class_weights(self, y_raw: Array, sw: Array | None, dtype: np.dtype) -> Array | None:
        if self.class_weight is None:
            return sw
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            # Per label column, as scikit-learn's multi-output class weights.
            cw = compute_sample_weight(self.class_weight, y_raw).astype(dtype)
            return cw if sw is None else sw * cw
        # "balanced" counts samples by their sample_weight, so that integer weights and
        # repeated rows give the same class weights.
        with np.errstate(divide="ignore"):
            per_class = compute_class_weight(
                self.class_weight, classes=self.classes_, y=y_raw, sample_weight=sw
            )
        # A class whose samples all have zero weight gets 1/0: it has nothing to weigh.
        per_class = np.where(np.isfinite(per_class), per_class, 0.0)
        cw = per_class[np.searchsorted(self.classes_, y_raw)].astype(dtype)
        return cw if sw is None else sw * cw

    def _check_weighted_classes(self, Y: Array, sw: Array | None, incremental: bool) -> None:
        if sw is None:
            return
        if not np.any(sw > 0):
            raise ValueError("Sample weights must contain at least one non-zero number.")
        # partial_fit batches may hold a single class (classes= names them all).
        if incremental or self._label_binarizer.y_type_ == "multilabel-indicator":
            return
        if Y.shape[1] == 1:
            present = {float(v) for v in np.unique(Y[sw > 0, 0])}
        else:
            present = set(np.unique(Y[sw > 0].argmax(axis=1)).tolist())
        if len(present) < 2 and len(self.classes_) >= 2:
            raise ValueError(
                "Only one class has a positive sample_weight; a classifier needs samples of "
                "at least 2 classes with non-zero weight."
            )

    def _score_predictions(self, A: Array, y: Array, sw: Array | None) -> float:
        return float(accuracy_score(y, self._decode(A), sample_weight=sw))

    def _decode(self, A: Array) -> Array:
        if self.n_outputs_ == 1:
            A = A.ravel()
        return self._label_binarizer.inverse_transform(A)

    def predict(self, X: Any) -> Array:
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            Labels from ``classes_`` (an indicator matrix for multi-label y).
        """
        return self._decode(self._forward(X))

    def predict_proba(self, X: Any) -> Array:
        """Class probabilities, columns ordered as ``classes_``.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            For binary y, ``[1 - p, p]`` with ``p`` the logistic output.
        """
        A = self._forward(X).astype(np.float64, copy=False)
        if self.n_outputs_ == 1:
            p = A.ravel()
            return np.column_stack([1 - p, p])
        return A

    def predict_log_proba(self, X: Any) -> Array:
        """``log(predict_proba(X))``, of shape (n_samples, n_classes)."""
        P = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(P, out=P)

    def decision_function(self, X: Any) -> Array:
        """The logits, before the output activation.

        Returns
        -------
        ndarray of shape (n_samples,) for binary y, else (n_samples, n_outputs)
            Positive values vote for ``classes_[1]`` in the binary case.
        """
        X = self._check_X_predict(X)
        Z = np.array(self.net_.logits(X), dtype=np.float64)
        return Z.ravel() if self.n_outputs_ == 1 else Z

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None, classes: Any = None):
        """One epoch over (X, y), continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data set; required on the first call.

        Returns
        -------
        self
        """
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit: it needs the class "
                "frequencies of the whole data set. Compute them once with "
                "sklearn.utils.class_weight.compute_class_weight('balanced', classes=classes, "
                "y=y_all) and pass class_weight={label: weight, ...}."
            )
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)
