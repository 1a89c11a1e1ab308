"""The one training loop: mini-batches, epochs, validation, stopping, callbacks.

(One concept, kept whole: every front end trains through this one Trainer, and its
step, stopping, and stop-and-resume state are easiest to check side by side.)

Stochastic gradient descent as the lectures write it (L4 "Stochastic gradient
descent"), :math:`w^{τ+1} = w^τ - η Σ_{n ∈ B^τ} ∇E_n(w^τ)`, where :math:`B^τ` is a
different randomly chosen mini-batch at each iteration; ``batch_size=None`` uses the
whole training set (plain gradient descent). L-BFGS runs through SciPy with the same
bookkeeping.

Every front end trains through :class:`Trainer`: ``MLP.fit``, the estimators (which
configure scikit-learn's rules: its shuffling, its per-sample penalty, its stopping on
the validation score), the CLI, ``mlpkit reproduce``, the playground and sweeps.

One step, from X to the weight update (:meth:`Trainer.advance`):

1. the batch's rows of the epoch buffer ``[X 1]`` become the first slot's input;
2. :meth:`MLP.forward_pass` runs each layer's ``forward`` (:mod:`mlpkit.layers`), the
   last one writing the logits into the epoch's logits buffer;
3. :meth:`Loss.logit_grad` writes dL/dZ in place (:mod:`mlpkit.losses`);
4. :meth:`MLP.backward_pass` runs each layer's ``backward``, filling the flat gradient;
5. weight decay and clipping adjust the gradient; the optimizer updates the flat
   parameter vector in place (:mod:`mlpkit.optimizers`).

The epoch's loss and metric are computed once at its end from the logits buffer (each
row's logits come from the weights of its own step), so a step computes no loss value.

:class:`Trainer` owns everything a run needs to be stopped and resumed to the bit:
the network's parameters, the optimizer's state, the random generator that shuffles
and draws dropout masks, the schedule's state, the epoch counter and the history.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any, TextIO

import numpy as np

from . import metrics
from ._validation import check_random_state
from .history import Callback, DivergenceWarning, FunctionCallback, History, Progress
from .layers import Slot, build_slots
from .optimizers import LBFGS, Optimizer, _check_positive, get_optimizer
from .schedules import Schedule, get_schedule
from .threads import blas_limit, blas_threads_for, resolve_threads

__all__ = [
    "Callback",
    "DivergenceWarning",
    "History",
    "TrainConfig",
    "Trainer",
    "blas_threads_for",
    "fit",
]

Array = np.ndarray

#: A finite loss this many times the first epoch's (or 1, if larger) counts as diverged:
#: an SGD step too large for the problem grows it geometrically (1e122 was seen) while
#: the weights stay finite for a while.
_DIVERGED = 1e10

#: Up to this size the whole training set is shuffled into one buffer per epoch (the
#: batches are then slices: no gather per step); above it, each batch is gathered.
_EPOCH_BUFFER_BYTES = 32 * 2**20


@dataclass
class TrainConfig:
    """The settings of a training run, shared by :class:`Trainer`, :func:`fit`, the
    estimators and the CLI.

    Parameters
    ----------
    lr : float, optional
        Learning rate (default: the optimizer's, e.g. Adam's α = 0.001).
    batch_size : int or None, default=32
        ``None`` trains on the full batch (gradient descent).
    shuffle : bool or callable, default=True
        Draw random mini-batches each epoch (lectures: L4 "Stochastic gradient
        descent"), or a function ``order(n) -> permutation`` (the estimators pass
        scikit-learn's shuffling).
    weight_decay : float
        λ in ``E(w) + λ Σ ||W_k||²`` (lectures: L4 "Weight decay").
    decay_per_sample : bool
        Divide λ by each batch's total sample weight (scikit-learn's ``alpha / 2``
        penalty on a summed loss).
    clip_norm, clip_value : float, optional
        Rescale the gradient to at most this L2 norm; clip each entry to ±value.
    schedule : str or Schedule, optional
        ``"step"``, ``"exponential"``, ``"cosine"``, ``"plateau"``, ``"invscaling"``,
        ``"adaptive"`` (:mod:`mlpkit.schedules`). A schedule with ``on_plateau`` is asked
        for a lower rate when patience runs out, instead of stopping.
    early_stopping : bool
        Stop when the monitored value has not improved for ``patience`` epochs, and
        restore the best weights at the end (``restore_best``).
    patience : int
    min_delta : float
        The least change that counts as an improvement.
    restore_best : bool
    tol : float, optional
        Stop ("converged") when the monitored value fails to improve by ``tol`` for
        ``patience`` epochs, as scikit-learn's MLP.
    monitor : {"loss", "score"}
        "loss": the validation loss (the training loss without validation data);
        "score": ``scorer`` on the validation data, higher is better.
    scorer : callable, optional
        ``scorer(A_val, Y_val, sample_weight_val) -> float``; default: accuracy or R².
    report_loss : callable, optional
        ``report_loss(per_sample_losses, Y) -> per_sample_losses`` maps the core's
        per-row losses to the values recorded in the history (the estimators report
        scikit-learn's conventions).
    metric : bool
        Record accuracy / R² per epoch.
    callbacks : list of Callback or callables ``f(trainer)``
    verbose : int
        1: a progress bar on a terminal, periodic plain lines in a log.
    random_state : None, int or Generator
        Shuffling and dropout; default: the network's own generator.
    n_threads : int or "auto"
        BLAS threads during training; see :func:`mlpkit.threads.blas_threads_for`.
    stream : file, optional
        Where progress goes (default: standard error).
    """

    lr: float | None = None
    batch_size: int | None = 32
    shuffle: bool | Callable[[int], Array] = True
    weight_decay: float = 0.0
    decay_per_sample: bool = False
    clip_norm: float | None = None
    clip_value: float | None = None
    schedule: Any = None
    early_stopping: bool = False
    patience: int = 10
    min_delta: float = 0.0
    restore_best: bool = True
    tol: float | None = None
    monitor: str = "loss"
    scorer: Callable[..., float] | None = None
    report_loss: Callable[[Array, Array], Array] | None = None
    metric: bool = True
    callbacks: Iterable[Callback | Callable[[Trainer], Any]] = field(default_factory=tuple)
    verbose: int | bool = 0
    random_state: Any = None
    n_threads: int | str = "auto"
    stream: TextIO | None = None

    def __post_init__(self) -> None:
        bs = self.batch_size
        if bs is not None and (not isinstance(bs, (int, np.integer)) or bs < 1):
            raise ValueError(f"batch_size must be a positive integer or None; got {bs!r}.")
        for name in ("weight_decay", "patience", "min_delta"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0; got {getattr(self, name)}.")
        for name in ("clip_norm", "clip_value"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be > 0 or None; got {value}.")
        if self.monitor not in ("loss", "score"):
            raise ValueError(f"monitor must be 'loss' or 'score'; got {self.monitor!r}.")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


class _Stopping:
    """Patience on a monitored value: improvement, best value, epochs without one.

    Minimises a loss, or maximises a score; an epoch improves when it beats the best by
    ``delta`` (scikit-learn's ``tol``): ``value ≤ best - δ`` for a loss, ``value ≥ best + δ``
    for a score.
    """

    def __init__(self, maximize: bool, delta: float):
        self.sign = -1.0 if maximize else 1.0
        self.delta = delta
        self.best = math.inf  # in minimisation form: sign * value
        self.wait = 0

    def update(self, value: float) -> bool:
        """Record ``value``; returns True when it is the best so far."""
        v = self.sign * value
        self.wait = 0 if v <= self.best - self.delta else self.wait + 1
        if v < self.best:
            self.best = v
            return True
        return False


class Trainer:
    """Trains an :class:`~mlpkit.MLP`; steppable.

    Parameters
    ----------
    net : MLP
    optimizer : str or Optimizer, default="adam"
        ``"gd"``, ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"``, ``"adam"``,
        ``"adamw"``, ``"lbfgs"``, or an optimizer object (whose state is kept).
    config : TrainConfig, optional
    **options
        Any field of :class:`TrainConfig`, overriding ``config``.

    Examples
    --------
    >>> import numpy as np, mlpkit
    >>> X = np.random.default_rng(0).normal(size=(64, 2)); y = (X[:, 0] > 0) * 1.0
    >>> net = mlpkit.MLP([2, 8, 1], output="logistic", random_state=0)
    >>> tr = mlpkit.Trainer(net, "adam", lr=0.05, batch_size=16)
    >>> tr.start(X, y)
    >>> tr.advance(steps=6)         # six mini-batch steps: one epoch and a half
    True
    >>> tr.epoch, tr.steps
    (1, 6)
    >>> tr.advance(epochs=2); tr.epoch
    True
    3
    """

    def __init__(
        self, net: Any, optimizer: Any = "adam", config: TrainConfig | None = None, **options: Any
    ):
        unknown = sorted(set(options) - set(TrainConfig.names()))
        if unknown:
            raise TypeError(
                f"Unknown training option(s) {', '.join(map(repr, unknown))}; the options are "
                f"the fields of mlpkit.TrainConfig: {', '.join(TrainConfig.names())}."
            )
        base = {f: getattr(config, f) for f in TrainConfig.names()} if config else {}
        cfg = self.config = TrainConfig(**{**base, **options})
        self.net = net
        opt = get_optimizer(optimizer)
        if cfg.lr is not None and not isinstance(opt, LBFGS):
            _check_positive("lr", cfg.lr)
            opt.lr = float(cfg.lr)
        self.optimizer: Optimizer | LBFGS = opt
        self.base_lr = opt.lr
        self.schedule: Schedule = get_schedule(cfg.schedule)
        self.callbacks = [c if isinstance(c, Callback) else FunctionCallback(c)
                          for c in cfg.callbacks]  # fmt: skip
        self.rng = check_random_state(cfg.random_state) if cfg.random_state is not None else net.rng
        self.stream = cfg.stream if cfg.stream is not None else sys.stderr
        self.history = History()
        self.epoch = 0  # epochs completed
        self.steps = 0  # optimizer steps taken
        self.samples_seen = 0
        self.stop_training = False
        self.stop_reason = ""
        self.last_loss = math.nan  # the last epoch's training loss, recorded or not
        delta = max(cfg.min_delta, cfg.tol or 0.0)
        self._stopping = _Stopping(cfg.monitor == "score", delta)
        self.best_params: Array | None = None
        self._good_params = net.params.copy()
        self._split_seed: int | None = None  # drawn when a validation split is first made
        self._data: dict[str, Any] | None = None
        self._loss_scale: float | None = None  # the first epoch's loss (at least 1)
        self._max_epochs: int | None = None
        self._progress: Progress | None = None
        self._began = False

    # ------------------------------------------------------------------ public state
    @property
    def stopped(self) -> bool:
        """Whether training has stopped (converged, early-stopped, diverged, callback)."""
        return bool(self.stop_reason)

    @property
    def best_loss(self) -> float:
        """The best monitored value so far (a score when ``monitor="score"``)."""
        return self._stopping.sign * self._stopping.best

    @property
    def patience_left(self) -> int:
        """Epochs without improvement still allowed before stopping."""
        return self.config.patience - self._stopping.wait

    @property
    def wait(self) -> int:
        """Epochs since the monitored value last improved."""
        return self._stopping.wait

    @property
    def patience_state(self) -> dict[str, Any]:
        """The stopping rule's memory (best value, epochs without improvement, best
        weights), to carry into a later run (``partial_fit``, ``warm_start``)."""
        bp = None if self.best_params is None else self.best_params.copy()
        return {"best": self._stopping.best, "wait": self._stopping.wait, "best_params": bp}

    @patience_state.setter
    def patience_state(self, state: dict[str, Any]) -> None:
        self._stopping.best, self._stopping.wait = float(state["best"]), int(state["wait"])
        self.best_params = state["best_params"]

    def reset_patience(self) -> None:
        """Forget the epochs without improvement (an ``on_plateau`` rule that acted)."""
        self._stopping.wait = 0

    # ------------------------------------------------------------------ checkpoints
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume this run exactly (arrays are copies). Taken
        between epochs."""
        return {
            "epoch": self.epoch,
            "steps": self.steps,
            "params": self.net.params.copy(),
            "optimizer": self.optimizer.state_dict(),
            "rng": self.rng.bit_generator.state,
            "schedule": self.schedule.state_dict(),
            "history": self.history.as_dict(),
            "best_loss": self._stopping.best,
            "best_params": None if self.best_params is None else self.best_params.copy(),
            "wait": self._stopping.wait,
            "split_seed": self._split_seed,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`: the next :meth:`run` continues where it stopped."""
        self.epoch = int(state["epoch"])
        self.steps = int(state.get("steps", 0))
        self.net.params = state["params"]
        self.optimizer.load_state_dict(state["optimizer"])
        self.rng.bit_generator.state = state["rng"]
        self.schedule.load_state_dict(state["schedule"])
        self.history = History.from_dict(state["history"])
        self._stopping.best = float(state["best_loss"])
        bp = state.get("best_params")
        self.best_params = None if bp is None else np.array(bp, dtype=self.net.dtype)
        self._stopping.wait = int(state.get("wait", 0))
        seed = state.get("split_seed")
        self._split_seed = None if seed is None else int(seed)
        self._good_params = self.net.params.copy()

    # ------------------------------------------------------------------ data
    def start(
        self,
        X: Any,
        Y: Any,
        *,
        sample_weight: Any = None,
        validation_data: tuple[Any, ...] | None = None,
        validation_split: float = 0.0,
    ) -> None:
        """Give the trainer its data (validated here, once); then :meth:`advance`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        Y : array-like of shape (n_samples, n_outputs) or (n_samples,)
            Targets; class labels 0..K-1 (or one-hot rows) for a softmax output.
        sample_weight : array-like of shape (n_samples,), optional
        validation_data : (X_val, Y_val) or (X_val, Y_val, sample_weight_val), optional
        validation_split : float
            Fraction of (X, Y) held out for validation when no validation_data is given
            (a fixed split, seeded once per run and kept in checkpoints).
        """
        if not 0 <= validation_split < 1:
            raise ValueError(f"validation_split must be in [0, 1); got {validation_split}.")
        Xc, Yc, sw = self.net.check_data(X, Y, sample_weight)
        Xv = Yv = swv = None
        if validation_data is not None:
            if len(validation_data) not in (2, 3):
                raise ValueError("validation_data must be a pair (X_val, Y_val).")
            Xv_raw, Yv_raw, *rest = validation_data
            Xv, Yv, swv = self.net.check_data(Xv_raw, Yv_raw, rest[0] if rest else None, "X_val")
        elif validation_split:
            n_val = int(round(validation_split * Xc.shape[0]))
            if n_val < 1 or n_val >= Xc.shape[0]:
                raise ValueError(
                    f"validation_split={validation_split} of {Xc.shape[0]} samples leaves "
                    f"{n_val} for validation; both parts need at least one sample."
                )
            if self._split_seed is None:
                self._split_seed = int(self.rng.integers(2**63))
            perm = np.random.default_rng(self._split_seed).permutation(Xc.shape[0])
            val, tr = perm[:n_val], perm[n_val:]
            Xv, Yv, swv = Xc[val], Yc[val], None if sw is None else sw[val]
            Xc, Yc = Xc[tr], Yc[tr]
            sw = None if sw is None else sw[tr]
        self._data = {"X": Xc, "Y": Yc, "sw": sw, "Xv": Xv, "Yv": Yv, "swv": swv}
        self._epoch_state: dict[str, Any] | None = None
        self._pos = 0
        self.stop_reason = ""
        self.stop_training = False
        self._began = False

    def _threads(self) -> int:
        # Decided once per start(): "auto" reads the load average, and a choice that
        # flipped between advance() calls would switch OpenBLAS's threads every time.
        assert self._data is not None
        if self._data.get("threads") is None:
            n = self._data["X"].shape[0]
            bs = min(self.config.batch_size or n, n)
            self._data["threads"] = resolve_threads(self.config.n_threads,
                                                    self.net.layer_sizes, bs)  # fmt: skip
        return int(self._data["threads"])

    # ------------------------------------------------------------------ the loop
    def run(
        self,
        X: Any,
        Y: Any,
        epochs: int = 10,
        *,
        sample_weight: Any = None,
        validation_data: tuple[Any, ...] | None = None,
        validation_split: float = 0.0,
    ) -> History:
        """Train until :attr:`epoch` reaches ``epochs`` (counting those already done on
        resume) or a stopping rule fires; returns the history."""
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer; got {epochs!r}.")
        self.start(
            X, Y, sample_weight=sample_weight, validation_data=validation_data,
            validation_split=validation_split,
        )  # fmt: skip
        self._max_epochs = int(epochs)
        if self.epoch < epochs:
            self.advance(epochs=epochs - self.epoch)
        else:
            self._finish("max_epochs")
        return self.history

    def advance(self, steps: int | None = None, epochs: int | None = None) -> bool:
        """Train for ``steps`` more mini-batch steps or ``epochs`` more epochs.

        Epoch bookkeeping (loss, validation, schedule, stopping, callbacks) happens at
        each epoch's end, wherever the steps fall. L-BFGS advances by epochs (its
        iterations) only.

        Returns
        -------
        bool
            True while training can go on; False once it has stopped (see
            :attr:`stop_reason`).
        """
        if self._data is None:
            raise RuntimeError("Call trainer.start(X, Y) (or trainer.run) before advance().")
        if (steps is None) == (epochs is None):
            raise ValueError("Give exactly one of steps= or epochs=.")
        count = steps if steps is not None else epochs
        if not isinstance(count, (int, np.integer)) or count < 1:
            raise ValueError(f"steps/epochs must be a positive integer; got {count!r}.")
        if self.stopped:
            return False
        if not self._began:
            self._begin()
        # Overflow on the way to a divergence is reported once, by _diverged, not as
        # numpy's RuntimeWarnings from deep inside a matmul.
        with blas_limit(self._threads()), np.errstate(over="ignore", invalid="ignore"):
            if isinstance(self.optimizer, LBFGS):
                if steps is not None:
                    raise ValueError("L-BFGS advances by epochs (iterations), not steps.")
                self._run_lbfgs(int(count))
            elif steps is not None:
                for _ in range(int(count)):
                    if not self._step():
                        break
            else:
                target = self.epoch + int(count)
                while self.epoch < target and self._step():
                    pass
        if self._max_epochs is not None and self.epoch >= self._max_epochs and not self.stopped:
            self._finish("max_epochs")
        return not self.stopped

    def _begin(self) -> None:
        self._began = True
        if self.config.verbose:
            name = "accuracy" if self.net.head.is_classifier else "r2"
            total = self._max_epochs or 0
            self._progress = Progress(total, self.stream, name)
        self._t0 = time.perf_counter() - (self.history.time[-1] if self.history.time else 0.0)
        for cb in self.callbacks:
            cb.on_train_begin(self)

    def _begin_epoch(self) -> dict[str, Any]:
        """Put this epoch's row order in place and build the step's buffers."""
        assert self._data is not None
        net, d, cfg = self.net, self._data, self.config
        X, Y, sw = d["X"], d["Y"], d["sw"]
        n = X.shape[0]
        bs = min(cfg.batch_size or n, n)
        e = self._epoch_state
        if e is None:  # once per start(): buffers for the batch size and the last batch
            ones = net.layers[0].wants_ones
            dense = isinstance(X, np.ndarray)  # else sparse: each batch's rows are taken as is
            epoch_buffer = dense and n * (X.shape[1] + 1) * X.itemsize <= _EPOCH_BUFFER_BYTES
            e = self._epoch_state = {"bs": bs, "n": n, "epoch_buffer": epoch_buffer, "ws": {}}
            for m in {bs, n % bs or bs}:
                ws = build_slots(net.layers, m, net.dtype)
                if dense and not epoch_buffer:
                    ws[0].X = np.ones((m, X.shape[1] + ones), dtype=net.dtype)
                e["ws"][m] = (ws, np.empty((m, net.n_outputs), dtype=net.dtype))
            if epoch_buffer:
                e["Xs"] = np.ones((n, X.shape[1] + ones), dtype=net.dtype)
                e["Xs"][:, : X.shape[1]] = X
            e["logits"] = np.empty((n, net.n_outputs), dtype=net.dtype)
            e["penalty"] = []
        shuffle = cfg.shuffle
        order = None
        if callable(shuffle):
            order = np.asarray(shuffle(n))
        elif shuffle:
            order = self.rng.permutation(n)
        e["order"] = order
        if order is None:
            e["Ys"], e["sws"] = Y, sw
        else:
            # mode="wrap" skips the bounds check's buffered copy (the indices are valid).
            e["Ys"] = np.take(Y, order, axis=0, mode="wrap")
            e["sws"] = None if sw is None else np.take(sw, order, mode="wrap")
            if e["epoch_buffer"]:
                np.take(X, order, axis=0, out=e["Xs"][:, : X.shape[1]], mode="wrap")
        e["penalty"].clear()
        # What every step of this epoch reads, in one tuple (a step of a small network is a
        # few microseconds: dictionary look-ups count).
        e["step"] = (bs, n, e["epoch_buffer"], e.get("Xs"), e["logits"], e["Ys"], e["sws"])
        return e

    def _step(self) -> bool:
        """One mini-batch step; ends the epoch after its last batch. False: stopped."""
        net, cfg = self.net, self.config
        e = self._epoch_state if self._pos else self._begin_epoch()
        assert e is not None
        start = self._pos
        bs, n, epoch_buffer, Xs, logits, Ys, sws = e["step"]
        m = bs if start + bs <= n else n - start
        stop = start + m
        ws, dZ = e["ws"][m]
        first: Slot = ws[0]
        if epoch_buffer:
            first.X = Xs[start:stop]
        else:
            X, order = self._data["X"], e["order"]  # type: ignore[index]
            if not isinstance(X, np.ndarray):  # sparse rows, multiplied by the first Dense
                first.X = X[start:stop] if order is None else X[order[start:stop]]
            else:
                rows = X[start:stop] if order is None else np.take(X, order[start:stop], axis=0)
                first.X[:, : X.shape[1]] = rows
        last: Slot = ws[-1]
        last.Y = last.out = Z = logits[start:stop]
        Yb = Ys[start:stop]
        swb = None if sws is None else sws[start:stop]
        net.forward_pass(ws, True, self.rng)
        self._pos = 0 if stop == n else stop
        if swb is not None and not swb.any():  # nothing to learn from: no step
            return self._end_epoch(e) if self._pos == 0 else True
        net.loss.logit_grad(Z, Yb, net.head, dZ, swb)
        g = net.backward_pass(ws, dZ)
        if cfg.weight_decay:
            lam = self._decay(m if swb is None else float(swb.sum()))
            e["penalty"].append(m * net.penalty(lam))
            net.add_decay_gradient(lam)
        if cfg.clip_value is not None:
            np.clip(g, -cfg.clip_value, cfg.clip_value, out=g)
        if cfg.clip_norm is not None:
            norm = float(np.sqrt(np.dot(g, g)))
            if norm > cfg.clip_norm:
                g *= cfg.clip_norm / norm
        self.optimizer.step(net.params, g)  # type: ignore[union-attr]
        self.steps += 1
        if self._pos == 0:
            return self._end_epoch(e)
        return True

    def _decay(self, total_weight: float) -> float:
        """λ for one batch: the configured weight decay, or per unit of sample weight."""
        wd = self.config.weight_decay
        return wd / total_weight if self.config.decay_per_sample else wd

    def _loss_value(self, Z: Array, Y: Array, sw: Array | None, bs: int) -> float:
        """The mean over batches of ``Σ_b s_i ℓ_i / Σ_b s_i``, each batch weighted by its
        size (the loss of the unshuffled rows' batches of ``bs``)."""
        net = self.net
        per = net.loss.per_sample(Z, Y, net.head)
        if self.config.report_loss is not None:
            per = self.config.report_loss(per, Y)
        n = per.shape[0]
        if net.loss.reduction == "sum":
            starts = np.arange(0, n, bs)
            return float(np.add.reduceat(per, starts).dot(np.diff(np.append(starts, n)))) / n
        if sw is None:
            return float(np.mean(per))
        starts = np.arange(0, n, bs)
        sizes = np.diff(np.append(starts, n))
        num = np.add.reduceat(per * sw, starts)
        den = np.add.reduceat(sw.astype(np.float64), starts)
        means = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        return float(means.dot(sizes)) / n

    def _metric(self, A: Array, Y: Array, sw: Array | None = None) -> float:
        return metrics.score(A, Y, self.net.head.name, sw)

    def _end_epoch(self, e: dict[str, Any]) -> bool:
        """Record the epoch, validate, step the schedule, check stopping."""
        net, d = self.net, self._data
        assert d is not None
        Z, Y, sw = e["logits"], e["Ys"], e["sws"]
        train_loss = self._loss_value(Z, Y, sw, e["bs"])
        if e["penalty"]:
            train_loss += sum(e["penalty"]) / e["n"]
        metric = self._metric(net.head(Z), Y) if self.config.metric else math.nan
        self.samples_seen += e["n"]
        self.last_loss = train_loss
        if self._loss_scale is None and math.isfinite(train_loss):
            self._loss_scale = max(abs(train_loss), 1.0)
        grown = self._loss_scale is not None and train_loss > _DIVERGED * self._loss_scale
        if not math.isfinite(train_loss) or grown or not np.all(np.isfinite(net.params)):
            self._diverged(train_loss)
            return False
        self._good_params[...] = net.params
        return self._record(train_loss, metric)

    def _record(self, train_loss: float, metric: float) -> bool:
        """Validation, history, best weights, schedule, callbacks and stopping rules."""
        net, d, cfg, h = self.net, self._data, self.config, self.history
        assert d is not None
        self.epoch += 1
        val_loss = val_metric = score = math.nan
        Xv = d["Xv"]
        if Xv is not None:
            Yv, swv = d["Yv"], d["swv"]
            Zv = net.logits(Xv)
            val_loss = self._loss_value(Zv, Yv, swv, Xv.shape[0])
            total = Xv.shape[0] if swv is None else float(swv.sum())
            val_loss += net.penalty(self._decay(total))
            Av = net.head(Zv)
            if cfg.metric or cfg.monitor == "score":
                scorer = cfg.scorer or self._metric
                score = val_metric = scorer(Av, Yv, swv)
        h.epoch.append(self.epoch)
        h.loss.append(float(train_loss))
        h.val_loss.append(float(val_loss))
        h.metric.append(float(metric))
        h.val_metric.append(float(val_metric))
        h.lr.append(float(self.optimizer.lr))
        h.time.append(time.perf_counter() - self._t0)
        if cfg.monitor == "score":
            monitored = score
        else:
            monitored = val_loss if Xv is not None else train_loss
        if self._stopping.update(monitored):
            h.best_epoch = self.epoch
            if cfg.early_stopping and cfg.restore_best:
                self.best_params = net.params.copy()
        new_lr = self.schedule(
            self.epoch, self.base_lr, self.optimizer.lr, monitored, samples_seen=self.samples_seen
        )
        self.optimizer.lr = float(new_lr)
        if self._progress:
            self._progress.epoch_end(h, self.epoch, h.time[-1])
        for cb in self.callbacks:
            cb.on_epoch_end(self)
        if self.stop_training:
            self._finish("callback")
            return False
        if self._stopping.wait > cfg.patience and (cfg.early_stopping or cfg.tol is not None):
            on_plateau = getattr(self.schedule, "on_plateau", None)
            if on_plateau is not None:  # e.g. AdaptiveLR: a lower rate instead of stopping
                lr = on_plateau(self.optimizer.lr)
                if lr is not None:
                    self.optimizer.lr = float(lr)
                    self.reset_patience()
                    return True
            self._finish("early_stopping" if cfg.early_stopping else "converged")
            return False
        lbfgs = isinstance(self.optimizer, LBFGS)  # SciPy counts its own iterations
        if not lbfgs and self._max_epochs is not None and self.epoch >= self._max_epochs:
            self._finish("max_epochs")
            return False
        return True

    def _finish(self, reason: str) -> None:
        """Stop: restore the best weights (early stopping), close progress, callbacks."""
        cfg = self.config
        if cfg.early_stopping and cfg.restore_best and self.best_params is not None:
            self.net.params = self.best_params
        self.stop_reason = self.history.stop_reason = reason
        if self._progress:
            self._progress.close(reason)
        for cb in self.callbacks:
            cb.on_train_end(self)
        self.net.history_ = self.history
        self.net.optimizer_ = self.optimizer

    def _diverged(self, loss: float) -> None:
        """Stop, say so, keep the last finite weights (never leave non-finite ones)."""
        self.net.params = self._good_params
        lr = self.optimizer.lr
        kept = (
            f"the weights from the end of epoch {self.epoch} (the last finite ones)"
            if self.epoch
            else "the weights it started with"
        )
        became = f"became {loss}" if not math.isfinite(loss) else (
            f"grew to {loss:.3g}, over {_DIVERGED:.0e} times its first epoch's")  # fmt: skip
        msg = (
            f"Training diverged in epoch {self.epoch + 1}: the loss {became} "
            f"(learning rate {lr:g}). Stopped, and kept {kept}. Lower the learning rate "
            f"(e.g. lr={lr / 10:g}), clip gradients (clip_norm=1.0), or standardise the inputs."
        )
        warnings.warn(msg, DivergenceWarning, stacklevel=5)
        if self.config.verbose:
            self.stream.write(msg + "\n")
        self._finish("diverged")

    def _run_lbfgs(self, iterations: int) -> None:
        """L-BFGS-B through SciPy; each iteration is an epoch of the history."""
        from scipy.optimize import minimize

        net, opt, d = self.net, self.optimizer, self._data
        assert isinstance(opt, LBFGS) and d is not None
        X, Y, sw = d["X"], d["Y"], d["sw"]
        lam = self._decay(X.shape[0] if sw is None else float(sw.sum()))
        last: dict[str, Any] = {}

        def fun(w64: Array) -> tuple[float, Array]:
            net.params[...] = w64
            if not np.all(np.isfinite(net.params)):
                return math.inf, np.zeros_like(w64)
            loss, g, A = net.loss_grad(X, Y, sw, lam)
            last["x"], last["A"] = w64, A
            if not math.isfinite(loss):
                return math.inf, np.zeros_like(w64)
            return loss, g.astype(np.float64)

        def callback(intermediate_result: Any) -> None:
            x = intermediate_result.x
            net.params[...] = x
            opt.t += 1
            loss = float(intermediate_result.fun)
            seen = last.get("x")
            A = last.get("A") if seen is not None and np.array_equal(seen, x) else None
            if self.config.report_loss is not None or (A is None and self.config.metric):
                Z = net.logits(X)
                loss = self._loss_value(Z, Y, sw, X.shape[0]) + net.penalty(lam)
                A = net.head(Z)
            metric = self._metric(A, Y) if self.config.metric and A is not None else math.nan
            if not math.isfinite(loss):
                raise StopIteration
            self._good_params[...] = net.params
            if not self._record(loss, metric):
                raise StopIteration

        ftol = opt.ftol if opt.ftol is not None else (
            opt.tol * 1e-2 if net.dtype == np.float64 else 1e-9)  # fmt: skip
        res = minimize(
            fun, net.params.astype(np.float64), jac=True, method="L-BFGS-B", callback=callback,
            options={"maxiter": iterations, "maxfun": opt.max_fun, "gtol": opt.tol, "ftol": ftol},
        )  # fmt: skip
        self.lbfgs_result = res
        if self.stopped:
            return
        if np.all(np.isfinite(res.x)) and math.isfinite(float(res.fun)):
            net.params[...] = res.x
        else:
            self._diverged(float(res.fun))
            return
        self._finish(f"lbfgs: {res.message}")


def fit(
    net: Any,
    X: Any,
    Y: Any,
    optimizer: Any = "adam",
    epochs: int = 10,
    batch_size: int | None = 32,
    *,
    sample_weight: Any = None,
    validation_data: tuple[Any, ...] | None = None,
    validation_split: float = 0.0,
    **options: Any,
) -> History:
    """Train ``net`` on (X, Y) and return its :class:`History`.

    Parameters
    ----------
    net : MLP
    X : array-like of shape (n_samples, n_inputs)
    Y : array-like of shape (n_samples, n_outputs) or (n_samples,)
        Targets; class labels 0..K-1 (or one-hot rows) for a softmax output.
    optimizer : str or Optimizer, default="adam"
        A name reuses ``net.optimizer_`` when it has that name, so calling ``fit``
        again continues training with the same optimizer state.
    epochs : int
        Number of passes over the training data (L-BFGS: iterations).
    batch_size : int or None, default=32
        ``None`` trains on the full batch (gradient descent).
    sample_weight : array-like of shape (n_samples,), optional
    validation_data : (X_val, Y_val), optional
    validation_split : float
        Fraction of (X, Y) held out for validation when no validation_data is given.
    **options
        Any field of :class:`TrainConfig`: ``lr``, ``weight_decay``, ``clip_norm``,
        ``schedule``, ``early_stopping``, ``patience``, ``tol``, ``callbacks``,
        ``verbose``, ``random_state``, ``n_threads``...

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
    trainer = Trainer(net, opt, batch_size=batch_size, **options)
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
