"""The fit loop: epochs, mini-batches, validation, early stopping, callbacks, history.

Stochastic gradient descent as seed 004 writes it,
:math:`w^{τ+1} = w^τ - η Σ_{n ∈ B^τ} ∇E_n(w^τ)`, where :math:`B^τ` is a different
randomly chosen mini-batch at each iteration; ``batch_size=None`` uses the whole
training set (plain gradient descent).

:class:`Trainer` owns everything a run needs to be stopped and resumed to the bit:
the network's parameters, the optimizer's state, the random generator that shuffles
and draws dropout masks, the schedule's state, the epoch counter and the history.
:meth:`Trainer.state_dict` returns all of it; :func:`fit` is the one-call interface.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np
from scipy import special

from ._validation import check_random_state, check_same_rows, check_X
from .optimizers import LBFGS, Optimizer, _check_positive, get_optimizer
from .schedules import Schedule, get_schedule
from .threads import blas_limit, blas_threads_for

__all__ = [
    "Callback",
    "DivergenceWarning",
    "History",
    "Trainer",
    "blas_threads_for",
    "fit",
]

Array = np.ndarray


class DivergenceWarning(UserWarning):
    """Training stopped because the loss became NaN or infinite."""


@dataclass
class History:
    """Per-epoch record of a training run.

    Attributes
    ----------
    epoch : list of int
        1-based epoch numbers.
    loss, val_loss : list of float
        Mean training loss over the epoch's batches; validation loss at the epoch's end
        (NaN when there is no validation data).
    metric, val_metric : list of float
        Accuracy (classifier heads) or R² (regression), or NaN when not computed.
    lr : list of float
        Learning rate used during the epoch.
    time : list of float
        Seconds since the start of training.
    best_epoch : int or None
        The epoch with the lowest monitored loss.
    stop_reason : str
        "max_epochs", "early_stopping", "converged", "diverged", "callback" or "lbfgs: ...".
    """

    epoch: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metric: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stop_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain lists, JSON-serialisable (NaN becomes None)."""

        def clean(v: Any) -> Any:
            if isinstance(v, list):
                return [None if isinstance(x, float) and math.isnan(x) else x for x in v]
            return v

        return {k: clean(v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        h = cls()
        for k, v in d.items():
            if isinstance(v, list):
                v = [math.nan if x is None else x for x in v]
            if hasattr(h, k):
                setattr(h, k, v)
        return h

    def __len__(self) -> int:
        return len(self.epoch)

    def __repr__(self) -> str:
        if not self.epoch:
            return "History(empty)"
        last = f"loss={self.loss[-1]:.4g}"
        if self.val_loss and not math.isnan(self.val_loss[-1]):
            last += f", val_loss={self.val_loss[-1]:.4g}"
        return f"History({len(self)} epochs, {last}, stop={self.stop_reason or 'running'})"


class Callback:
    """Hooks called by :class:`Trainer`. Set ``trainer.stop_training = True`` to stop."""

    def on_train_begin(self, trainer: Trainer) -> None: ...

    def on_epoch_end(self, trainer: Trainer) -> None: ...

    def on_train_end(self, trainer: Trainer) -> None: ...


class _FunctionCallback(Callback):
    def __init__(self, fn: Callable[[Trainer], Any]):
        self.fn = fn

    def on_epoch_end(self, trainer: Trainer) -> None:
        if self.fn(trainer) is True:
            trainer.stop_training = True


#: Hidden activations the fused path computes in place (the others use the layers).
_FUSED_ACTIVATIONS = ("identity", "relu", "tanh", "logistic")
#: Losses whose logit gradient the fused path computes: dZ = (head(Z) - Y) / n, each with
#: its canonical head (see :mod:`mlpkit.losses`).
_FUSED_HEADS = {"squared_error": "identity", "binary_cross_entropy": "logistic",
                "cross_entropy": "softmax", "poisson": "exp"}  # fmt: skip
#: Up to this size the whole training set is shuffled into one buffer per epoch (the
#: batches are then slices: no gather per step); above it, each batch is gathered.
_EPOCH_BUFFER_BYTES = 32 * 2**20


class _FusedStack:
    """The training step of a plain stack Dense → activation → ... → Dense, fused.

    The same mathematics as the layers' ``forward``/``backward`` (the general path),
    arranged for speed:

    * Each Dense layer's ``[W; b]`` is one contiguous (n_in + 1, n_out) block of the flat
      parameter vector (seed 004's ``[W | b] [x; 1]``). Every layer input lives in a
      preallocated buffer with a trailing column of ones, so the forward pass is one
      GEMM per layer, ``Z = [H 1] [W; b] = H W + b``, and the weight and bias gradients
      are one GEMM written straight into the flat gradient,
      ``[dW; db] = [H 1]ᵀ dZ``.
    * Activations are computed in place into those buffers; nothing is allocated per step.
    * Each step's logits go into an epoch buffer, from which the trainer computes the
      epoch's loss and metric once (no per-step loss value or ``float()``).
    * Small training sets are shuffled once per epoch into a buffer (batches are
      contiguous slices); large ones are gathered batch by batch with ``np.take``.

    :meth:`build` returns None for anything else (residual blocks, layer norm, PReLU,
    dropout, non-canonical loss pairings, the summed loss), which takes the general path.
    """

    @classmethod
    def build(cls, net: Any, X: Array, Y: Array, batch_size: int) -> _FusedStack | None:
        """A fused stack for ``net``, or None when its layers need the general path."""
        from .layers import ActivationLayer, Dense

        loss = net.loss
        if loss.reduction != "mean" or _FUSED_HEADS.get(loss.name) != net.head.name:
            return None
        plan: list[list[Any]] = []  # [Dense, name of the activation after it]
        for layer in net.layers:
            if type(layer) is Dense:
                plan.append([layer, "identity"])
            elif (
                type(layer) is ActivationLayer
                and plan
                and plan[-1][1] == "identity"
                and layer.act.name in _FUSED_ACTIVATIONS
            ):
                plan[-1][1] = layer.act.name
            else:
                return None
        if not plan or plan[-1][1] != "identity":
            return None
        return cls(net, [(d, a) for d, a in plan], X, Y, batch_size)

    def __init__(self, net: Any, plan: list[tuple[Any, str]], X: Array, Y: Array, bs: int):
        dt = net.dtype
        self.head = net.head.name
        self.X, self.Y = X, Y
        self.n, self.bs = X.shape[0], bs
        self.acts = [a for _, a in plan[:-1]]
        # [W; b] views of the flat vector and gradient. Dense stores W then b (its
        # param_shapes), and only Dense layers own parameters here, so layer k's block
        # starts where layer k-1's ends.
        self.Wb, self.dWb, self.W = [], [], []
        offset = 0
        for dense, _ in plan:
            size = (dense.n_in + 1) * dense.n_out
            Wb = net._params[offset : offset + size].reshape(dense.n_in + 1, dense.n_out)
            assert np.shares_memory(Wb, dense.W) and np.shares_memory(Wb, dense.b)
            self.Wb.append(Wb)
            self.dWb.append(net._grad[offset : offset + size].reshape(Wb.shape))
            self.W.append(Wb[:-1])
            offset += size
        sizes = [d.n_in for d, _ in plan] + [plan[-1][0].n_out]
        # Inputs of layers 1..L-1, each with its column of ones; A[k] is the activation
        # part. Z[k] is layer k's output, dZ[k] the gradient with respect to it.
        self.H = [np.ones((bs, m + 1), dtype=dt) for m in sizes[1:-1]]
        self.A = [H[:, :-1] for H in self.H]
        self.Z = [np.empty((bs, m), dtype=dt) for m in sizes[1:-1]]
        self.dZ = [np.empty((bs, m), dtype=dt) for m in sizes[1:]]
        self.tmp = [np.empty((bs, m), dtype=dt) for m in sizes[1:-1]]
        self.col = np.empty((bs, 1), dtype=dt)
        self.logits = np.empty((self.n, sizes[-1]), dtype=dt)
        # The first layer's input: the whole shuffled set with its ones column (small
        # data), or one gathered batch without it (then Z = X W, Z += b; db = Σ dZ).
        self.epoch_buffer = self.n * (sizes[0] + 1) * dt.itemsize <= _EPOCH_BUFFER_BYTES
        if self.epoch_buffer:
            self.Xs = np.ones((self.n, sizes[0] + 1), dtype=dt)
            self.Xs[:, :-1] = X
        else:
            self.Xb = np.empty((bs, sizes[0]), dtype=dt)
        self.Ys = Y
        self.order: Array | None = None
        self._view_cache: dict[int, tuple[list[Array], ...]] = {}

    def start_epoch(self, order: Array | None) -> None:
        """Put this epoch's row order in place (None: the data's own order)."""
        self.order = order
        if order is None:
            self.Ys = self.Y
            if self.epoch_buffer:
                self.Xs[:, :-1] = self.X
            return
        # mode="wrap" skips the bounds check's buffered copy (the indices are valid).
        self.Ys = np.take(self.Y, order, axis=0, mode="wrap")
        if self.epoch_buffer:
            np.take(self.X, order, axis=0, out=self.Xs[:, :-1], mode="wrap")

    def _views(self, m: int) -> tuple[list[Array], ...]:
        """The first ``m`` rows of every work buffer (built once per batch size: slicing
        them afresh at every step costs as much as a small network's arithmetic)."""
        views = self._view_cache.get(m)
        if views is None:
            views = tuple([b[:m] for b in bufs] for bufs in
                          (self.H, self.A, self.Z, self.dZ, self.tmp, [self.col]))  # fmt: skip
            self._view_cache[m] = views
        return views

    def step(self, start: int, m: int) -> None:
        """Forward and backward of epoch rows ``start:start+m``; fills the flat gradient.

        (``np.dot`` makes the same BLAS call as ``np.matmul`` for 2-D arrays with ~0.4 µs
        less dispatch per call: an eighth of a 2-10-10-1 step.)
        """
        stop = start + m
        Wb, dWb, W, acts = self.Wb, self.dWb, self.W, self.acts
        H, A, Z, dZs, tmp, (col,) = self._views(m)
        L = len(Wb)
        logits, Y = self.logits[start:stop], self.Ys[start:stop]
        # ---- forward
        Zk = logits if L == 1 else Z[0]
        if self.epoch_buffer:
            X0 = self.Xs[start:stop]
            np.dot(X0, Wb[0], out=Zk)  # Z = [X 1] [W; b] = X W + b
        else:
            if self.order is None:
                X0 = self.X[start:stop]
            else:
                X0 = np.take(self.X, self.order[start:stop], axis=0, out=self.Xb[:m],
                             mode="wrap")  # fmt: skip
            np.dot(X0, W[0], out=Zk)  # Z = X W
            Zk += Wb[0][-1]  # ... + b
        for k in range(L - 1):
            act = acts[k]
            if act == "relu":
                np.maximum(Zk, 0, out=A[k])  # A = max(0, Z)
            elif act == "tanh":
                np.tanh(Zk, out=A[k])
            elif act == "logistic":
                special.expit(Zk, out=A[k])
            else:
                np.copyto(A[k], Zk)
            Zk = logits if k == L - 2 else Z[k + 1]
            np.dot(H[k], Wb[k + 1], out=Zk)  # Z = [A 1] [W; b] = A W + b
        # ---- the loss gradient for the canonical head: dZ = (head(Z) - Y) / m
        dZ = dZs[-1]
        head = self.head
        if head == "identity":
            np.subtract(Zk, Y, out=dZ)
        else:
            if head == "logistic":
                special.expit(Zk, out=dZ)  # σ(Z)
            elif head == "exp":
                np.exp(Zk, out=dZ)
            else:
                np.max(Zk, axis=1, keepdims=True, out=col)
                np.subtract(Zk, col, out=dZ)
                np.exp(dZ, out=dZ)  # E = exp(Z - max Z): never overflows
                np.add.reduce(dZ, axis=1, keepdims=True, out=col)
                dZ /= col  # softmax(Z) = E / Σ E
            dZ -= Y
        dZ *= 1.0 / m  # the mean's 1/n (the loss gradient carries it; see losses.py)
        # ---- backward
        for k in range(L - 1, 0, -1):
            np.dot(H[k - 1].T, dZ, out=dWb[k])  # [dW; db] = [A 1]ᵀ dZ
            dA = dZs[k - 1]
            np.dot(dZ, W[k].T, out=dA)  # dA = dZ Wᵀ
            act = acts[k - 1]
            if act == "relu":
                dA *= Z[k - 1] >= 0  # dZ = dA ⊙ [Z ≥ 0]  (seed 001: ReLU'(0) = 1)
            elif act in ("tanh", "logistic"):
                t, Ak = tmp[k - 1], A[k - 1]
                np.multiply(Ak, Ak, out=t)  # t = A ⊙ A
                if act == "tanh":
                    np.subtract(1, t, out=t)  # t = 1 - A ⊙ A      (tanh' = 1 - f²)
                else:
                    np.subtract(Ak, t, out=t)  # t = A(1 - A)      (σ' = σ(1 - σ))
                dA *= t
            dZ = dA
        if self.epoch_buffer:
            np.dot(X0.T, dZ, out=dWb[0])  # [dW; db] = [X 1]ᵀ dZ
        else:
            np.dot(X0.T, dZ, out=dWb[0][:-1])  # dW = Xᵀ dZ
            np.add.reduce(dZ, axis=0, out=dWb[0][-1])  # db = 1ᵀ dZ


class _Progress:
    """A bar on a terminal; plain periodic lines when output goes to a log."""

    def __init__(self, epochs: int, stream: TextIO, metric: str = "metric", every_s: float = 2.0):
        self.epochs, self.stream, self.every_s = epochs, stream, every_s
        self.metric = metric
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last = -math.inf

    def epoch_end(self, history: History, done: int, total_time: float) -> None:
        now = time.perf_counter()
        last = done == self.epochs
        msg = f"epoch {done}/{self.epochs}  loss {history.loss[-1]:.4g}"
        if not math.isnan(history.metric[-1]):
            msg += f"  {self.metric} {history.metric[-1]:.4f}"
        if not math.isnan(history.val_loss[-1]):
            msg += f"  val_loss {history.val_loss[-1]:.4g}"
        if not math.isnan(history.val_metric[-1]):
            msg += f"  val_{self.metric} {history.val_metric[-1]:.4f}"
        msg += f"  ({total_time:.1f}s)"
        if self.tty:
            width = 24
            filled = int(width * done / max(self.epochs, 1))
            bar = "█" * filled + "·" * (width - filled)
            self.stream.write(f"\r[{bar}] {msg}\x1b[K")
            if last:
                self.stream.write("\n")
            self.stream.flush()
        elif done == 1 or last or now - self._last >= self.every_s:
            self.stream.write(msg + "\n")
            self.stream.flush()
            self._last = now

    def close(self, reason: str) -> None:
        if self.tty:
            self.stream.write("\n")
        self.stream.write(f"stopped: {reason}\n")
        self.stream.flush()


class Trainer:
    """Trains an :class:`~mlpkit.MLP`; see :func:`fit` for the parameters."""

    def __init__(
        self,
        net: Any,
        optimizer: Any = "adam",
        *,
        lr: float | None = None,
        batch_size: int | None = 32,
        shuffle: bool = True,
        weight_decay: float = 0.0,
        clip_norm: float | None = None,
        clip_value: float | None = None,
        schedule: Any = None,
        early_stopping: bool = False,
        patience: int = 10,
        min_delta: float = 0.0,
        restore_best: bool = True,
        tol: float | None = None,
        metric: bool = True,
        callbacks: Iterable[Callback | Callable[[Trainer], Any]] = (),
        verbose: int | bool = 0,
        random_state: Any = None,
        n_threads: int | str = "auto",
        stream: TextIO | None = None,
    ):
        self.net = net
        opt = get_optimizer(optimizer)
        if lr is not None and not isinstance(opt, LBFGS):
            _check_positive("lr", lr)
            opt.lr = float(lr)
        self.optimizer: Optimizer | LBFGS = opt
        self.base_lr = opt.lr
        if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or
                                       batch_size < 1):  # fmt: skip
            raise ValueError(f"batch_size must be a positive integer or None; got {batch_size!r}.")
        self.batch_size = batch_size
        self.shuffle = shuffle
        for name, value in (("weight_decay", weight_decay), ("patience", patience)):
            if value < 0:
                raise ValueError(f"{name} must be >= 0; got {value}.")
        for name, clip in (("clip_norm", clip_norm), ("clip_value", clip_value)):
            if clip is not None and not clip > 0:
                raise ValueError(f"{name} must be > 0 or None; got {clip}.")
        self.weight_decay = float(weight_decay)
        self.clip_norm, self.clip_value = clip_norm, clip_value
        self.schedule: Schedule = get_schedule(schedule)
        self.early_stopping, self.patience = early_stopping, int(patience)
        self.min_delta, self.restore_best, self.tol = float(min_delta), restore_best, tol
        self.metric = metric
        self.callbacks = [c if isinstance(c, Callback) else _FunctionCallback(c) for c in callbacks]
        self.verbose = int(verbose)
        self.rng = check_random_state(random_state) if random_state is not None else net.rng
        self.n_threads = n_threads
        self.stream = stream if stream is not None else sys.stderr
        self.history = History()
        self.epoch = 0  # epochs completed
        self.stop_training = False
        self.best_loss = math.inf
        self.best_params: Array | None = None
        self._wait = 0
        self._good_params = net.params.copy()
        self._split_seed = int(self.rng.integers(2**63))

    # ------------------------------------------------------------------ checkpoints
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume this run exactly (arrays are copies)."""
        return {
            "epoch": self.epoch,
            "params": self.net.params.copy(),
            "optimizer": self.optimizer.state_dict(),
            "rng": self.rng.bit_generator.state,
            "schedule": self.schedule.state_dict(),
            "history": self.history.as_dict(),
            "best_loss": self.best_loss,
            "best_params": None if self.best_params is None else self.best_params.copy(),
            "wait": self._wait,
            "split_seed": self._split_seed,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`: the next :meth:`run` continues where it stopped."""
        self.epoch = int(state["epoch"])
        self.net.params = state["params"]
        self.optimizer.load_state_dict(state["optimizer"])
        self.rng.bit_generator.state = state["rng"]
        self.schedule.load_state_dict(state["schedule"])
        self.history = History.from_dict(state["history"])
        self.best_loss = float(state["best_loss"])
        bp = state.get("best_params")
        self.best_params = None if bp is None else np.array(bp, dtype=self.net.dtype)
        self._wait = int(state.get("wait", 0))
        self._split_seed = int(state.get("split_seed", self._split_seed))
        self._good_params = self.net.params.copy()

    # ------------------------------------------------------------------ data
    def _prepare(self, X: Any, Y: Any, sample_weight: Any, name: str = "X"):
        net = self.net
        Xc = check_X(X, n_features=net.n_inputs, dtype=net.dtype, name=name)
        Yc = net.prepare_targets(Y)
        check_same_rows(Xc, Yc, (name, "Y" if name == "X" else "validation Y"))
        sw = None
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=net.dtype)
            if sw.shape != (Xc.shape[0],):
                raise ValueError(
                    f"sample_weight must have shape ({Xc.shape[0]},), one weight per sample; "
                    f"got {sw.shape}."
                )
            if not np.all(np.isfinite(sw)) or sw.min() < 0:
                raise ValueError("sample_weight must be finite and non-negative.")
        return Xc, Yc, sw

    def _progress(self, epochs: int) -> _Progress | None:
        if not self.verbose:
            return None
        name = "accuracy" if self.net.head.is_classifier else "r2"
        return _Progress(epochs, self.stream, name)

    def _metric(self, A: Array, Y: Array) -> float:
        head = self.net.head.name
        if head == "softmax":
            return float(np.mean(A.argmax(axis=1) == Y.argmax(axis=1)))
        if head == "logistic":
            return float(np.mean((A >= 0.5) == (Y >= 0.5)))
        ss_res = ((Y - A) ** 2).sum(axis=0, dtype=np.float64)
        ss_tot = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0, dtype=np.float64)
        return float(np.mean(1 - ss_res / np.where(ss_tot == 0, 1, ss_tot)))

    # ------------------------------------------------------------------ the loop
    def run(
        self,
        X: Any,
        Y: Any,
        epochs: int = 10,
        *,
        sample_weight: Any = None,
        validation_data: tuple[Any, Any] | None = None,
        validation_split: float = 0.0,
    ) -> History:
        """Train for ``epochs`` more epochs (counting those already done on resume:
        training stops when :attr:`epoch` reaches ``epochs``)."""
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer; got {epochs!r}.")
        if not 0 <= validation_split < 1:
            raise ValueError(f"validation_split must be in [0, 1); got {validation_split}.")
        Xc, Yc, sw = self._prepare(X, Y, sample_weight)
        Xv = Yv = None
        if validation_data is not None:
            if len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (X_val, Y_val).")
            Xv, Yv, _ = self._prepare(validation_data[0], validation_data[1], None, "X_val")
        elif validation_split:
            n_val = int(round(validation_split * Xc.shape[0]))
            if n_val < 1 or n_val >= Xc.shape[0]:
                raise ValueError(
                    f"validation_split={validation_split} of {Xc.shape[0]} samples leaves "
                    f"{n_val} for validation; both parts need at least one sample."
                )
            # A fixed split, seeded once per run (saved in checkpoints: resumed runs agree).
            perm = np.random.default_rng(self._split_seed).permutation(Xc.shape[0])
            val, tr = perm[:n_val], perm[n_val:]
            Xv, Yv = Xc[val], Yc[val]
            Xc, Yc = Xc[tr], Yc[tr]
            sw = None if sw is None else sw[tr]
        self._n_train = Xc.shape[0]
        threads = self.n_threads
        bs = self.batch_size or Xc.shape[0]
        if threads == "auto":
            threads = blas_threads_for(self.net.layer_sizes, min(bs, Xc.shape[0]))
        # Overflow on the way to a divergence is reported once, by _diverged, not as
        # numpy's RuntimeWarnings from deep inside a matmul.
        with blas_limit(int(threads)), np.errstate(over="ignore", invalid="ignore"):
            if isinstance(self.optimizer, LBFGS):
                self._run_lbfgs(Xc, Yc, sw, epochs, Xv, Yv)
            else:
                self._run_sgd(Xc, Yc, sw, epochs, Xv, Yv)
        self.net.history_ = self.history
        self.net.optimizer_ = self.optimizer
        return self.history

    def _run_sgd(self, X, Y, sw, epochs, Xv, Yv) -> None:
        net, opt = self.net, self.optimizer
        assert isinstance(opt, Optimizer)
        n = X.shape[0]
        bs = min(self.batch_size or n, n)
        progress = self._progress(epochs)
        t0 = time.perf_counter() - (self.history.time[-1] if self.history.time else 0.0)
        for cb in self.callbacks:
            cb.on_train_begin(self)
        self.stop_training = False
        reason = "max_epochs"
        w = net.params
        fused = None
        if sw is None and not self.weight_decay:
            fused = _FusedStack.build(net, X, Y, bs)
        while self.epoch < epochs and not self.stop_training:
            order = self.rng.permutation(n) if self.shuffle else None
            if fused is not None:
                train_loss, metric = self._epoch_fused(fused, order)
            else:
                train_loss, metric = self._epoch_general(X, Y, sw, order, bs)
            if not math.isfinite(train_loss) or not np.all(np.isfinite(w)):
                self._diverged(train_loss)
                reason = "diverged"
                break
            self._good_params[...] = w
            if not self._end_epoch(train_loss, metric, Xv, Yv, t0, progress):
                reason = self._stop_reason
                break
        else:
            if self.stop_training:
                reason = "callback"
        if reason == "early_stopping" and self.restore_best and self.best_params is not None:
            net.params = self.best_params
        self.history.stop_reason = reason
        if progress:
            progress.close(reason)
        for cb in self.callbacks:
            cb.on_train_end(self)

    def _clip_and_step(self, w: Array, g: Array) -> None:
        if self.clip_value is not None:
            np.clip(g, -self.clip_value, self.clip_value, out=g)
        if self.clip_norm is not None:
            norm = float(np.sqrt(np.dot(g, g)))
            if norm > self.clip_norm:
                g *= self.clip_norm / norm
        opt = self.optimizer
        assert isinstance(opt, Optimizer)
        opt.step(w, g)

    def _epoch_general(self, X, Y, sw, order, bs) -> tuple[float, float]:
        """One epoch through the layers' own forward/backward (any architecture).

        Returns the mean training loss (the first non-finite batch loss, if any) and
        the metric (NaN when not recorded)."""
        net, w = self.net, self.net.params
        total, seen, metrics = 0.0, 0, []
        for start in range(0, X.shape[0], bs):
            if order is None:
                Xb, Yb = X[start : start + bs], Y[start : start + bs]
                swb = None if sw is None else sw[start : start + bs]
            else:
                idx = order[start : start + bs]
                Xb, Yb = X[idx], Y[idx]
                swb = None if sw is None else sw[idx]
            loss, g, A = net._loss_grad(Xb, Yb, swb, self.weight_decay, True, self.rng)
            if not math.isfinite(loss):
                return loss, math.nan
            self._clip_and_step(w, g)
            m = Xb.shape[0]
            total += loss * m
            seen += m
            if self.metric:
                metrics.append((self._metric(A, Yb), m))
        metric = sum(v * m for v, m in metrics) / seen if metrics else math.nan
        return total / seen, metric

    def _epoch_fused(self, fused: _FusedStack, order: Array | None) -> tuple[float, float]:
        """One epoch through :class:`_FusedStack`: no per-batch loss or metric.

        Each batch's logits are kept in an epoch buffer; the loss and metric are computed
        from it once at the end. They equal the per-batch values of
        :meth:`_epoch_general` (each row's logits come from the weights of its own step),
        while a step of a small network makes half as many NumPy calls.
        """
        fused.start_epoch(order)
        w, g, step, clip = self.net.params, self.net._grad, fused.step, self._clip_and_step
        plain = self.clip_value is None and self.clip_norm is None
        opt = self.optimizer
        assert isinstance(opt, Optimizer)
        opt_step = opt.step
        n, bs = fused.n, fused.bs
        for start in range(0, n, bs):
            step(start, min(bs, n - start))
            if plain:
                opt_step(w, g)
            else:
                clip(w, g)
        loss, _, A = self.net.loss(fused.logits, fused.Ys, self.net.head)
        metric = self._metric_by_batch(A, fused.Ys, bs) if self.metric else math.nan
        return loss, metric

    def _metric_by_batch(self, A: Array, Y: Array, bs: int) -> float:
        """The batch-size-weighted mean of the per-batch metric, as :meth:`_epoch_general`
        records it. Accuracy is a mean over rows, so that is the epoch's accuracy; R² is
        computed per batch (vectorised over the full batches)."""
        if self.net.head.is_classifier:
            return self._metric(A, Y)
        n = A.shape[0]
        nb = n // bs
        total = 0.0
        if nb:
            Af = A[: nb * bs].reshape(nb, bs, -1)
            Yf = Y[: nb * bs].reshape(nb, bs, -1)
            ss_res = ((Yf - Af) ** 2).sum(axis=1, dtype=np.float64)
            ss_tot = ((Yf - Yf.mean(axis=1, keepdims=True)) ** 2).sum(axis=1, dtype=np.float64)
            r2 = 1 - ss_res / np.where(ss_tot == 0, 1, ss_tot)
            total += float(r2.mean(axis=1).sum()) * bs
        if nb * bs < n:
            total += self._metric(A[nb * bs :], Y[nb * bs :]) * (n - nb * bs)
        return total / n

    def _end_epoch(self, train_loss, metric, Xv, Yv, t0, progress) -> bool:
        """Record the epoch, step the schedule, check stopping. False means stop."""
        net, h = self.net, self.history
        self.epoch += 1
        val_loss = val_metric = math.nan
        if Xv is not None:
            Z = net._logits(Xv)
            val_loss, _, A = net.loss(Z, Yv, net.head)
            if self.weight_decay:
                val_loss += self.weight_decay * sum(float(np.sum(W * W)) for W in net.weights)
            val_metric = self._metric(A, Yv) if self.metric else math.nan
        h.epoch.append(self.epoch)
        h.loss.append(float(train_loss))
        h.val_loss.append(float(val_loss))
        h.metric.append(float(metric))
        h.val_metric.append(float(val_metric))
        h.lr.append(float(self.optimizer.lr))
        h.time.append(time.perf_counter() - t0)
        monitored = val_loss if Xv is not None else train_loss
        improved = monitored < self.best_loss - max(self.min_delta, self.tol or 0.0)
        if monitored < self.best_loss:
            self.best_loss = monitored
            h.best_epoch = self.epoch
            if self.early_stopping and self.restore_best:
                self.best_params = net.params.copy()
        self._wait = 0 if improved else self._wait + 1
        new_lr = self.schedule(self.epoch, self.base_lr, self.optimizer.lr, monitored)
        self.optimizer.lr = float(new_lr)
        if progress:
            progress.epoch_end(h, self.epoch, h.time[-1])
        for cb in self.callbacks:
            cb.on_epoch_end(self)
        if self.stop_training:
            self._stop_reason = "callback"
            return False
        if self._wait > self.patience and (self.early_stopping or self.tol is not None):
            self._stop_reason = "early_stopping" if self.early_stopping else "converged"
            return False
        return True

    def _diverged(self, loss: float) -> None:
        self.net.params = self._good_params
        lr = self.optimizer.lr
        kept = (
            f"the weights from the end of epoch {self.epoch} (the last finite ones)"
            if self.epoch
            else "the weights it started with"
        )
        msg = (
            f"Training diverged in epoch {self.epoch + 1}: the loss became {loss} "
            f"(learning rate {lr:g}). Stopped, and kept {kept}. Lower the learning rate "
            f"(e.g. lr={lr / 10:g}), clip gradients (clip_norm=1.0), or standardise the inputs."
        )
        warnings.warn(msg, DivergenceWarning, stacklevel=4)
        if self.verbose:
            self.stream.write(msg + "\n")

    def _run_lbfgs(self, X, Y, sw, epochs, Xv, Yv) -> None:
        from scipy.optimize import minimize

        net, opt = self.net, self.optimizer
        assert isinstance(opt, LBFGS)
        progress = self._progress(epochs)
        t0 = time.perf_counter()
        last: dict[str, Any] = {}

        def fun(w64: Array) -> tuple[float, Array]:
            net.params = w64.astype(net.dtype) if np.all(np.isfinite(w64)) else net.params
            loss, g, A = net._loss_grad(X, Y, sw, self.weight_decay)
            last["loss"], last["A"] = loss, A
            if not math.isfinite(loss):
                return math.inf, np.zeros_like(w64)
            return loss, g.astype(np.float64)

        def callback(intermediate_result: Any) -> None:
            net.params = intermediate_result.x.astype(net.dtype)
            opt.t += 1
            metric = self._metric(last["A"], Y) if self.metric else math.nan
            if not self._end_epoch(last["loss"], metric, Xv, Yv, t0, progress):
                raise StopIteration

        for cb in self.callbacks:
            cb.on_train_begin(self)
        remaining = epochs - self.epoch
        res = minimize(
            fun, net.params.astype(np.float64), jac=True, method="L-BFGS-B", callback=callback,
            options={"maxiter": remaining, "maxfun": opt.max_fun, "gtol": opt.tol,
                     "ftol": opt.tol * 1e-2 if net.dtype == np.float64 else 1e-9},
        )  # fmt: skip
        if np.all(np.isfinite(res.x)):
            net.params = res.x.astype(net.dtype)
        if self.history.loss and not math.isfinite(self.history.loss[-1]):
            self._diverged(self.history.loss[-1])
        self.history.stop_reason = f"lbfgs: {res.message}"
        if progress:
            progress.close(self.history.stop_reason)
        for cb in self.callbacks:
            cb.on_train_end(self)


