"""Checks on a model file's contents, made before anything is allocated or run.

:mod:`mlpkit.io` reads a file in three steps: the framing (8-byte length, JSON header),
then this module's checks on the configuration and the tensor table (all in Python
integers: a config that claims 10^12 units is refused before NumPy sees it), then the
tensors themselves (:func:`check_tensors`: finite values). Each failure is one
:class:`ModelFileError` line naming the file and what is wrong.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from .activations import ACTIVATIONS, canonical_name
from .losses import LOSSES, OUTPUTS, get_loss

__all__ = [
    "MAX_UNITS",
    "ModelFileError",
    "check_config",
    "check_tensors",
    "config_n_params",
]

#: Widest layer a model file may describe. 2^24 units: far beyond any MLP mlpkit
#: trains, small enough that one Dense layer's count stays an exact float64 integer.
MAX_UNITS = 1 << 24

#: safetensors dtype codes mlpkit writes, and their NumPy equivalents.
_ITEMSIZE = {"F32": 4, "F64": 8, "I64": 8}
_NET_DTYPES = {"float32": "F32", "float64": "F64"}


class ModelFileError(ValueError):
    """A model or checkpoint file that cannot be read: the message names the file, says
    what is wrong with it and what to do."""

    def __init__(self, path: str | os.PathLike[str], problem: str, remedy: str = ""):
        self.path = str(path)
        self.problem = problem
        msg = f"{self.path}: {problem}"
        if remedy:
            msg += f" {remedy}"
        super().__init__(msg)


_EDITED = "Re-save the model with mlpkit (the file was edited or damaged)."


def _fail(path: Any, problem: str) -> ModelFileError:
    return ModelFileError(path, problem, _EDITED)


def _size(path: Any, value: Any, what: str) -> int:
    """A positive, bounded width."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, f"{what} is {value!r}, not a whole number.")
    if not 1 <= value <= MAX_UNITS:
        raise _fail(path, f"{what} is {value}; widths must be between 1 and {MAX_UNITS}.")
    return value


def _number(path: Any, value: Any, what: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(path, f"{what} is {value!r}, not a number.")
    if not (math.isfinite(value) and lo <= value <= hi):
        raise _fail(path, f"{what} is {value}; it must lie in [{lo}, {hi}].")
    return float(value)


def _activation(path: Any, name: Any, what: str) -> str:
    try:
        return canonical_name(name)
    except (TypeError, ValueError):
        raise _fail(
            path, f"{what} is {name!r}, not an activation mlpkit knows ({', '.join(ACTIVATIONS)})."
        ) from None


def _layers(path: Any, layers: Any, width: int, where: str) -> tuple[int, int]:
    """Walk a layer list from input ``width``: (output width, parameter count)."""
    if not isinstance(layers, list) or not layers:
        raise _fail(path, f"{where} has no layer list.")
    n_params = 0
    for i, cfg in enumerate(layers):
        at = f"{where} layer {i}"
        if not isinstance(cfg, dict):
            raise _fail(path, f"{at} is not a JSON object.")
        kind = cfg.get("type")
        if kind == "Dense":
            n_in = _size(path, cfg.get("n_in"), f"{at} (Dense) n_in")
            n_out = _size(path, cfg.get("n_out"), f"{at} (Dense) n_out")
            if n_in != width:
                raise _fail(path, f"{at} (Dense) takes {n_in} inputs but receives {width}.")
            n_params += (n_in + 1) * n_out  # W (n_in × n_out) and b (n_out)
            width = n_out
            continue
        if kind == "Residual":
            out, inner = _layers(path, cfg.get("layers"), width, f"{at} (Residual)")
            if out != width:
                raise _fail(
                    path, f"{at} (Residual) maps {width} units to {out}; it must keep them."
                )
            n_params += inner
            continue
        if kind not in ("Activation", "PReLU", "LayerNorm", "Dropout"):
            raise _fail(
                path,
                f"{at} has type {kind!r}; mlpkit knows Dense, Activation, PReLU, LayerNorm, "
                "Dropout and Residual.",
            )
        n = _size(path, cfg.get("n_units"), f"{at} ({kind}) n_units")
        if n != width:
            raise _fail(path, f"{at} ({kind}) has {n} units but receives {width}.")
        if kind == "Activation":
            _activation(path, cfg.get("name"), f"{at} activation")
            if not isinstance(cfg.get("params", {}), dict):
                raise _fail(path, f"{at} has parameters that are not a JSON object.")
        elif kind == "PReLU":
            _number(path, cfg.get("alpha_init", 0.25), f"{at} (PReLU) alpha_init", -1e6, 1e6)
            n_params += n
        elif kind == "LayerNorm":
            _number(path, cfg.get("eps", 1e-5), f"{at} (LayerNorm) eps", 1e-300, 1.0)
            n_params += 2 * n  # gamma and beta
        else:
            _number(path, cfg.get("p"), f"{at} (Dropout) p", 0.0, 0.999999)
    return width, n_params


def config_n_params(path: Any, network: Any) -> int:
    """Check a network configuration (``MLP.get_config()``) and return its parameter
    count, computed in Python integers (nothing allocated).

    Raises
    ------
    ModelFileError
        Unknown layer types, dtypes, activations, outputs or losses; sizes that are not
        positive or exceed :data:`MAX_UNITS`; widths that do not chain.
    """
    if not isinstance(network, dict):
        raise _fail(path, "has no network description.")
    sizes = network.get("layer_sizes")
    if not isinstance(sizes, list) or len(sizes) < 2:
        raise _fail(path, f"has layer sizes {sizes!r}; a network needs at least two.")
    for i, s in enumerate(sizes):
        _size(path, s, f"layer size {i}")
    dtype = network.get("dtype", "float32")
    if dtype not in _NET_DTYPES:
        raise _fail(path, f"has dtype {dtype!r}; mlpkit networks are float32 or float64.")
    output = network.get("output")
    if output not in OUTPUTS:
        _activation(path, output, "the output")
    try:
        get_loss(str(network.get("loss")), delta=network.get("huber_delta"))
    except (TypeError, ValueError):
        raise _fail(
            path,
            f"has loss {network.get('loss')!r} (delta {network.get('huber_delta')!r}); mlpkit "
            f"knows {', '.join(LOSSES)}.",
        ) from None
    for name in network.get("activations", []):
        _activation(path, name, "a hidden activation")
    width, n_params = _layers(path, network.get("layers"), sizes[0], "the network's")
    if width != sizes[-1]:
        raise _fail(path, f"has layers ending in {width} units but declares {sizes[-1]} outputs.")
    return n_params


def check_config(
    path: Any, config: Mapping[str, Any], table: Mapping[str, Any], file_size: int
) -> None:
    """Check a model file's configuration against its tensor table before reading data.

    Parameters
    ----------
    path : str or path-like
        For messages.
    config : dict
        The mlpkit JSON configuration.
    table : dict
        The safetensors header: tensor name -> {"dtype", "shape", "data_offsets"}.
    file_size : int
        The file's length in bytes.

    Raises
    ------
    ModelFileError
    """
    network = config.get("network")
    n_params = config_n_params(path, network)
    assert isinstance(network, dict)
    sizes = network["layer_sizes"]
    n_in, n_out = sizes[0], sizes[-1]
    want = {"params": (n_params,), "best_params": (n_params,)}
    want.update({"x_mean": (n_in,), "x_scale": (n_in,), "y_mean": (n_out,), "y_scale": (n_out,)})
    net_code = _NET_DTYPES[network.get("dtype", "float32")]
    if "params" not in table:
        raise _fail(path, "holds no parameter tensor 'params'.")
    for name, info in table.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict):
            raise _fail(path, f"has a corrupt entry for tensor {name!r}.")
        code, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if code not in _ITEMSIZE:
            raise _fail(path, f"stores tensor {name!r} as {code!r}; mlpkit writes F32, F64, I64.")
        if (
            not isinstance(shape, list)
            or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
            or not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
        ):
            raise _fail(path, f"has a corrupt entry for tensor {name!r}.")
        n_bytes = math.prod(shape) * _ITEMSIZE[code]
        if not 0 <= offsets[0] <= offsets[1] <= file_size or offsets[1] - offsets[0] != n_bytes:
            raise _fail(
                path, f"has tensor {name!r} of shape {tuple(shape)} that does not fit its bytes."
            )
        if name in want:
            if tuple(shape) != want[name]:
                what = "parameters" if name.endswith("params") else "values"
                raise _fail(
                    path,
                    f"holds {math.prod(shape)} {what} in {name!r} (shape {tuple(shape)}) for a "
                    f"network that needs {want[name]}.",
                )
            if code != net_code:
                raise _fail(
                    path, f"stores {name!r} as {code} for a {network.get('dtype')} network."
                )
        elif name.startswith("optimizer."):
            if math.prod(shape) > 4 * n_params + 64:
                raise _fail(path, f"has an optimizer tensor {name!r} larger than the network.")
        else:
            raise _fail(path, f"holds an unknown tensor {name!r}.")
    _check_labels(path, config, n_in, n_out, network.get("output"))


