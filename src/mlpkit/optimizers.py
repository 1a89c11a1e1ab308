"""Update rules on the flat parameter vector, sorted by increasing complexity.

(One concept, kept whole: the update rules share the Optimizer contract and the numba
switch, and read best in order, each a small step from the one before.)

Contract
--------
An optimizer holds its hyper-parameters and its own state (moments, step count) and
nothing else: on every call it receives the flat parameters ``w`` and the flat
gradient ``g`` and updates ``w`` in place. It never keeps a reference to the network's
arrays, so a network can be copied, pickled or reloaded and training continues
(scikit-learn's issue #19626 is what happens otherwise). ``state_dict()`` and
``load_state_dict()`` make the state explicit for checkpoints.

Two paths compute every update, with the same operations in the same order and
precision, so they give the same bits:

* NumPy (always there): in-place ufuncs over the whole flat vector, one pass per
  operation, into one preallocated scratch vector; each line carries the plain formula.
* numba (the optional ``fast`` extra, ``pip install 'mlpkit[fast]'``): the same update
  as one loop that reads and writes each array once (:mod:`mlpkit._kernels`).
  :func:`accelerator_for` states when it is used.

scikit-learn's own rules (:class:`SklearnSGD`, :class:`SklearnAdam`) are here too, so that
its estimators fit the same model as scikit-learn while training through the same loop.

L-BFGS is not a step rule: ``"lbfgs"`` makes :func:`mlpkit.training.fit` call
``scipy.optimize.minimize(method="L-BFGS-B")`` on the full batch.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
from types import ModuleType
from typing import Any

import numpy as np

__all__ = [
    "ACCELERATOR_MIN_PARAMS",
    "FLUSH_EVERY",
    "LBFGS",
    "OPTIMIZERS",
    "RMSProp",
    "SGD",
    "SKLEARN_OPTIMIZERS",
    "Adam",
    "AdamW",
    "Optimizer",
    "SklearnAdam",
    "SklearnSGD",
    "accelerator_available",
    "accelerator_for",
    "get_optimizer",
    "optimizer_from_state",
    "set_accelerator",
]

Array = np.ndarray

# ------------------------------------------------------------------ the numba path
#: ``"auto"`` uses the compiled kernels for vectors of at least this many parameters
#: (or for any size once they are loaded). Importing numba and loading the cached
#: kernels costs about half a second once per process; a one-pass Adam step saves about
#: 0.4 ms on 269k float32 parameters, but only microseconds on a few thousand, where a
#: short command-line run would pay more for the import than it gains.
ACCELERATOR_MIN_PARAMS = 65_536

_ACCELERATORS = ("auto", "numba", "numpy")


class _Accel:  # this process's choice, and the kernels once imported
    setting = "auto"
    kernels: ModuleType | None = None
    available: bool | None = None


def accelerator_available() -> bool:
    """Whether numba (the ``fast`` extra) is installed; it is not imported by this call."""
    if _Accel.available is None:
        _Accel.available = importlib.util.find_spec("numba") is not None
    return _Accel.available


def set_accelerator(name: str) -> str:
    """Choose the path of every optimizer step in this process; returns the previous one.

    Parameters
    ----------
    name : {"auto", "numba", "numpy"}
        ``"numpy"``: the in-place ufunc passes. ``"numba"``: the one-pass compiled kernels
        for every vector (numba must be installed). ``"auto"`` (the default, or the
        ``MLPKIT_ACCELERATOR`` environment variable): see :func:`accelerator_for`.
        Both paths give the same numbers, to the bit.
    """
    key = str(name).lower()
    if key not in _ACCELERATORS:
        raise ValueError(f"Unknown accelerator {name!r}; choose one of {_ACCELERATORS}.")
    if key == "numba" and not accelerator_available():
        raise ValueError(
            "The numba accelerator is not installed: pip install 'mlpkit[fast]' "
            "(or choose 'numpy')."
        )
    previous = _Accel.setting
    _Accel.setting = key
    return previous


def accelerator_for(n_params: int) -> str:
    """The path (``"numba"`` or ``"numpy"``) that a step over ``n_params`` parameters takes.

    ``"auto"`` takes numba when it is installed and either the vector has at least
    :data:`ACCELERATOR_MIN_PARAMS` parameters or the kernels are already loaded in this
    process (their one-off cost is then paid). Set with :func:`set_accelerator`.
    """
    return "numpy" if _kernels_for(n_params) is None else "numba"


def _kernels_for(n: int) -> ModuleType | None:
    setting = _Accel.setting
    if setting == "numpy":
        return None
    if _Accel.kernels is None:
        if setting == "auto" and (n < ACCELERATOR_MIN_PARAMS or not accelerator_available()):
            return None
        from . import _kernels  # imports numba: about 0.4 s, once per process

        _Accel.kernels = _kernels
    return _Accel.kernels


_env = os.environ.get("MLPKIT_ACCELERATOR", "").strip()
if _env:
    try:
        set_accelerator(_env)
    except ValueError as _exc:  # a bad value must not make `import mlpkit` fail
        print(f"mlpkit: ignoring MLPKIT_ACCELERATOR: {_exc}", file=sys.stderr)


class Optimizer:
    """Base class. Subclasses implement :meth:`_update` (NumPy) and :meth:`_fused` (numba)."""

    name = "optimizer"
    _state_arrays: tuple[str, ...] = ()

    def __init__(self, lr: float):
        _check_positive("lr", lr)
        self.lr = float(lr)
        self.t = 0  # number of steps taken
        self._tmp: Array | None = None
        self._flush = False  # this step's flushing (see FLUSH_EVERY)
        self._c: Array | None = None  # the kernels' scalars, in the parameters' dtype
        self._ready: Any = None  # (shape, dtype) the state arrays were last checked for

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.hyperparams().items())
        return f"{type(self).__name__}({args})"

    def hyperparams(self) -> dict[str, Any]:
        return {"lr": self.lr}

    def _ensure_state(self, w: Array) -> None:
        for name in self._state_arrays:
            arr = getattr(self, name, None)
            if arr is None or arr.shape != w.shape or arr.dtype != w.dtype:
                if arr is not None and self.t > 0:
                    raise ValueError(
                        f"This {type(self).__name__} holds state for {arr.size} parameters; "
                        f"it was given {w.size}. Use a new optimizer for a different network."
                    )
                setattr(self, name, np.zeros_like(w))

    def step(self, w: Array, g: Array) -> None:
        """Update the flat parameters ``w`` in place from the flat gradient ``g``.

        Parameters
        ----------
        w : ndarray of shape (n_params,)
            The network's flat parameter vector, updated in place.
        g : ndarray of shape (n_params,)
            The gradient of the loss at ``w``.
        """
        if getattr(self, "_ready", None) != (w.shape, w.dtype):  # state checked once for w
            self._ensure_state(w)
            self._ready = (w.shape, w.dtype)
        self.t += 1
        k = _kernels_for(w.shape[0])
        flush = self.t % FLUSH_EVERY == 0
        # The kernels reproduce NumPy's arithmetic only for one dtype throughout.
        if k is not None and g.dtype == w.dtype and w.ndim == 1 and g.ndim == 1:
            self._flush = flush
            self._fused(k, w, g)
        else:
            tmp = self._tmp
            if tmp is None or tmp.shape != w.shape or tmp.dtype != w.dtype:
                self._tmp = tmp = np.empty_like(w)
            self._update(w, g)
            if flush:
                for name in self._state_arrays:
                    _flush_subnormals(getattr(self, name), tmp)

    def _update(self, w: Array, g: Array) -> None:
        raise NotImplementedError

    def _fused(self, k: Any, w: Array, g: Array) -> None:
        """The same update as :meth:`_update`, in one compiled pass."""
        raise NotImplementedError

    def _consts(self, w: Array, *values: float) -> Array:
        """``values`` rounded to the dtype of ``w``, as NumPy rounds a Python scalar in
        ``float32_array * 0.9``, in one reused array (the smallest normal float last)."""
        c = self._c
        if c is None or c.dtype != w.dtype or c.shape[0] != len(values) + 1:
            c = self._c = np.empty(len(values) + 1, w.dtype)
            c[-1] = np.finfo(w.dtype).tiny
        c[:-1] = values
        return c

    # -- checkpoints ------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Hyper-parameters, step count and state arrays (copies)."""
        state: dict[str, Any] = {"name": self.name, "t": self.t, **self.hyperparams()}
        for name in self._state_arrays:
            arr = getattr(self, name, None)
            if arr is not None:
                state[name] = arr.copy()
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned."""
        self.t = int(state["t"])
        self._ready = None  # check the restored arrays against the next w
        for key, value in state.items():
            if key in self._state_arrays:
                setattr(self, key, np.array(value, copy=True))
            elif key not in ("name", "t") and hasattr(self, key):
                setattr(self, key, type(getattr(self, key))(value))


#: Every this many steps, state values below the smallest normal float are set to 0.
#: A moment that decays geometrically (m ← 0.9 m while a parameter's gradient is ~0:
#: dead ReLU units, a saturated softmax) crosses the subnormal range in about 150 steps
#: (v, at 0.999, in about 16,000), and every operation on a subnormal float takes a slow
#: microcode path: after 10 epochs of 784-256-256-10 most of m was subnormal and one
#: Adam step took 8.7 ms instead of 0.4. Such a value changes no weight: it moves w by
#: less than 1e-30 relative to a denominator of at least ε.
FLUSH_EVERY = 8


def _flush_subnormals(a: Array, tmp: Array) -> None:
    np.abs(a, out=tmp)
    np.copyto(a, 0, where=tmp < np.finfo(a.dtype).tiny)  # a ← 0 where |a| < tiny


def _check_positive(name: str, value: float, allow_zero: bool = False) -> None:
    ok = value >= 0 if allow_zero else value > 0
    if not (isinstance(value, (int, float, np.floating)) and np.isfinite(value) and ok):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"The optimizer's {name} must be a finite number {bound}; got {value!r}.")


class SGD(Optimizer):
    """(Mini-batch) gradient descent, with optional momentum and Nesterov momentum.

    Plain (lecture L4): :math:`w^{τ+1} = w^τ - η ∇E(w^τ)`.

    Momentum μ (Polyak 1964; PyTorch's form): :math:`v ← μ v + g`, :math:`w ← w - η v`.
    Nesterov (Sutskever et al. 2013): :math:`w ← w - η (g + μ v)`.

    Gradient descent and stochastic gradient descent are the same rule; they differ by
    the batch: the whole training set (``batch_size=None``) or random mini-batches.
    """

    name = "sgd"

    def __init__(self, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False):
        super().__init__(lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); got {momentum}.")
        if nesterov and momentum == 0:
            raise ValueError("Nesterov momentum needs momentum > 0 (e.g. momentum=0.9).")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self._state_arrays = ("velocity",) if momentum > 0 else ()
        self.velocity: Array | None = None

    def hyperparams(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}

    def _update(self, w, g):
        if self.momentum == 0:
            tmp = self._tmp
            np.multiply(g, self.lr, out=tmp)  # tmp = η g
            w -= tmp  # w ← w - η g
            return
        v, tmp = self.velocity, self._tmp
        assert v is not None and tmp is not None
        v *= self.momentum
        v += g  # v ← μ v + g
        if self.nesterov:
            np.multiply(v, self.momentum, out=tmp)
            tmp += g  # tmp = g + μ v
            tmp *= self.lr
        else:
            np.multiply(v, self.lr, out=tmp)  # tmp = η v
        w -= tmp

    def _fused(self, k, w, g):
        if self.momentum == 0:
            k.sgd(w, g, self._consts(w, self.lr), False)
        else:
            kernel = k.nesterov if self.nesterov else k.momentum
            kernel(w, g, self.velocity, self._consts(w, self.lr, self.momentum), self._flush)


class RMSProp(Optimizer):
    """RMSProp (Hinton, Coursera lecture 6e, 2012).

    :math:`v ← ρ v + (1 - ρ) g^2`, :math:`w ← w - η g / (\\sqrt{v} + ε)`.
    Defaults ρ = 0.9 (Hinton); PyTorch's default is 0.99.
    """

    name = "rmsprop"
    _state_arrays = ("sq",)

    def __init__(self, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8):
        super().__init__(lr)
        if not 0 <= rho < 1:
            raise ValueError(f"rho must be in [0, 1); got {rho}.")
        _check_positive("eps", eps)
        self.rho, self.eps = float(rho), float(eps)
        self.sq: Array | None = None

    def hyperparams(self):
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps}

    def _update(self, w, g):
        sq, tmp = self.sq, self._tmp
        assert sq is not None and tmp is not None
        sq *= self.rho
        np.multiply(g, g, out=tmp)
        tmp *= 1 - self.rho
        sq += tmp  # v ← ρ v + (1 - ρ) g²
        np.sqrt(sq, out=tmp)
        tmp += self.eps  # tmp = √v + ε
        np.divide(g, tmp, out=tmp)
        tmp *= self.lr  # tmp = η g / (√v + ε)
        w -= tmp

    def _fused(self, k, w, g):
        c = self._consts(w, self.lr, self.rho, 1 - self.rho, self.eps)
        k.rmsprop(w, g, self.sq, c, self._flush)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2014), with the defaults of lecture L4.

    .. math::
        m ← β_1 m + (1 - β_1) g, \\quad v ← β_2 v + (1 - β_2) g^2,
        \\hat m = m / (1 - β_1^t), \\quad \\hat v = v / (1 - β_2^t),
        w ← w - α \\hat m / (\\sqrt{\\hat v} + ε)

    Defaults β1 = 0.9, β2 = 0.999, α = 0.001, ε = 1e-8 (lecture L4; Kingma & Ba 2014).
    Lecture L4 prints :math:`\\sqrt{\\hat v + ε}`; we follow the paper and every major
    library, :math:`\\sqrt{\\hat v} + ε` (the two differ only when v̂ ≈ ε).
    """

    name = "adam"
    _state_arrays = ("m", "v")

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ):
        super().__init__(lr)
        for nm, b in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= b < 1:
                raise ValueError(f"Adam's {nm} must be in [0, 1); got {b}.")
        _check_positive("eps", eps)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m: Array | None = None
        self.v: Array | None = None

    def hyperparams(self):
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def _moments(self, g):
        """Update the moments in place (the NumPy path); returns (m, v, scratch)."""
        m, v, tmp = self.m, self.v, self._tmp
        assert m is not None and v is not None and tmp is not None
        b1, b2 = self.beta1, self.beta2
        m *= b1
        np.multiply(g, 1 - b1, out=tmp)
        m += tmp  # m ← β1 m + (1 - β1) g
        v *= b2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - b2
        v += tmp  # v ← β2 v + (1 - β2) g²
        return m, v, tmp

    def _update(self, w, g):
        m, v, tmp = self._moments(g)
        b1, b2, t = self.beta1, self.beta2, self.t
        # Bias correction, folded into scalars (as PyTorch):
        # α m̂ / (√v̂ + ε) = m / ((√v / √(1-β2ᵗ) + ε) / s)  with  s = α / (1-β1ᵗ).
        # Plain Python floats: a NumPy float64 scalar would make every float32 pass
        # compute in float64 (NEP 50), about 25 % slower.
        step = self.lr / (1 - b1**t)
        inv_sqrt_bc2 = 1 / math.sqrt(1 - b2**t)
        np.sqrt(v, out=tmp)
        tmp *= inv_sqrt_bc2 / step
        tmp += self.eps / step  # tmp = (√v̂ + ε) / s
        np.divide(m, tmp, out=tmp)  # tmp = α m̂ / (√v̂ + ε)
        w -= tmp

    def _fused(self, k, w, g):
        self._fused_adam(k, w, g, 1.0)

    def _fused_adam(self, k, w, g, decay):
        b1, b2, t = self.beta1, self.beta2, self.t
        step = self.lr / (1 - b1**t)  # the same scalars as _update
        inv_sqrt_bc2 = 1 / math.sqrt(1 - b2**t)
        c = self._consts(w, b1, 1 - b1, b2, 1 - b2, inv_sqrt_bc2 / step, self.eps / step, decay)
        k.adam(w, g, self.m, self.v, c, self._flush)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019).

    Before the Adam step: :math:`w ← w (1 - α λ)`. Unlike an L2 term in the loss, the
    decay is not rescaled by Adam's per-parameter step sizes. It applies to every entry
    of the flat vector (biases too, as PyTorch's default).
    """

    name = "adamw"

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.01):  # fmt: skip
        super().__init__(lr, beta1, beta2, eps)
        _check_positive("weight_decay", weight_decay, allow_zero=True)
        self.weight_decay = float(weight_decay)

    def hyperparams(self):
        return {**super().hyperparams(), "weight_decay": self.weight_decay}

    def _update(self, w, g):
        if self.weight_decay:
            w *= 1 - self.lr * self.weight_decay  # w ← w (1 - α λ)
        super()._update(w, g)

    def _fused(self, k, w, g):
        # Multiplying by 1.0 leaves every float unchanged, as skipping the decay does.
        self._fused_adam(k, w, g, 1 - self.lr * self.weight_decay)


class SklearnSGD(Optimizer):
    """scikit-learn's SGD rule, with the learning rate inside the velocity.

    .. math::
        v ← μ v - η g, \\quad w ← w + v
        \\quad\\text{or, with Nesterov's momentum,}\\quad w ← w + μ v - η g

    (Sutskever et al. 2013, as ``sklearn.neural_network._stochastic_optimizers.
    SGDOptimizer``, with its defaults μ = 0.9 and Nesterov on.) For a constant η this is
    :class:`SGD` with ``v_SGD = -v / η``; when η changes between steps (scikit-learn's
    ``"invscaling"`` and ``"adaptive"`` schedules) the velocity keeps the step sizes it
    was built with, as in scikit-learn, where :class:`SGD` would rescale it.

    Parameters
    ----------
    lr : float, default=0.001
        η, ``learning_rate_init`` of scikit-learn's MLP; a schedule may change it.
    momentum : float in [0, 1], default=0.9
    nesterov : bool, default=True
        scikit-learn's ``nesterovs_momentum``.
    """

    name = "sklearn_sgd"
    _state_arrays = ("velocity",)

    def __init__(self, lr: float = 0.001, momentum: float = 0.9, nesterov: bool = True):
        super().__init__(lr)
        if not 0 <= momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1]; got {momentum}.")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.velocity: Array | None = None

    def hyperparams(self) -> dict[str, Any]:
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}

    def _update(self, w, g):
        v, tmp = self.velocity, self._tmp
        assert v is not None and tmp is not None
        np.multiply(g, self.lr, out=tmp)  # tmp = η g
        v *= self.momentum
        v -= tmp  # v ← μ v - η g
        if self.nesterov:
            w -= tmp
            np.multiply(v, self.momentum, out=tmp)
            w += tmp  # w ← (w - η g) + μ v
        else:
            w += v  # w ← w + v

    def _fused(self, k, w, g):
        c = self._consts(w, self.lr, self.momentum)
        k.sklearn_sgd(w, g, self.velocity, c, self._flush, self.nesterov)


class SklearnAdam(Adam):
    """Adam as scikit-learn writes it (Kingma & Ba 2014, the end of their section 2).

    .. math::
        m ← β_1 m + (1 - β_1) g, \\quad v ← β_2 v + (1 - β_2) g^2,
        \\quad η_t = η \\sqrt{1 - β_2^t} / (1 - β_1^t),
        \\quad w ← w - η_t m / (\\sqrt{v} + ε)

    ε is added to the uncorrected :math:`\\sqrt{v}`, where :class:`Adam` adds it to
    :math:`\\sqrt{\\hat v}`: the two differ only while v is tiny, but scikit-learn's
    estimators fit scikit-learn's model only with this one
    (``sklearn.neural_network._stochastic_optimizers.AdamOptimizer``).

    Parameters
    ----------
    lr : float, default=0.001
        η, scikit-learn's ``learning_rate_init``.
    beta1, beta2 : float in [0, 1), default=0.9, 0.999
    eps : float, default=1e-8
    """

    name = "sklearn_adam"  # Adam's parameters and state; only the update differs

    def _lr_t(self) -> float:
        # Bias correction, folded into the step size: η_t = η √(1 - β2ᵗ) / (1 - β1ᵗ).
        b1, b2, t = self.beta1, self.beta2, self.t
        return self.lr * math.sqrt(1 - b2**t) / (1 - b1**t)

    def _update(self, w, g):
        m, v, tmp = self._moments(g)  # as Adam; only the step differs
        np.sqrt(v, out=tmp)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= self._lr_t()  # tmp = η_t m / (√v + ε)
        w -= tmp

    def _fused(self, k, w, g):
        b1, b2 = self.beta1, self.beta2
        c = self._consts(w, b1, 1 - b1, b2, 1 - b2, self._lr_t(), self.eps)
        k.sklearn_adam(w, g, self.m, self.v, c, self._flush)


class LBFGS:
    """Marker for scipy's L-BFGS-B on the full batch (no step rule of its own).

    Parameters
    ----------
    max_fun : int
        Maximum number of loss evaluations (scikit-learn's ``max_fun``).
    tol : float
        Passed to scipy as ``gtol``.
    ftol : float, optional
        SciPy's relative tolerance on the loss; default ``tol / 100`` in float64 and
        1e-9 in float32 (whose gradients are noisier).
    """

    name = "lbfgs"

    def __init__(self, max_fun: int = 15000, tol: float = 1e-7, ftol: float | None = None):
        self.max_fun = int(max_fun)
        self.tol = float(tol)
        self.ftol = ftol
        self.lr = 1.0
        self.t = 0

    def __repr__(self) -> str:
        return f"LBFGS(max_fun={self.max_fun}, tol={self.tol})"

    def state_dict(self) -> dict[str, Any]:
        return {"name": self.name, "t": self.t, "max_fun": self.max_fun, "tol": self.tol}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.t = int(state.get("t", 0))


OPTIMIZERS = ("gd", "sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "lbfgs")
#: scikit-learn's rules, by name (for checkpoints and the estimators; not in the CLI list).
SKLEARN_OPTIMIZERS = {"sklearn_sgd": SklearnSGD, "sklearn_adam": SklearnAdam}


def get_optimizer(name: Any, **kwargs: Any) -> Optimizer | LBFGS:
    """An optimizer by name, with default settings overridden by ``kwargs``.

    ``"gd"`` and ``"sgd"`` are plain SGD (gradient descent is SGD on the full batch);
    ``"momentum"`` is SGD with momentum 0.9, ``"nesterov"`` adds Nesterov's correction;
    ``"sklearn_sgd"`` and ``"sklearn_adam"`` are scikit-learn's rules (:class:`SklearnSGD`,
    :class:`SklearnAdam`). An :class:`Optimizer` instance is returned unchanged.
    """
    if isinstance(name, (Optimizer, LBFGS)):
        return name
    key = str(name).lower()
    try:
        if key in ("sgd", "gd"):
            return SGD(**kwargs)
        if key == "momentum":
            return SGD(**{"momentum": 0.9, **kwargs})
        if key == "nesterov":
            return SGD(**{"momentum": 0.9, "nesterov": True, **kwargs})
        if key == "rmsprop":
            return RMSProp(**kwargs)
        if key == "adam":
            return Adam(**kwargs)
        if key == "adamw":
            return AdamW(**kwargs)
        if key in SKLEARN_OPTIMIZERS:
            return SKLEARN_OPTIMIZERS[key](**kwargs)
        if key == "lbfgs":
            kwargs.pop("lr", None)
            return LBFGS(**kwargs)
    except TypeError as exc:
        raise ValueError(f"Optimizer {key!r} got unexpected settings {kwargs}: {exc}") from exc
    raise ValueError(f"Unknown optimizer {name!r}. Choose one of: {', '.join(OPTIMIZERS)}.")


def optimizer_from_state(state: dict[str, Any]) -> Optimizer | LBFGS:
    """Rebuild an optimizer, with its state, from :meth:`Optimizer.state_dict` output."""
    hyper = {
        k: v
        for k, v in state.items()
        if k not in ("name", "t") and not isinstance(v, np.ndarray) and not k.startswith("_")
    }
    opt = get_optimizer(state["name"], **hyper)
    opt.load_state_dict(state)
    return opt
