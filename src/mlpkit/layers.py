"""Layers: forward and backward side by side, with the lectures' equations.

Contract
--------
A layer declares its parameters with :meth:`Layer.param_shapes` and never allocates
them: the network owns ONE flat parameter vector ``w = [W1 | b1 | W2 | b2 | ...]``
(seed 004's compact notation) and a flat gradient of the same layout, and hands each
layer its slices through :meth:`Layer.bind`. A layer's ``W`` and ``b`` are views into
``w``, its ``dW`` and ``db`` views into the gradient.

``forward(X, training, rng)`` maps (n_samples, n_in) to (n_samples, n_out) and keeps
what ``backward`` needs. ``backward(dY)`` receives dL/dY, writes the layer's parameter
gradients into its gradient views (overwriting, not accumulating), and returns dL/dX.
``backward`` may overwrite ``dY`` in place; callers that still need it pass a copy.

The layers reuse their output buffers between calls of the same batch size, so an
array returned by ``forward`` is valid until the layer's next ``forward``. The
network's public methods return copies.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import Activation, get_activation
from .init import get_initializer

__all__ = ["ActivationLayer", "Dense", "Dropout", "Layer", "LayerNorm", "PReLU", "Residual"]

Array = np.ndarray


def _buffer(buf: Array | None, shape: tuple[int, ...], dtype: Any) -> Array:
    """Reuse ``buf`` when it already has this shape and dtype, else allocate."""
    if buf is not None and buf.shape == shape and buf.dtype == dtype:
        return buf
    return np.empty(shape, dtype=dtype)


class Layer:
    """Base class: a differentiable map from (n, n_in) to (n, n_out)."""

    n_in: int
    n_out: int

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """Names and shapes of the parameters, in their order in the flat vector."""
        return []

    @property
    def n_params(self) -> int:
        return sum(int(np.prod(s)) for _, s in self.param_shapes())

    def bind(self, params: Array, grads: Array) -> None:
        """Attach views of the flat parameter and gradient vectors (1-D slices)."""
        offset = 0
        for name, shape in self.param_shapes():
            size = int(np.prod(shape))
            setattr(self, name, params[offset : offset + size].reshape(shape))
            setattr(self, "d" + name, grads[offset : offset + size].reshape(shape))
            offset += size

    def init_params(self, rng: np.random.Generator) -> None:
        """Fill the bound parameters with their initial values."""

    def forward(self, X: Array, training: bool = False, rng: np.random.Generator | None = None):
        raise NotImplementedError

    def backward(self, dY: Array, need_dX: bool = True) -> Array | None:
        raise NotImplementedError

    def children(self) -> list[Layer]:
        return []

    def __getstate__(self) -> dict[str, Any]:
        # Work buffers and caches (private arrays: _X, _Z, _dX, _mask...) hold the last
        # batch. Pickle them as None (forward reallocates them), so a pickle carries only
        # the layer's definition, and a network loaded from a read-only memory map never
        # writes into mapped memory.
        return {
            k: None if k.startswith("_") and isinstance(v, np.ndarray) else v
            for k, v in self.__dict__.items()
        }

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
    W : ndarray of shape (n_in, n_out)
        Seed 004's convention (rows are samples, ``H = A W + b``). PyTorch's
        ``nn.Linear`` stores the transpose, (n_out, n_in).
    b : ndarray of shape (n_out,)

    Notes
    -----
    Forward (seed 004): :math:`Z = X W + b`.

    Backward: :math:`dW = X^T dZ`, :math:`db = 1^T dZ`, :math:`dX = dZ W^T`.

    Because ``W`` is stored row-major and ``b`` right after it, ``[W; b]`` is one
    contiguous (n_in + 1, n_out) matrix: seed 004's ``[W | b] [x; 1]``.
    """

    W: Array
    b: Array
    dW: Array
    db: Array

    def __init__(self, n_in: int, n_out: int, init: str = "glorot_uniform"):
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.init = init
        self._init_fn = get_initializer(init)
        self._X: Array | None = None
        self._Z: Array | None = None
        self._dX: Array | None = None

    def __repr__(self) -> str:
        return f"Dense({self.n_in} → {self.n_out})"

    def param_shapes(self):
        return [("W", (self.n_in, self.n_out)), ("b", (self.n_out,))]

    def init_params(self, rng):
        self.W[...] = self._init_fn(rng, self.n_in, self.n_out, self.W.dtype)
        self.b[...] = 0

    def forward(self, X, training=False, rng=None):
        self._X = X
        Z = self._Z = _buffer(self._Z, (X.shape[0], self.n_out), self.W.dtype)
        np.matmul(X, self.W, out=Z)  # Z = X W
        Z += self.b  # ... + b
        return Z

    def backward(self, dZ, need_dX=True):
        assert self._X is not None, "forward must run before backward"
        np.matmul(self._X.T, dZ, out=self.dW)  # dW = Xᵀ dZ
        np.add.reduce(dZ, axis=0, out=self.db)  # db = 1ᵀ dZ
        if not need_dX:
            return None
        dX = self._dX = _buffer(self._dX, (dZ.shape[0], self.n_in), self.W.dtype)
        np.matmul(dZ, self.W.T, out=dX)  # dX = dZ Wᵀ
        return dX

    def config(self):
        return {"type": "Dense", "n_in": self.n_in, "n_out": self.n_out, "init": self.init}


