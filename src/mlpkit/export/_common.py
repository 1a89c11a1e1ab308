"""What the ONNX and PyTorch exporters share: the error they raise, the optional import."""

from __future__ import annotations

import importlib
from typing import Any

from ..network import MLP

__all__ = ["ExportError", "head_params", "need"]


class ExportError(ValueError):
    """A network that the target format cannot express (the message names the part)."""


def need(module: str, extra: str) -> Any:
    """Import ``module`` (torch, onnx: optional), or say which ``pip install`` adds it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"This needs {module.split('.')[0]}, which is not installed: pip install {extra}"
        ) from None


def head_params(net: MLP) -> dict[str, Any]:
    """Hyper-parameters of an activation used as the output head (e.g. ELU's alpha)."""
    act = net.head.activation
    return dict(act.params) if act is not None else {}
