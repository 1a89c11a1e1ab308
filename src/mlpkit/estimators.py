"""scikit-learn estimators on top of the core engine: :class:`MLPClassifier`, :class:`MLPRegressor`.

Drop-in replacements for :mod:`sklearn.neural_network`'s estimators: the same parameter
names, defaults and meanings, the same fitted attributes, and the same training
algorithm (mini-batches of ``min(200, n_samples)``, the L2 penalty
``alpha / (2 n_batch) Σ ||W||²`` added to each batch's loss, ``tol`` /
``n_iter_no_change`` stopping, adaptive and inverse-scaling learning rates, early
stopping on the validation *score*, L-BFGS through SciPy). On top of those:
an activation per hidden layer (any name of :data:`mlpkit.ACTIVATIONS`), a choice of
initialisation, dropout, residual blocks, layer norm, gradient clipping, a learning-rate
schedule, ``class_weight``, ``dtype``, callbacks, a validation-loss curve and
``transform`` (hidden activations).

The network is an :class:`mlpkit.MLP` stored as ``net_``; ``coefs_`` and ``intercepts_``
are views into its flat parameter vector, so they always show the current weights
(after unpickling, ``partial_fit`` and ``warm_start`` too). The optimizer keeps only its
own state (moments, step count) and never references the weights: scikit-learn's issue
#19626, where ``partial_fit`` stopped learning after a pickle round trip, cannot happen.

Conventions that differ from scikit-learn on purpose are listed in docs/estimators.md.
"""

from __future__ import annotations

import copy
import math
import time
import warnings
from numbers import Integral, Real
from typing import Any

import numpy as np
from scipy.special import xlogy
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
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
    _check_sample_weight,
    check_is_fitted,
    check_random_state,
    column_or_1d,
    validate_data,
)

from .activations import ACTIVATIONS, canonical_name
from .history import Callback, DivergenceWarning
from .init import INITIALIZERS
from .network import MLP
from .optimizers import LBFGS, AdamW, Optimizer, RMSProp
from .schedules import SCHEDULES
from .training import Trainer

__all__ = ["MLPClassifier", "MLPRegressor"]

Array = np.ndarray

_STOCHASTIC = ("sgd", "adam", "rmsprop", "adamw")
_SOLVERS = ("lbfgs", *_STOCHASTIC)
_INITS = ("auto", "sklearn", *INITIALIZERS)
_ACTIVATION_NAMES = tuple(sorted(ACTIVATIONS))


class _SklearnSGD(Optimizer):
    """scikit-learn's SGD rule, with the learning rate inside the velocity.

    :math:`v ← μ v - η g`; :math:`w ← w + v`, or with Nesterov's momentum
    :math:`w ← w + μ v - η g` (Sutskever et al. 2013, as sklearn's ``SGDOptimizer``).
    For a constant η this is the core's :class:`mlpkit.SGD` (``v_core = -v / η``); when η
    changes (``"invscaling"``, ``"adaptive"``) the old velocity keeps its old step size,
    as in scikit-learn.
    """

    name = "sklearn_sgd"
    _state_arrays = ("velocity",)

    def __init__(self, lr: float, momentum: float = 0.9, nesterov: bool = True):
        super().__init__(lr)
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.velocity: Array | None = None

    def hyperparams(self) -> dict[str, Any]:
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}

    def _update(self, w: Array, g: Array) -> None:
        v, tmp = self.velocity, self._tmp
        assert v is not None and tmp is not None
        np.multiply(g, self.lr, out=tmp)  # tmp = η g
        v *= self.momentum
        v -= tmp  # v ← μ v - η g
        if self.nesterov:
            w -= tmp
            tmp[...] = v
            tmp *= self.momentum
            w += tmp  # w ← w + μ v - η g
        else:
            w += v