def _check_labels(path: Any, config: Mapping[str, Any], n_in: int, n_out: int, output: Any) -> None:
    task = config.get("task")
    if task not in (None, "classification", "regression"):
        raise _fail(path, f"has task {task!r}; it must be 'classification' or 'regression'.")
    names = config.get("feature_names")
    if names is not None and (
        not isinstance(names, list)
        or len(names) != n_in
        or not all(isinstance(n, str) for n in names)
    ):
        raise _fail(path, f"names {len(names) if isinstance(names, list) else names!r} "
                    f"features for a network with {n_in} inputs.")  # fmt: skip
    target = config.get("target_name")
    if target is not None and not isinstance(target, str):
        raise _fail(path, f"has target name {target!r}, not a string.")
    classes = config.get("classes")
    if classes is None:
        return
    if not isinstance(classes, dict) or not isinstance(classes.get("values"), list):
        raise _fail(path, "has a corrupt class list.")
    values = classes["values"]
    expected = 2 if output == "logistic" and n_out == 1 else n_out
    if output in ("softmax", "logistic") and len(values) != expected:
        raise _fail(
            path, f"lists {len(values)} classes for a network with {n_out} {output} outputs."
        )
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
        raise _fail(path, "has class labels that are not strings or numbers.")
    code = classes.get("dtype")
    try:
        kind = np.dtype(code).kind if code else "U"
    except TypeError:
        raise _fail(path, f"has class dtype {code!r}, which NumPy does not know.") from None
    if kind not in "iufU":
        raise _fail(path, f"has class dtype {code!r}; labels are strings or numbers.")


def check_tensors(path: Any, tensors: Mapping[str, np.ndarray]) -> None:
    """Refuse non-finite weights or preprocessing, and zero scales."""
    for name, arr in tensors.items():
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            bad = int(np.flatnonzero(~np.isfinite(arr.ravel()))[0])
            raise _fail(path, f"holds a non-finite value in {name!r} (entry {bad}).")
    for name in ("x_scale", "y_scale"):
        scale = tensors.get(name)
        if scale is not None and (scale == 0).any():
            raise _fail(path, f"has a zero in {name!r}: inputs would be divided by zero.")
