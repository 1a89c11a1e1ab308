"""Model files and checkpoints you can trust: safetensors weights, a JSON config, no pickle.

(One concept, kept whole: the model-file format, the Model it holds, writing, reading
and checkpoints; each part mirrors another.)

A model file is a `safetensors <https://huggingface.co/docs/safetensors>`_ file:

* tensors: ``params`` (the network's flat parameter vector ``[W_0 | b_0 | W_1 | ...]``),
  and the preprocessing arrays (``x_mean``, ``x_scale``, ``y_mean``, ``y_scale``) when the
  model standardises its inputs or targets;
* metadata (strings only, by the format's rule): ``"mlpkit"`` holds ONE JSON document with
  the format version, the mlpkit version, the kind (``"model"`` or ``"checkpoint"``), the
  network's :meth:`~mlpkit.MLP.get_config`, the task, the class labels, the feature and
  target names and a summary of the training history.

Loading parses an 8-byte length, a JSON header and raw little-endian arrays: nothing is
unpickled and no code from the file ever runs (``np.load(allow_pickle=True)`` or
``torch.load`` without ``weights_only`` would run a crafted file's code; docs/machine.md).

A checkpoint is the same file with ``kind="checkpoint"``, plus everything
:meth:`mlpkit.training.Trainer.state_dict` returns: the optimizer's state arrays as
tensors (``optimizer.m``, ...), the best weights so far, and the rest (epoch, random
generator state, schedule state, history) as JSON. :func:`load` reads either kind.

Every write is atomic (:mod:`mlpkit.atomicfile`): a crash mid-save leaves the previous
file intact, and the next save removes the killed one's temporary file. Reading checks
the configuration against the tensor table (:mod:`mlpkit.modelcheck`) before anything is
allocated.
"""

from __future__ import annotations

import json
import math
import os
import stat
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import metrics
from .atomicfile import atomic_write_bytes, remove_stale_temporaries
from .modelcheck import ModelFileError, check_config, check_tensors
from .network import MLP, as_network

__all__ = [
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "Model",
    "ModelFileError",
    "as_model",
    "atomic_write_bytes",
    "checkpoint_callback",
    "load",
    "load_checkpoint",
    "read_config",
    "remove_stale_temporaries",
    "save",
    "save_checkpoint",
]

#: Version of the model-file layout this mlpkit writes (and the newest it reads).
FORMAT_VERSION = 1

_META_KEY = "mlpkit"
_MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit on the JSON header

#: Largest model file :func:`load` reads (checked before reading). 2 GiB holds 500M
#: float32 parameters, far beyond any MLP mlpkit trains.
MAX_FILE_BYTES = 1 << 31

Array = np.ndarray


def _mlpkit_version() -> str:
    from . import __version__

    return __version__


