"""Layers: forward and backward side by side, with the lectures' equations.

This is the code that trains every network: there is no second, faster copy.

Contract
--------
A layer declares its parameters with :meth:`Layer.param_shapes` and never allocates
them: the network owns ONE flat parameter vector ``w = [W1 | b1 | W2 | b2 | ...]``
(lectures: L4 "Compact notation") and a flat gradient of the same layout, and hands
each layer its slices through :meth:`Layer.bind`. A Dense layer's ``Wb = [W; b]`` is one
contiguous (n_in + 1, n_out) block of that vector, and ``W``, ``b`` are views into it;
``dWb``, ``dW`` and ``db`` are the matching views of the gradient.

Layers are stateless between calls: what a forward pass keeps for the backward pass
lives in a :class:`Slot`, the layer's place in a *workspace* of buffers that the network
builds once per batch size (scikit-learn's ``_forward_pass``/``_backprop`` keep their
activations the same way). A slot holds

* ``X`` — the layer's input, of shape (m, n_in), or (m, n_in + 1) with a trailing
  column of ones when the layer is Dense: then ``Z = [X 1] [W; b]`` is one GEMM;
* ``Y`` — the (m, n_out) buffer the layer writes, and ``out`` — the array the next
  layer reads: ``Y`` itself, or ``Y`` with the column of ones when the next layer is
  Dense (``Y`` is then the left part of ``out``, so writing ``Y`` fills ``out``);
* ``dX`` — a buffer for dL/dX where the layer needs one (Dense); elementwise layers
  overwrite the incoming gradient in place instead.

``forward(s, training, rng)`` reads ``s.X`` and writes ``s.Y``. ``backward(dY, s)``
receives dL/dY (which it may overwrite), writes the parameter gradients into the
gradient views (overwriting, not accumulating) and returns dL/dX (None when
``s.need_dX`` is False: the first layer's input gradient is never used).

For interactive use and tests, calling a layer on an array, ``layer(X)``, runs the
same ``forward`` on a slot of its own and returns a copy; ``layer.backprop(dY)`` then
runs ``backward`` on that slot.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from .activations import Activation, get_activation
from .init import get_initializer

__all__ = [
    "ActivationLayer",
    "Dense",
    "Dropout",
    "Layer",
    "LayerNorm",
    "PReLU",
    "Residual",
    "Slot",
    "bind_views",
    "build_slots",
    "layer_from_config",
]

Array = np.ndarray


class Slot:
    """One layer's buffers in a workspace (see the module docstring)."""

    __slots__ = ("X", "Y", "out", "dX", "need_dX", "tmp", "children", "dot")

    def __init__(self, Y: Array, out: Array, dX: Array | None = None, tmp: Array | None = None):
        self.X: Any = None
        self.Y, self.out, self.dX, self.tmp = Y, out, dX, tmp
        self.need_dX = True
        self.children: list[Slot] = []
        # np.dot is matmul with less dispatch, but writes only into a C-contiguous Y; Y is
        # a column slice of [Y 1] when a Dense layer reads it directly.
        self.dot: Any = np.dot if Y.flags.c_contiguous else np.matmul


def _output(m: int, width: int, dtype: Any, ones: bool) -> tuple[Array, Array]:
    """An output buffer (m, width), or (m, width + 1) with a last column of ones."""
    if not ones:
        Y = np.empty((m, width), dtype=dtype)
        return Y, Y
    out = np.empty((m, width + 1), dtype=dtype)
    out[:, -1] = 1
    return out[:, :-1], out


def bind_views(obj: Any, shapes: list[tuple[str, tuple[int, ...]]], params: Array,
               grads: Array) -> None:  # fmt: skip
    """Set ``obj.<name>`` and ``obj.d<name>`` to consecutive views of ``params`` and
    ``grads`` for each (name, shape) in ``shapes``."""
    offset = 0
    for name, shape in shapes:
        size = int(np.prod(shape))
        setattr(obj, name, params[offset : offset + size].reshape(shape))
        setattr(obj, "d" + name, grads[offset : offset + size].reshape(shape))
        offset += size


