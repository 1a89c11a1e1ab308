"""The multi-layer perceptron: a list of layers over ONE flat parameter vector.

(One concept, kept whole: the MLP class and the few helpers that check and describe
its layer list; split, one object's methods would be scattered over files.)

Lecture L2's deep network, batch-first as in lecture L4::

    h_1 = a[β_0 + Ω_0 x]          H_1 = a(X W_0 + b_0)
    h_k = a[β_{k-1} + Ω_{k-1} h_{k-1}]   ↔   H_k = a(H_{k-1} W_{k-1} + b_{k-1})
    y   = β_K + Ω_K h_K           Y = head(H_K W_K + b_K)

All parameters live in one vector ``w = [W_0 | b_0 | W_1 | b_1 | ...]`` (lecture L4's
compact notation); ``net.weights[k]`` and ``net.biases[k]`` are views into it, and
the gradient is a flat vector with the same layout.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import metrics
from ._validation import check_finite, check_random_state, check_same_rows, check_X
from .activations import Activation, canonical_name, get_activation
from .init import auto_init
from .layers import (
    ActivationLayer,
    Dense,
    Dropout,
    Layer,
    LayerNorm,
    PReLU,
    Residual,
    Slot,
    build_slots,
)
from .losses import Loss, OutputHead, default_loss, get_loss, get_output

__all__ = ["MLP", "as_network", "parameter_count"]

Array = np.ndarray


def _per_layer(value: Any, n: int, name: str) -> list[Any]:
    """Broadcast a scalar option to one value per hidden layer, or check a list's length."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{name} has {len(value)} entries but the network has {n} hidden layer(s); "
                f"give one value, or one per hidden layer."
            )
        return list(value)
    return [value] * n


def _check_sizes(layer_sizes: Any) -> list[int]:
    try:
        sizes = [int(s) for s in layer_sizes]
    except (TypeError, ValueError):
        raise ValueError(
            "layer_sizes must be a list of positive integers [n_inputs, *hidden, n_outputs]; "
            f"got {layer_sizes!r}."
        ) from None
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least an input and an output size, e.g. [2, 10, 1]; got {sizes}."
        )
    for i, (s, raw) in enumerate(zip(sizes, layer_sizes)):
        if s < 1 or s != raw:
            raise ValueError(
                f"layer_sizes[{i}] must be a positive integer; got {raw!r}. "
                "Every layer needs at least one unit."
            )
    return sizes


