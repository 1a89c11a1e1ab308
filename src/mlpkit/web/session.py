"""One playground session: an :class:`~mlpkit.MLP`, its :class:`~mlpkit.Trainer`, frames.

(One concept, kept whole: a session's messages in, its training and frames out, and the
script that replays it, all read from the same settings dict.)

A session is driven by one thread only (the server's worker): the event loop validates
the page's messages with :func:`parse_message` and queues them; :meth:`Session.work`
applies them, trains one epoch when playing (TensorFlow Playground also trains one epoch
per animation frame) and returns the frame to send.

Training is mlpkit's step API: ``trainer.start(X, Y, validation_data=...)`` once per data
set, then ``trainer.advance(epochs=1)`` per frame (the trainer keeps the optimizer state,
the shuffling generator and the schedule), so a session's losses and weights equal those of
``Trainer(...).run(X, Y, epochs=n, validation_data=...)`` in Python with the same
settings and seed; :func:`python_script` writes that script.

Frames are JSON with the arrays in base64: pictures as uint8 (values in [-1, 1] or
[0, 1] mapped to 0..255, as the colour scale shows them), weights as float32. The default
network's frame is about 10 kB, the largest network's (8 × 32) about 80 kB.
"""

from __future__ import annotations

import base64
import math
import os
import tempfile
import warnings
from collections import deque
from typing import Any

import numpy as np

