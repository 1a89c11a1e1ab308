"""The playground's protocol: the page's messages, checked, and what a session builds
from its settings (network, optimizer, schedule), shared with the script it exports.

Kept apart from :mod:`mlpkit.web.session` so that the exported script, which imports
:func:`make_optimizer`, :func:`make_schedule` and :func:`network_spec`, reads a short
module, and the session module holds the session alone.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from ..network import MLP
from ..optimizers import SGD, Adam, Optimizer
from ..schedules import ConstantLR, CosineLR, ExponentialLR, Schedule, StepLR
from .settings import active_features, layer_activations

__all__ = [
    "MAX_CONTROL_BYTES",
    "MAX_MESSAGE_BYTES",
    "MessageError",
    "make_optimizer",
    "make_schedule",
    "network_spec",
    "parse_message",
    "python_script",
    "weight_mask",
]

#: Largest message the page may send: a 1 MB CSV and its JSON quoting.
MAX_MESSAGE_BYTES = 1_200_000
MAX_CONTROL_BYTES = 16_000


class MessageError(ValueError):
    """A message from the page that is not valid JSON or not a known, well-formed command."""


# ====================================================================== messages
_MESSAGE_KEYS: dict[str, dict[str, Any]] = {
    "settings": {"settings": dict},
    "play": {},
    "pause": {},
    "step": {},
    "reset": {},
    "regenerate": {},
    "ack": {},
    "edit": {"kind": str, "layer": int, "from": int, "to": int, "value": float},
    "upload": {"csv": str},
    "point": {"x": float, "y": float, "label": float},
}


def parse_message(text: Any) -> dict[str, Any]:
    """Check one WebSocket message from the page; return it as a dict.

    Every message is a JSON object with a known ``type`` and exactly that type's keys,
    each of the right type (numbers finite). Settings are checked later against the
    session's current ones (:func:`validate_settings`).

    Raises
    ------
    MessageError
        Naming what is wrong; the server sends it back to that page only.
    """
    if not isinstance(text, str):
        raise MessageError("Messages must be JSON text, not binary.")
    if len(text) > MAX_MESSAGE_BYTES:
        raise MessageError(f"Message too large ({len(text)} bytes; at most {MAX_MESSAGE_BYTES}).")
    try:
        msg = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise MessageError("Message is not valid JSON.") from None
    if not isinstance(msg, dict):
        raise MessageError("Message must be a JSON object with a 'type'.")
    kind = msg.get("type")
    if kind not in _MESSAGE_KEYS:
        raise MessageError(
            f"Unknown message type {kind!r}; expected one of {', '.join(_MESSAGE_KEYS)}."
        )
    if kind != "upload" and len(text) > MAX_CONTROL_BYTES:
        raise MessageError(f"A {kind!r} message may be at most {MAX_CONTROL_BYTES} bytes.")
    spec = _MESSAGE_KEYS[kind]
    keys = set(msg) - {"type"}
    required = set(spec) - ({"from"} if kind == "edit" else set())
    if keys - set(spec) or required - keys:
        raise MessageError(
            f"A {kind!r} message takes the keys {', '.join(sorted(spec)) or '(none)'}; "
            f"got {', '.join(sorted(keys)) or '(none)'}."
        )
    for key in keys:
        want, value = spec[key], msg[key]
        if want is float:
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
                  and math.isfinite(value))  # fmt: skip
        elif want is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, want)
        if not ok:
            raise MessageError(f"In a {kind!r} message, {key!r} must be a {want.__name__}.")
    if kind == "edit" and msg["kind"] not in ("weight", "bias"):
        raise MessageError("An 'edit' message's kind must be 'weight' or 'bias'.")
    return msg


# ====================================================================== training parts
def _l1_class(base: type[Optimizer]) -> type[Optimizer]:
    class L1(base):  # type: ignore[valid-type,misc]
        """``base`` with an L1 penalty's subgradient added to the weights' gradient.

        ``E(w) + λ Σ |W|`` has the subgradient ``λ sign(W)`` (biases are not penalised,
        as in TensorFlow Playground). The engine's Trainer has only L2 (weight decay),
        so L1 is this additive term in the optimizer's step; the reported loss is the
        data loss without it (TensorFlow Playground reports it so as well).
        """

        def __init__(self, *args: Any, l1: float = 0.0, mask: Any = None, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.l1, self.mask = float(l1), mask

        def step(self, w: np.ndarray, g: np.ndarray) -> None:
            if self.l1:
                g += self.l1 * np.sign(w) * self.mask  # ∂(λ Σ|W|)/∂W = λ sign(W)
            super().step(w, g)

    L1.__name__ = L1.__qualname__ = f"L1{base.__name__}"
    return L1


_L1_CLASSES: dict[type[Optimizer], Any] = {SGD: _l1_class(SGD), Adam: _l1_class(Adam)}


def weight_mask(net: MLP) -> np.ndarray:
    """1 for the entries of the flat vector that are weights W, 0 for biases."""
    mask = np.zeros(net.n_params, dtype=net.dtype)
    for name, sl, _ in net.param_slices():
        if name.endswith(".W"):
            mask[sl] = 1
    return mask


def make_optimizer(settings: dict[str, Any], net: MLP) -> Optimizer:
    """SGD, momentum (SGD with β = 0.9) or Adam; with L1 the subclass adding ``λ sign W``."""
    lr = settings["learningRate"]
    name = settings["optimizer"]
    cls: type[Optimizer] = Adam if name == "adam" else SGD
    kwargs: dict[str, Any] = {"momentum": 0.9} if name == "momentum" else {}
    if settings["regularization"] == "L1":
        return _L1_CLASSES[cls](lr, l1=settings["regularizationRate"], mask=weight_mask(net),
                                **kwargs)  # fmt: skip
    return cls(lr, **kwargs)


def make_schedule(settings: dict[str, Any]) -> Schedule:
    """The learning-rate schedule: halve every 100 epochs, ×0.99 per epoch, or cosine to
    0 over ``stopEpochs`` (500 when no stop is set)."""
    name = settings["schedule"]
    if name == "step":
        return StepLR(step_size=100, gamma=0.5)
    if name == "exponential":
        return ExponentialLR(gamma=0.99)
    if name == "cosine":
        return CosineLR(T_max=settings["stopEpochs"] or 500)
    return ConstantLR()


def network_spec(settings: dict[str, Any], n_classes: int) -> dict[str, Any]:
    """The MLP's constructor arguments for these settings and data."""
    n_in = len(active_features(settings))
    shape = list(settings["networkShape"])
    mse = settings["loss"] == "mse"
    if n_classes == 0:
        out, output, loss = 1, "identity", "squared_error"
    elif n_classes == 2:
        out, output = 1, "logistic"
        loss = "squared_error" if mse else "binary_cross_entropy"
    else:
        out, output = n_classes, "softmax"
        loss = "squared_error" if mse else "cross_entropy"
    return {
        "layer_sizes": [n_in, *shape, out],
        "activation": layer_activations(settings),
        "output": output,
        "loss": loss,
        "dropout": settings["dropout"],
        "random_state": settings["seed"],
    }