def fit(
    net: Any,
    X: Any,
    Y: Any,
    optimizer: Any = "adam",
    epochs: int = 10,
    batch_size: int | None = 32,
    *,
    lr: float | None = None,
    sample_weight: Any = None,
    validation_data: tuple[Any, Any] | None = None,
    validation_split: float = 0.0,
    shuffle: bool = True,
    weight_decay: float = 0.0,
    clip_norm: float | None = None,
    clip_value: float | None = None,
    schedule: Any = None,
    early_stopping: bool = False,
    patience: int = 10,
    min_delta: float = 0.0,
    restore_best: bool = True,
    tol: float | None = None,
    metric: bool = True,
    callbacks: Iterable[Callback | Callable[[Trainer], Any]] = (),
    verbose: int | bool = 0,
    random_state: Any = None,
    n_threads: int | str = "auto",
) -> History:
    """Train ``net`` on (X, Y) and return its :class:`History`.

    Parameters
    ----------
    net : MLP
    X : array-like of shape (n_samples, n_inputs)
    Y : array-like of shape (n_samples, n_outputs) or (n_samples,)
        Targets; class labels 0..K-1 (or one-hot rows) for a softmax output.
    optimizer : str or Optimizer, default="adam"
        ``"gd"``, ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"``, ``"adam"``,
        ``"adamw"``, ``"lbfgs"``, or an optimizer object (whose state is kept).
        A name reuses ``net.optimizer_`` when it has that name, so calling ``fit``
        again continues training.
    epochs : int
        Number of passes over the training data (L-BFGS: iterations).
    batch_size : int or None, default=32
        ``None`` trains on the full batch (gradient descent).
    lr : float, optional
        Learning rate (default: the optimizer's, e.g. Adam's α = 0.001).
    sample_weight : array-like of shape (n_samples,), optional
    validation_data : (X_val, Y_val), optional
    validation_split : float
        Fraction of (X, Y) held out for validation when no validation_data is given.
    shuffle : bool
        Draw random mini-batches each epoch (seed 004).
    weight_decay : float
        λ in ``E(w) + λ Σ ||W_k||²`` (seed 004); choose it on validation data.
    clip_norm, clip_value : float, optional
        Rescale the gradient to at most this L2 norm; clip each entry to ±value.
    schedule : str or Schedule, optional
        ``"step"``, ``"exponential"``, ``"cosine"``, ``"plateau"``.
    early_stopping : bool
        Stop when the validation loss (the training loss without validation data) has
        not improved by ``min_delta`` for ``patience`` epochs, and restore the best
        weights (``restore_best``).
    tol : float, optional
        Stop ("converged") when the monitored loss fails to improve by ``tol`` for
        ``patience`` epochs, as scikit-learn's MLP.
    metric : bool
        Record accuracy / R² per epoch.
    callbacks : list of Callback or callables ``f(trainer)``
        A callable returning True stops training.
    verbose : int
        1: a progress bar on a terminal, periodic plain lines in a log.
    random_state : None, int or Generator
        Shuffling and dropout; default: the network's own generator.
    n_threads : int or "auto"
        BLAS threads during training; "auto": see :func:`mlpkit.threads.blas_threads_for`.

    Returns
    -------
    History
        Also stored as ``net.history_``; each call's epochs are appended.

    Warns
    -----
    DivergenceWarning
        When the loss becomes NaN or infinite: training stops and the network keeps
        the weights from the end of the last finite epoch.
    """
    opt = optimizer
    prev = getattr(net, "optimizer_", None)
    if isinstance(optimizer, str) and prev is not None and prev.name == _canon_opt(optimizer):
        opt = prev  # continue with the same optimizer state
    trainer = Trainer(
        net, opt, lr=lr, batch_size=batch_size, shuffle=shuffle,
        weight_decay=weight_decay, clip_norm=clip_norm, clip_value=clip_value,
        schedule=schedule, early_stopping=early_stopping, patience=patience,
        min_delta=min_delta, restore_best=restore_best, tol=tol, metric=metric,
        callbacks=callbacks, verbose=verbose, random_state=random_state, n_threads=n_threads,
    )  # fmt: skip
    previous = getattr(net, "history_", None)
    trainer.run(
        X, Y, epochs, sample_weight=sample_weight, validation_data=validation_data,
        validation_split=validation_split,
    )  # fmt: skip
    if previous is not None and previous is not trainer.history and len(previous):
        trainer.history = _concat(previous, trainer.history)
        net.history_ = trainer.history
    return trainer.history


def _canon_opt(name: str) -> str:
    key = name.lower()
    return {"gd": "sgd", "momentum": "sgd", "nesterov": "sgd"}.get(key, key)


def _concat(a: History, b: History) -> History:
    out = History()
    offset = a.epoch[-1] if a.epoch else 0
    for k in ("loss", "val_loss", "metric", "val_metric", "lr"):
        setattr(out, k, getattr(a, k) + getattr(b, k))
    out.epoch = a.epoch + [e + offset for e in b.epoch]
    t_off = a.time[-1] if a.time else 0.0
    out.time = a.time + [t + t_off for t in b.time]
    out.best_epoch = b.best_epoch + offset if b.best_epoch is not None else a.best_epoch
    out.stop_reason = b.stop_reason
    return out