class MLP:
    """A multi-layer perceptron with hand-written backpropagation.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, D_1, ..., D_K, n_outputs]``. ``[1, 3, 1]`` is lecture L0's shallow
        network with 3 hidden units (10 parameters).
    activation : str, Activation or list of those, default="relu"
        The hidden activation, or one per hidden layer. Any name of
        :data:`mlpkit.activations.ACTIVATIONS`, including ``"prelu"``.
    output : {"identity", "logistic", "softmax", "exp"} or activation name
        The output head.
    loss : str, optional
        Default: the output's canonical loss (identity → squared_error, logistic →
        binary_cross_entropy, softmax → cross_entropy, exp → poisson).
    init : str, default="auto"
        ``"auto"`` (He for the ReLU family, Glorot uniform otherwise) or a name of
        :data:`mlpkit.init.INITIALIZERS`.
    residual : bool or list of bool, default=False
        Wrap each hidden block (Dense → [LayerNorm] → activation) whose input and
        output widths match in a residual connection ``h + f(h)``. With ``True``, only
        blocks of equal widths are wrapped: hidden ``(10, 20, 10, 10)`` gives seed
        004's "ResNet 10/20/10/10" (581 weights for 2 inputs, 1 output).
    layer_norm : bool or list of bool, default=False
        Normalise each hidden layer's pre-activations.
    dropout : float or list of float, default=0.0
        Dropout probability after each hidden activation (training only).
    random_state : None, int or numpy.random.Generator
        Seeds the initialisation and, unless ``fit`` is given its own, the shuffling
        and dropout masks.
    dtype : numpy dtype, default=np.float32
    huber_delta : float, optional
        Threshold of the Huber loss.

    Attributes
    ----------
    layers : list of Layer
    params : ndarray of shape (n_params,)
        The flat parameter vector. Assigning to it copies into the existing buffer, so
        ``weights`` and ``biases`` stay views.
    weights, biases : list of ndarray
        ``weights[k]`` of shape (D_k, D_{k+1}), ``biases[k]`` of shape (D_{k+1},).
    n_params : int
    history_ : History or None
        The training history, accumulated over calls to :meth:`fit`.

    Examples
    --------
    >>> import numpy as np, mlpkit
    >>> net = mlpkit.MLP([2, 10, 10, 1], activation="tanh", random_state=0)
    >>> net
    MLP(2 → 10 → 10 → 1, tanh, 151 parameters)
    >>> net.weights[0].shape, net.biases[0].shape
    ((2, 10), (10,))
    >>> net.forward(np.zeros((4, 2))).shape
    (4, 1)
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str | Activation | Sequence[str | Activation] = "relu",
        output: str = "identity",
        loss: str | Loss | None = None,
        *,
        init: str = "auto",
        residual: bool | Sequence[bool] = False,
        layer_norm: bool | Sequence[bool] = False,
        dropout: float | Sequence[float] = 0.0,
        random_state: Any = None,
        dtype: Any = np.float32,
        huber_delta: float | None = None,
        layers: Sequence[Layer] | None = None,
    ):
        if layers is not None:  # an explicit stack (see from_layers)
            dense = [lay for lay in _walk(list(layers)) if isinstance(lay, Dense)]
            layer_sizes = [layers[0].n_in] + [lay.n_out for lay in dense]
        sizes = _check_sizes(layer_sizes)
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64; got {dtype}.")
        n_hidden = len(sizes) - 2
        acts = _per_layer(activation, n_hidden, "activation")
        residuals = _per_layer(residual, n_hidden, "residual")
        norms = _per_layer(layer_norm, n_hidden, "layer_norm")
        drops = _per_layer(dropout, n_hidden, "dropout")
        for p in drops:
            if not (isinstance(p, (int, float)) and 0 <= p < 1):
                raise ValueError(f"dropout must be a probability in [0, 1); got {p!r}.")
        self.layer_sizes = sizes
        self.dtype = dtype
        self.head: OutputHead = get_output(output)
        self.loss: Loss = get_loss(loss if loss is not None else default_loss(self.head.name),
                                   delta=huber_delta)  # fmt: skip
        _check_pairing(self.loss, self.head)
        self.init = init
        self.random_state = random_state
        self._rng = check_random_state(random_state)

        built: list[Layer] = []
        for k in range(n_hidden if layers is None else 0):
            n_in, n_out = sizes[k], sizes[k + 1]
            act = acts[k]
            name = act.name if isinstance(act, Activation) else canonical_name(act)
            scheme = auto_init(name) if init == "auto" else init
            block: list[Layer] = [Dense(n_in, n_out, scheme)]
            if norms[k]:
                block.append(LayerNorm(n_out))
            if name == "prelu":
                block.append(PReLU(n_out))
            elif name != "identity":
                block.append(ActivationLayer(get_activation(act), n_out))
            if drops[k]:
                block.append(Dropout(n_out, float(drops[k])))
            if residuals[k] and n_in == n_out:
                built.append(Residual(block))
            else:
                built.extend(block)
        out_scheme = "glorot_uniform" if init == "auto" else init
        built.append(Dense(sizes[-2], sizes[-1], out_scheme))
        self._set_layers(built if layers is None else list(layers))
        for layer in self.layers:
            layer.init_params(self._rng)
        self.history_: Any = None
        self.optimizer_: Any = None

    # ------------------------------------------------------------------ construction
    def _set_layers(self, layers: list[Layer]) -> None:
        self.layers = layers
        n = sum(layer.n_params for layer in layers)
        self._params = np.zeros(n, dtype=self.dtype)
        self._grad = np.zeros(n, dtype=self.dtype)
        offset = 0
        for layer in layers:
            size = layer.n_params
            layer.bind(self._params[offset : offset + size], self._grad[offset : offset + size])
            offset += size
        self._dense = [d for d in _walk(layers) if isinstance(d, Dense)]
        self._activation_names, self._residual, self._options = _describe(layers)
        self._workspaces: dict[int, list[Slot]] = {}
        self._inputs: dict[int, Array] = {}

    @classmethod
    def from_layers(
        cls,
        layers: list[Layer],
        output: str = "identity",
        loss: str | Loss | None = None,
        random_state: Any = None,
        dtype: Any = np.float32,
    ) -> MLP:
        """Build a network from an explicit list of layers (any stack of
        :mod:`mlpkit.layers`), initialised from ``random_state``."""
        net = cls([], output=output, loss=loss, random_state=random_state, dtype=dtype,
                  layers=layers)  # fmt: skip
        net.init = "custom"
        return net

    # ------------------------------------------------------------------ parameters
    @property
    def params(self) -> Array:
        """The flat parameter vector ``w = [W_0 | b_0 | W_1 | b_1 | ...]`` (a live view)."""
        return self._params

    @params.setter
    def params(self, value: Any) -> None:
        arr = np.asarray(value, dtype=self.dtype)
        if arr.shape != self._params.shape:
            raise ValueError(
                f"params must be a flat vector of shape ({self.n_params},); got shape {arr.shape}."
            )
        check_finite(arr, "params")
        self._params[...] = arr

    @property
    def n_params(self) -> int:
        return int(self._params.size)

    @property
    def weights(self) -> list[Array]:
        """Each Dense layer's W, of shape (n_in, n_out); views into :attr:`params`."""
        return [d.W for d in self._dense]

    @property
    def biases(self) -> list[Array]:
        """Each Dense layer's b, of shape (n_out,); views into :attr:`params`."""
        return [d.b for d in self._dense]

    @property
    def n_inputs(self) -> int:
        return self.layer_sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.layer_sizes[-1]

    @property
    def activations(self) -> list[str]:
        """The hidden activations' names, one per hidden layer."""
        return list(self._activation_names)

    @property
    def rng(self) -> np.random.Generator:
        """The generator used for initialisation, shuffling and dropout."""
        return self._rng

    def param_slices(self) -> list[tuple[str, slice, tuple[int, ...]]]:
        """(name, slice into the flat vector, shape) for every parameter array."""
        out, offset = [], 0
        for i, layer in enumerate(self.layers):
            for name, shape in layer.param_shapes():
                size = int(np.prod(shape))
                out.append((f"{i}.{name}", slice(offset, offset + size), shape))
                offset += size
        return out

    def __repr__(self) -> str:
        arrows = " → ".join(map(str, self.layer_sizes))
        acts = sorted(set(self._activation_names), key=self._activation_names.index)
        desc = "/".join(acts) if acts else "linear"
        extras = []
        if any(self._residual):
            extras.append("residual")
        if any(self._options.get("layer_norm", ())):
            extras.append("layer norm")
        if any(self._options.get("dropout", ())):
            extras.append("dropout")
        head = "" if self.head.name == "identity" else f" → {self.head.name}"
        extra = "".join(f", {e}" for e in extras)
        return f"MLP({arrows}, {desc}{head}{extra}, {self.n_params} parameters)"

    def summary(self) -> str:
        """A table of the layers, their output shapes and parameter counts."""
        rows = [f"{'layer':<40}{'output':>10}{'params':>10}"]
        for layer in self.layers:
            rows.append(f"{layer!r:<40}{layer.n_out:>10}{layer.n_params:>10}")
        rows.append(f"{'total':<40}{'':>10}{self.n_params:>10}")
        return "\n".join(rows)

    def copy(self) -> MLP:
        """A deep copy, with its own parameter vector."""
        return copy.deepcopy(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> MLP:
        new = MLP.__new__(MLP)
        memo[id(self)] = new
        new.__setstate__(copy.deepcopy(self.__getstate__(), memo))
        return new

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for k in ("_grad", "_dense", "_workspaces", "_inputs"):
            state.pop(k, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        params = state.pop("_params")
        self.__dict__.update(state)
        self._set_layers(self.layers)
        self._params[...] = params

    # ------------------------------------------------------------------ forward / backward
    #: Rows per forward pass when predicting: bounds the workspace's memory on large X.
    chunk_rows = 1024

    def check_input(self, X: Any, name: str = "X") -> Array:
        """Validate ``X`` for this network: a finite float array of shape
        (n_samples, n_inputs) in the network's dtype (a copy only when needed)."""
        return check_X(X, n_features=self.n_inputs, dtype=self.dtype, name=name)

    def workspace(self, m: int) -> list[Slot]:
        """The layers' slots (buffers) for batches of ``m`` rows, built once per size.

        The first slot's ``X`` is the input, with its column of ones when the first
        layer is Dense; the last slot's ``Y`` holds the logits. See :mod:`mlpkit.layers`.
        """
        ws = self._workspaces.get(m)
        if ws is None:
            if len(self._workspaces) >= 4:  # batch size, last batch, prediction chunks
                self._workspaces.clear()
                self._inputs.clear()
            ws = self._workspaces[m] = build_slots(self.layers, m, self.dtype)
            # The input buffer [X 1], its column of ones filled once.
            self._inputs[m] = np.ones((m, self.n_inputs + 1), dtype=self.dtype)
        return ws

    def forward_pass(
        self, ws: list[Slot], training: bool = False, rng: np.random.Generator | None = None
    ) -> Array:
        """Run every layer's ``forward`` over the workspace ``ws``; returns the logits
        (the last slot's output). The caller has put the input in ``ws[0].X``."""
        for layer, s in zip(self.layers, ws):
            layer.forward(s, training, rng)
        return ws[-1].Y

    def backward_pass(self, ws: list[Slot], dZ: Array) -> Array:
        """Backpropagate dL/dZ of the logits through ``ws`` (after :meth:`forward_pass`);
        fills and returns the flat gradient :attr:`grad`. ``dZ`` is overwritten."""
        d: Any = dZ
        for layer, s in zip(reversed(self.layers), reversed(ws)):
            d = layer.backward(d, s)
        return self._grad

    def _load_input(self, ws: list[Slot], X: Array) -> None:
        if not isinstance(X, np.ndarray):  # sparse: the first Dense multiplies it as it is
            if not isinstance(self.layers[0], Dense):
                raise TypeError(
                    "Sparse input needs a network whose first layer is Dense; densify X "
                    "(X.toarray()) for this one."
                )
            ws[0].X = X
        elif self.layers[0].wants_ones:
            ws[0].X = buf = self._inputs[X.shape[0]]
            buf[:, :-1] = X  # [X 1]: the first Dense's input carries the ones
        else:
            ws[0].X = X

    def logits(self, X: Array, training: bool = False, rng: np.random.Generator | None = None):
        """The logits (before the output head) for an already validated ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_inputs), of the network's dtype
            Not validated (see :meth:`check_input`).

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
            A new array.
        """
        return self.partial_forward(X, len(self.layers), training, rng)

    def partial_forward(
        self,
        X: Array,
        n_layers: int,
        training: bool = False,
        rng: np.random.Generator | None = None,
    ) -> Array:
        """The output of the first ``n_layers`` top-level layers for a validated ``X``
        (dense or sparse), computed in chunks of :attr:`chunk_rows` rows.

        Returns
        -------
        ndarray of shape (n_samples, layers[n_layers - 1].n_out)
        """
        if not 1 <= n_layers <= len(self.layers):
            raise ValueError(f"n_layers must lie in [1, {len(self.layers)}]; got {n_layers}.")
        n = X.shape[0]
        out = np.empty((n, self.layers[n_layers - 1].n_out), dtype=self.dtype)
        step = self.chunk_rows
        for start in range(0, n, step):
            m = min(step, n - start)
            ws = self.workspace(m)
            self._load_input(ws, X[start : start + m])
            for layer, s in zip(self.layers[:n_layers], ws):
                layer.forward(s, training, rng)
            out[start : start + m] = ws[n_layers - 1].Y
        return out

    def penalty(self, weight_decay: float) -> float:
        """Weight decay's term of the loss, ``λ Σ_k ||W_k||²`` (lectures: L4 "Weight
        decay"); biases are not decayed."""
        if not weight_decay:
            return 0.0
        return weight_decay * sum(float(np.dot(d.W.ravel(), d.W.ravel())) for d in self._dense)

    def add_decay_gradient(self, weight_decay: float) -> None:
        """Add ``2 λ W_k`` to each Dense layer's gradient (the penalty's derivative)."""
        for d in self._dense:
            d.dW += (2 * weight_decay) * d.W

    def loss_grad(
        self,
        X: Array,
        Y: Array,
        sample_weight: Array | None = None,
        weight_decay: float = 0.0,
        training: bool = False,
        rng: np.random.Generator | None = None,
    ) -> tuple[float, Array, Array]:
        """Loss, gradient and predictions of one batch, without re-validating it.

        The training step every front end uses (the Trainer, L-BFGS, the estimators).

        Parameters
        ----------
        X : ndarray of shape (m, n_inputs), of the network's dtype
        Y : ndarray of shape (m, n_outputs)
            As returned by :meth:`prepare_targets`.
        sample_weight : ndarray of shape (m,), optional
        weight_decay : float
            λ in ``E(w) + λ Σ_k ||W_k||²``.
        training : bool
            Dropout active.
        rng : Generator, optional
            For dropout masks.

        Returns
        -------
        loss : float
        grad : ndarray of shape (n_params,)
            The network's flat gradient buffer :attr:`grad` (not a copy).
        A : ndarray of shape (m, n_outputs)
            The predictions ``head(Z)``.
        """
        ws = self.workspace(X.shape[0])
        self._load_input(ws, X)
        Z = self.forward_pass(ws, training, rng)
        loss, dZ, A = self.loss(Z, Y, self.head, sample_weight)
        self.backward_pass(ws, dZ)
        if weight_decay:
            loss += self.penalty(weight_decay)
            self.add_decay_gradient(weight_decay)
        return loss, self._grad, A

    @property
    def grad(self) -> Array:
        """The flat gradient buffer, same layout as :attr:`params` (a live view)."""
        return self._grad

    def forward(self, X: Any) -> Array:
        """Predictions after the output head, for ``X`` of shape (n_samples, n_inputs).

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        return self.head(self.logits(self.check_input(X)))

    __call__ = forward

    def decision_function(self, X: Any) -> Array:
        """The logits (before the output head), of shape (n_samples, n_outputs)."""
        return self.logits(self.check_input(X))

    def hidden(self, X: Any) -> list[Array]:
        """The output of every top-level layer for ``X`` (copies), input first."""
        H = self.check_input(X)
        out = [H.copy()]
        for layer in self.layers:
            H = layer(H)
            out.append(H)
        return out

    def predict(self, X: Any) -> Array:
        """Regression heads: the outputs, shape (n_samples, n_outputs). Softmax: the
        class index of shape (n_samples,). Logistic: 0/1 labels, shape (n_samples,) for
        one output and (n_samples, n_outputs) for several (multi-label)."""
        A = self.forward(X)
        if self.head.name == "softmax":
            return A.argmax(axis=1)
        if self.head.name == "logistic":
            labels = (A >= 0.5).astype(np.int64)
            return labels[:, 0] if self.n_outputs == 1 else labels
        return A

    def predict_proba(self, X: Any) -> Array:
        """Class probabilities for classifier heads (softmax or logistic)."""
        if not self.head.is_classifier:
            raise ValueError(
                f"predict_proba needs a 'softmax' or 'logistic' output; this network's "
                f"output is {self.head.name!r} (a regression head). Use forward or predict."
            )
        return self.forward(X)

    def score(self, X: Any, Y: Any) -> float:
        """Accuracy for classifier heads, R² (averaged over outputs) for regression;
        see :mod:`mlpkit.metrics`."""
        A = self.forward(X)
        Y = np.asarray(Y)
        if self.head.name == "softmax" and Y.ndim == 1:
            return metrics.accuracy(A, Y, "softmax")
        return metrics.score(A, Y.reshape(A.shape), self.head.name)

    def prepare_targets(self, Y: Any) -> Array:
        """Validate ``Y`` for this network's loss; see :meth:`Loss.prepare_targets`."""
        return self.loss.prepare_targets(Y, self.n_outputs, self.dtype)

    def check_data(
        self, X: Any, Y: Any, sample_weight: Any = None, name: str = "X"
    ) -> tuple[Array, Array, Array | None]:
        """Validate a training set: X (see :meth:`check_input`), targets for this loss
        (:meth:`prepare_targets`), the same number of rows, and finite, non-negative
        sample weights (one per row) in the network's dtype."""
        Xc = self.check_input(X, name)
        Yc = self.prepare_targets(Y)
        check_same_rows(Xc, Yc, (name, "Y" if name == "X" else "validation Y"))
        sw = None
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=self.dtype)
            if sw.shape != (Xc.shape[0],):
                raise ValueError(
                    f"sample_weight must have shape ({Xc.shape[0]},), one weight per sample; "
                    f"got {sw.shape}."
                )
            if not np.all(np.isfinite(sw)) or sw.min() < 0:
                raise ValueError("sample_weight must be finite and non-negative.")
        return Xc, Yc, sw

    def loss_and_grad(
        self,
        X: Any,
        Y: Any,
        sample_weight: Any = None,
        weight_decay: float = 0.0,
    ) -> tuple[float, Array]:
        """The loss and its gradient with respect to the flat parameter vector.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        Y : array-like of shape (n_samples, n_outputs), or (n_samples,)
            Targets; class labels 0..K-1 for a softmax output.
        sample_weight : array-like of shape (n_samples,), optional
        weight_decay : float
            λ in ``E(w) + λ Σ ||W_k||²``.

        Returns
        -------
        loss : float
        grad : ndarray of shape (n_params,)
            Same layout as :attr:`params`.
        """
        Xc, Yc, sw = self.check_data(X, Y, sample_weight)
        loss, grad, _ = self.loss_grad(Xc, Yc, sw, weight_decay)
        return loss, grad.copy()

    def fit(self, X: Any, Y: Any, optimizer: Any = "adam", epochs: int = 10,
            batch_size: int | None = 32, **kwargs: Any):  # fmt: skip
        """Train the network; see :func:`mlpkit.training.fit` for every option.

        Calling ``fit`` again continues from the current weights (and, when the same
        optimizer name is given, the same optimizer state).

        Returns
        -------
        History
        """
        from .training import fit

        return fit(self, X, Y, optimizer=optimizer, epochs=epochs, batch_size=batch_size, **kwargs)

    # ------------------------------------------------------------------ configuration
    def get_config(self) -> dict[str, Any]:
        """A JSON-serialisable description from which :meth:`from_config` rebuilds the
        architecture (not the weights)."""
        return {
            "layer_sizes": list(self.layer_sizes),
            "output": self.head.name,
            "loss": self.loss.name,
            "huber_delta": self.loss.delta,
            "dtype": self.dtype.name,
            "init": self.init,
            "activations": list(self._activation_names),
            "residual": list(self._residual),
            "options": dict(self._options),
            "layers": [layer.config() for layer in self.layers],
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MLP:
        """Rebuild the architecture described by :meth:`get_config` (weights zeroed)."""
        from .layers import layer_from_config

        layers = [layer_from_config(c) for c in config["layers"]]
        net = cls.from_layers(layers, output=config["output"], dtype=config.get("dtype", "float32"))
        net.loss = get_loss(config["loss"], delta=config.get("huber_delta"))
        net.init = config.get("init", "custom")
        net.params[...] = 0
        return net


def as_network(obj: Any) -> MLP:
    """The :class:`MLP` behind ``obj``: the network itself, a fitted estimator's ``net_``
    or a model file's ``net`` (:class:`mlpkit.io.Model`). The one adapter every front end
    uses; the network is shared, not copied.

    Raises
    ------
    TypeError
        When ``obj`` holds no network (e.g. an estimator that is not fitted yet).
    """
    if isinstance(obj, MLP):
        return obj
    for name in ("net_", "net"):
        net = getattr(obj, name, None)
        if isinstance(net, MLP):
            return net
    raise TypeError(
        f"Expected an mlpkit.MLP, a fitted MLPClassifier/MLPRegressor or a loaded model; got "
        f"{type(obj).__name__}. (An estimator needs fit() first.)"
    )


def _check_pairing(loss: Loss, head: OutputHead) -> None:
    """Cross-entropies need probabilities: refuse heads whose outputs can leave [0, 1].
    The Poisson loss takes ln of the prediction: refuse heads that can reach 0 or below."""
    if loss.name == "poisson" and head.name not in ("exp", "softplus"):
        raise ValueError(
            f"loss='poisson' takes the logarithm of the predictions, but output={head.name!r} "
            "can be zero or negative. Use output='exp' (its canonical head) or 'softplus'."
        )
    if loss.name in ("binary_cross_entropy", "cross_entropy") and head.name not in (
        "logistic",
        "softmax",
    ):
        want = "logistic" if loss.name == "binary_cross_entropy" else "softmax"
        raise ValueError(
            f"loss={loss.name!r} compares probabilities, but output={head.name!r} can leave "
            f"[0, 1]. Use output={want!r} (or a squared-error loss for this output)."
        )


def _describe(layers: list[Layer]) -> tuple[list[str], list[bool], dict[str, list[Any]]]:
    """Each hidden block's activation, residual wrapper, layer norm and dropout, read
    from the layers themselves (a block starts at a Dense layer or a Residual one)."""
    blocks: list[tuple[list[Layer], bool]] = []
    for layer in layers:
        if isinstance(layer, Residual):
            blocks.append((list(layer.layers), True))
        elif isinstance(layer, Dense) or not blocks:
            blocks.append(([layer], False))
        else:
            blocks[-1][0].append(layer)
    acts, residual, norms, drops = [], [], [], []
    for block, is_res in blocks[:-1]:  # the last block is the output layer
        names = [lay.act.name for lay in block if isinstance(lay, ActivationLayer)]
        names += ["prelu" for lay in block if isinstance(lay, PReLU)]
        acts.append(names[0] if names else "identity")
        residual.append(is_res)
        norms.append(any(isinstance(lay, LayerNorm) for lay in block))
        drops.append(next((lay.p for lay in block if isinstance(lay, Dropout)), 0.0))
    return acts, residual, {"layer_norm": norms, "dropout": drops}


def _walk(layers: list[Layer]):
    for layer in layers:
        yield layer
        yield from _walk(layer.children())


def parameter_count(
    layer_sizes: Sequence[int],
    residual: bool | Sequence[bool] = False,
    layer_norm: bool | Sequence[bool] = False,
    activation: str | Sequence[str] = "relu",
) -> int:
    """Number of parameters of an MLP, without building it.

    Each Dense layer has ``n_in · n_out`` weights and ``n_out`` biases (lecture L0,
    "Question 2"; lecture L1 "Number of parameters"). Residual connections add no
    parameters; layer norm adds 2 per unit, PReLU 1 per unit.

    Examples
    --------
    >>> parameter_count([1, 3, 1])
    10
    >>> parameter_count([2, 10, 20, 10, 10, 1], residual=True)
    581
    """
    sizes = _check_sizes(layer_sizes)
    n_hidden = len(sizes) - 2
    norms = _per_layer(layer_norm, n_hidden, "layer_norm")
    acts = _per_layer(activation, n_hidden, "activation")
    _per_layer(residual, n_hidden, "residual")  # validate only: skips are free
    total = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    for k in range(n_hidden):
        total += 2 * sizes[k + 1] if norms[k] else 0
        total += sizes[k + 1] if canonical_name(acts[k]) == "prelu" else 0
    return total