# ---------------------------------------------------------------------- the Model
class Model:
    """A trained network with what prediction needs: preprocessing and class labels.

    :func:`load` returns one; :func:`save` accepts one. Inputs are standardised with
    ``(X - x_mean) / x_scale`` before the network, and regression outputs mapped back
    with ``Y * y_scale + y_mean``.

    Parameters
    ----------
    net : MLP
    task : {"classification", "regression"}, optional
        Default: classification for softmax / logistic heads.
    classes : array-like of shape (n_classes,), optional
        The label of each class index (``predict`` returns these).
    x_mean, x_scale : ndarray of shape (n_features,), optional
    y_mean, y_scale : ndarray of shape (n_outputs,), optional
    feature_names : list of str, optional
    target_name : str, optional
    history : dict, optional
        ``History.as_dict()`` of the training run (kept as JSON in the file).
    info : dict, optional
        Anything JSON-able worth keeping (data set name, training options, metrics).
    ravel : bool
        Return 1-D regression predictions for a single output (as scikit-learn does).

    Examples
    --------
    >>> import numpy as np, mlpkit
    >>> net = mlpkit.MLP([2, 5, 3], output="softmax", random_state=0)
    >>> m = Model(net, classes=["a", "b", "c"])
    >>> m.predict(np.zeros((2, 2))).shape
    (2,)
    """

    def __init__(
        self,
        net: MLP,
        *,
        task: str | None = None,
        classes: Any = None,
        x_mean: Any = None,
        x_scale: Any = None,
        y_mean: Any = None,
        y_scale: Any = None,
        feature_names: Any = None,
        target_name: str | None = None,
        history: dict[str, Any] | None = None,
        info: dict[str, Any] | None = None,
        ravel: bool = False,
    ):
        self.net = net
        if task is None:
            task = "classification" if net.head.is_classifier else "regression"
        if task not in ("classification", "regression"):
            raise ValueError(f"task must be 'classification' or 'regression'; got {task!r}.")
        self.task = task
        self.classes = None if classes is None else np.asarray(classes)
        if self.classes is not None and self.classes.dtype == object:
            self.classes = self.classes.astype(str)
        f = net.dtype
        self.x_mean = None if x_mean is None else np.asarray(x_mean, dtype=f)
        self.x_scale = None if x_scale is None else np.asarray(x_scale, dtype=f)
        self.y_mean = None if y_mean is None else np.asarray(y_mean, dtype=f)
        self.y_scale = None if y_scale is None else np.asarray(y_scale, dtype=f)
        self.feature_names = None if feature_names is None else [str(n) for n in feature_names]
        self.target_name = target_name
        self.history = history
        self.info = dict(info or {})
        self.ravel = bool(ravel)

    @property
    def n_features_in_(self) -> int:
        return self.net.n_inputs

    @property
    def is_classifier(self) -> bool:
        return self.task == "classification"

    def __repr__(self) -> str:
        extra = ""
        if self.classes is not None:
            extra += f", {len(self.classes)} classes"
        if self.x_mean is not None:
            extra += ", standardised inputs"
        return f"Model({self.net!r}, {self.task}{extra})"

    # -- prediction ---------------------------------------------------------------
    def transform(self, X: Any) -> Array:
        """The network's input: ``X`` standardised as in training.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features), the network's dtype
        """
        Xc = self.net.check_input(X)
        if self.x_mean is not None and self.x_scale is not None:
            Xc = (Xc - self.x_mean) / self.x_scale
        return Xc

    def forward(self, X: Any) -> Array:
        """The network's output for raw ``X`` (probabilities for classifiers, values in
        target units for regression), of shape (n_samples, n_outputs)."""
        A = self.net.forward(self.transform(X))
        if self.task == "regression" and self.y_mean is not None and self.y_scale is not None:
            A = A * self.y_scale + self.y_mean
        return A

    def predict_proba(self, X: Any) -> Array:
        """Class probabilities, of shape (n_samples, n_classes).

        A single logistic output gives two columns, ``[1 - p, p]``.
        """
        if not self.is_classifier:
            raise ValueError(
                "predict_proba is for classifiers; this model does regression. Use predict."
            )
        P = self.net.predict_proba(self.transform(X))
        if self.net.head.name == "logistic" and P.shape[1] == 1:
            P = np.hstack([1 - P, P])
        return P

    def predict(self, X: Any) -> Array:
        """Class labels of shape (n_samples,) for classifiers; values of shape
        (n_samples, n_outputs) for regression ((n_samples,) when ``ravel``)."""
        if self.is_classifier:
            idx = self.net.predict(self.transform(X))
            if self.classes is None or idx.ndim == 2:  # multi-label: one 0/1 column per label
                return idx
            return self.classes[idx]
        A = self.forward(X)
        return A.ravel() if self.ravel and A.shape[1] == 1 else A

    def score(self, X: Any, y: Any) -> float:
        """Accuracy for classifiers, R² (mean over outputs) for regression."""
        pred = self.predict(X)
        y = np.asarray(y)
        if self.is_classifier:
            return float(np.mean(np.all(pred.reshape(len(pred), -1) == y.reshape(len(y), -1),
                                        axis=1)))  # fmt: skip
        return metrics.r2_score(y, pred)

    def summary(self) -> str:
        """Architecture, parameter count, task, preprocessing and training summary."""
        net = self.net
        lines = [
            f"network      {net!r}",
            f"layers       {' → '.join(map(str, net.layer_sizes))}",
            f"activations  {', '.join(net.activations) or 'none'}; output {net.head.name}, "
            f"loss {net.loss.name}",
            f"parameters   {net.n_params}",
            f"dtype        {net.dtype.name}",
            f"task         {self.task}",
        ]
        if self.classes is not None:
            shown = ", ".join(map(str, self.classes[:10]))
            more = f", ... ({len(self.classes)} in all)" if len(self.classes) > 10 else ""
            lines.append(f"classes      {shown}{more}")
        if self.feature_names:
            names = ", ".join(self.feature_names[:8])
            n = len(self.feature_names)
            more = f", ... ({n} in all)" if n > 8 else ""
            lines.append(f"features     {names}{more}")
        if self.target_name:
            lines.append(f"target       {self.target_name}")
        pre = "standardised inputs" if self.x_mean is not None else "none"
        if self.y_mean is not None:
            pre += ", standardised targets"
        lines.append(f"preprocess   {pre}")
        h = self.history
        if h and h.get("epoch"):
            last = len(h["epoch"]) - 1
            parts = [f"{len(h['epoch'])} epochs", f"loss {_fmt(h['loss'][last])}"]
            for key, label in (("val_loss", "val_loss"), ("metric", "metric"),
                               ("val_metric", "val_metric")):  # fmt: skip
                v = h.get(key, [None] * (last + 1))[last]
                if v is not None:
                    parts.append(f"{label} {_fmt(v)}")
            if h.get("best_epoch") is not None:
                parts.append(f"best epoch {h['best_epoch']}")
            if h.get("stop_reason"):
                parts.append(f"stopped: {h['stop_reason']}")
            lines.append("training     " + ", ".join(parts))
        for key, value in self.info.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
            lines.append(f"{key:<12} {value}")
        return "\n".join(lines)