# ====================================================================== the script
def python_script(settings: dict[str, Any]) -> str:
    """A standalone Python script that reruns these settings with mlpkit and prints the
    losses per epoch: the same numbers the playground shows for a run started with
    these settings (weight edits and live changes during a run are not replayed)."""
    s = settings
    feats = active_features(s)
    cols = {
        "x": "x1", "y": "x2", "xSquared": "x1 * x1", "ySquared": "x2 * x2",
        "xTimesY": "x1 * x2", "sinX": "np.sin(x1)", "sinY": "np.sin(x2)",
        "cosX": "np.cos(x1)", "cosY": "np.cos(x2)",
    }  # fmt: skip
    custom = (s["problem"] == "regression" and s["regDataset"] == "custom") or (
        s["problem"] == "classification" and s["dataset"] == "custom"
    )
    if custom:
        data_code = (
            "# The run used uploaded or clicked points: put them in points.csv (x1, x2, label).\n"
            "from mlpkit.web.data import parse_csv\n"
            f"data = parse_csv(open('points.csv').read(), {s['problem']!r}, "
            f"{s['percTrainData']}, {s['seed']})"
        )
    else:
        data_code = (
            "from mlpkit.web.data import make_dataset  # the playground's generators\n"
            "data = make_dataset(settings)"
        )
    ep = s["stopEpochs"] or 200
    opt_note = f"{s['optimizer']}, lr={s['learningRate']:g}"
    if s["regularization"] == "L1":
        opt_note += f", L1 penalty {s['regularizationRate']:g} (added to the gradient)"
    return f'''"""Reproduces an mlpkit playground run with mlpkit itself.

Generated by `mlpkit playground`. Same settings and seed give the same losses and weights.
"""

import numpy as np

import mlpkit
from mlpkit.web.protocol import make_optimizer, make_schedule, network_spec

settings = {s!r}
{data_code}


def features(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([{", ".join(cols[f] for f in feats)}]).astype(np.float32)


X_train, X_test = features(data.X_train), features(data.X_test)
net = mlpkit.MLP(**network_spec(settings, data.n_classes))
print(net)
trainer = mlpkit.Trainer(
    net,
    make_optimizer(settings, net),  # {opt_note}
    batch_size={s["batchSize"]},
    weight_decay={s["regularizationRate"] if s["regularization"] == "L2" else 0.0},
    schedule=make_schedule(settings),
    random_state={s["seed"]},
    n_threads=1,
)
history = trainer.run(
    X_train, data.y_train, epochs={ep}, validation_data=(X_test, data.y_test)
)
for epoch, loss, test_loss in zip(history.epoch, history.loss, history.val_loss):
    print(f"epoch {{epoch:4d}}  train loss {{loss:.6f}}  test loss {{test_loss:.6f}}")
mlpkit.save(net, "playground.mlpkit")
'''
