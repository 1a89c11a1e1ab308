"""One playground session: an :class:`~mlpkit.MLP`, its :class:`~mlpkit.Trainer`, frames.

(One concept, kept whole: a session's messages in, its training and frames out, and the
script that replays it, all read from the same settings dict.)

A session is driven by one thread only (the server's worker): the event loop validates
the page's messages with :func:`parse_message` and queues them; :meth:`Session.work`
applies them, trains one epoch when playing (TensorFlow Playground also trains one epoch
per animation frame) and returns the frame to send.

Training is mlpkit's: ``Trainer.run(X, Y, epochs=trainer.epoch + 1, validation_data=...)``
continues a run epoch by epoch (the trainer keeps the optimizer state, the shuffling
generator and the schedule), so a session's losses and weights equal those of
``Trainer(...).run(X, Y, epochs=n, validation_data=...)`` in Python with the same
settings and seed; :func:`python_script` writes that script.

Frames are JSON with the arrays in base64: pictures as uint8 (values in [-1, 1] or
[0, 1] mapped to 0..255, as the colour scale shows them), weights as float32. The default
network's frame is about 10 kB, the largest network's (8 × 32) about 80 kB.
"""

from __future__ import annotations

import base64
import json
import math
import os
import tempfile
import warnings
from collections import deque
from typing import Any

import numpy as np

from ..network import MLP
from ..optimizers import SGD, Adam, Optimizer
from ..schedules import ConstantLR, CosineLR, ExponentialLR, Schedule, StepLR
from ..training import DivergenceWarning, Trainer
from .data import DOMAIN, DataError, Dataset, features, make_dataset, parse_csv
from .settings import (
    FEATURES,
    LIVE_KEYS,
    SettingsError,
    layer_activations,
    validate_settings,
)

__all__ = [
    "GRID",
    "MessageError",
    "Session",
    "make_optimizer",
    "make_schedule",
    "parse_message",
    "python_script",
]

#: Heatmap resolution (points per axis). Thumbnails take every 2nd grid point (25 × 25);
#: above 32 hidden units, every 5th (10 × 10) so that the largest network's frame stays
#: small (256 thumbnails of 625 bytes were 213 kB of base64 per frame).
GRID = 50
THUMB_STEP = 2
THUMB_STEP_LARGE = 5
#: Largest message the page may send: a 1 MB CSV and its JSON quoting.
MAX_MESSAGE_BYTES = 1_200_000
MAX_CONTROL_BYTES = 16_000
#: Loss-chart points kept per session (older ones are thinned to every other).
MAX_HISTORY = 2000


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
    n_in = sum(bool(settings[f]) for f in FEATURES)
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


def _u8(values: np.ndarray, lo: float, hi: float) -> str:
    """Values clipped to [lo, hi], mapped to 0..255, as base64."""
    q = np.clip((values - lo) * (255.0 / (hi - lo)) + 0.5, 0, 255).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