def build_slots(layers: list[Layer], m: int, dtype: Any, ones_after: bool = False) -> list[Slot]:
    """The slots of a stack of layers for batches of ``m`` rows.

    Layer i's input is layer i-1's ``out`` (the first layer's ``X`` is set by the
    caller). ``ones_after``: whether whatever reads the last layer's output is Dense.
    """
    slots: list[Slot] = []
    for i, layer in enumerate(layers):
        ones = layers[i + 1].wants_ones if i + 1 < len(layers) else ones_after
        s = layer.make_slot(m, dtype, ones)
        if slots:
            s.X = slots[-1].out
        slots.append(s)
    if slots:
        slots[0].need_dX = False
    return slots


class Layer:
    """Base class: a differentiable map from (m, n_in) to (m, n_out)."""

    n_in: int
    n_out: int
    #: Whether this layer computes on inputs that carry a trailing column of ones.
    wants_ones = False

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """Names and shapes of the parameters, in their order in the flat vector."""
        return []

    @property
    def n_params(self) -> int:
        return sum(int(np.prod(s)) for _, s in self.param_shapes())

    def bind(self, params: Array, grads: Array) -> None:
        """Attach views of the flat parameter and gradient vectors (1-D slices)."""
        bind_views(self, self.param_shapes(), params, grads)

    def init_params(self, rng: np.random.Generator) -> None:
        """Fill the bound parameters with their initial values."""

    def make_slot(self, m: int, dtype: Any, ones: bool) -> Slot:
        """This layer's buffers for batches of ``m`` rows (elementwise layers: no dX)."""
        return Slot(*_output(m, self.n_out, dtype, ones))

    def forward(self, s: Slot, training: bool = False, rng: np.random.Generator | None = None):
        raise NotImplementedError

    def backward(self, dY: Array, s: Slot) -> Array | None:
        raise NotImplementedError

    def children(self) -> list[Layer]:
        return []

    # ------------------------------------------------------------------ direct use
    def __call__(self, X: Any, training: bool = False, rng: np.random.Generator | None = None):
        """Run :meth:`forward` on an array; returns a new (m, n_out) array."""
        X = np.asarray(X)
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        s = build_slots([self], X.shape[0], dtype)[0]
        s.need_dX = True
        if self.wants_ones:
            s.X = np.ones((X.shape[0], X.shape[1] + 1), dtype=dtype)
            s.X[:, :-1] = X
        else:
            s.X = np.asarray(X, dtype=dtype)
        self.forward(s, training, rng)
        self._direct = s
        return s.Y.copy()

    def backprop(self, dY: Any) -> Array:
        """Run :meth:`backward` after a direct call ``layer(X)``; returns dL/dX."""
        s = getattr(self, "_direct", None)
        if s is None:
            raise RuntimeError("Call the layer on an input, layer(X), before backprop(dY).")
        dX = self.backward(np.array(dY, dtype=s.Y.dtype), s)
        assert dX is not None
        return dX[:, : self.n_in].copy()

    def __getstate__(self) -> dict[str, Any]:
        # A pickle carries the layer's definition only, never the last batch.
        return {k: v for k, v in self.__dict__.items() if k != "_direct"}

    def config(self) -> dict[str, Any]:
        return {"type": type(self).__name__}


