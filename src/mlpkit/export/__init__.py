"""Export to the runtimes people deploy with: ONNX and PyTorch; import from PyTorch.

* :mod:`mlpkit.export.onnx`: :func:`to_onnx` builds an ONNX graph (opset 17, IR
  version 8, what onnxruntime 1.31 loads), :func:`save_onnx` writes it.
* :mod:`mlpkit.export.torch`: :func:`to_torch` builds an ``nn.Sequential`` and
  :func:`save_torch` writes its state dict; :func:`torch_code` prints the same network
  as PyTorch source; :func:`from_torch` / :func:`load_torch` turn an ``nn.Sequential``
  back into an :class:`~mlpkit.MLP`.

Both compute :meth:`mlpkit.io.Model.forward`, the model's standardisation included.
torch and onnx are optional (``pip install 'mlpkit[onnx]'``, ``pip install torch==2.13.0``)
and imported only when these functions run.
"""

from ._common import ExportError
from .onnx import ONNX_IR_VERSION, ONNX_OPSET, save_onnx, to_onnx
from .torch import from_torch, load_torch, save_torch, to_torch, torch_code

__all__ = [
    "ONNX_IR_VERSION",
    "ONNX_OPSET",
    "ExportError",
    "from_torch",
    "load_torch",
    "save_onnx",
    "save_torch",
    "to_onnx",
    "to_torch",
    "torch_code",
]