def _fmt(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def as_model(obj: Any) -> Model:
    """A :class:`Model` from an :class:`~mlpkit.MLP`, a fitted
    ``MLPClassifier`` / ``MLPRegressor`` (anything with ``net_``), or a Model.

    The network is shared, not copied.
    """
    if isinstance(obj, Model):
        return obj
    if isinstance(obj, MLP):
        hist = obj.history_.as_dict() if getattr(obj, "history_", None) is not None else None
        return Model(obj, history=hist)
    net = getattr(obj, "net_", None)
    if net is not None:
        net = as_network(obj)
        classes = getattr(obj, "classes_", None)
        is_clf = classes is not None or getattr(obj, "_estimator_type", "") == "classifier"
        hist = getattr(obj, "history_", None) or getattr(net, "history_", None)
        if hist is not None and hasattr(hist, "as_dict"):
            hist = hist.as_dict()
        params = obj.get_params() if hasattr(obj, "get_params") else {}
        info: dict[str, Any] = {"estimator": type(obj).__name__}
        json_params = {k: v for k, v in params.items() if _is_json(v)}
        if json_params:
            info["estimator_params"] = json_params
        return Model(
            net,
            task="classification" if is_clf else "regression",
            classes=classes,
            feature_names=getattr(obj, "feature_names_in_", None),
            history=hist,
            info=info,
            ravel=not is_clf and getattr(obj, "n_outputs_", 1) == 1,
        )
    raise TypeError(
        f"mlpkit.save needs an mlpkit.MLP, a fitted MLPClassifier / MLPRegressor or a "
        f"mlpkit.io.Model; got {type(obj).__name__}. If it is an estimator, call fit first."
    )


def _is_json(v: Any) -> bool:
    try:
        json.dumps(v)
        return True
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------- encoding
def _json_default(v: Any) -> Any:
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.ndarray):
        return v.tolist()
    raise TypeError(f"{type(v).__name__} is not JSON-serialisable")


def _model_payload(model: Model) -> tuple[dict[str, Array], dict[str, Any]]:
    net = model.net
    tensors: dict[str, Array] = {"params": np.ascontiguousarray(net.params)}
    for name in ("x_mean", "x_scale", "y_mean", "y_scale"):
        arr = getattr(model, name)
        if arr is not None:
            tensors[name] = np.ascontiguousarray(arr)
    classes = None
    if model.classes is not None:
        classes = {"values": model.classes.tolist(), "dtype": model.classes.dtype.str}
    config = {
        "format_version": FORMAT_VERSION,
        "mlpkit_version": _mlpkit_version(),
        "kind": "model",
        "network": net.get_config(),
        "n_params": net.n_params,
        "task": model.task,
        "classes": classes,
        "feature_names": model.feature_names,
        "target_name": model.target_name,
        "ravel": model.ravel,
        "history": model.history,
        "info": model.info,
    }
    return tensors, config