class Dense(Layer):
    """Fully connected layer, batch-first: ``Z = X W + b``.

    Parameters
    ----------
    n_in, n_out : int
    init : str
        A name from :data:`mlpkit.init.INITIALIZERS`.

    Attributes
    ----------
    Wb : ndarray of shape (n_in + 1, n_out)
        ``[W; b]``, one contiguous block of the flat parameter vector.
    W : ndarray of shape (n_in, n_out)
        The lectures' convention (rows are samples, ``H = A W + b``; lectures: L4
        "Batch form"). PyTorch's ``nn.Linear`` stores the transpose, (n_out, n_in).
    b : ndarray of shape (n_out,)

    Notes
    -----
    Forward: :math:`Z = X W + b = [X\\ 1] [W; b]`.

    Backward: :math:`dW = X^T dZ`, :math:`db = 1^T dZ`, i.e.
    :math:`[dW; db] = [X\\ 1]^T dZ`, and :math:`dX = dZ W^T`.

    With the column of ones in its input (the workspace puts it there), each is one
    GEMM.
    """

    W: Array
    b: Array
    Wb: Array
    dW: Array
    db: Array
    dWb: Array
    wants_ones = True

    def __init__(self, n_in: int, n_out: int, init: str = "glorot_uniform"):
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.init = init
        self._init_fn = get_initializer(init)

    def __repr__(self) -> str:
        return f"Dense({self.n_in} → {self.n_out})"

    def param_shapes(self):
        return [("W", (self.n_in, self.n_out)), ("b", (self.n_out,))]

    def bind(self, params, grads):
        # W (row-major) followed by b is the (n_in + 1, n_out) matrix [W; b].
        self.Wb = params.reshape(self.n_in + 1, self.n_out)
        self.dWb = grads.reshape(self.n_in + 1, self.n_out)
        self.W, self.b = self.Wb[:-1], self.Wb[-1]
        self.dW, self.db = self.dWb[:-1], self.dWb[-1]

    def init_params(self, rng):
        self.W[...] = self._init_fn(rng, self.n_in, self.n_out, self.W.dtype)
        self.b[...] = 0

    def make_slot(self, m, dtype, ones):
        s = Slot(*_output(m, self.n_out, dtype, ones))
        s.dX = np.empty((m, self.n_in), dtype=dtype)
        return s

    def forward(self, s, training=False, rng=None):
        X, Z, mm = s.X, s.Y, s.dot
        if X.shape[1] > self.n_in:
            mm(X, self.Wb, out=Z)  # Z = [X 1] [W; b] = X W + b
        else:  # an input without the column of ones
            if isinstance(X, np.ndarray):
                mm(X, self.W, out=Z)  # Z = X W
            else:  # a sparse batch: the product never densifies it
                Z[...] = X @ self.W
            Z += self.b  # ... + b

    def backward(self, dZ, s):
        X = s.X
        if X.shape[1] > self.n_in:
            np.dot(X.T, dZ, out=self.dWb)  # [dW; db] = [X 1]ᵀ dZ
        else:
            if isinstance(X, np.ndarray):
                np.dot(X.T, dZ, out=self.dW)  # dW = Xᵀ dZ
            else:
                self.dW[...] = X.T @ dZ  # sparse Xᵀ times dense dZ
            np.add.reduce(dZ, axis=0, out=self.db)  # db = 1ᵀ dZ
        if not s.need_dX:
            return None
        np.dot(dZ, self.W.T, out=s.dX)  # dX = dZ Wᵀ
        return s.dX

    def config(self):
        return {"type": "Dense", "n_in": self.n_in, "n_out": self.n_out, "init": self.init}


