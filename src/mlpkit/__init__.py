"""mlpkit: multi-layer perceptrons in NumPy, as the lectures derive them.

The core (activations, losses, init, layers, network, optimizers, schedules,
training) depends on NumPy and SciPy only. Sub-packages load on first use:
``mlpkit.datasets``, ``mlpkit.analysis``, ``mlpkit.plotting``, ``mlpkit.io``,
``mlpkit.estimators``, ``mlpkit.experiments``.
"""

from __future__ import annotations

import importlib
from typing import Any

from .activations import ACTIVATIONS, Activation, get_activation
from .layers import ActivationLayer, Dense, Dropout, LayerNorm, PReLU, Residual
from .losses import LOSSES, get_loss
from .network import MLP, parameter_count
from .optimizers import SGD, Adam, AdamW, RMSProp, get_optimizer
from .training import Callback, DivergenceWarning, History, TrainConfig, Trainer, fit

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "ActivationLayer",
    "Adam",
    "AdamW",
    "Callback",
    "Dense",
    "DivergenceWarning",
    "Dropout",
    "History",
    "LOSSES",
    "LayerNorm",
    "MLP",
    "PReLU",
    "RMSProp",
    "Residual",
    "SGD",
    "TrainConfig",
    "Trainer",
    "__version__",
    "fit",
    "get_activation",
    "get_loss",
    "get_optimizer",
    "parameter_count",
]

_SUBMODULES = {"analysis", "datasets", "plotting", "io", "estimators", "experiments", "cli"}
# Names re-exported lazily from optional sub-packages (they may import scikit-learn).
_LAZY = {
    "MLPClassifier": "estimators",
    "MLPRegressor": "estimators",
    "save": "io",
    "load": "io",
    "Sweep": "sweep",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'mlpkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBMODULES, *_LAZY])
