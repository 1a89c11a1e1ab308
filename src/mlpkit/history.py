"""What a training run records and reports: its history, callbacks, progress lines.

:class:`History` is the per-epoch record; a :class:`Callback` is called by the
:class:`~mlpkit.training.Trainer` at the start, after each epoch and at the end, and
can stop training; :class:`Progress` prints a bar on a terminal and plain periodic
lines in a log (progress bars write carriage returns into logs).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .training import Trainer

__all__ = ["Callback", "DivergenceWarning", "FunctionCallback", "History", "Progress"]


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


class FunctionCallback(Callback):
    """A plain function ``f(trainer)`` as a callback: called after each epoch; returning
    True stops training."""

    def __init__(self, fn: Callable[[Trainer], Any]):
        self.fn = fn

    def on_epoch_end(self, trainer: Trainer) -> None:
        if self.fn(trainer) is True:
            trainer.stop_training = True


class Progress:
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