class ActivationLayer(Layer):
    """An elementwise activation from the table: ``A = f(Z)``, ``dZ = dA ⊙ f'(Z)``.

    Notes
    -----
    For tanh this is the lectures' recursion :math:`G_{l-1} = (1 - A \\odot A) \\odot
    (G_l W_l^T)` (lectures: L4 "Backpropagation"): the factor :math:`G_l W_l^T` is the
    Dense layer's ``dX``, which this layer multiplies in place. ReLU, tanh and the
    logistic function are computed in place on the workspace's buffers; the comment on
    each line names the formula it computes. The other rows use the table's ``f`` and
    ``f'`` (:mod:`mlpkit.activations`).
    """

    def __init__(self, activation: str | Activation, n_units: int, **params: Any):
        self.act = get_activation(activation, **params)
        self.n_in = self.n_out = int(n_units)

    def __repr__(self) -> str:
        return f"Activation({self.act.name})"

    def make_slot(self, m, dtype, ones):
        s = Slot(*_output(m, self.n_out, dtype, ones))
        if self.act.name in ("tanh", "logistic"):
            s.tmp = np.empty((m, self.n_out), dtype=dtype)
        return s

    def forward(self, s, training=False, rng=None):
        Z, A, name = s.X, s.Y, self.act.name
        if name == "relu":
            np.maximum(Z, 0, out=A)  # A = max(0, Z)
        elif name == "tanh":
            np.tanh(Z, out=A)
        elif name == "logistic":
            special.expit(Z, out=A)  # A = 1 / (1 + exp(-Z))
        elif name == "identity":
            np.copyto(A, Z)
        else:
            A[...] = self.act.f(Z)

    def backward(self, dA, s):
        Z, A, name = s.X, s.Y, self.act.name
        if name == "relu":
            dA *= Z >= 0  # dZ = dA ⊙ [Z ≥ 0]   (lectures: L1, ReLU'(z) = 1 for z ≥ 0)
        elif name in ("tanh", "logistic"):
            t = s.tmp
            np.multiply(A, A, out=t)  # t = A ⊙ A
            if name == "tanh":
                np.subtract(1, t, out=t)  # t = 1 - A ⊙ A          (tanh' = 1 - f²)
            else:
                np.subtract(A, t, out=t)  # t = A - A ⊙ A = A(1-A)  (σ' = σ(1 - σ))
            dA *= t
        elif name != "identity":
            dA *= self.act.df(Z, A)  # dZ = dA ⊙ f'(Z)
        return dA

    def config(self):
        return {"type": "Activation", "name": self.act.name, "params": dict(self.act.params),
                "n_units": self.n_in}  # fmt: skip


class PReLU(Layer):
    """Parametric ReLU with one learnable slope per unit (He et al. 2015).

    ``f(α, x) = x if x ≥ 0 else α x``; ``df/dx = 1 or α``; ``df/dα = min(x, 0)``.
    Slopes start at 0.25 (He et al. 2015, as PyTorch). Monotonic iff α ≥ 0; the
    identity iff α = 1 (lectures: L3 "Activation functions").
    """

    alpha: Array
    dalpha: Array

    def __init__(self, n_units: int, alpha_init: float = 0.25):
        self.n_in = self.n_out = int(n_units)
        self.alpha_init = float(alpha_init)

    def __repr__(self) -> str:
        return f"PReLU({self.n_in})"

    def param_shapes(self):
        return [("alpha", (self.n_in,))]

    def init_params(self, rng):
        self.alpha[...] = self.alpha_init

    def make_slot(self, m, dtype, ones):
        s = Slot(*_output(m, self.n_out, dtype, ones))
        s.tmp = np.empty((m, self.n_out), dtype=dtype)
        return s

    def forward(self, s, training=False, rng=None):
        Z, A = s.X, s.Y
        np.minimum(Z, 0, out=s.tmp)  # t = min(Z, 0)
        np.maximum(Z, 0, out=A)
        A += self.alpha * s.tmp  # A = max(Z, 0) + α min(Z, 0)

    def backward(self, dA, s):
        Z, t = s.X, s.tmp
        np.minimum(Z, 0, out=t)
        t *= dA
        np.add.reduce(t, axis=0, out=self.dalpha)  # dα = Σ_n dA ⊙ min(Z, 0)
        dA *= np.where(Z >= 0, 1, self.alpha).astype(dA.dtype)  # dZ = dA ⊙ f'(Z)
        return dA

    def config(self):
        return {"type": "PReLU", "n_units": self.n_in, "alpha_init": self.alpha_init}


