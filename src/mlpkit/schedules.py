"""Learning-rate schedules, applied at the end of each epoch.

A schedule maps (epochs completed, base learning rate, current learning rate, last
monitored loss, and the number of training samples seen so far) to the learning rate of
the next epoch. Only :class:`ReduceLROnPlateau` keeps state, and it exposes it with
``state_dict`` / ``load_state_dict`` for checkpoints.

scikit-learn's two schedules are here as well: :class:`InvScalingLR` (its
``learning_rate="invscaling"``) counts samples, not epochs, and :class:`AdaptiveLR` (its
``"adaptive"``) acts when the stopping policy sees no improvement, through
:meth:`AdaptiveLR.on_plateau`, instead of at every epoch's end.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "SCHEDULES",
    "SKLEARN_SCHEDULES",
    "AdaptiveLR",
    "ConstantLR",
    "CosineLR",
    "ExponentialLR",
    "InvScalingLR",
    "ReduceLROnPlateau",
    "Schedule",
    "StepLR",
    "get_schedule",
]


class Schedule:
    name = "constant"

    def __call__(
        self,
        epoch: int,
        base_lr: float,
        current_lr: float,
        loss: float | None,
        samples_seen: int | None = None,
    ) -> float:
        """Learning rate for epoch ``epoch + 1`` after ``epoch`` epochs completed.

        ``samples_seen`` is the number of training samples the optimizer has stepped on
        so far (over all epochs and ``partial_fit`` calls); only :class:`InvScalingLR`
        needs it.
        """
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

    def __call__(self, epoch, base_lr, current_lr, loss, samples_seen=None):
        return current_lr


class StepLR(Schedule):
    """η = η0 γ^⌊epoch / step_size⌋."""

    name = "step"

    def __init__(self, step_size: int = 30, gamma: float = 0.1):
        if step_size < 1:
            raise ValueError(f"step_size must be >= 1; got {step_size}.")
        self.step_size, self.gamma = int(step_size), float(gamma)

    def __call__(self, epoch, base_lr, current_lr, loss, samples_seen=None):
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(Schedule):
    """η = η0 γ^epoch."""

    name = "exponential"

    def __init__(self, gamma: float = 0.95):
        if not 0 < gamma <= 1:
            raise ValueError(f"gamma must be in (0, 1]; got {gamma}.")
        self.gamma = float(gamma)

    def __call__(self, epoch, base_lr, current_lr, loss, samples_seen=None):
        return base_lr * self.gamma**epoch


class CosineLR(Schedule):
    """Cosine annealing (Loshchilov & Hutter 2017), without restarts:
    η = η_min + (η0 - η_min) (1 + cos(π epoch / T_max)) / 2."""

    name = "cosine"

    def __init__(self, T_max: int = 100, eta_min: float = 0.0):
        if T_max < 1:
            raise ValueError(f"T_max must be >= 1; got {T_max}.")
        self.T_max, self.eta_min = int(T_max), float(eta_min)

    def __call__(self, epoch, base_lr, current_lr, loss, samples_seen=None):
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

    def __call__(self, epoch, base_lr, current_lr, loss, samples_seen=None):
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


class InvScalingLR(Schedule):
    """scikit-learn's ``learning_rate="invscaling"``.

    .. math:: η = η_0 / (t + 1)^{\\text{power\\_t}}

    with :math:`t` the number of training samples seen so far (``samples_seen``: the
    epochs completed times the training-set size, summed over ``partial_fit`` calls), as
    ``SGDOptimizer.iteration_ends(time_step)`` computes it at each epoch's end. With
    scikit-learn's default ``power_t = 0.5``, η falls as one over the square root.

    Parameters
    ----------
    power_t : float >= 0, default=0.5
    """

    name = "invscaling"

    def __init__(self, power_t: float = 0.5):
        if not (math.isfinite(power_t) and power_t >= 0):
            raise ValueError(f"power_t must be a finite number >= 0; got {power_t}.")
        self.power_t = float(power_t)

    def __call__(self, epoch, base_lr, current_lr, loss, samples_seen=None):
        if samples_seen is None:
            raise ValueError(
                "InvScalingLR counts training samples, not epochs: call it with "
                "samples_seen= (the number of samples the optimizer has stepped on)."
            )
        return float(base_lr) / (samples_seen + 1) ** self.power_t


class AdaptiveLR(Schedule):
    """scikit-learn's ``learning_rate="adaptive"``: divide η by 5 on a plateau.

    η stays at its value while training improves. When the stopping policy would stop
    (``n_iter_no_change`` epochs in a row without the training loss falling, or the
    validation score rising, by ``tol``), it calls :meth:`on_plateau` instead: η ← η / 5
    and training goes on with the policy's counter reset; once η ≤ 10⁻⁶ already, training
    stops (``SGDOptimizer.trigger_stopping``).

    Parameters
    ----------
    factor : float > 1, default=5.0
        η is divided by this on each plateau.
    min_lr : float, default=1e-6
        A plateau reached at η ≤ ``min_lr`` stops training.
    """

    name = "adaptive"

    def __init__(self, factor: float = 5.0, min_lr: float = 1e-6):
        if not (math.isfinite(factor) and factor > 1):
            raise ValueError(f"factor must be a finite number > 1; got {factor}.")
        self.factor, self.min_lr = float(factor), float(min_lr)

    def __call__(self, epoch, base_lr, current_lr, loss, samples_seen=None):
        return current_lr  # changes only on a plateau, through on_plateau

    def on_plateau(self, current_lr: float) -> float | None:
        """The learning rate to continue with, or ``None``: stop (η ≤ ``min_lr``)."""
        if current_lr <= self.min_lr:
            return None
        return current_lr / self.factor


SCHEDULES = {"constant": ConstantLR, "step": StepLR, "exponential": ExponentialLR,
             "cosine": CosineLR, "plateau": ReduceLROnPlateau}  # fmt: skip
#: scikit-learn's schedules, which need the training loop's help (samples seen, plateaus).
SKLEARN_SCHEDULES = {"invscaling": InvScalingLR, "adaptive": AdaptiveLR}


def get_schedule(schedule: Any, **kwargs: Any) -> Schedule:
    """A schedule by name (see :data:`SCHEDULES`), an instance, or ``None`` (constant)."""
    if schedule is None:
        return ConstantLR()
    if isinstance(schedule, Schedule):
        return schedule
    key = str(schedule).lower()
    classes = {**SCHEDULES, **SKLEARN_SCHEDULES}
    if key not in classes:
        raise ValueError(f"Unknown schedule {schedule!r}. Choose one of: {', '.join(SCHEDULES)}.")
    try:
        return classes[key](**kwargs)
    except TypeError as exc:
        raise ValueError(f"Schedule {key!r} got unexpected settings {kwargs}.") from exc
