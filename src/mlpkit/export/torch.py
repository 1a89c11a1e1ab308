"""Export to PyTorch and import from it.

* :func:`to_torch` builds an ``nn.Sequential`` whose output equals
  :meth:`mlpkit.io.Model.forward`; :func:`save_torch` writes its state dict.
  mlpkit stores ``W`` as (n_in, n_out) (``Z = X W + b``, lectures: L3 "The forward
  pass"); ``nn.Linear`` stores the transpose (n_out, n_in), so the exporter transposes.
* :func:`torch_code` prints the same network as PyTorch source, in the lecture's
  "PyTorch translation" style (``self.l1 = nn.Linear(nIn, n1)``,
  ``h1 = torch.tanh(self.l1(x))``).
* :func:`from_torch` turns an ``nn.Sequential`` of Linear layers and supported
  activations back into an :class:`~mlpkit.MLP`; :func:`load_torch` does so from a
  saved state dict.

torch is optional (``pip install torch==2.13.0``) and imported only when these run.
"""

from __future__ import annotations

import io as _io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..activations import get_activation
from ..io import Model, as_model, atomic_write_bytes
from ..layers import ActivationLayer, Dense, Dropout, Layer, LayerNorm, PReLU, Residual
from ..network import MLP
from ._common import ExportError, head_params, need

__all__ = ["from_torch", "load_torch", "save_torch", "to_torch", "torch_code"]

_TORCH_SIMPLE = {  # mlpkit name -> nn module name (no parameters)
    "relu": "ReLU",
    "tanh": "Tanh",
    "logistic": "Sigmoid",
    "gelu": "GELU",
    "silu": "SiLU",
    "softplus": "Softplus",
    "softsign": "Softsign",
    "identity": "Identity",
}
_TORCH_CUSTOM_SRC = {
    "Standardize": '''class Standardize(nn.Module):
    """(x - mean) / scale, with the training data's mean and scale."""

    def __init__(self, n):
        super().__init__()
        self.register_buffer("mean", torch.zeros(n))
        self.register_buffer("scale", torch.ones(n))

    def forward(self, x):
        return (x - self.mean) / self.scale
''',
    "Unstandardize": '''class Unstandardize(nn.Module):
    """y * scale + mean: predictions back in the target's units."""

    def __init__(self, n):
        super().__init__()
        self.register_buffer("mean", torch.zeros(n))
        self.register_buffer("scale", torch.ones(n))

    def forward(self, y):
        return y * self.scale + self.mean
''',
    "Residual": '''class Residual(nn.Module):
    """h + f(h): the "bypass" of the lectures' MLP to ResNet slide."""

    def __init__(self, *layers):
        super().__init__()
        self.f = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.f(x)
''',
    "Atan": """class Atan(nn.Module):
    def forward(self, x):
        return torch.atan(x)
""",
    "ISRU": '''class ISRU(nn.Module):
    """x / sqrt(1 + alpha x²)."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return x / torch.sqrt(1 + self.alpha * x * x)
''',
    "BinaryStep": '''class BinaryStep(nn.Module):
    """0 if x < 0 else 1."""

    def forward(self, x):
        return (x >= 0).to(x.dtype)
''',
    "Exp": """class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)
""",
}
_CUSTOM_CACHE: dict[str, Any] = {}


def _custom(name: str) -> Any:
    """The helper module class ``name``, defined once from the same source that
    :func:`torch_code` prints (so the exported state dict fits the printed code)."""
    if name not in _CUSTOM_CACHE:
        torch = need("torch", "torch==2.13.0")
        ns: dict[str, Any] = {"torch": torch, "nn": torch.nn}
        exec(compile(_TORCH_CUSTOM_SRC[name], f"<mlpkit.export.{name}>", "exec"), ns)
        _CUSTOM_CACHE[name] = ns[name]
    return _CUSTOM_CACHE[name]