class LayerNorm(Layer):
    """Layer normalisation (Ba, Kiros & Hinton 2016) over the features of each sample.

    ``y = γ ⊙ x̂ + β`` with ``x̂ = (x - μ) / sqrt(σ² + ε)``, μ and σ² the mean and
    variance of the row.

    Backward, with D the width and r = 1/sqrt(σ² + ε):
    ``dγ = Σ_n dY ⊙ x̂``, ``dβ = Σ_n dY``,
    ``dX = r / D (D g - Σ_j g - x̂ Σ_j g ⊙ x̂)`` where ``g = dY ⊙ γ``.
    """

    gamma: Array
    beta: Array
    dgamma: Array
    dbeta: Array

    def __init__(self, n_units: int, eps: float = 1e-5):
        self.n_in = self.n_out = int(n_units)
        self.eps = float(eps)

    def __repr__(self) -> str:
        return f"LayerNorm({self.n_in})"

    def param_shapes(self):
        return [("gamma", (self.n_in,)), ("beta", (self.n_in,))]

    def init_params(self, rng):
        self.gamma[...] = 1
        self.beta[...] = 0

    def make_slot(self, m, dtype, ones):
        s = Slot(*_output(m, self.n_out, dtype, ones))
        D = self.n_out
        # x̂ and a scratch block (m, D); r = 1/sqrt(σ² + ε), Σ_j g and Σ_j g x̂ per row.
        # Separate contiguous buffers: strided views made every pass slower.
        s.tmp = (np.empty((m, D), dtype), np.empty((m, D), dtype), np.empty((m, 1), dtype),
                 np.empty((m, 1), dtype), np.empty((m, 1), dtype))  # fmt: skip
        return s

    def forward(self, s, training=False, rng=None):
        X, D = s.X, self.n_in
        xhat, _, r, _, _ = s.tmp
        np.einsum("ij->i", X, out=r[:, 0])  # Σ_j x (einsum: a row sum without a temporary)
        r *= 1.0 / D  # μ (kept in r's buffer for a moment)
        np.subtract(X, r, out=xhat)  # x - μ
        np.einsum("ij,ij->i", xhat, xhat, out=r[:, 0])
        r *= 1.0 / D  # σ²
        r += self.eps
        np.sqrt(r, out=r)
        np.divide(1, r, out=r)  # r = 1 / sqrt(σ² + ε)
        xhat *= r  # x̂ = (x - μ) r
        np.multiply(xhat, self.gamma, out=s.Y)
        s.Y += self.beta  # y = γ ⊙ x̂ + β

    def backward(self, dY, s):
        D = self.n_in
        xhat, t, r, s1, s2 = s.tmp
        np.einsum("ij,ij->j", dY, xhat, out=self.dgamma)  # dγ = Σ_n dY ⊙ x̂
        np.add.reduce(dY, axis=0, out=self.dbeta)  # dβ = Σ_n dY
        dY *= self.gamma  # g = dY ⊙ γ
        np.einsum("ij->i", dY, out=s1[:, 0])
        np.einsum("ij,ij->i", dY, xhat, out=s2[:, 0])
        s1 *= 1.0 / D  # Σ_j g / D
        s2 *= 1.0 / D  # Σ_j g x̂ / D
        np.multiply(xhat, s2, out=t)
        dY -= t
        dY -= s1
        dY *= r  # dX = r (g - Σ_j g / D - x̂ Σ_j g x̂ / D)
        return dY

    def config(self):
        return {"type": "LayerNorm", "n_units": self.n_in, "eps": self.eps}


class Dropout(Layer):
    """Inverted dropout (Srivastava et al. 2014): in training, each unit is zeroed with
    probability ``p`` and the survivors are scaled by 1/(1-p), so that evaluation needs
    no rescaling. The identity when not training."""

    def __init__(self, n_units: int, p: float):
        if not 0 <= p < 1:
            raise ValueError(f"dropout must be in [0, 1); got {p}.")
        self.n_in = self.n_out = int(n_units)
        self.p = float(p)

    def __repr__(self) -> str:
        return f"Dropout({self.p})"

    def make_slot(self, m, dtype, ones):
        s = Slot(*_output(m, self.n_out, dtype, ones))
        s.tmp = np.empty((m, self.n_out), dtype=dtype)  # the mask; row 0 col 0 = -1: unset
        return s

    def forward(self, s, training=False, rng=None):
        mask = s.tmp
        if not training or self.p == 0:
            mask[0, 0] = -1  # no mask: backward passes the gradient through
            np.copyto(s.Y, s.X)
            return
        if rng is None:
            raise ValueError("Dropout needs a random generator in training mode.")
        rng.random(mask.shape, dtype=mask.dtype, out=mask)
        keep = mask >= self.p  # keep each unit with probability 1 - p
        np.multiply(keep, mask.dtype.type(1 / (1 - self.p)), out=mask)
        np.multiply(s.X, mask, out=s.Y)  # Y = X ⊙ mask / (1 - p)

    def backward(self, dY, s):
        if s.tmp[0, 0] != -1:
            dY *= s.tmp  # dX = dY ⊙ mask / (1 - p)
        return dY

    def config(self):
        return {"type": "Dropout", "n_units": self.n_in, "p": self.p}


