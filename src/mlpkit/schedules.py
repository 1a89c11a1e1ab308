"""Learning-rate schedules, applied at the end of each epoch.

A schedule maps (epochs completed, base learning rate, last monitored loss) to the
learning rate of the next epoch. Only :class:`ReduceLROnPlateau` keeps state, and it
exposes it with ``state_dict`` / ``load_state_dict`` for checkpoints.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "SCHEDULES",
    "ConstantLR",
    "CosineLR",
    "ExponentialLR",
    "ReduceLROnPlateau",
    "Schedule",
    "StepLR",
    "get_schedule",
]


class Schedule:
    name = "constant"

    def __call__(self, epoch: int, base_lr: float, current_lr: float, loss: float | None) -> float:
        """Learning rate for epoch ``epoch + 1`` after ``epoch`` epochs completed."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        return {"name": self.name, **{k: v for k, v in vars(self).items() if not k.startswith("_")}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            if k != "name" and hasattr(self, k):
                setattr(self, k, v)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class ConstantLR(Schedule):
    """η stays at its initial value."""

    name = "constant"

    def __call__(self, epoch, base_lr, current_lr, loss):
        return current_lr


class StepLR(Schedule):
    """η = η0 γ^⌊epoch / step_size⌋."""

    name = "step"

    def __init__(self, step_size: int = 30, gamma: float = 0.1):
        if step_size < 1:
            raise ValueError(f"step_size must be >= 1; got {step_size}.")
        self.step_size, self.gamma = int(step_size), float(gamma)

    def __call__(self, epoch, base_lr, current_lr, loss):
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(Schedule):
    """η = η0 γ^epoch."""

    name = "exponential"

    def __init__(self, gamma: float = 0.95):
        if not 0 < gamma <= 1:
            raise ValueError(f"gamma must be in (0, 1]; got {gamma}.")
        self.gamma = float(gamma)

    def __call__(self, epoch, base_lr, current_lr, loss):
        return base_lr * self.gamma**epoch


class CosineLR(Schedule):
    """Cosine annealing (Loshchilov & Hutter 2017), without restarts:
    η = η_min + (η0 - η_min) (1 + cos(π epoch / T_max)) / 2."""

    name = "cosine"

    def __init__(self, T_max: int = 100, eta_min: float = 0.0):
        if T_max < 1:
            raise ValueError(f"T_max must be >= 1; got {T_max}.")
        self.T_max, self.eta_min = int(T_max), float(eta_min)

    def __call__(self, epoch, base_lr, current_lr, loss):
        e = min(epoch, self.T_max)
        cos = math.cos(math.pi * e / self.T_max)
        return self.eta_min + (base_lr - self.eta_min) * (1 + cos) / 2


class ReduceLROnPlateau(Schedule):
    """Divide η by ``1/factor`` when the monitored loss has not improved by
    ``min_delta`` for ``patience`` epochs (scikit-learn's 'adaptive' uses factor 1/5)."""

    name = "plateau"

    def __init__(self, factor: float = 0.1, patience: int = 10, min_delta: float = 1e-4,
                 min_lr: float = 0.0):  # fmt: skip
        if not 0 < factor < 1:
            raise ValueError(f"factor must be in (0, 1); got {factor}.")
        self.factor, self.patience = float(factor), int(patience)
        self.min_delta, self.min_lr = float(min_delta), float(min_lr)
        self.best = math.inf
        self.wait = 0

    def __call__(self, epoch, base_lr, current_lr, loss):
        if loss is None or not math.isfinite(loss):
            return current_lr
        if loss < self.best - self.min_delta:
            self.best, self.wait = loss, 0
            return current_lr
        self.wait += 1
        if self.wait > self.patience:
            self.wait = 0
            return max(current_lr * self.factor, self.min_lr)
        return current_lr


SCHEDULES = {"constant": ConstantLR, "step": StepLR, "exponential": ExponentialLR,
             "cosine": CosineLR, "plateau": ReduceLROnPlateau}  # fmt: skip


def get_schedule(schedule: Any, **kwargs: Any) -> Schedule:
    """A schedule by name (see :data:`SCHEDULES`), an instance, or ``None`` (constant)."""
    if schedule is None:
        return ConstantLR()
    if isinstance(schedule, Schedule):
        return schedule
    key = str(schedule).lower()
    if key not in SCHEDULES:
        raise ValueError(f"Unknown schedule {schedule!r}. Choose one of: {', '.join(SCHEDULES)}.")
    try:
        return SCHEDULES[key](**kwargs)
    except TypeError as exc:
        raise ValueError(f"Schedule {key!r} got unexpected settings {kwargs}.") from exc
