"""The playground's settings: names, defaults, limits, and strict validation.

The names are TensorFlow Playground's own (``src/state.ts`` of tensorflow/playground:
``learningRate``, ``networkShape``, ``percTrainData``, ``x``, ``xTimesY``, ...), so a
page can turn one of its shared URL hashes into settings unchanged; mlpkit's additions
(``activations``, ``optimizer``, ``schedule``, ``dropout``, ``loss``, ``classes``,
``nSamples``, ``stopEpochs``, ``stopLoss``) follow the same style.

:func:`validate_settings` is the only way settings from a browser reach a session: every
key must be known, every value of the right type and within its limits, or a
:class:`SettingsError` names the key, the value and what is allowed.
"""

from __future__ import annotations

import math
from typing import Any

from ..activations import ACTIVATIONS

__all__ = [
    "ACTIVATION_CHOICES",
    "CLASSIFICATION_SETS",
    "DEFAULTS",
    "FEATURES",
    "LIVE_KEYS",
    "MAX_LAYERS",
    "MAX_UNITS",
    "REGRESSION_SETS",
    "SettingsError",
    "validate_settings",
]

#: Network limits: up to 8 hidden layers of up to 32 units (the issue's bound; the
#: memory of 20 sessions of this size stays far below 1 GiB, see benchmarks).
MAX_LAYERS = 8
MAX_UNITS = 32

#: Input features, in TensorFlow Playground's hash names, with their formulas.
FEATURES: dict[str, str] = {
    "x": "x1",
    "y": "x2",
    "xSquared": "x1²",
    "ySquared": "x2²",
    "xTimesY": "x1·x2",
    "sinX": "sin x1",
    "sinY": "sin x2",
    "cosX": "cos x1",
    "cosY": "cos x2",
}

#: Every mlpkit activation ("prelu" is a layer with learnable slopes).
ACTIVATION_CHOICES: tuple[str, ...] = tuple(ACTIVATIONS)

CLASSIFICATION_SETS: tuple[str, ...] = (
    "circle", "xor", "gauss", "spiral",  # TensorFlow Playground's
    "rings", "banana", "checkerboard", "spirals", "blobs",  # the lectures'
    "custom",  # uploaded or clicked points
)  # fmt: skip
REGRESSION_SETS: tuple[str, ...] = (
    "reg-plane", "reg-gauss",  # TensorFlow Playground's
    "reg-rosenbrock", "reg-bumps",  # the lectures'
    "custom",
)  # fmt: skip

OPTIMIZERS = ("sgd", "momentum", "adam")
SCHEDULES = ("none", "step", "exponential", "cosine")
REGULARIZATIONS = ("none", "L1", "L2")

#: TensorFlow Playground's defaults (state.ts) where it has the setting.
DEFAULTS: dict[str, Any] = {
    "dataset": "circle",
    "regDataset": "reg-plane",
    "problem": "classification",
    "noise": 0,
    "percTrainData": 50,
    "batchSize": 10,
    "nSamples": 500,
    "classes": 3,
    "learningRate": 0.03,
    "activation": "tanh",
    "activations": None,  # one per hidden layer; None: `activation` everywhere
    "networkShape": [4, 2],
    "regularization": "none",
    "regularizationRate": 0.0,
    "optimizer": "sgd",
    "schedule": "none",
    "dropout": 0.0,
    "loss": "auto",
    "seed": 0,
    "stopEpochs": 0,
    "stopLoss": 0.0,
    "x": True,
    "y": True,
    "xSquared": False,
    "ySquared": False,
    "xTimesY": False,
    "sinX": False,
    "sinY": False,
    "cosX": False,
    "cosY": False,
    # Display only (kept so the URL round trip is lossless; the server ignores them).
    "discretize": False,
    "showTestData": False,
    # The exact linear regions overlay (mlpkit.analysis), computed by the server.
    "showRegions": False,
}

#: Settings applied to a running session without rebuilding the network, as in
#: TensorFlow Playground (where changing the learning rate does not reset the weights).
LIVE_KEYS = frozenset(
    {"learningRate", "batchSize", "regularizationRate", "stopEpochs", "stopLoss",
     "discretize", "showTestData", "showRegions"}
)  # fmt: skip