class _SklearnAdam(Optimizer):
    """Adam as scikit-learn writes it (Kingma & Ba 2014, section 2's efficient form).

    :math:`η_t = η \\sqrt{1 - β_2^t} / (1 - β_1^t)`, :math:`w ← w - η_t m / (\\sqrt{v} + ε)`:
    ε is added to the uncorrected :math:`\\sqrt{v}`, where the core's :class:`mlpkit.Adam`
    adds it to :math:`\\sqrt{\\hat v}` (the two differ only while v is tiny).
    """

    name = "sklearn_adam"
    _state_arrays = ("m", "v")

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m: Array | None = None
        self.v: Array | None = None

    def hyperparams(self) -> dict[str, Any]:
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def _update(self, w: Array, g: Array) -> None:
        m, v, tmp = self.m, self.v, self._tmp
        assert m is not None and v is not None and tmp is not None
        b1, b2, t = self.beta1, self.beta2, self.t
        m *= b1
        np.multiply(g, 1 - b1, out=tmp)
        m += tmp  # m ← β1 m + (1 - β1) g
        v *= b2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - b2
        v += tmp  # v ← β2 v + (1 - β2) g²
        lr_t = self.lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        np.sqrt(v, out=tmp)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= lr_t  # tmp = η_t m / (√v + ε)
        w -= tmp


def _activation_error(est: BaseEstimator, value: Any) -> InvalidParameterError:
    names = ", ".join(repr(a) for a in _ACTIVATION_NAMES)
    return InvalidParameterError(
        f"The 'activation' parameter of {type(est).__name__} must be a str among "
        f"{{{names}}} or a list of those (one per hidden layer). Got {value!r} instead."
    )


