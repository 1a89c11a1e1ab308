"""Parameters, network building and prediction shared by MLPClassifier and MLPRegressor."""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import (
    BaseEstimator,
    _fit_context,
)
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)
from sklearn.utils.validation import (
    check_is_fitted,
    validate_data,
)

from ..activations import ACTIVATIONS, canonical_name
from ..init import INITIALIZERS
from ..network import MLP
from ..optimizers import AdamW, RMSProp, SklearnAdam, SklearnSGD
from ..schedules import SCHEDULES
from ._fit import _FitMixin

Array = np.ndarray


_STOCHASTIC = ("sgd", "adam", "rmsprop", "adamw")
_SOLVERS = ("lbfgs", *_STOCHASTIC)
_INITS = ("auto", "sklearn", *INITIALIZERS)
_ACTIVATION_NAMES = tuple(sorted(ACTIVATIONS))


def _activation_error(est: BaseEstimator, value: Any) -> InvalidParameterError:
    names = ", ".join(repr(a) for a in _ACTIVATION_NAMES)
    return InvalidParameterError(
        f"The 'activation' parameter of {type(est).__name__} must be a str among "
        f"{{{names}}} or a list of those (one per hidden layer). Got {value!r} instead."
    )


class _BaseMLP(_FitMixin, BaseEstimator):
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

    def _set_params_from(self, params: dict[str, Any]) -> None:
        """Store the constructor's arguments unchanged (scikit-learn's convention: the
        subclasses' ``__init__`` signatures are the parameter list, and validation
        happens in ``fit``)."""
        for name, value in params.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    # ------------------------------------------------------------------ hooks
    def _output(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _core_loss(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True  # CSR/CSC, multiplied by the first layer as they are
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
            return SklearnSGD(lr, self.momentum, self.nesterovs_momentum)
        if self.solver == "adam":
            return SklearnAdam(lr, self.beta_1, self.beta_2, self.epsilon)
        if self.solver == "adamw":
            return AdamW(lr=lr, beta1=self.beta_1, beta2=self.beta_2, eps=self.epsilon)
        return RMSProp(lr=lr, eps=self.epsilon)

    # ------------------------------------------------------------------ predict
    def _check_X_predict(self, X: Any) -> Array:
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
        )
        return self.net_.check_input(X)

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
            return X.copy() if isinstance(X, np.ndarray) else X.toarray()
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
        return net.partial_forward(X, starts[layer + 1])

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
