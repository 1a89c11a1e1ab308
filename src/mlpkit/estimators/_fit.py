"""Training of the estimators through the one Trainer, with scikit-learn's rules."""

from __future__ import annotations

import copy
import math
import time
import warnings
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import xlogy
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import (
    _check_sample_weight,
    check_random_state,
)

from ..history import Callback, DivergenceWarning
from ..optimizers import LBFGS
from ..schedules import AdaptiveLR, InvScalingLR
from ..training import Trainer

Array = np.ndarray


class _FitMixin:
    """How the estimators train: validate, build the network, configure the one
    :class:`~mlpkit.training.Trainer` with scikit-learn's rules, keep scikit-learn's
    fitted attributes. (A mixin of :class:`_BaseMLP`.)"""

    # ------------------------------------------------------------------ fit
    def _fit(self, X: Any, y: Any, sample_weight: Any = None, incremental: bool = False):
        hidden = self._hidden_sizes()
        self._check_activation(len(hidden))
        first_pass = not hasattr(self, "net_") or (not self.warm_start and not incremental)
        X, Y, y_raw = self._validate_input(X, y, incremental, reset=first_pass)
        dtype = self._net_dtype(X) if first_pass else self.net_.dtype
        X = _as_dtype(X, dtype)
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(sample_weight, X, dtype=dtype, ensure_non_negative=True)
        sw = self._class_weights(y_raw, sw, dtype)
        self._check_weighted_classes(Y, sw, incremental)
        # A fresh RandomState on every call, as scikit-learn.
        self._random_state = check_random_state(self.random_state)
        if first_pass:
            self._rng = self._generator()
            self._initialize(X.shape[1], Y.shape[1], dtype)
        Y = np.ascontiguousarray(Y, dtype=dtype)
        if Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} output(s) but this {type(self).__name__} was fitted with "
                f"{self.n_outputs_}; use the same targets, or refit with warm_start=False."
            )
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, Y, sw)
        else:
            self._fit_stochastic(X, Y, y_raw, sw, incremental)
        if not np.all(np.isfinite(self.net_.params)):
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may contain "
                "large values and need to be preprocessed (e.g. StandardScaler)."
            )
        return self

    def _class_weights(self, y_raw: Array, sw: Array | None, dtype: np.dtype) -> Array | None:
        return sw

    def _check_weighted_classes(self, Y: Array, sw: Array | None, incremental: bool) -> None:
        pass

    def _initialize(self, n_in: int, n_out: int, dtype: np.dtype) -> None:
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = n_out
        hidden = self._hidden_sizes()
        self.n_layers_ = len(hidden) + 2
        self.net_ = self._build_net(n_in, n_out, dtype)
        self._optimizer: Any = None
        self._patience: dict[str, Any] | None = None
        self.loss_curve_: list[float] = []
        self.validation_loss_curve_: list[float] = []
        if self.early_stopping and self.solver != "lbfgs":
            self.validation_scores_: list[float] | None = []
            self.best_validation_score_: float | None = -np.inf
            self.best_loss_: float | None = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _batch_size(self, n: int) -> int:
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warnings.warn(
                f"Got batch_size={self.batch_size} larger than the {n} training samples; it "
                "is going to be clipped to the number of samples.",
                stacklevel=6,
            )
        return int(np.clip(self.batch_size, 1, n))

    def _callbacks(self) -> list[Any]:
        return list(self.callbacks or ())

    def _report_loss(self) -> Any:
        """scikit-learn's reported loss from the core's per-row losses, or None when they
        agree: its squared error also averages over outputs, and its Poisson deviance
        keeps the constant ``y ln y - y`` that the core drops."""
        name, k = self.net_.loss.name, self.n_outputs_
        if name == "squared_error" and k > 1:
            return lambda per, Y: per / k
        if name == "poisson":
            return lambda per, Y: per + np.add.reduce(xlogy(Y, Y) - Y, axis=1)
        return None

    def _trainer(self, optimizer: Any, incremental: bool, **options: Any) -> Trainer:
        """The Trainer for one call of fit / partial_fit, configured with scikit-learn's
        rules; patience and the best weights carry over from a previous call."""
        schedule: Any = None if self.lr_schedule is None else copy.deepcopy(self.lr_schedule)
        if schedule is None and self.solver == "sgd" and self.learning_rate != "constant":
            schedule = (
                InvScalingLR(self.power_t)
                if self.learning_rate == "invscaling"
                else _VerboseAdaptiveLR(self)
            )
        trainer = Trainer(
            self.net_, optimizer, weight_decay=float(self.alpha) / 2, decay_per_sample=True,
            clip_norm=self.clip_norm, clip_value=self.clip_value, schedule=schedule,
            early_stopping=self.early_stopping, patience=self.n_iter_no_change, tol=self.tol,
            monitor="score" if self.early_stopping else "loss", report_loss=self._report_loss(),
            metric=False,
            callbacks=[self._hooks(incremental)], random_state=self._rng,
            n_threads=self.n_threads, **options,
        )  # fmt: skip
        trainer.base_lr = float(self.learning_rate_init)  # invscaling's η0 on every call
        patience = getattr(self, "_patience", None)
        if patience is not None:
            trainer.patience_state = patience
        return trainer

    def _hooks(self, incremental: bool) -> Callback:
        """The estimator's side of each epoch: scikit-learn's fitted attributes
        (``n_iter_``, ``t_``, ``loss_curve_``, validation scores), its invscaling rate, its
        messages, and the user's callbacks, which receive the estimator."""
        est = self
        seen = [0]

        def user(hook: str) -> bool:
            stop = False
            for cb in self._callbacks():
                fn = getattr(cb, hook, None)
                if fn is None and hook == "on_epoch_end" and callable(cb):
                    fn = cb
                if fn is not None and fn(est) is True:
                    stop = True
            return stop

        class Hooks(Callback):
            def on_train_begin(self, trainer: Trainer) -> None:
                user("on_train_begin")

            def on_epoch_end(self, trainer: Trainer) -> None:
                est.record_epoch(trainer, seen)
                if user("on_epoch_end"):
                    trainer.stop_training = True

            def on_train_end(self, trainer: Trainer) -> None:
                reason = trainer.stop_reason
                adaptive = est.solver == "sgd" and est.learning_rate == "adaptive"
                if reason in ("converged", "early_stopping") and est.verbose and not adaptive:
                    print(est.stall_message() + " Stopping.")
                if reason == "max_epochs" and not incremental and est.solver != "lbfgs":
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) reached "
                        "and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                        stacklevel=7,
                    )
                user("on_train_end")

        return Hooks()

    def record_epoch(self, trainer: Trainer, seen: list[int]) -> None:
        """Update scikit-learn's fitted attributes after an epoch of ``trainer``
        (called by the Trainer's callback; ``seen`` holds the samples counted so far)."""
        h = trainer.history
        self.loss_curve_.append(h.loss[-1])
        if self.verbose:
            print(f"Iteration {len(self.loss_curve_)}, loss = {h.loss[-1]:.8f}")
        if self.solver == "lbfgs":
            return
        self.n_iter_ += 1
        self.loss_ = h.loss[-1]
        self.t_ += trainer.samples_seen - seen[0]
        seen[0] = trainer.samples_seen
        if self.early_stopping:
            assert self.validation_scores_ is not None
            self.validation_loss_curve_.append(h.val_loss[-1])
            self.validation_scores_.append(h.val_metric[-1])
            if self.verbose:
                print(f"Validation score: {h.val_metric[-1]:f}")
            self.best_validation_score_ = trainer.best_loss
        else:
            self.best_loss_ = trainer.best_loss

    def stall_message(self) -> str:
        """The message scikit-learn prints when patience runs out."""
        what = "Validation score" if self.early_stopping else "Training loss"
        return (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )

    def _fit_stochastic(
        self, X: Array, Y: Array, y_raw: Array, sw: Array | None, incremental: bool
    ) -> None:
        if not incremental or self._optimizer is None:
            self._optimizer = self._make_optimizer()
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        validation = None
        if self.early_stopping:
            parts = self._split(X, Y, y_raw, sw)
            X, Xv, Y, Yv, y_raw, yv = parts[:6]
            swv = None
            if sw is not None:
                sw, swv = parts[6], parts[7]
            if Xv.shape[0] < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' or the "
                    "size of your dataset."
                )
            validation = (Xv, Yv, swv)
            self._val_labels = yv
        n = X.shape[0]
        random_state = self._random_state
        order = {"idx": np.arange(n)}

        def shuffle(n_rows: int) -> Array:
            # scikit-learn's sklearn.utils.shuffle of the previous epoch's order.
            perm = np.arange(n_rows)
            random_state.shuffle(perm)
            order["idx"] = order["idx"][perm]
            return order["idx"]

        trainer = self._trainer(
            self._optimizer, incremental, batch_size=self._batch_size(n),
            shuffle=shuffle if self.shuffle else False,
            scorer=lambda A, _Y, w: self._score_predictions(A, self._val_labels, w),
        )  # fmt: skip
        self.n_iter_ = 0
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)  # reported below
            trainer.run(X, Y, 1 if incremental else self.max_iter, sample_weight=sw,
                        validation_data=validation)  # fmt: skip
        self.fit_time_ = time.perf_counter() - t0
        self._end_fit(trainer)

    def _end_fit(self, trainer: Trainer) -> None:
        """After training: keep patience for the next call; report divergence."""
        self._patience = trainer.patience_state
        if trainer.stop_reason == "diverged":
            loss = trainer.last_loss
            msg = (
                (
                    "Solver produced non-finite parameter weights. The input data may contain "
                    "large values and need to be preprocessed."
                    if not math.isfinite(loss)
                    else f"Solver diverged: the loss grew to {loss:.3g}."
                )
                + f" Training stopped at iteration {self.n_iter_ + 1} and kept the last "
                f"finite weights. Standardise X (sklearn.preprocessing.StandardScaler), "
                f"lower learning_rate_init (it is {self.learning_rate_init}) or set "
                "clip_norm=1.0."
            )
            if not self.early_stopping:
                raise ValueError(msg)
            warnings.warn(msg + " Restored the best weights (early stopping).",
                          ConvergenceWarning, stacklevel=4)  # fmt: skip

    def _split(self, X: Array, Y: Array, y_raw: Array, sw: Array | None) -> list[Array]:
        """Hold out ``validation_fraction`` of the data as scikit-learn does: stratified
        for binary classification (an error when a class has one member), a plain random
        split otherwise."""
        seed = self._random_state
        arrays = [X, Y, y_raw] + ([] if sw is None else [sw])
        # scikit-learn stratifies on its boolean label matrix (its error messages show it).
        stratify = Y.astype(bool) if self._is_classifier and self.n_outputs_ == 1 else None
        # A class with a single member cannot be stratified: scikit-learn's error says so.
        return train_test_split(
            *arrays, random_state=seed, test_size=self.validation_fraction, stratify=stratify
        )

    def _fit_lbfgs(self, X: Array, Y: Array, sw: Array | None) -> None:
        # SciPy's default ftol for L-BFGS-B, as scikit-learn leaves it.
        opt = LBFGS(max_fun=self.max_fun, tol=self.tol, ftol=2.220446049250313e-09)
        trainer = self._trainer(opt, False, batch_size=None, shuffle=False)
        n_before = len(self.loss_curve_)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)  # reported below
            trainer.run(X, Y, self.max_iter, sample_weight=sw)
        self.fit_time_ = time.perf_counter() - t0
        res = trainer.lbfgs_result
        if res.status != 0 and trainer.stop_reason.startswith("lbfgs"):
            warnings.warn(
                f"lbfgs failed to converge after {res.nit} iteration(s) (status={res.status}):"
                f"\n{res.message}.\n\nIncrease the number of iterations to improve the "
                "convergence (max_iter=...), or scale the data (sklearn.preprocessing."
                "StandardScaler).",
                ConvergenceWarning,
                stacklevel=5,
            )
        self.n_iter_ = min(int(res.nit), self.max_iter)  # t_ stays 0, as scikit-learn's
        self.loss_ = self._loss_now(X, Y, sw)
        if len(self.loss_curve_) == n_before:
            self.loss_curve_.append(self.loss_)
        self.best_loss_ = min(self.loss_curve_)
        self._end_fit(trainer)

    def _loss_now(self, X: Array, Y: Array, sw: Array | None) -> float:
        """scikit-learn's reported loss at the current weights, on all of (X, Y)."""
        net = self.net_
        per = net.loss.per_sample(net.logits(X), Y, net.head)
        report = self._report_loss()
        if report is not None:
            per = report(per, Y)
        total = X.shape[0] if sw is None else float(sw.sum())
        return float(np.average(per, weights=sw)) + net.penalty(float(self.alpha) / (2 * total))


def _as_dtype(X: Any, dtype: Any) -> Any:
    """X in the network's dtype: C-contiguous when dense, CSR (never densified) when sparse."""
    if isinstance(X, np.ndarray):
        return np.ascontiguousarray(X, dtype=dtype)
    return sparse.csr_array(X, dtype=dtype)


class _VerboseAdaptiveLR(AdaptiveLR):
    """AdaptiveLR printing scikit-learn's messages when the estimator is verbose."""

    def __init__(self, est: Any):
        super().__init__()
        self._est = est

    def on_plateau(self, current_lr: float) -> float | None:
        lr = super().on_plateau(current_lr)
        if self._est.verbose:
            msg = self._est.stall_message()
            print(msg + (" Learning rate too small. Stopping." if lr is None
                         else f" Setting learning rate to {lr:f}"))  # fmt: skip
        return lr