def _encode(tensors: dict[str, Array], config: dict[str, Any]) -> bytes:
    from safetensors.numpy import save as st_save

    text = json.dumps(config, default=_json_default, sort_keys=True)
    return st_save(tensors, metadata={_META_KEY: text, "format": "mlpkit"})


def save(model: Any, path: str | os.PathLike[str]) -> Path:
    """Save a network, a fitted estimator or a :class:`Model` to a model file.

    Parameters
    ----------
    model : MLP, MLPClassifier, MLPRegressor or Model
    path : str or path-like
        Conventionally ``*.mlpkit`` or ``*.safetensors``. Written atomically.

    Returns
    -------
    Path

    Examples
    --------
    >>> import mlpkit, tempfile, os
    >>> net = mlpkit.MLP([2, 3, 1], random_state=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "net.mlpkit")
    >>> _ = mlpkit.save(net, path)
    >>> bool((mlpkit.load(path).net.params == net.params).all())
    True
    """
    m = as_model(model)
    tensors, config = _model_payload(m)
    _refuse_non_finite(path, tensors)
    return atomic_write_bytes(path, _encode(tensors, config))


def _refuse_non_finite(path: str | os.PathLike[str], tensors: dict[str, Array]) -> None:
    """A model with NaN or infinite weights is not saved (the file there stays)."""
    for name, arr in tensors.items():
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise ValueError(
                f"{path}: not saved: the model's {name!r} holds non-finite values (training "
                "diverged?). Lower the learning rate and train again; the file there, if any, "
                "is unchanged."
            )


# ---------------------------------------------------------------------- decoding
def _read(path: str | os.PathLike[str]) -> tuple[dict[str, Any], bytes]:
    """Validate a file's framing and return (its mlpkit config, its bytes)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ModelFileError(
            p,
            "no such file.",
            "Check the path (train one with `mlpkit train --out PATH` or mlpkit.save).",
        ) from None
    except OSError as exc:
        raise ModelFileError(p, f"cannot be read ({exc.strerror or exc}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise ModelFileError(p, "is a directory, not a model file.")
    if not stat.S_ISREG(st.st_mode):
        # /dev/zero, a FIFO, a socket: reading could block or never end.
        raise ModelFileError(p, "is not a regular file (a device, pipe or socket).")
    if st.st_size > MAX_FILE_BYTES:
        raise ModelFileError(
            p, f"is {st.st_size:,} bytes; model files are at most {MAX_FILE_BYTES:,} bytes."
        )
    with open(p, "rb") as fh:
        data = fh.read(st.st_size + 1)  # bounded even if the file grows meanwhile
    if len(data) > st.st_size:
        raise ModelFileError(p, "changed while being read; try again once it is written.")
    not_model = "Give a file written by mlpkit.save or `mlpkit train --out`."
    if len(data) < 8:
        raise ModelFileError(p, f"is {len(data)} bytes long: empty or truncated.", not_model)
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8 or n > _MAX_HEADER or n < 2:
        if data[:1] == b"\x80" or data[:2] == b"PK":
            raise ModelFileError(
                p,
                "looks like a pickle (or a PyTorch .pt archive), not an mlpkit model file. "
                "mlpkit never unpickles files: they can run arbitrary code.",
                "Load PyTorch weights with torch.load(path, weights_only=True) and "
                "mlpkit.export.from_torch.",
            )
        raise ModelFileError(
            p,
            "is not a safetensors model file, or is truncated (its header length "
            f"{n} does not fit in its {len(data)} bytes).",
            not_model,
        )
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ModelFileError(
            p, "has a corrupt header (not JSON): not a model file, or damaged.", not_model
        ) from None
    if not isinstance(header, dict):
        raise ModelFileError(p, "has a corrupt header.", not_model)
    meta = header.get("__metadata__") or {}
    if not isinstance(meta, dict) or _META_KEY not in meta:
        raise ModelFileError(p, "is a safetensors file without an mlpkit configuration.", not_model)
    end = 0
    for key, info in header.items():
        if key == "__metadata__":
            continue
        try:
            end = max(end, int(info["data_offsets"][1]))
        except (TypeError, KeyError, IndexError, ValueError, OverflowError):
            raise ModelFileError(p, f"has a corrupt entry for tensor {key!r}.") from None
    if 8 + n + end != len(data):
        raise ModelFileError(
            p,
            f"is truncated or damaged: its header promises {8 + n + end} bytes, the file has "
            f"{len(data)}.",
            "Re-save the model (or resume from an earlier checkpoint).",
        )
    try:
        config = json.loads(meta[_META_KEY])
    except ValueError:
        raise ModelFileError(p, "has a corrupt mlpkit configuration (not JSON).") from None
    if not isinstance(config, dict) or not isinstance(config.get("format_version"), int):
        raise ModelFileError(p, "has an mlpkit configuration without a format version.")
    version = config["format_version"]
    if version > FORMAT_VERSION:
        raise ModelFileError(
            p,
            f"was written by mlpkit {config.get('mlpkit_version', '?')} in model-file format "
            f"version {version}; this mlpkit ({_mlpkit_version()}) reads versions up to "
            f"{FORMAT_VERSION}.",
            "Upgrade mlpkit: pip install -U mlpkit.",
        )
    # Sizes, widths, names and tensor shapes, in Python integers: nothing is allocated
    # for a configuration that does not match its tensors.
    check_config(p, config, header, len(data) - 8 - n)
    return config, data


def _tensors(path: str | os.PathLike[str], data: bytes) -> dict[str, Array]:
    from safetensors import SafetensorError
    from safetensors.numpy import load as st_load

    try:
        tensors = st_load(data)
    except (SafetensorError, ValueError) as exc:
        raise ModelFileError(path, f"has damaged tensor data ({exc}).") from None
    check_tensors(path, tensors)
    return tensors


def read_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON configuration stored in a model or checkpoint file (validated framing)."""
    return _read(path)[0]