_RANGES: dict[str, tuple[float, float]] = {
    "noise": (0, 50),
    "percTrainData": (10, 90),
    "batchSize": (1, 2000),
    "nSamples": (20, 2000),
    "classes": (2, 6),
    "learningRate": (1e-6, 10.0),
    "regularizationRate": (0.0, 10.0),
    "dropout": (0.0, 0.9),
    "seed": (0, 2**31 - 1),
    "stopEpochs": (0, 1_000_000),
    "stopLoss": (0.0, 100.0),
}
_INTS = {"noise", "percTrainData", "batchSize", "nSamples", "classes", "seed", "stopEpochs"}
_CHOICES: dict[str, tuple[str, ...]] = {
    "dataset": CLASSIFICATION_SETS,
    "regDataset": REGRESSION_SETS,
    "problem": ("classification", "regression"),
    "activation": ACTIVATION_CHOICES,
    "regularization": REGULARIZATIONS,
    "optimizer": OPTIMIZERS,
    "schedule": SCHEDULES,
    "loss": ("auto", "mse"),
}
_BOOLS = {*FEATURES, "discretize", "showTestData", "showRegions"}


class SettingsError(ValueError):
    """A setting the page sent is unknown, of the wrong type or out of range."""


def _number(key: str, value: Any) -> float | int:
    # bool is an int in Python: refuse it where a number is expected.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"Setting {key!r} must be a number; got {value!r}.")
    if not math.isfinite(value):
        raise SettingsError(f"Setting {key!r} must be finite; got {value!r}.")
    lo, hi = _RANGES[key]
    if not lo <= value <= hi:
        raise SettingsError(f"Setting {key!r} must be between {lo:g} and {hi:g}; got {value!r}.")
    if key in _INTS:
        if value != int(value):
            raise SettingsError(f"Setting {key!r} must be a whole number; got {value!r}.")
        return int(value)
    return float(value)


def _shape(value: Any) -> list[int]:
    if not isinstance(value, list):
        raise SettingsError(f"Setting 'networkShape' must be a list of widths; got {value!r}.")
    if len(value) > MAX_LAYERS:
        raise SettingsError(
            f"The network may have at most {MAX_LAYERS} hidden layers; got {len(value)}."
        )
    out = []
    for w in value:
        if isinstance(w, bool) or not isinstance(w, int) or not 1 <= w <= MAX_UNITS:
            raise SettingsError(
                f"Each hidden layer needs 1 to {MAX_UNITS} units; got {w!r} in networkShape."
            )
        out.append(int(w))
    return out


def validate_settings(update: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge ``update`` into ``base`` (default: :data:`DEFAULTS`) after checking it.

    Parameters
    ----------
    update : dict
        Settings from the page: a subset of :data:`DEFAULTS`'s keys.
    base : dict, optional
        The current, already valid settings.

    Returns
    -------
    dict
        A new, complete and valid settings dict.

    Raises
    ------
    SettingsError
        For an unknown key, a wrong type, or a value out of range (all named).
    """
    if not isinstance(update, dict):
        raise SettingsError(f"Settings must be a JSON object; got {type(update).__name__}.")
    out = dict(DEFAULTS if base is None else base)
    unknown = sorted(set(update) - set(DEFAULTS))
    if unknown:
        raise SettingsError(
            f"Unknown setting(s) {', '.join(map(repr, unknown[:5]))}; known settings are "
            f"{', '.join(sorted(DEFAULTS))}."
        )
    for key, value in update.items():
        if key in _RANGES:
            out[key] = _number(key, value)
        elif key in _CHOICES:
            if not isinstance(value, str) or value not in _CHOICES[key]:
                raise SettingsError(
                    f"Setting {key!r} must be one of {', '.join(_CHOICES[key])}; got {value!r}."
                )
            out[key] = value
        elif key in _BOOLS:
            if not isinstance(value, bool):
                raise SettingsError(f"Setting {key!r} must be true or false; got {value!r}.")
            out[key] = value
        elif key == "networkShape":
            out[key] = _shape(value)
        elif key == "activations":
            if value is not None and (
                not isinstance(value, list)
                or len(value) > MAX_LAYERS
                or any(a not in ACTIVATION_CHOICES for a in value if isinstance(a, str))
                or not all(isinstance(a, str) for a in value)
            ):
                raise SettingsError(
                    f"Setting 'activations' must be a list of up to {MAX_LAYERS} names from "
                    f"{', '.join(ACTIVATION_CHOICES)}; got {value!r}."
                )
            out[key] = None if value is None else list(value)
    if not any(out[f] for f in FEATURES):
        raise SettingsError("Choose at least one input feature (x1, x2, ...).")
    return out


def layer_activations(settings: dict[str, Any]) -> list[str]:
    """One activation per hidden layer: ``activations`` where given, else ``activation``."""
    shape = settings["networkShape"]
    per = settings.get("activations") or []
    return [per[k] if k < len(per) else settings["activation"] for k in range(len(shape))]