class ActivationLayer(Layer):
    """An elementwise activation from the table: ``A = f(Z)``, ``dZ = dA ⊙ f'(Z)``.

    (Named with a trailing underscore so that :class:`mlpkit.activations.Activation`,
    the table row, keeps the plain name.)

    Notes
    -----
    For tanh this is seed 004's recursion :math:`G_{l-1} = (1 - A \\odot A) \\odot
    (G_l W_l^T)`: the factor :math:`G_l W_l^T` is the Dense layer's ``dX``.
    ReLU, tanh and logistic are computed in place on preallocated buffers; the formula
    in each comment is what the in-place code computes.
    """

    def __init__(self, activation: str | Activation, n_units: int, **params: Any):
        self.act = get_activation(activation, **params)
        self.n_in = self.n_out = int(n_units)
        self._Z: Array | None = None
        self._A: Array | None = None
        self._tmp: Array | None = None

    def __repr__(self) -> str:
        return f"Activation({self.act.name})"

    def forward(self, Z, training=False, rng=None):
        self._Z = Z
        name = self.act.name
        if name == "identity":
            self._A = Z
            return Z
        A = self._A = _buffer(self._A, Z.shape, Z.dtype)
        if name == "relu":
            np.maximum(Z, 0, out=A)  # A = max(0, Z)
        elif name == "tanh":
            np.tanh(Z, out=A)
        else:
            A[...] = self.act.f(Z)
        return A

    def backward(self, dA, need_dX=True):
        Z, A, name = self._Z, self._A, self.act.name
        assert Z is not None and A is not None, "forward must run before backward"
        if name == "identity":
            return dA
        if name == "relu":
            dA *= Z >= 0  # dZ = dA ⊙ [Z ≥ 0]   (seed 001: ReLU'(z) = 1 for z ≥ 0)
            return dA
        if name in ("tanh", "logistic"):
            t = self._tmp = _buffer(self._tmp, A.shape, A.dtype)
            np.multiply(A, A, out=t)  # t = A ⊙ A
            if name == "tanh":
                np.subtract(1, t, out=t)  # t = 1 - A ⊙ A          (tanh' = 1 - f²)
            else:
                np.subtract(A, t, out=t)  # t = A - A ⊙ A = A(1-A)  (σ' = σ(1 - σ))
            dA *= t
            return dA
        dA *= self.act.df(Z, A)
        return dA

    def config(self):
        return {"type": "Activation", "name": self.act.name, "params": dict(self.act.params),
                "n_units": self.n_in}  # fmt: skip