from ..network import MLP
from ..training import DivergenceWarning, Trainer
from .data import DOMAIN, DataError, Dataset, features, make_dataset, parse_csv
from .protocol import (
    MessageError,
    make_optimizer,
    make_schedule,
    network_spec,
    parse_message,
    python_script,
)
from .settings import (
    FEATURES,
    LIVE_KEYS,
    SettingsError,
    active_features,
    is_1d,
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
#: Optimizer steps per scheduler turn at most (an epoch may take several turns).
MAX_STEPS_PER_TURN = 64
#: Loss-chart points kept per session (older ones are thinned to every other).
MAX_HISTORY = 2000


def _u8(values: np.ndarray, lo: float, hi: float) -> str:
    """Values clipped to [lo, hi], mapped to 0..255, as base64."""
    q = np.clip((values - lo) * (255.0 / (hi - lo)) + 0.5, 0, 255).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def _f32(a: np.ndarray) -> str:
    """float32 values (row-major) as base64."""
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


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
        self._refresh_arrays()  # also gives the trainer its data (start)
        self.run_id += 1
        self.history = [self._current_losses()]  # epoch 0: the initial weights
        self.playing = False
        self.status = "paused"
        self._dirty = True
        self._regions: dict[str, Any] | None = None
        self._surface: dict[str, Any] | None = None
        ia, ib = self.PATH_WEIGHTS
        self.path = [(float(self.net.params[ia]), float(self.net.params[ib]))]
        self.diverged_message = ""

    def _refresh_arrays(self) -> None:
        data = self.data
        assert data is not None
        dt = self.net.dtype
        self.X_train = features(data.X_train, self.settings).astype(dt)
        self.X_test = features(data.X_test, self.settings).astype(dt)
        self.grid_features = features(self.grid, self.settings).astype(dt)
        self.Y_train, self.Y_test = data.y_train, data.y_test
        # The step API: start() validates the data once; advance() continues the run
        # (optimizer state, shuffling generator, schedule and epoch count are kept).
        self._steps_in_epoch = 0
        self.trainer.start(self.X_train, self.Y_train,
                           validation_data=(self.X_test, self.Y_test))  # fmt: skip

    # ---------------------------------------------------------------- commands
    def apply(self, msg: dict[str, Any]) -> list[dict[str, Any]]:
        """Apply one parsed message; returns error messages for the page (if any)."""
        kind = msg["type"]
        try:
            if kind == "play":
                if self.trainer.stop_reason != "diverged":
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
            if new["regularization"] == "L2":
                tr.config.weight_decay = new["regularizationRate"]
            elif new["regularization"] == "L1":
                tr.optimizer.l1 = new["regularizationRate"]  # type: ignore[union-attr]
            if "batchSize" in changed:
                # The trainer sizes its work buffers for the batch size when it starts.
                tr.config.batch_size = new["batchSize"]
                self._steps_in_epoch = 0
                tr.start(self.X_train, self.Y_train, validation_data=(self.X_test, self.Y_test))
            self._dirty = True
            return
        data_keys = {"dataset", "regDataset", "problem", "noise", "percTrainData", "nSamples",
                     "classes", "seed", "split"}  # fmt: skip
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
        """One more epoch with mlpkit's Trainer (in as many turns as it takes)."""
        while not self.train_turn():
            pass

    def train_turn(self) -> bool:
        """At most :data:`MAX_STEPS_PER_TURN` optimizer steps of the current epoch.

        One scheduler turn: a large data set with a small batch (2000 points, batch 1)
        would otherwise hold the worker for a whole epoch while the other sessions wait.
        The steps are the same as one ``advance(epochs=1)``, so the run is unchanged.

        Returns
        -------
        bool
            True when the epoch ended (or training stopped): time for a frame.
        """
        tr = self.trainer
        n = len(self.X_train)
        bs = min(self.settings["batchSize"], n)
        left = -(-n // bs) - self._steps_in_epoch  # ceil(n / bs) steps per epoch
        before = tr.epoch
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DivergenceWarning)
            tr.advance(steps=min(left, MAX_STEPS_PER_TURN))
        self._steps_in_epoch += min(left, MAX_STEPS_PER_TURN)
        if tr.epoch == before and tr.stop_reason != "diverged":
            return False
        self._steps_in_epoch = 0
        h = tr.history
        ia, ib = self.PATH_WEIGHTS
        self.path.append((float(self.net.params[ia]), float(self.net.params[ib])))
        if len(self.path) > MAX_HISTORY:
            self.path = self.path[::2]
        if tr.stop_reason != "diverged":
            self.history.append([h.epoch[-1], _finite(h.loss[-1]), _finite(h.val_loss[-1]),
                                 _finite(h.metric[-1]), _finite(h.val_metric[-1])])  # fmt: skip
        if len(self.history) > MAX_HISTORY:
            self.history = self.history[::2]
        if tr.stop_reason == "diverged":
            self.playing = False
            msgs = [str(w.message) for w in caught if issubclass(w.category, DivergenceWarning)]
            self.status = "diverged"
            self.diverged_message = msgs[0] if msgs else "Training diverged."
            return True
        s = self.settings
        if s["stopEpochs"] and tr.epoch >= s["stopEpochs"]:
            self.playing = False
            self.status = f"stopped: reached epoch {tr.epoch}"
        elif s["stopLoss"] and h.val_loss and h.val_loss[-1] <= s["stopLoss"]:
            self.playing = False
            self.status = f"stopped: test loss {h.val_loss[-1]:.4g} ≤ {s['stopLoss']:g}"
        return True

    def work(self) -> list[dict[str, Any]]:
        """Apply queued commands, train one epoch if playing, return messages to send
        (errors, then at most one frame)."""
        out: list[dict[str, Any]] = []
        while self.inbox:
            out.extend(self.apply(self.inbox.popleft()))
            self._dirty = True
        if (self.playing or self._step_once) and self.train_turn():
            self._step_once = False
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
        if self.settings["showPath"]:
            frame["path"] = self.optimizer_path()
        if self.settings["showRepresentation"]:
            frame["representation"] = self.representation()
        frame["features"] = active_features(self.settings)
        if is_1d(self.settings):
            frame["curve"] = self.curve()
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
        if active_features(s) != ["x", "y"]:
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

    #: The two weights of the path view: W_0[0, 0] and W_0[1, 0] (both inputs of the first
    #: hidden unit; flat indices 0 and n_out of the first layer, whose W comes first).
    @property
    def PATH_WEIGHTS(self) -> tuple[int, int]:  # noqa: N802 (a per-network constant)
        n_out = self.net.layer_sizes[1]
        return (0, n_out) if self.net.layer_sizes[0] > 1 else (0, 1)

    PATH_GRID = 31

    def optimizer_path(self) -> dict[str, Any]:
        """The training loss over a slice through two weights (all others as they are
        now) and the path those two weights took, one point per epoch (lectures: L3
        "Modern SGD variants"; L4 "Improved Gradient Descent"). The surface moves as the
        other weights change; it is recomputed every 10th epoch while playing."""
        path = np.array(self.path)
        lo, hi = path.min(axis=0), path.max(axis=0)
        mid, half = (lo + hi) / 2, np.maximum((hi - lo) / 2 * 1.3, 1.0)
        box = [float(v) for v in (mid[0] - half[0], mid[0] + half[0], mid[1] - half[1],
                                  mid[1] + half[1])]  # fmt: skip
        stale = (self._surface is None or self._surface["box"] != box
                 and (not self.playing or self.trainer.epoch % 10 == 0))  # fmt: skip
        if stale:
            net = self.net
            ia, ib = self.PATH_WEIGHTS
            keep = net.params.copy()
            Y = net.prepare_targets(self.Y_train)
            n = self.PATH_GRID
            a_vals = np.linspace(box[0], box[1], n)
            b_vals = np.linspace(box[3], box[2], n)  # row 0 at the top
            L = np.empty((n, n))
            w = net.params
            for r, bv in enumerate(b_vals):
                for c, av in enumerate(a_vals):
                    w[ia], w[ib] = av, bv
                    L[r, c] = net.loss(net.decision_function(self.X_train), Y, net.head)[0]
            net.params = keep
            logL = np.log10(np.maximum(L, 1e-12))
            lo_l, hi_l = float(logL.min()), float(logL.max())
            self._surface = {"box": box, "surface": _u8(logL, lo_l, max(hi_l, lo_l + 1e-9)),
                             "log_min": lo_l, "log_max": hi_l}  # fmt: skip
        assert self._surface is not None
        return {**self._surface, "n": self.PATH_GRID, "points": np.round(path, 5).tolist(),
                "names": ["W₁[x1 → unit 1]", "W₁[x2 → unit 1]"]}  # fmt: skip

    #: The representation view's grid: lines per direction, points per line.
    REP_LINES, REP_POINTS = 13, 41

    def representation(self) -> dict[str, Any]:
        """The input grid and the training points as each layer sees them (lectures: L2
        "The representation view. *Warping* space"), from ``mlpkit.analysis.warp_grid``.

        Layer 0 is the input plane (x1, x2). A layer of 2 units is drawn as it is; of 1
        unit, on a line; wider layers through their two principal axes (PCA of the grid's
        image, the explained share of variance given), which the page states.

        Returns
        -------
        dict
            ``layers``: one per representation (input, each hidden layer, the output's
            logits), each with ``dim``, ``projection`` (text), ``lines`` and ``points``
            (base64 float32, shapes (2 · REP_LINES, REP_POINTS, 2) and (n_train, 2)).
        """
        from ..analysis import default_grid, warp_grid

        box = ((-DOMAIN, DOMAIN), (-DOMAIN, DOMAIN))
        raw = default_grid(box, self.REP_LINES, self.REP_POINTS)
        grid = features(raw.reshape(-1, 2), self.settings).reshape(*raw.shape[:2], -1)
        lines = warp_grid(self.net, grid=grid)
        points = warp_grid(self.net, grid=self.X_train[None].astype(np.float64))
        layers = []
        for k, (L, P) in enumerate(zip(lines, points)):
            D = L.shape[2]
            flat, pts = L.reshape(-1, D), P.reshape(-1, D)
            if k == 0:
                flat, pts = raw.reshape(-1, 2), self.data.X_train  # type: ignore[union-attr]
                text = "input plane (x1, x2)"
            elif D == 2:
                text = "2 units: drawn as they are"
            elif D == 1:
                flat = np.column_stack([flat[:, 0], np.zeros(len(flat))])
                pts = np.column_stack([pts[:, 0], np.zeros(len(pts))])
                text = "1 unit: its value on a line"
            else:
                mean = flat.mean(axis=0)
                _, S, Vt = np.linalg.svd(flat - mean, full_matrices=False)
                share = float((S[:2] ** 2).sum() / max((S**2).sum(), 1e-300))
                flat, pts = (flat - mean) @ Vt[:2].T, (pts - mean) @ Vt[:2].T
                text = f"{D} units: projected on 2 principal axes ({100 * share:.0f}% of variance)"
            name = "input" if k == 0 else ("output (logits)" if k == len(lines) - 1 else
                                           f"hidden layer {k}")  # fmt: skip
            layers.append({
                "name": name, "dim": D, "projection": text,
                "lines": base64.b64encode(flat.astype("<f4").tobytes()).decode("ascii"),
                "points": base64.b64encode(pts.astype("<f4").tobytes()).decode("ascii"),
            })  # fmt: skip
        return {"n_lines": 2 * self.REP_LINES, "n_points": self.REP_POINTS, "layers": layers}

    CURVE_POINTS = 241

    def curve(self) -> dict[str, Any]:
        """One-input networks: the output along x1 in [-6, 6] and, for a shallow network
        ``[1, D, 1]``, the lectures' four panels from
        ``mlpkit.analysis.hidden_unit_decomposition`` (lectures: L0 "Hidden units"):
        each unit's linear function, after the activation, weighted by its output weight,
        and their sum plus the output bias, which is the network's output."""
        from ..analysis import hidden_unit_decomposition

        x = np.linspace(-DOMAIN, DOMAIN, self.CURVE_POINTS)
        X = x[:, None].astype(self.net.dtype)
        out: dict[str, Any] = {"x": [-DOMAIN, DOMAIN], "n": self.CURVE_POINTS,
                               "y": _f32(self.net.forward(X)[:, 0])}  # fmt: skip
        if all(a in ("relu", "leaky_relu", "prelu", "identity") for a in self.net.activations):
            # The joints, exactly (lectures: L0 "Piecewise linear functions with three
            # joints"); at most (D + 1)^K pieces for K layers of D units (the deep bound).
            from ..analysis import breakpoints_1d, max_regions_deep

            out["joints"] = np.round(breakpoints_1d(self.net, -DOMAIN, DOMAIN), 5).tolist()
            shape = self.settings["networkShape"]
            if shape and len(set(shape)) == 1:
                out["bound"] = str(max_regions_deep(1, shape[0], len(shape)))
        if len(self.net.layer_sizes) == 3 and self.net.layer_sizes[0] == 1:
            d = hidden_unit_decomposition(self.net, x)
            out["panels"] = {
                "units": int(d["pre_activations"].shape[1]),
                "pre": _f32(d["pre_activations"].T), "act": _f32(d["activations"].T),
                "weighted": _f32(d["weighted"].T), "bias": float(d["bias"]),
                "sum": _f32(d["output"]),
            }  # fmt: skip
        else:
            out["note"] = "The four hidden-unit panels need one hidden layer."
        return out

    # ---------------------------------------------------------------- exports
    def export(self, kind: str) -> tuple[bytes, str, str]:
        """(content, file name, media type) for ``kind`` in "model", "onnx", "script"."""
        from ..io import Model

        names = [FEATURES[k] for k in active_features(self.settings)]
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