class _BaseMLP(BaseEstimator):
    """Shared machinery of :class:`MLPClassifier` and :class:`MLPRegressor`."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        # Checked name by name in _check_activation (a str or one per hidden layer).
        "activation": [str, list, tuple],
        "solver": [StrOptions(set(_SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions(set(_INITS))],
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
        "residual": ["boolean", list, tuple],
        "layer_norm": ["boolean", list, tuple],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "clip_value": [Interval(Real, 0, None, closed="neither"), None],
        "lr_schedule": [
            StrOptions(set(SCHEDULES)),
            HasMethods(["__call__", "state_dict"]),
            None,
        ],
        "dtype": [StrOptions({"auto", "float32", "float64"}), type],
        "callbacks": [list, tuple, None],
        "n_threads": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    }

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
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.init = init
        self.dropout = dropout
        self.residual = residual
        self.layer_norm = layer_norm
        self.clip_norm = clip_norm
        self.clip_value = clip_value
        self.lr_schedule = lr_schedule
        self.dtype = dtype
        self.callbacks = callbacks
        self.n_threads = n_threads

    # ------------------------------------------------------------------ hooks
    def _output(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _core_loss(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "net_")

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        net = self.__dict__.get("net_")
        if net is not None:
            # The layers pickle their forward/backward work buffers (the last batch's X,
            # Z, A...). Loaded from a read-only memory map (joblib), a reused buffer would
            # be written to and fail; drop them: each layer reallocates on its next call.
            stack = list(net.layers)
            while stack:
                layer = stack.pop()
                stack.extend(layer.children())
                for key, value in list(vars(layer).items()):
                    if key.startswith("_") and isinstance(value, np.ndarray):
                        setattr(layer, key, None)

    # ------------------------------------------------------------------ fitted views
    @property
    def coefs_(self) -> list[Array]:
        """Weight matrices ``W_k`` of shape (n_in, n_out): live views into ``net_.params``."""
        if not hasattr(self, "net_"):
            raise AttributeError(f"This {type(self).__name__} instance has no 'coefs_': fit it.")
        return self.net_.weights

    @coefs_.setter
    def coefs_(self, value: list[Array]) -> None:
        for W, new in zip(self.net_.weights, value, strict=True):
            W[...] = new

    @property
    def intercepts_(self) -> list[Array]:
        """Bias vectors ``b_k`` of shape (n_out,): live views into ``net_.params``."""
        if not hasattr(self, "net_"):
            raise AttributeError(
                f"This {type(self).__name__} instance has no 'intercepts_': fit it."
            )
        return self.net_.biases

    @intercepts_.setter
    def intercepts_(self, value: list[Array]) -> None:
        for b, new in zip(self.net_.biases, value, strict=True):
            b[...] = new

    # ------------------------------------------------------------------ checks
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = list(sizes)
        bad = [s for s in sizes if not isinstance(s, (Integral, np.integer)) or s <= 0]
        if bad:
            raise InvalidParameterError(
                f"The 'hidden_layer_sizes' parameter of {type(self).__name__} must be an int "
                "in the range [1, inf) or an array-like of such ints (one per hidden layer). "
                f"Got {self.hidden_layer_sizes!r} instead: every hidden layer needs at least "
                "one unit (use () for no hidden layer)."
            )
        return [int(s) for s in sizes]

    def _check_activation(self, n_hidden: int) -> list[str]:
        act = self.activation
        values = [act] if isinstance(act, str) else list(act)
        names = []
        for value in values:
            if not isinstance(value, str):
                raise _activation_error(self, act)
            try:
                names.append(canonical_name(value))
            except ValueError:
                raise _activation_error(self, act) from None
        if isinstance(act, str):
            return names * n_hidden
        if len(names) != n_hidden:
            raise ValueError(
                f"activation lists {len(names)} names but hidden_layer_sizes has {n_hidden} "
                "hidden layer(s); give one name, or one per hidden layer."
            )
        return names

    def _net_dtype(self, X: Array) -> np.dtype:
        if isinstance(self.dtype, str) and self.dtype == "auto":
            return np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)
        dtype = np.dtype(self.dtype)
        if dtype not in (np.float32, np.float64):
            raise InvalidParameterError(
                f"The 'dtype' parameter of {type(self).__name__} must be 'auto', 'float32' "
                f"or 'float64'. Got {self.dtype!r} instead."
            )
        return dtype

    def _generator(self) -> np.random.Generator:
        """The generator for dropout masks and the core's initialisers (kept across
        ``partial_fit`` calls). Initialisation with ``init="sklearn"``, shuffling and
        the validation split use scikit-learn's RandomState instead (``_random_state``),
        drawn in scikit-learn's order, so the same ``random_state`` gives the same
        initial weights and mini-batches as scikit-learn's MLP."""
        rs = self.random_state
        if rs is None:
            return np.random.default_rng()
        if isinstance(rs, (Integral, np.integer)):
            return np.random.default_rng(int(rs))
        if isinstance(rs, np.random.RandomState):
            # Consume the RandomState like scikit-learn does, so repeated fits differ.
            return np.random.default_rng(rs.randint(np.iinfo(np.int32).max))
        return np.random.default_rng(rs)

    # ------------------------------------------------------------------ network
    def _build_net(self, n_in: int, n_out: int, dtype: np.dtype) -> MLP:
        hidden = self._hidden_sizes()
        acts = self._check_activation(len(hidden))
        init = "auto" if self.init == "sklearn" else self.init
        net = MLP(
            [n_in, *hidden, n_out], acts or "relu", output=self.out_activation_,
            loss=self._core_loss(), init=init, residual=self.residual,
            layer_norm=self.layer_norm, dropout=self.dropout, random_state=self._rng,
            dtype=dtype,
        )  # fmt: skip
        if self.init == "sklearn":
            # scikit-learn's MLP: W and b ~ U(±sqrt(f / (fan_in + fan_out))) with f = 6
            # (Glorot & Bengio 2010), f = 2 for a logistic network.
            factor = 2.0 if acts and all(a == "logistic" for a in acts) else 6.0
            rs = self._random_state
            for W, b in zip(net.weights, net.biases):
                bound = math.sqrt(factor / (W.shape[0] + W.shape[1]))
                W[...] = rs.uniform(-bound, bound, W.shape)
                b[...] = rs.uniform(-bound, bound, b.shape)
        return net

    def _make_optimizer(self) -> Any:
        lr = float(self.learning_rate_init)
        if self.solver == "sgd":
            return _SklearnSGD(lr, self.momentum, self.nesterovs_momentum)
        if self.solver == "adam":
            return _SklearnAdam(lr, self.beta_1, self.beta_2, self.epsilon)
        if self.solver == "adamw":
            return AdamW(lr=lr, beta1=self.beta_1, beta2=self.beta_2, eps=self.epsilon)
        return RMSProp(lr=lr, eps=self.epsilon)

    # ------------------------------------------------------------------ losses
    def _reported_loss(self, loss: float, reg: float, Y: Array, sw: Array | None) -> float:
        """Convert the core's batch loss to scikit-learn's reported value.

        scikit-learn's squared error averages over outputs as well (``mean / 2``), while
        its gradient sums over them, as the core's does; the Poisson deviance adds the
        constant ``y ln y - y`` that the core drops.
        """
        name = self.net_.loss.name
        if name == "squared_error" and Y.shape[1] > 1:
            return (loss - reg) / Y.shape[1] + reg
        if name == "poisson":
            const = np.sum(xlogy(Y, Y) - Y, axis=1)
            return loss + float(np.average(const, weights=sw))
        return loss

    def _penalty(self, weight_decay: float) -> float:
        return weight_decay * sum(float(np.dot(W.ravel(), W.ravel())) for W in self.net_.weights)

    # ------------------------------------------------------------------ fit
    def _fit(self, X: Any, y: Any, sample_weight: Any = None, incremental: bool = False):
        hidden = self._hidden_sizes()
        self._check_activation(len(hidden))
        first_pass = not hasattr(self, "net_") or (not self.warm_start and not incremental)
        X, Y, y_raw = self._validate_input(X, y, incremental, reset=first_pass)
        dtype = self._net_dtype(X) if first_pass else self.net_.dtype
        X = np.ascontiguousarray(X, dtype=dtype)
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
        schedule = None if self.lr_schedule is None else copy.deepcopy(self.lr_schedule)
        adaptive = self.learning_rate == "adaptive" and self.solver == "sgd"
        trainer = Trainer(
            self.net_, optimizer, weight_decay=float(self.alpha) / 2, decay_per_sample=True,
            clip_norm=self.clip_norm, clip_value=self.clip_value, schedule=schedule,
            early_stopping=self.early_stopping, patience=self.n_iter_no_change, tol=self.tol,
            monitor="score" if self.early_stopping else "loss", report_loss=self._report_loss(),
            on_plateau=self._adaptive_rate if adaptive else None, metric=False,
            callbacks=[self._hooks(incremental)], random_state=self._rng,
            n_threads=self.n_threads, **options,
        )  # fmt: skip
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
                if reason in ("converged", "early_stopping") and est.verbose:
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
        if self.learning_rate == "invscaling" and self.solver == "sgd":
            opt = trainer.optimizer
            opt.lr = float(self.learning_rate_init) / (self.t_ + 1) ** self.power_t

    def _adaptive_rate(self, trainer: Trainer) -> bool:
        """scikit-learn's ``learning_rate="adaptive"``: when patience runs out, divide η
        by 5 and go on, until η falls to 1e-6."""
        opt = trainer.optimizer
        msg = self.stall_message()
        if opt.lr <= 1e-6:
            if self.verbose:
                print(msg + " Learning rate too small. Stopping.")
            return False
        opt.lr /= 5.0
        if self.verbose:
            print(msg + f" Setting learning rate to {opt.lr:f}")
        return True

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
            msg = (
                f"Training diverged at iteration {self.n_iter_ + 1}: the loss became not "
                f"finite. Kept the last finite weights. Lower learning_rate_init (it is "
                f"{self.learning_rate_init}), set clip_norm=1.0, or standardise X."
            )
            if not self.early_stopping:
                raise ValueError(msg)
            warnings.warn(msg + " Restored the best weights (early stopping).",
                          ConvergenceWarning, stacklevel=4)  # fmt: skip

    def _split(self, X: Array, Y: Array, y_raw: Array, sw: Array | None) -> list[Array]:
        """Hold out ``validation_fraction`` of the data as scikit-learn does: stratified
        for binary classification, a plain random split otherwise."""
        seed = self._random_state
        arrays = [X, Y, y_raw] + ([] if sw is None else [sw])
        stratify = Y if self._is_classifier and self.n_outputs_ == 1 else None
        try:
            return train_test_split(
                *arrays, random_state=seed, test_size=self.validation_fraction, stratify=stratify
            )
        except ValueError:  # too few samples per class for a stratified split
            return train_test_split(*arrays, random_state=seed, test_size=self.validation_fraction)

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

    # ------------------------------------------------------------------ predict
    def _check_X_predict(self, X: Any) -> Array:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        return np.ascontiguousarray(X, dtype=self.net_.dtype)

    def _forward(self, X: Any) -> Array:
        """Network outputs after the output head, shape (n_samples, n_outputs)."""
        X = self._check_X_predict(X)
        return self.net_.head(self.net_.logits(X))

    def transform(self, X: Any, layer: int = -1) -> Array:
        """The activations of a hidden layer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        layer : int, default=-1
            Which hidden layer: 0 is the first, -1 the last. With no hidden layer, the
            input itself is returned.

        Returns
        -------
        ndarray of shape (n_samples, hidden_layer_sizes[layer])
            The layer's output after its activation (and layer norm / residual sum).
        """
        X = self._check_X_predict(X)
        net = self.net_
        n_hidden = len(net.layer_sizes) - 2
        if n_hidden == 0:
            return X.copy()
        if not -n_hidden <= layer < n_hidden:
            raise ValueError(
                f"layer={layer} is out of range: this network has {n_hidden} hidden layer(s), "
                f"so layer must lie in [{-n_hidden}, {n_hidden - 1}]."
            )
        layer %= n_hidden
        # Top-level layers that open a hidden block (a Dense or a Residual wrapper); block
        # k ends just before block k+1 (or the output Dense) begins.
        starts = [i for i, lay in enumerate(net.layers)
                  if type(lay).__name__ in ("Dense", "Residual")]  # fmt: skip
        end = starts[layer + 1]
        H = X
        for lay in net.layers[:end]:
            H = lay(H)
        return np.array(H, copy=True)

    def _score_predictions(self, A: Array, y: Array, sw: Array | None) -> float:
        raise NotImplementedError

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any, sample_weight: Any = None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (any hashable labels; a 0/1 indicator matrix for multi-label),
            or regression targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights: the loss is ``Σ s_i ℓ_i / Σ s_i``.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def _check_solver(self) -> bool:
        if self.solver not in _STOCHASTIC:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. {self.solver} is "
                "not stochastic."
            )
        return True


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
        product is big (:func:`mlpkit.training.blas_threads_for`). On a busy machine one
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
        super().__init__(
            hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
            learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state,
            tol=tol, verbose=verbose, warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun, init=init,
            dropout=dropout, residual=residual, layer_norm=layer_norm, clip_norm=clip_norm,
            clip_value=clip_value, lr_schedule=lr_schedule, dtype=dtype, callbacks=callbacks,
            n_threads=n_threads,
        )  # fmt: skip
        self.class_weight = class_weight

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
            self, X, y, multi_output=True, dtype=(np.float64, np.float32), reset=reset
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
            n_classes = len(self.classes_)
            if self._label_binarizer.y_type_ != "multilabel-indicator" and n_classes < 2:
                raise ValueError(
                    f"y contains only one class ({np.asarray(self.classes_[0]).item()!r}); "
                    "a classifier needs "
                    "samples of at least 2 classes. Check how y was built or sampled "
                    "(e.g. stratify the split)."
                )
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
        super().__init__(
            hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
            learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state,
            tol=tol, verbose=verbose, warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun, init=init,
            dropout=dropout, residual=residual, layer_norm=layer_norm, clip_norm=clip_norm,
            clip_value=clip_value, lr_schedule=lr_schedule, dtype=dtype, callbacks=callbacks,
            n_threads=n_threads,
        )  # fmt: skip
        self.loss = loss
        self.output = output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _core_loss(self) -> str:
        return str(self.loss)

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool):
        X, y = validate_data(
            self, X, y, multi_output=True, y_numeric=True, dtype=(np.float64, np.float32),
            reset=reset,
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