def _module_spec(layer: Layer) -> list[tuple[str, str, dict[str, Any], Layer]]:
    """(class, constructor-args source, extra, layer) for the modules of one mlpkit layer."""
    if isinstance(layer, Dense):
        return [("nn.Linear", f"{layer.n_in}, {layer.n_out}", {}, layer)]
    if isinstance(layer, PReLU):
        return [("nn.PReLU", f"{layer.n_in}", {}, layer)]
    if isinstance(layer, LayerNorm):
        return [("nn.LayerNorm", f"{layer.n_in}, eps={layer.eps!r}", {}, layer)]
    if isinstance(layer, Dropout):
        return [("nn.Dropout", f"{layer.p!r}", {}, layer)]
    if isinstance(layer, ActivationLayer):
        return [_act_spec(layer.act.name, dict(layer.act.params)) + (layer,)]
    raise ExportError(f"The layer {layer!r} has no PyTorch export.")


def _act_spec(name: str, params: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    if name in _TORCH_SIMPLE:
        return (f"nn.{_TORCH_SIMPLE[name]}", "", {})
    if name == "leaky_relu":
        return ("nn.LeakyReLU", f"{float(params.get('alpha', 0.01))!r}", {})
    if name == "elu":
        return ("nn.ELU", f"{float(params.get('alpha', 1.0))!r}", {})
    if name == "arctan":
        return ("Atan", "", {})
    if name == "isru":
        return ("ISRU", f"{float(params.get('alpha', 1.0))!r}", {})
    if name == "binary_step":
        return ("BinaryStep", "", {})
    if name == "exp":
        return ("Exp", "", {})
    if name == "softmax":
        return ("nn.Softmax", "dim=1", {})
    raise ExportError(f"The activation {name!r} has no PyTorch equivalent in mlpkit's exporter.")


def _instantiate(cls_name: str, args: str) -> Any:
    torch = need("torch", "torch==2.13.0")
    if cls_name.startswith("nn."):
        factory = getattr(torch.nn, cls_name[3:])
    else:
        factory = _custom(cls_name)
    return eval(f"factory({args})", {"factory": factory})  # args are our own literals


def _sequence(m: Model) -> list[Any]:
    """The top-level modules of the exported nn.Sequential, as (class, args, children,
    mlpkit layer or preprocessing key)."""
    net = m.net
    seq: list[Any] = []
    if m.x_mean is not None:
        seq.append(("Standardize", str(net.n_inputs), None, "x"))
    for layer in net.layers:
        if isinstance(layer, Residual):
            inner = [s for sub in layer.layers for s in _module_spec(sub)]
            seq.append(("Residual", "", inner, layer))
        else:
            seq.extend((c, a, None, lay) for c, a, _, lay in _module_spec(layer))
    head = net.head.name
    if head != "identity":
        c, a, _ = _act_spec(head, head_params(net))
        seq.append((c, a, None, None))
    if m.task == "regression" and m.y_mean is not None:
        seq.append(("Unstandardize", str(net.n_outputs), None, "y"))
    return seq


def to_torch(model: Any) -> Any:
    """An ``nn.Sequential`` computing :meth:`mlpkit.io.Model.forward` (in eval mode).

    Its dtype is the network's (float32 or float64). Each mlpkit layer becomes one
    module (Dense → ``nn.Linear`` with the weight transposed, LayerNorm → ``nn.LayerNorm``,
    PReLU → ``nn.PReLU``, residual blocks → a ``Residual`` module); the output head and the
    preprocessing are modules too (see :func:`torch_code` for their source).

    Returns
    -------
    torch.nn.Sequential
    """
    torch = need("torch", "torch==2.13.0")
    m = as_model(model)
    tdtype = torch.float64 if m.net.dtype == np.float64 else torch.float32

    def build(spec: Any) -> Any:
        cls_name, args, children, layer = spec
        if children is not None:
            module = _custom("Residual")(*[build((c, a, None, lay)) for c, a, _, lay in children])
            return module
        # Cast before filling: float64 weights must not pass through float32 parameters.
        module = _instantiate(cls_name, args).to(tdtype)
        _fill(module, layer, m, torch)
        return module

    seq = torch.nn.Sequential(*[build(s) for s in _sequence(m)]).to(tdtype)
    seq.eval()
    return seq


def _fill(module: Any, layer: Any, m: Model, torch: Any) -> None:
    """Copy mlpkit's parameters into a freshly built module."""
    t = torch.from_numpy
    with torch.no_grad():
        if isinstance(layer, Dense):
            module.weight.copy_(t(np.ascontiguousarray(layer.W.T)))  # (n_in, n_out) → (out, in)
            module.bias.copy_(t(np.array(layer.b)))
        elif isinstance(layer, PReLU):
            module.weight.copy_(t(np.array(layer.alpha)))
        elif isinstance(layer, LayerNorm):
            module.weight.copy_(t(np.array(layer.gamma)))
            module.bias.copy_(t(np.array(layer.beta)))
        elif layer == "x":
            module.mean.copy_(t(np.array(m.x_mean, dtype=np.float64)))
            module.scale.copy_(t(np.array(m.x_scale, dtype=np.float64)))
        elif layer == "y":
            module.mean.copy_(t(np.array(m.y_mean, dtype=np.float64)))
            module.scale.copy_(t(np.array(m.y_scale, dtype=np.float64)))


def save_torch(model: Any, path: str | os.PathLike[str]) -> Path:
    """Write the state dict of :func:`to_torch`'s ``nn.Sequential`` with ``torch.save``
    (tensors only: ``torch.load(path, weights_only=True)`` reads it). Atomic."""
    torch = need("torch", "torch==2.13.0")
    buf = _io.BytesIO()
    torch.save(to_torch(model).state_dict(), buf)
    return atomic_write_bytes(path, buf.getvalue())


def torch_code(model: Any, state_dict_path: str = "model.pt") -> str:
    """PyTorch source for the network, in the "PyTorch translation" style
    (lectures: L4 "PyTorch Translation").

    The printed ``MLP(nn.Module)`` names its linear layers ``l1, l2, ...`` and writes
    the forward pass line by line (``h1 = torch.tanh(self.l1(x))``); ``make_sequential``
    builds the ``nn.Sequential`` whose state dict :func:`save_torch` writes, and
    ``MLP.load_mlpkit(path)`` loads such a file into the class.

    Returns
    -------
    str
        Python source; ``exec`` it or save it as a ``.py`` file.
    """
    m = as_model(model)
    net = m.net
    seq = _sequence(m)
    needed: list[str] = []

    def want(c: str) -> None:
        if not c.startswith("nn.") and c not in needed:
            needed.append(c)

    # --- the nn.Sequential --------------------------------------------------------
    seq_lines = []
    for cls_name, args, children, _ in seq:
        want(cls_name)
        if children is not None:
            inner = ", ".join(f"{c}({a})" for c, a, _, _ in children)
            for c, _, _, _ in children:
                want(c)
            seq_lines.append(f"        Residual({inner}),")
        else:
            seq_lines.append(f"        {cls_name}({args}),")

    # --- the lecture-style class: named modules, explicit forward --------------------
    init: list[str] = []
    fwd: list[str] = []
    rename: dict[str, str] = {}
    counter = {"l": 0, "norm": 0, "act": 0}
    h = "x"

    def expr(name: str, params: dict[str, Any], v: str) -> str:
        a = params.get("alpha")
        return {
            "identity": v,
            "relu": f"torch.relu({v})",
            "tanh": f"torch.tanh({v})",
            "logistic": f"torch.sigmoid({v})",
            "arctan": f"torch.atan({v})",
            "softsign": f"F.softsign({v})",
            "softplus": f"F.softplus({v})",
            "gelu": f"F.gelu({v})",
            "silu": f"F.silu({v})",
            "leaky_relu": f"F.leaky_relu({v}, {a!r})",
            "elu": f"F.elu({v}, {a!r})",
            "isru": f"{v} / torch.sqrt(1 + {a!r} * {v} * {v})",
            "binary_step": f"({v} >= 0).to({v}.dtype)",
            "exp": f"torch.exp({v})",
            "softmax": f"torch.softmax({v}, dim=1)",
        }[name]

    def emit(layer: Layer, key: str, var: str) -> str:
        """Source for one mlpkit layer (the Sequential module ``key``); returns the variable
        holding its output."""
        if isinstance(layer, Dense):
            counter["l"] += 1
            lname = f"l{counter['l']}"
            init.append(f"        self.{lname} = nn.Linear({layer.n_in}, {layer.n_out})")
            rename[f"{key}.weight"], rename[f"{key}.bias"] = f"{lname}.weight", f"{lname}.bias"
            out = "z" if layer is net.layers[-1] else f"h{counter['l']}"
            fwd.append(f"        {out} = self.{lname}({var})")
            return out
        if isinstance(layer, LayerNorm):
            counter["norm"] += 1
            nname = f"norm{counter['norm']}"
            init.append(f"        self.{nname} = nn.LayerNorm({layer.n_in}, eps={layer.eps!r})")
            rename[f"{key}.weight"], rename[f"{key}.bias"] = f"{nname}.weight", f"{nname}.bias"
            fwd.append(f"        {var} = self.{nname}({var})")
        elif isinstance(layer, PReLU):
            counter["act"] += 1
            aname = f"prelu{counter['act']}"
            init.append(f"        self.{aname} = nn.PReLU({layer.n_in})")
            rename[f"{key}.weight"] = f"{aname}.weight"
            fwd.append(f"        {var} = self.{aname}({var})")
        elif isinstance(layer, ActivationLayer):
            e = expr(layer.act.name, dict(layer.act.params), var)
            if e != var:
                fwd.append(f"        {var} = {e}")
        elif isinstance(layer, Dropout):
            fwd.append(f"        {var} = F.dropout({var}, {layer.p!r}, self.training)")
        else:
            raise ExportError(f"The layer {layer!r} has no PyTorch export.")
        return var

    top = 0
    if m.x_mean is not None:
        init.append(f'        self.register_buffer("x_mean", torch.zeros({net.n_inputs}))')
        init.append(f'        self.register_buffer("x_scale", torch.ones({net.n_inputs}))')
        rename["0.mean"], rename["0.scale"] = "x_mean", "x_scale"
        fwd.append("        x = (x - self.x_mean) / self.x_scale")
        top = 1
    for layer in net.layers:
        if isinstance(layer, Residual):
            fwd.append(f"        r = {h}  # residual block: h + f(h)")
            inner = "r"
            for j, sub in enumerate(layer.layers):
                inner = emit(sub, f"{top}.f.{j}", inner)
            fwd.append(f"        {h} = {h} + {inner}")
        else:
            h = emit(layer, str(top), h)
        top += 1
    head = net.head.name
    head_kw = head_params(net)
    if head != "identity":
        top += 1  # the head is a module of the Sequential too
    out = expr(head, head_kw, "self.logits(x)") if head != "identity" else "self.logits(x)"
    post = ""
    if m.task == "regression" and m.y_mean is not None:
        init.append(f'        self.register_buffer("y_mean", torch.zeros({net.n_outputs}))')
        init.append(f'        self.register_buffer("y_scale", torch.ones({net.n_outputs}))')
        rename[f"{top}.mean"], rename[f"{top}.scale"] = "y_mean", "y_scale"
        post = " * self.y_scale + self.y_mean"

    loss_src = {
        "softmax": "F.cross_entropy(self.logits(x), target)  # softmax + cross-entropy",
        "logistic": "F.binary_cross_entropy_with_logits(self.logits(x), target)",
        "exp": "F.poisson_nll_loss(self.logits(x), target, log_input=True)",
    }.get(head, "F.mse_loss(self.logits(x), target)")
    if m.task == "regression" and m.y_mean is not None:
        loss_src += "  # target standardised with y_mean, y_scale"

    sizes = " → ".join(map(str, net.layer_sizes))
    parts = [
        f'"""{net!r}, exported by mlpkit.\n\nmlpkit computes Z = X W + b with W of shape '
        f"(n_in, n_out); nn.Linear\nstores the transpose, (n_out, n_in). Layers: {sizes}.\n"
        '"""',
        "",
        "import torch",
        "import torch.nn.functional as F",
        "from torch import nn",
        "",
    ]
    for c in needed:
        parts += ["", _TORCH_CUSTOM_SRC[c]]
    parts += [
        "",
        "class MLP(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
        *init,
        "",
        "    def logits(self, x):",
        *fwd,
        "        return z",
        "",
        "    def forward(self, x):",
        f"        return {out}{post}",
        "",
        "    def loss(self, x, target):",
        f"        return {loss_src}",
        "",
        "    def load_mlpkit(self, path):",
        '        """Load a state dict written by `mlpkit export MODEL --torch PATH`."""',
        "        state = torch.load(path, weights_only=True)",
        "        self.load_state_dict({_RENAME[k]: v for k, v in state.items()})",
        "        return self",
        "",
        "",
        f"_RENAME = {json.dumps(rename, indent=4)}",
        "",
        "",
        "def make_sequential():",
        '    """The nn.Sequential whose state dict `mlpkit export --torch` writes."""',
        "    return nn.Sequential(",
        *seq_lines,
        "    )",
        "",
        "",
        'if __name__ == "__main__":',
        "    model = MLP()",
        f"    model.load_mlpkit({state_dict_path!r})",
        "    model.eval()",
        f"    print(model(torch.zeros(1, {net.n_inputs})))",
        "",
    ]
    if net.dtype == np.float64:
        parts[-5] = "    model = MLP().double()"
        parts[-2] = f"    print(model(torch.zeros(1, {net.n_inputs}, dtype=torch.float64)))"
    return "\n".join(parts)


# ---------------------------------------------------------------------- import
_FROM_TORCH = {
    "ReLU": "relu",
    "Tanh": "tanh",
    "GELU": "gelu",
    "SiLU": "silu",
    "Softplus": "softplus",
    "Softsign": "softsign",
    "Identity": "identity",
    "Atan": "arctan",
    "BinaryStep": "binary_step",
}


def from_torch(module: Any, *, loss: str | None = None) -> MLP:
    """An :class:`~mlpkit.MLP` equal to an ``nn.Sequential`` of Linear layers and
    supported activations.

    Each hidden block is ``Linear → [LayerNorm] → [activation] → [Dropout]``; after the
    last ``Linear`` an optional ``Softmax`` / ``Sigmoid`` becomes the output head.
    Supported activations: ReLU, Tanh, Sigmoid, LeakyReLU, ELU, GELU (exact), SiLU,
    Softplus (beta=1), Softsign, PReLU, Identity (and mlpkit's Atan, ISRU, BinaryStep).
    The weights are transposed from PyTorch's (out, in) to mlpkit's (in, out).

    Parameters
    ----------
    module : torch.nn.Sequential
    loss : str, optional
        Default: the head's canonical loss.

    Returns
    -------
    MLP
        With the module's weights, dtype float64 if the module is double, else float32.
    """
    torch = need("torch", "torch==2.13.0")
    mods = list(module.children()) if isinstance(module, torch.nn.Sequential) else None
    if not mods:
        raise ExportError(
            f"from_torch needs a non-empty nn.Sequential of Linear layers and activations; got "
            f"{type(module).__name__}."
        )
    linear_idx = [i for i, mod in enumerate(mods) if isinstance(mod, torch.nn.Linear)]
    if not linear_idx:
        raise ExportError("The nn.Sequential has no nn.Linear layer.")
    sizes = [mods[linear_idx[0]].in_features]
    acts: list[Any] = []
    norms: list[bool] = []
    drops: list[float] = []
    arrays: list[np.ndarray] = []
    head = "identity"
    if linear_idx[0] != 0:
        raise ExportError(f"The first module must be nn.Linear; got {type(mods[0]).__name__}.")
    blocks = []
    for j, start in enumerate(linear_idx):
        end = linear_idx[j + 1] if j + 1 < len(linear_idx) else len(mods)
        blocks.append(mods[start:end])
    for k, block in enumerate(blocks):
        lin = block[0]
        if lin.in_features != sizes[-1]:
            raise ExportError(
                f"Linear layer {k} takes {lin.in_features} inputs but the previous layer "
                f"gives {sizes[-1]}."
            )
        sizes.append(lin.out_features)
        W = lin.weight.detach().cpu().numpy().T  # (out, in) → (in, out)
        bias = lin.bias.detach().cpu().numpy() if lin.bias is not None else np.zeros(W.shape[1])
        arrays += [W.ravel(), bias]
        rest = block[1:]
        last = k == len(blocks) - 1
        if last:
            if len(rest) > 1:
                raise ExportError(
                    "After the last nn.Linear only one output module (Softmax, Sigmoid) is "
                    f"supported; got {[type(r).__name__ for r in rest]}."
                )
            if rest:
                r = rest[0]
                if isinstance(r, torch.nn.Softmax) and r.dim in (1, -1):
                    head = "softmax"
                elif isinstance(r, torch.nn.Sigmoid):
                    head = "logistic"
                elif type(r).__name__ == "Exp":
                    head = "exp"
                else:
                    head = _torch_act(r, torch, lin.out_features)[0]
            continue
        norm, act, drop = False, "identity", 0.0
        stage = 0  # 1: after LayerNorm, 2: after the activation, 3: after Dropout
        for r in rest:
            if isinstance(r, torch.nn.LayerNorm) and stage == 0:
                if tuple(r.normalized_shape) != (lin.out_features,) or r.weight is None:
                    raise ExportError("Only nn.LayerNorm over the features with affine "
                                      "parameters is supported.")  # fmt: skip
                norm = True
                arrays += [r.weight.detach().cpu().numpy(), r.bias.detach().cpu().numpy()]
                eps = float(r.eps)
                if eps != 1e-5:
                    raise ExportError(f"mlpkit's LayerNorm uses eps=1e-5; this one has {eps}.")
                stage = 1
            elif isinstance(r, torch.nn.Dropout) and stage < 3:
                drop, stage = float(r.p), 3
            elif stage < 2:
                act, extra = _torch_act(r, torch, lin.out_features)
                if extra is not None:
                    arrays.append(extra)
                stage = 2
            else:
                raise ExportError(
                    f"Unsupported module order in hidden block {k}: {type(r).__name__} after "
                    "Linear → [LayerNorm] → [activation] → [Dropout]."
                )
        norms.append(norm)
        acts.append(act)
        drops.append(drop)
    dtype = np.float64 if mods[0].weight.dtype == torch.float64 else np.float32
    net = MLP(sizes, activation=acts, output=head, loss=loss, layer_norm=norms, dropout=drops,
              dtype=dtype)  # fmt: skip
    flat = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
    if flat.size != net.n_params:
        raise ExportError(f"Could not map the module's {flat.size} parameters onto mlpkit's "
                          f"{net.n_params}.")  # fmt: skip
    net.params = flat.astype(dtype)
    return net


def _torch_act(r: Any, torch: Any, n: int) -> tuple[Any, np.ndarray | None]:
    """(mlpkit activation, PReLU slopes or None) for a PyTorch activation module."""
    name = type(r).__name__
    nn = torch.nn
    if isinstance(r, nn.Sigmoid):
        return "logistic", None
    if isinstance(r, nn.LeakyReLU):
        return get_activation("leaky_relu", alpha=float(r.negative_slope)), None
    if isinstance(r, nn.ELU):
        return get_activation("elu", alpha=float(r.alpha)), None
    if isinstance(r, nn.PReLU):
        a = r.weight.detach().cpu().numpy()
        return "prelu", np.broadcast_to(a, (n,)).copy()
    if isinstance(r, nn.GELU) and r.approximate != "none":
        raise ExportError("Only exact GELU (approximate='none') is supported.")
    if isinstance(r, nn.Softplus) and (r.beta != 1):
        raise ExportError("Only Softplus with beta=1 is supported.")
    if name == "ISRU":
        return get_activation("isru", alpha=float(r.alpha)), None
    if name in _FROM_TORCH:
        return _FROM_TORCH[name], None
    raise ExportError(
        f"The PyTorch module {name} has no mlpkit equivalent. Supported: "
        "ReLU, Tanh, Sigmoid, LeakyReLU, ELU, GELU, SiLU, Softplus, Softsign, PReLU, Identity."
    )


def load_torch(path: str | os.PathLike[str], module: Any) -> MLP:
    """Load a state dict saved with ``torch.save`` into ``module`` (``weights_only=True``:
    no code from the file runs) and convert it with :func:`from_torch`."""
    torch = need("torch", "torch==2.13.0")
    module.load_state_dict(torch.load(path, weights_only=True))
    return from_torch(module)