def _build(path: str | os.PathLike[str], config: dict[str, Any], tensors: dict[str, Array]):
    try:
        net = MLP.from_config(config["network"])
    except Exception as exc:  # checked above; anything left is still the file's fault
        raise ModelFileError(path, f"describes a network mlpkit cannot build ({exc}).") from None
    params = tensors.get("params")
    if params is None or params.shape != (net.n_params,):
        got = None if params is None else params.shape
        raise ModelFileError(
            path, f"holds {got} parameters for a network that needs ({net.n_params},)."
        )
    net.params = params
    classes = None
    c = config.get("classes")
    if c is not None:
        code = np.dtype(c.get("dtype") or "U")
        # Strings take their natural width (a stored "<U999999999" must not allocate).
        classes = np.asarray(c["values"], dtype=str if code.kind == "U" else code)
    return Model(
        net,
        task=config.get("task"),
        classes=classes,
        x_mean=tensors.get("x_mean"),
        x_scale=tensors.get("x_scale"),
        y_mean=tensors.get("y_mean"),
        y_scale=tensors.get("y_scale"),
        feature_names=config.get("feature_names"),
        target_name=config.get("target_name"),
        history=config.get("history"),
        info=config.get("info"),
        ravel=bool(config.get("ravel", False)),
    )


def load(path: str | os.PathLike[str]) -> Model:
    """Load a model file (or a checkpoint: the model as of its last epoch).

    Nothing in the file is executed: the format is a JSON header and raw arrays.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Model
        With ``predict``, ``predict_proba`` (classifiers), ``score``, ``net``.

    Raises
    ------
    ModelFileError
        Missing, truncated or foreign files (a pickle, random bytes), and files written
        by a newer format version; the message names the file.
    """
    config, data = _read(path)
    return _build(path, config, _tensors(path, data))