class PReLU(Layer):
    """Parametric ReLU with one learnable slope per unit (He et al. 2015).

    ``f(α, x) = x if x ≥ 0 else α x``; ``df/dx = 1 or α``; ``df/dα = min(x, 0)``.
    Slopes start at 0.25 (He et al. 2015, as PyTorch). Monotonic iff α ≥ 0; the
    identity iff α = 1 (seed 004's table).
    """

    alpha: Array
    dalpha: Array

    def __init__(self, n_units: int, alpha_init: float = 0.25):
        self.n_in = self.n_out = int(n_units)
        self.alpha_init = float(alpha_init)
        self._Z: Array | None = None

    def __repr__(self) -> str:
        return f"PReLU({self.n_in})"

    def param_shapes(self):
        return [("alpha", (self.n_in,))]

    def init_params(self, rng):
        self.alpha[...] = self.alpha_init

    def forward(self, Z, training=False, rng=None):
        self._Z = Z
        return np.where(Z >= 0, Z, self.alpha * Z)

    def backward(self, dA, need_dX=True):
        Z = self._Z
        assert Z is not None
        np.add.reduce(dA * np.minimum(Z, 0), axis=0, out=self.dalpha)  # dα = Σ dA ⊙ min(Z, 0)
        dA *= np.where(Z >= 0, 1, self.alpha).astype(dA.dtype)  # dZ = dA ⊙ f'(Z)
        return dA

    def config(self):
        return {"type": "PReLU", "n_units": self.n_in, "alpha_init": self.alpha_init}


class LayerNorm(Layer):
    """Layer normalisation (Ba, Kiros & Hinton 2016) over the features of each sample.

    ``y = γ ⊙ (x - μ) / sqrt(σ² + ε) + β`` with μ, σ² the mean and variance of the row.

    Backward, with x̂ the normalised row, D the width and r = 1/sqrt(σ² + ε):
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
        self._xhat: Array | None = None
        self._rstd: Array | None = None

    def __repr__(self) -> str:
        return f"LayerNorm({self.n_in})"

    def param_shapes(self):
        return [("gamma", (self.n_in,)), ("beta", (self.n_in,))]

    def init_params(self, rng):
        self.gamma[...] = 1
        self.beta[...] = 0

    def forward(self, X, training=False, rng=None):
        mu = X.mean(axis=1, keepdims=True)
        xc = X - mu
        var = np.mean(xc * xc, axis=1, keepdims=True)
        self._rstd = 1 / np.sqrt(var + self.eps)
        self._xhat = xhat = xc * self._rstd
        return xhat * self.gamma + self.beta

    def backward(self, dY, need_dX=True):
        xhat, rstd = self._xhat, self._rstd
        assert xhat is not None and rstd is not None
        np.add.reduce(dY * xhat, axis=0, out=self.dgamma)
        np.add.reduce(dY, axis=0, out=self.dbeta)
        g = dY * self.gamma
        D = self.n_in
        return (rstd / D) * (
            D * g - g.sum(axis=1, keepdims=True) - xhat * np.sum(g * xhat, axis=1, keepdims=True)
        )

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
        self._mask: Array | None = None

    def __repr__(self) -> str:
        return f"Dropout({self.p})"

    def forward(self, X, training=False, rng=None):
        if not training or self.p == 0:
            self._mask = None
            return X
        if rng is None:
            raise ValueError("Dropout needs a random generator in training mode.")
        keep = rng.random(X.shape, dtype=np.float64 if X.dtype == np.float64 else np.float32)
        self._mask = (keep >= self.p).astype(X.dtype) * X.dtype.type(1 / (1 - self.p))
        return X * self._mask

    def backward(self, dY, need_dX=True):
        if self._mask is not None:
            dY *= self._mask
        return dY

    def config(self):
        return {"type": "Dropout", "n_units": self.n_in, "p": self.p}


class Residual(Layer):
    """A residual block ``h + f(h)`` (He et al. 2016; seed 004's "bypass").

    ``f`` is a sequence of layers from width D back to width D. Backward: the
    gradient flows through both paths, ``dX = dY + f'(dY)``, which is why residual
    connections keep gradients alive in deep networks (seed 004, "Vanishing and
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

    def forward(self, X, training=False, rng=None):
        H = X
        for layer in self.layers:
            H = layer.forward(H, training, rng)
        return X + H  # h + f(h)

    def backward(self, dY, need_dX=True):
        d = dY.copy()  # the inner layers overwrite their input gradient in place
        for layer in reversed(self.layers):
            d = layer.backward(d, True)
        assert d is not None
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
