"""``mlpkit export``: ONNX, a PyTorch state dict, or PyTorch source."""

from __future__ import annotations

import argparse
import sys

from .. import io
from .common import CLIError, as_cli_error

__all__ = ["add_parser", "run"]


def run(args: argparse.Namespace) -> int:
    from .. import export

    if not (args.onnx or args.torch or args.torch_code):
        raise CLIError("export needs --onnx PATH, --torch PATH or --torch-code.", 2)
    model = io.load(args.model)
    # An ImportError names the pip install that adds torch or onnx.
    with as_cli_error(export.ExportError, ImportError, code=1):
        if args.onnx:
            export.save_onnx(model, args.onnx)
            elem = "float" if model.net.dtype == "float32" else "double"
            outputs = "'output', 'probabilities'" if model.is_classifier else "'output'"
            print(
                f"wrote {args.onnx} (ONNX opset {export.ONNX_OPSET}, IR {export.ONNX_IR_VERSION}; "
                f"input 'X' of tensor({elem}), shape (n, {model.n_features_in_}); outputs "
                f"{outputs})",
                file=sys.stderr,
            )
        if args.torch:
            export.save_torch(model, args.torch)
            print(
                f"wrote {args.torch} (state dict of an nn.Sequential; `mlpkit export "
                f"{args.model} --torch-code` prints the module)",
                file=sys.stderr,
            )
        if args.torch_code:
            code = export.torch_code(model, args.torch or "model.pt")
            if args.torch_code == "-":
                print(code)
            else:
                io.atomic_write_bytes(args.torch_code, code.encode())
                print(f"wrote {args.torch_code}", file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    x = sub.add_parser("export", help="ONNX, PyTorch state dict, or PyTorch source")
    x.add_argument("model")
    x.add_argument("--onnx", metavar="PATH")
    x.add_argument("--torch", metavar="PATH")
    x.add_argument(
        "--torch-code",
        nargs="?",
        const="-",
        metavar="FILE",
        help="print the equivalent PyTorch module (or write it to FILE)",
    )
    x.set_defaults(func=run)