# ---------------------------------------------------------------------- checkpoints
def save_checkpoint(
    trainer: Any,
    path: str | os.PathLike[str],
    model: Model | None = None,
    run: dict[str, Any] | None = None,
) -> Path:
    """Write everything needed to resume ``trainer`` to the bit, atomically.

    Parameters
    ----------
    trainer : mlpkit.training.Trainer
    path : str or path-like
    model : Model, optional
        Preprocessing and class labels to keep alongside (default: the bare network).
    run : dict, optional
        JSON-able description of the run (e.g. the command line's options), returned by
        :func:`load_checkpoint` so a resumed run can check it is configured the same way.
    """
    state = trainer.state_dict()
    m = model if model is not None else as_model(trainer.net)
    m.history = state["history"]
    tensors, config = _model_payload(m)
    config["kind"] = "checkpoint"
    tensors["params"] = np.ascontiguousarray(state["params"])
    if state.get("best_params") is not None:
        tensors["best_params"] = np.ascontiguousarray(state["best_params"])
    opt_json: dict[str, Any] = {}
    for key, value in state["optimizer"].items():
        if isinstance(value, np.ndarray):
            tensors[f"optimizer.{key}"] = np.ascontiguousarray(value)
        else:
            opt_json[key] = value
    best = float(state["best_loss"])
    config["trainer"] = {
        "epoch": int(state["epoch"]),
        "optimizer": opt_json,
        "rng": state["rng"],  # PCG64's state holds 128-bit ints: JSON keeps them exact
        "schedule": state["schedule"],
        "best_loss": best if math.isfinite(best) else str(best),
        "wait": int(state["wait"]),
        "split_seed": None if state.get("split_seed") is None else int(state["split_seed"]),
    }
    config["run"] = run or {}
    return atomic_write_bytes(path, _encode(tensors, config))


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Returns
    -------
    dict
        ``"state"``: the dict for :meth:`Trainer.load_state_dict`; ``"model"``: the
        :class:`Model` at the checkpoint; ``"run"``: the run description; ``"epoch"``.
    """
    config, data = _read(path)
    if config.get("kind") != "checkpoint" or "trainer" not in config:
        raise ModelFileError(
            path,
            "is a model file, not a checkpoint (it has no optimizer or random-generator state).",
            "Resume from the file given to --checkpoint.",
        )
    tensors = _tensors(path, data)
    model = _build(path, config, tensors)
    t = config["trainer"]
    if (
        not isinstance(t, dict)
        or not isinstance(t.get("epoch"), int)
        or t["epoch"] < 0
        or not isinstance(t.get("optimizer"), dict)
        or not isinstance(t.get("rng"), dict)
        or not isinstance(t.get("wait"), int)
        or "schedule" not in t
        or "best_loss" not in t
    ):
        raise ModelFileError(
            path,
            "has a damaged trainer state (epoch, optimizer, random generator or "
            "early-stopping entries missing or of the wrong type).",
            "Resume from another checkpoint, or start a new run.",
        )
    try:
        best_loss = float(t["best_loss"])  # "inf" / "nan" are stored as strings
    except (TypeError, ValueError):
        raise ModelFileError(path, f"has a damaged best loss {t['best_loss']!r}.") from None
    opt = dict(t["optimizer"])
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            opt[key[len("optimizer.") :]] = value
    state = {
        "epoch": t["epoch"],
        "params": tensors["params"],
        "optimizer": opt,
        "rng": t["rng"],
        "schedule": t["schedule"],
        "history": config.get("history") or {},
        "best_loss": best_loss,
        "best_params": tensors.get("best_params"),
        "wait": t["wait"],
        "split_seed": t.get("split_seed"),
    }
    return {"state": state, "model": model, "run": config.get("run", {}), "epoch": t["epoch"]}


def checkpoint_callback(
    path: str | os.PathLike[str],
    every: int = 1,
    model: Model | None = None,
    run: dict[str, Any] | None = None,
) -> Callable[[Any], None]:
    """A :class:`~mlpkit.training.Trainer` callback that saves a checkpoint every
    ``every`` epochs (and after the last one)."""
    from .training import Callback

    if every < 1:
        raise ValueError(f"checkpoint every must be a positive number of epochs; got {every}.")

    class _Checkpoint(Callback):
        def on_epoch_end(self, trainer: Any) -> None:
            if trainer.epoch % every == 0:
                save_checkpoint(trainer, path, model, run)

        def on_train_end(self, trainer: Any) -> None:
            save_checkpoint(trainer, path, model, run)

    return _Checkpoint()  # type: ignore[return-value]
