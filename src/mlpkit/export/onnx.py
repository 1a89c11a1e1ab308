"""Export to ONNX: :func:`to_onnx` builds the graph, :func:`save_onnx` writes it.

The graph is written for opset 17, IR version 8: onnx 1.23 stamps IR 14 / opset 28 by
default, which onnxruntime 1.31 refuses. Activations ONNX has as operators map to them
(Relu, Tanh, Sigmoid, LeakyRelu, PRelu, Elu, Softplus, Softsign, Atan,
LayerNormalization); the rest are composed: GELU (an operator only from opset 20) from
Erf, SiLU as ``x · Sigmoid(x)``, ISRU from Mul / Sqrt / Div, the binary step from
GreaterOrEqual + Cast. onnx is optional (``pip install 'mlpkit[onnx]'``) and imported
only when these functions run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..io import as_model, atomic_write_bytes
from ..layers import ActivationLayer, Dense, Dropout, Layer, LayerNorm, PReLU, Residual
from ._common import ExportError, head_params, need

__all__ = ["ONNX_IR_VERSION", "ONNX_OPSET", "save_onnx", "to_onnx"]

#: has LayerNormalization (opset 17).
ONNX_OPSET = 17
ONNX_IR_VERSION = 8


class _OnnxBuilder:
    """Appends nodes and constants; every value gets a fresh name."""

    def __init__(self, dtype: np.dtype):
        self.oh = need("onnx.helper", "'mlpkit[onnx]'")
        self.numpy_helper = need("onnx.numpy_helper", "'mlpkit[onnx]'")
        self.dtype = dtype
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._n = 0

    def name(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def const(self, value: Any, hint: str = "c") -> str:
        arr = np.asarray(value, dtype=self.dtype)
        n = self.name(hint)
        self.inits.append(self.numpy_helper.from_array(np.ascontiguousarray(arr), n))
        return n

    def op(self, op_type: str, inputs: list[str], hint: str | None = None, **attrs: Any) -> str:
        out = self.name(hint or op_type.lower())
        self.nodes.append(self.oh.make_node(op_type, inputs, [out], **attrs))
        return out

    def activation(self, name: str, params: dict[str, Any], x: str) -> str:
        """``f(x)`` for the activation ``name`` (mlpkit's definitions, term by term)."""
        if name == "identity":
            return x
        simple = {"relu": "Relu", "tanh": "Tanh", "logistic": "Sigmoid", "arctan": "Atan",
                  "softsign": "Softsign", "softplus": "Softplus", "exp": "Exp"}  # fmt: skip
        if name in simple:
            return self.op(simple[name], [x])
        if name == "leaky_relu":  # x if x >= 0 else α x
            return self.op("LeakyRelu", [x], alpha=float(params.get("alpha", 0.01)))
        if name == "elu":  # x if x > 0 else α (eˣ - 1)
            return self.op("Elu", [x], alpha=float(params.get("alpha", 1.0)))
        if name == "gelu":  # x Φ(x) = 0.5 x (1 + erf(x / √2)); Gelu is an operator from opset 20
            e = self.op("Erf", [self.op("Div", [x, self.const(np.sqrt(2.0))])])
            half_x = self.op("Mul", [x, self.const(0.5)])
            return self.op("Mul", [half_x, self.op("Add", [e, self.const(1.0)])], "gelu")
        if name == "silu":  # x σ(x)
            return self.op("Mul", [x, self.op("Sigmoid", [x])], "silu")
        if name == "isru":  # x / sqrt(1 + α x²)
            a = float(params.get("alpha", 1.0))
            sq = self.op("Mul", [self.op("Mul", [x, x]), self.const(a)])
            root = self.op("Sqrt", [self.op("Add", [sq, self.const(1.0)])])
            return self.op("Div", [x, root], "isru")
        if name == "binary_step":  # [x >= 0]
            ge = self.op("GreaterOrEqual", [x, self.const(0.0)])
            to = self.oh.np_dtype_to_tensor_dtype(self.dtype)
            return self.op("Cast", [ge], "step", to=to)
        raise ExportError(
            f"The activation {name!r} has no ONNX equivalent in mlpkit's exporter. Supported: "
            "identity, relu, tanh, logistic, arctan, softsign, softplus, leaky_relu, elu, gelu, "
            "silu, isru, binary_step, prelu (and layer norm, residual blocks)."
        )

    def layers(self, layers: list[Layer], x: str) -> str:
        for layer in layers:
            x = self.layer(layer, x)
        return x

    def layer(self, layer: Layer, x: str) -> str:
        if isinstance(layer, Dense):  # Z = X W + b: Gemm with W of shape (n_in, n_out)
            return self.op("Gemm", [x, self.const(layer.W, "W"), self.const(layer.b, "b")],
                           "dense")  # fmt: skip
        if isinstance(layer, ActivationLayer):
            return self.activation(layer.act.name, dict(layer.act.params), x)
        if isinstance(layer, PReLU):  # slope per unit broadcasts over the batch
            return self.op("PRelu", [x, self.const(layer.alpha, "alpha")])
        if isinstance(layer, LayerNorm):
            return self.op(
                "LayerNormalization",
                [x, self.const(layer.gamma, "gamma"), self.const(layer.beta, "beta")],
                axis=-1,
                epsilon=layer.eps,
            )
        if isinstance(layer, Dropout):  # the identity at inference
            return x
        if isinstance(layer, Residual):  # h + f(h)
            return self.op("Add", [x, self.layers(layer.layers, x)], "residual")
        raise ExportError(f"The layer {layer!r} has no ONNX export.")


def to_onnx(model: Any, *, opset: int = ONNX_OPSET) -> Any:
    """An ONNX model computing :meth:`mlpkit.io.Model.forward`.

    The graph takes ``X`` of shape (n_samples, n_features) in the network's dtype
    (``tensor(float)`` for a float32 network, the default; ``tensor(double)`` for
    float64: onnxruntime refuses any other, so pass ``X.astype(np.float32)``). Inputs are
    raw: the model's standardisation is part of the graph. It returns ``output`` of shape
    (n_samples, n_outputs), :meth:`~mlpkit.io.Model.forward`: the output units'
    probabilities for classifiers (ONE column, p of the positive class, for a binary
    logistic classifier), values in target units for regression. Classifiers also return
    ``probabilities`` of shape (n_samples, n_classes), equal to
    :meth:`~mlpkit.io.Model.predict_proba`: ``[1 - p, p]`` for a binary classifier.
    Class labels, feature names and the mlpkit config go into ``metadata_props``.

    Parameters
    ----------
    model : MLP, fitted estimator or Model
    opset : int, default=17

    Returns
    -------
    onnx.ModelProto

    Raises
    ------
    ExportError
        For an activation or output head ONNX cannot express (named in the message).
    """
    m = as_model(model)
    net = m.net
    b = _OnnxBuilder(net.dtype)
    oh = b.oh
    x = "X"
    if m.x_mean is not None and m.x_scale is not None:
        x = b.op("Div", [b.op("Sub", [x, b.const(m.x_mean, "x_mean")]),
                         b.const(m.x_scale, "x_scale")], "standardised")  # fmt: skip
    z = b.layers(net.layers, x)
    head = net.head.name
    if head == "softmax":
        y = b.op("Softmax", [z], axis=1)
    else:
        y = b.activation(head, head_params(net), z)
    if m.task == "regression" and m.y_mean is not None and m.y_scale is not None:
        y = b.op("Add", [b.op("Mul", [y, b.const(m.y_scale, "y_scale")]),
                         b.const(m.y_mean, "y_mean")])  # fmt: skip
    b.nodes.append(oh.make_node("Identity", [y], ["output"]))
    elem = oh.np_dtype_to_tensor_dtype(net.dtype)
    outputs = [oh.make_tensor_value_info("output", elem, ["n_samples", net.n_outputs])]
    if m.is_classifier and head in ("softmax", "logistic"):
        # predict_proba's columns: a single logistic unit p becomes [1 - p, p], as
        # Model.predict_proba (and scikit-learn) give for a binary classifier.
        n_cols = 2 if head == "logistic" and net.n_outputs == 1 else net.n_outputs
        if n_cols == 2 and net.n_outputs == 1:
            one = b.const(np.ones((1, 1), dtype=net.dtype), "one")
            b.nodes.append(oh.make_node("Concat", [b.op("Sub", [one, y]), y],
                                        ["probabilities"], axis=1))  # fmt: skip
        else:
            b.nodes.append(oh.make_node("Identity", [y], ["probabilities"]))
        outputs.append(oh.make_tensor_value_info("probabilities", elem, ["n_samples", n_cols]))
    graph = oh.make_graph(
        b.nodes,
        "mlpkit",
        [oh.make_tensor_value_info("X", elem, ["n_samples", net.n_inputs])],
        outputs,
        b.inits,
    )
    onnx_model = oh.make_model(
        graph, opset_imports=[oh.make_opsetid("", opset)], producer_name="mlpkit"
    )
    onnx_model.ir_version = ONNX_IR_VERSION
    meta = {"task": m.task, "network": json.dumps(net.get_config(), sort_keys=True)}
    if m.classes is not None:
        meta["classes"] = json.dumps(m.classes.tolist())
    if m.feature_names:
        meta["feature_names"] = json.dumps(m.feature_names)
    oh.set_model_props(onnx_model, meta)
    need("onnx", "'mlpkit[onnx]'").checker.check_model(onnx_model)
    return onnx_model


def save_onnx(model: Any, path: str | os.PathLike[str], *, opset: int = ONNX_OPSET) -> Path:
    """Write :func:`to_onnx`'s model to ``path`` (atomically)."""
    return atomic_write_bytes(path, to_onnx(model, opset=opset).SerializeToString())