# ====================================================================== the session
class Session:
    """A network, its trainer and its data, advanced and drawn on request.

    Parameters
    ----------
    settings : dict, optional
        Initial settings (checked with :func:`validate_settings`); default: TensorFlow
        Playground's defaults.
    """

    def __init__(self, settings: dict[str, Any] | None = None):
        self.settings = validate_settings(settings or {})
        self.inbox: deque[dict[str, Any]] = deque()
        self.playing = False
        self.status = "paused"
        self.run_id = 0
        self.data: Dataset | None = None
        self.history: list[list[float | None]] = []
        self._step_once = False
        self._send_data = True
        self._dirty = True
        g = np.linspace(-DOMAIN, DOMAIN, GRID)
        # Row 0 of the heatmap is the top of the picture (x2 = +6), as on screen.
        gx, gy = np.meshgrid(g, g[::-1])
        self.grid = np.column_stack([gx.ravel(), gy.ravel()])
        self._build(new_data=True)

    # ---------------------------------------------------------------- building
    def _build(self, new_data: bool) -> None:
        s = self.settings
        if new_data or self.data is None:
            custom = (s["problem"] == "regression" and s["regDataset"] == "custom") or (
                s["problem"] == "classification" and s["dataset"] == "custom"
            )
            if custom and self.data is not None:
                pass  # keep the uploaded / clicked points
            elif custom:
                raise DataError("Upload a CSV or click points to make a 'custom' data set.")
            else:
                self.data = make_dataset(s)
            self._send_data = True
        data = self.data
        assert data is not None
        self.net = MLP(**network_spec(s, data.n_classes))
        self.trainer = Trainer(
            self.net, make_optimizer(s, self.net), batch_size=s["batchSize"],
            weight_decay=s["regularizationRate"] if s["regularization"] == "L2" else 0.0,
            schedule=make_schedule(s), random_state=s["seed"], n_threads=1,
        )  # fmt: skip
        self._refresh_arrays()
        self.run_id += 1
        self.history = [self._current_losses()]  # epoch 0: the initial weights
        self.playing = False
        self.status = "paused"
        self._dirty = True
        self._regions: dict[str, Any] | None = None
        self.diverged_message = ""

    def _refresh_arrays(self) -> None:
        data = self.data
        assert data is not None
        dt = self.net.dtype
        self.X_train = features(data.X_train, self.settings).astype(dt)
        self.X_test = features(data.X_test, self.settings).astype(dt)
        self.grid_features = features(self.grid, self.settings).astype(dt)
        self.Y_train, self.Y_test = data.y_train, data.y_test

    # ---------------------------------------------------------------- commands
    def apply(self, msg: dict[str, Any]) -> list[dict[str, Any]]:
        """Apply one parsed message; returns error messages for the page (if any)."""
        kind = msg["type"]
        try:
            if kind == "play":
                if self.trainer.history.stop_reason != "diverged":
                    self.playing = True
                    self.status = "playing"
            elif kind == "pause":
                self.playing = False
                self.status = "paused"
            elif kind == "step":
                self.playing = False
                self._step_once = True
            elif kind == "reset":
                self._build(new_data=False)
            elif kind == "regenerate":
                self.settings = validate_settings({"seed": (self.settings["seed"] + 1) % 2**31},
                                                  self.settings)  # fmt: skip
                self._build(new_data=True)
            elif kind == "settings":
                self._apply_settings(msg["settings"])
            elif kind == "edit":
                self._edit(msg)
            elif kind == "upload":
                data = parse_csv(msg["csv"], self.settings["problem"],
                                 self.settings["percTrainData"], self.settings["seed"])  # fmt: skip
                self.data = data
                key = "regDataset" if self.settings["problem"] == "regression" else "dataset"
                self.settings = validate_settings({key: "custom"}, self.settings)
                self._send_data = True
                self._build(new_data=False)
            elif kind == "point":
                self._add_point(msg)
        except (SettingsError, DataError, MessageError) as exc:
            return [{"type": "error", "message": str(exc)}]
        return []

    def _apply_settings(self, update: dict[str, Any]) -> None:
        new = validate_settings(update, self.settings)
        changed = {k for k in new if new[k] != self.settings[k]}
        old = self.settings
        self.settings = new
        if not changed:
            return
        if changed <= LIVE_KEYS:
            tr = self.trainer
            if "learningRate" in changed:
                tr.optimizer.lr = tr.base_lr = new["learningRate"]
            tr.config.batch_size = new["batchSize"]
            if new["regularization"] == "L2":
                tr.config.weight_decay = new["regularizationRate"]
            elif new["regularization"] == "L1":
                tr.optimizer.l1 = new["regularizationRate"]  # type: ignore[union-attr]
            self._dirty = True
            return
        data_keys = {"dataset", "regDataset", "problem", "noise", "percTrainData", "nSamples",
                     "classes", "seed"}  # fmt: skip
        try:
            self._build(new_data=bool(changed & data_keys))
        except DataError:
            self.settings = old
            raise

    def _edit(self, msg: dict[str, Any]) -> None:
        k, j = msg["layer"], msg["to"]
        n_layers = len(self.net.weights)
        if not 0 <= k < n_layers:
            raise MessageError(f"There is no layer {k}; layers are 0..{n_layers - 1}.")
        W, b = self.net.weights[k], self.net.biases[k]
        if not 0 <= j < W.shape[1]:
            raise MessageError(f"Layer {k} has units 0..{W.shape[1] - 1}; got {j}.")
        value = float(msg["value"])
        if abs(value) > 1e3:
            raise MessageError("A weight must be between -1000 and 1000.")
        if msg["kind"] == "bias":
            b[j] = value
        else:
            i = msg.get("from")
            if not isinstance(i, int) or not 0 <= i < W.shape[0]:
                raise MessageError(f"Layer {k} has inputs 0..{W.shape[0] - 1}; got {i}.")
            W[i, j] = value
        self._dirty = True

    def _add_point(self, msg: dict[str, Any]) -> None:
        data = self.data
        assert data is not None
        x, y, label = msg["x"], msg["y"], msg["label"]
        if abs(x) > DOMAIN or abs(y) > DOMAIN:
            raise MessageError(f"A point must lie in [-{DOMAIN:g}, {DOMAIN:g}]².")
        if data.n_points >= 5000:
            raise DataError("This data set already has 5000 points.")
        if data.n_classes:
            if label != int(label) or not 0 <= label < max(data.n_classes, 2):
                raise MessageError(f"Class labels are 0..{data.n_classes - 1}; got {label}.")
        elif not -1 <= label <= 1:
            raise MessageError("Regression targets of clicked points must be in [-1, 1].")
        data.add_point(x, y, label)
        key = "regDataset" if self.settings["problem"] == "regression" else "dataset"
        self.settings = validate_settings({key: "custom"}, self.settings)
        self._refresh_arrays()
        self._send_data = True
        self._dirty = True

    # ---------------------------------------------------------------- training
    def wants_work(self) -> bool:
        """True when :meth:`work` would do something (commands, training, a redraw)."""
        return bool(self.inbox) or self.playing or self._step_once or self._dirty

    def train_epoch(self) -> None:
        """One more epoch with mlpkit's Trainer (stopping on divergence or the stop
        condition)."""
        tr = self.trainer
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DivergenceWarning)
            tr.run(self.X_train, self.Y_train, epochs=tr.epoch + 1,
                   validation_data=(self.X_test, self.Y_test))  # fmt: skip
        h = tr.history
        if h.stop_reason != "diverged":
            self.history.append([h.epoch[-1], _finite(h.loss[-1]), _finite(h.val_loss[-1]),
                                 _finite(h.metric[-1]), _finite(h.val_metric[-1])])  # fmt: skip
        if len(self.history) > MAX_HISTORY:
            self.history = self.history[::2]
        if h.stop_reason == "diverged":
            self.playing = False
            msgs = [str(w.message) for w in caught if issubclass(w.category, DivergenceWarning)]
            self.status = "diverged"
            self.diverged_message = msgs[0] if msgs else "Training diverged."
            return
        s = self.settings
        if s["stopEpochs"] and tr.epoch >= s["stopEpochs"]:
            self.playing = False
            self.status = f"stopped: reached epoch {tr.epoch}"
        elif s["stopLoss"] and h.val_loss and h.val_loss[-1] <= s["stopLoss"]:
            self.playing = False
            self.status = f"stopped: test loss {h.val_loss[-1]:.4g} ≤ {s['stopLoss']:g}"

    def work(self) -> list[dict[str, Any]]:
        """Apply queued commands, train one epoch if playing, return messages to send
        (errors, then at most one frame)."""
        out: list[dict[str, Any]] = []
        while self.inbox:
            out.extend(self.apply(self.inbox.popleft()))
            self._dirty = True
        if self.playing or self._step_once:
            self._step_once = False
            self.train_epoch()
            self._dirty = True
        if self._dirty:
            self._dirty = False
            out.append(self.frame())
        return out

    # ---------------------------------------------------------------- frames
    def _current_losses(self) -> list[float | None]:
        """Losses and metrics of the current weights (epoch 0, before any training)."""
        net = self.net
        vals: list[float | None] = [float(self.trainer.epoch)]
        for X, Y in ((self.X_train, self.Y_train), (self.X_test, self.Y_test)):
            Z = net.decision_function(X)
            loss, _, A = net.loss(Z, net.prepare_targets(Y), net.head)
            vals.append(_finite(loss))
        vals += [_finite(net.score(self.X_train, self.Y_train)),
                 _finite(net.score(self.X_test, self.Y_test))]  # fmt: skip
        return [vals[0], vals[1], vals[2], vals[3], vals[4]]

    def frame(self) -> dict[str, Any]:
        """The picture of the current state (see the module docstring for the encoding)."""
        net, data = self.net, self.data
        assert data is not None
        outs = net.hidden(self.grid_features)
        last = outs[-1]
        head = net.head.name
        frame: dict[str, Any] = {
            "type": "frame",
            "run": self.run_id,
            "epoch": self.trainer.epoch,
            "status": self.status,
            "settings": self.settings,
            "shape": net.layer_sizes,
            "grid": GRID,
        }
        if head == "softmax":
            P = np.exp(last - last.max(axis=1, keepdims=True))
            P /= P.sum(axis=1, keepdims=True)
            frame["heat_kind"] = "classes"
            frame["heat"] = _u8(P.argmax(axis=1).astype(np.float64), 0, 255)
            frame["heat2"] = _u8(P.max(axis=1), 0, 1)
        elif head == "logistic":
            frame["heat_kind"] = "prob"
            frame["heat"] = _u8(1 / (1 + np.exp(-last[:, 0].astype(np.float64))), 0, 1)
        else:
            frame["heat_kind"] = "value"
            frame["heat"] = _u8(last[:, 0], -1, 1)
        # Each hidden unit's output after its activation: the output of the last layer
        # before the next Dense layer (Dropout is the identity at inference).
        from ..layers import Dense

        hidden: list[np.ndarray] = []
        dense_seen = 0
        for i, layer in enumerate(net.layers):
            if isinstance(layer, Dense):
                if dense_seen:
                    hidden.append(outs[i])
                dense_seen += 1
        step = THUMB_STEP if sum(net.layer_sizes[1:-1]) <= 32 else THUMB_STEP_LARGE
        frame["thumb"] = len(range(0, GRID, step))
        mask = np.zeros((GRID, GRID), dtype=bool)
        mask[::step, ::step] = True
        sub = mask.ravel()
        inputs = self.grid_features[sub]
        scale = np.abs(inputs).max(axis=0)
        frame["inputs"] = _u8((inputs / np.where(scale > 0, scale, 1)).T.ravel(), -1, 1)
        frame["neurons"] = (
            _u8(np.concatenate([H[sub].T.ravel() for H in hidden]), -1, 1) if hidden else ""
        )
        # Weights and biases as float32, layer by layer (W row-major, then b): exact
        # values for the links and the edit box, a quarter of the size of JSON numbers.
        flat = np.concatenate([np.concatenate([W.ravel(), b]) for W, b in
                               zip(net.weights, net.biases)]).astype("<f4")  # fmt: skip
        frame["params"] = base64.b64encode(flat.tobytes()).decode("ascii")
        frame["history"] = self.history[-1:]
        frame["gradients"] = self.gradients()
        if self.settings["showRegions"]:
            # Cutting the regions costs up to tens of ms: while playing, every 5th epoch.
            if self._regions is None or not self.playing or self.trainer.epoch % 5 == 0:
                self._regions = self.regions()
            frame["regions"] = self._regions
        frame["n_classes"] = data.n_classes
        frame["metric"] = "accuracy" if data.n_classes else "R²"
        if self.status == "diverged":
            frame["message"] = self.diverged_message
        if self._send_data:
            self._send_data = False
            frame["data"] = {
                "train": np.round(data.X_train, 3).tolist(),
                "test": np.round(data.X_test, 3).tolist(),
                "train_y": np.round(data.y_train, 3).tolist(),
                "test_y": np.round(data.y_test, 3).tolist(),
            }
            frame["full_history"] = self.history
        return frame

    # ---------------------------------------------------------------- analysis views
    def gradients(self) -> dict[str, Any]:
        """Per layer: the norm of the loss gradient for its weights, and the share of its
        units that are dead (ReLU never active on the training data) or saturated
        (tanh/logistic/... near an asymptote on 90 % of it), from :mod:`mlpkit.analysis`
        (lectures: L4 "Vanishing and Exploding Gradients")."""
        from ..analysis import gradient_norms, hidden_activations, saturated_units

        net = self.net
        g = gradient_norms(net, self.X_train, self.Y_train)
        acts = hidden_activations(net, self.X_train)
        sat = saturated_units(net, self.X_train)
        dead, saturated, offset = [], [], 0
        for name, Z, _ in acts:
            width = Z.shape[1]
            dead.append(float(np.mean((Z <= 0).all(axis=0))) if name == "relu" else 0.0)
            saturated.append(float(np.mean(sat[offset : offset + width])))
            offset += width
        return {
            "weight_grad": [_finite(v) for v in g["weight_grad"]],
            "activations": [name for name, _, _ in acts],
            "dead": dead,
            "saturated": saturated,
        }

    #: Above this many activation patterns on a 60 × 60 grid the exact regions are not
    #: computed (their number, and the time to cut them, grow exponentially with depth).
    MAX_GRID_REGIONS = 400
    MAX_POLYGONS = 2000

    def regions(self) -> dict[str, Any]:
        """The exact linear regions of the network over the square (mlpkit.analysis's
        ``linear_regions_2d``), their count, and the bounds for this architecture:
        Zaslavsky's for the first hidden layer and Montúfar et al.'s for the deep
        network (lectures: L2 "Number of linear regions per parameter")."""
        from ..analysis import linear_regions_2d, max_regions_deep, max_regions_shallow, region_map

        net, s = self.net, self.settings
        shape = s["networkShape"]
        out: dict[str, Any] = {}
        if shape:
            out["bound_shallow"] = str(max_regions_shallow(shape[0], 2))
            if len(set(shape)) == 1 and shape[0] >= 2:
                out["bound_deep"] = str(max_regions_deep(2, shape[0], len(shape)))
        if [k for k in FEATURES if s[k]] != ["x", "y"]:
            out["note"] = "regions: only with the features x1 and x2 alone (others bend them)"
            return out
        if any(a not in ("relu", "leaky_relu", "prelu", "identity") for a in net.activations):
            out["note"] = "regions: only for piecewise-linear activations (ReLU family)"
            return out
        box = ((-DOMAIN, DOMAIN), (-DOMAIN, DOMAIN))
        ids, _ = region_map(net, box, 60)
        on_grid = int(ids.max()) + 1
        if on_grid > self.MAX_GRID_REGIONS:
            out["count_min"] = on_grid
            out["note"] = f"regions: too many to draw, at least {on_grid:,} (on a 60×60 grid)"
            return out
        polys = linear_regions_2d(net, box)
        out["count"] = len(polys)
        if len(polys) <= self.MAX_POLYGONS:
            out["polygons"] = [np.round(r.vertices, 3).tolist() for r in polys]
        else:
            out["note"] = f"regions: {len(polys):,}, too many to draw"
        return out

    # ---------------------------------------------------------------- exports
    def export(self, kind: str) -> tuple[bytes, str, str]:
        """(content, file name, media type) for ``kind`` in "model", "onnx", "script"."""
        from ..io import Model

        names = [v for k, v in FEATURES.items() if self.settings[k]]
        data = self.data
        assert data is not None
        classes = list(range(data.n_classes)) if data.n_classes else None
        model = Model(self.net, classes=classes, feature_names=names,
                      history=self.trainer.history.as_dict(),
                      info={"playground_settings": self.settings})  # fmt: skip
        if kind == "script":
            return python_script(self.settings).encode(), "playground_run.py", "text/x-python"
        fd, path = tempfile.mkstemp(suffix=".tmp")
        os.close(fd)
        try:
            if kind == "model":
                from ..io import save

                save(model, path)
                name, media = "playground.mlpkit", "application/octet-stream"
            elif kind == "onnx":
                from ..export import save_onnx

                save_onnx(model, path)
                name, media = "playground.onnx", "application/octet-stream"
            else:
                raise ValueError(f"Unknown export {kind!r}; expected model, onnx or script.")
            with open(path, "rb") as fh:
                return fh.read(), name, media
        finally:
            os.unlink(path)


# ====================================================================== the script
def python_script(settings: dict[str, Any]) -> str:
    """A standalone Python script that reruns these settings with mlpkit and prints the
    losses per epoch: the same numbers the playground shows for a run started with
    these settings (weight edits and live changes during a run are not replayed)."""
    s = settings
    feats = [k for k in FEATURES if s[k]]
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
from mlpkit.web.session import make_optimizer, make_schedule, network_spec

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