class Residual(Layer):
    """A residual block ``h + f(h)`` (He et al. 2016; the lectures' "bypass", L4 "ResNet").

    ``f`` is a sequence of layers from width D back to width D. Backward: the
    gradient flows through both paths, ``dX = dY + f'(dY)``, which is why residual
    connections keep gradients alive in deep networks (lectures: L4 "Vanishing and
    exploding gradients").
    """

    def __init__(self, layers: list[Layer]):
        if not layers:
            raise ValueError("A residual block needs at least one layer.")
        self.layers = list(layers)
        self.n_in, self.n_out = layers[0].n_in, layers[-1].n_out
        if self.n_in != self.n_out:
            raise ValueError(
                f"A residual block must map width {self.n_in} back to itself; its layers map "
                f"{self.n_in} → {self.n_out}."
            )

    @property
    def wants_ones(self) -> bool:  # type: ignore[override]
        return self.layers[0].wants_ones

    def __repr__(self) -> str:
        return f"Residual({', '.join(map(repr, self.layers))})"

    def children(self):
        return self.layers

    def param_shapes(self):
        return [(f"{i}.{n}", s) for i, layer in enumerate(self.layers) for n, s in
                layer.param_shapes()]  # fmt: skip

    def bind(self, params, grads):
        offset = 0
        for layer in self.layers:
            size = layer.n_params
            layer.bind(params[offset : offset + size], grads[offset : offset + size])
            offset += size

    def init_params(self, rng):
        for layer in self.layers:
            layer.init_params(rng)

    def make_slot(self, m, dtype, ones):
        s = Slot(*_output(m, self.n_out, dtype, ones))
        s.children = build_slots(self.layers, m, dtype)
        s.children[0].need_dX = True
        s.tmp = np.empty((m, self.n_in), dtype=dtype)  # the gradient of the f(h) path
        return s

    def forward(self, s, training=False, rng=None):
        inner = s.children
        inner[0].X = s.X
        for layer, c in zip(self.layers, inner):
            layer.forward(c, training, rng)
        np.add(s.X[:, : self.n_in], inner[-1].Y, out=s.Y)  # h + f(h)

    def backward(self, dY, s):
        d = s.tmp
        np.copyto(d, dY)  # the inner layers overwrite their gradient in place
        for layer, c in zip(reversed(self.layers), reversed(s.children)):
            d = layer.backward(d, c)
        d += dY  # dX = dY + f'(dY): the skip path adds the gradient unchanged
        return d

    def config(self):
        return {"type": "Residual", "layers": [layer.config() for layer in self.layers]}


def layer_from_config(cfg: dict[str, Any]) -> Layer:
    """Rebuild a layer from :meth:`Layer.config` output (used by :mod:`mlpkit.io`)."""
    kind = cfg.get("type")
    if kind == "Dense":
        return Dense(int(cfg["n_in"]), int(cfg["n_out"]), cfg.get("init", "glorot_uniform"))
    if kind == "Activation":
        return ActivationLayer(cfg["name"], int(cfg["n_units"]), **cfg.get("params", {}))
    if kind == "PReLU":
        return PReLU(int(cfg["n_units"]), float(cfg.get("alpha_init", 0.25)))
    if kind == "LayerNorm":
        return LayerNorm(int(cfg["n_units"]), float(cfg.get("eps", 1e-5)))
    if kind == "Dropout":
        return Dropout(int(cfg["n_units"]), float(cfg["p"]))
    if kind == "Residual":
        return Residual([layer_from_config(c) for c in cfg["layers"]])
    raise ValueError(f"Unknown layer type {kind!r} in the model configuration.")
