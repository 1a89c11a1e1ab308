"""``mlpkit evaluate``, ``mlpkit predict`` and ``mlpkit info``: using a model file."""

from __future__ import annotations

import argparse
import csv
import io as io_text
import json
import sys
from pathlib import Path

import numpy as np

from .. import io
from .common import (
    CLIError,
    add_data_seed_option,
    add_header_option,
    check_outputs,
    metrics,
    model_data,
)

__all__ = ["add_parser", "cmd_evaluate", "cmd_info", "cmd_predict"]


def cmd_evaluate(args: argparse.Namespace) -> int:
    model = io.load(args.model)
    data = model_data(args, model, need_target=True)
    assert data.y is not None
    y = data.y
    if model.is_classifier and model.classes is not None:
        unknown = np.setdiff1d(np.unique(y.astype(model.classes.dtype)), model.classes)
        if unknown.size:
            raise CLIError(
                f"{data.source}: labels {unknown[:5].tolist()} were not among the classes the "
                f"model was trained on ({model.classes[:10].tolist()})."
            )
        y = y.astype(model.classes.dtype)
    elif not model.is_classifier and y.dtype.kind not in "fiub":
        raise CLIError(f"{data.source}: the target column is not numeric.")
    result = metrics(model, data.X, y)
    if args.json:
        print(json.dumps({"n_samples": len(y), **result}))
    else:
        print(f"{data.source}: {len(y)} samples")
        for k, v in result.items():
            print(f"{k:<10} {v:.4f}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    check_outputs([("--out", args.out)], [("--data", args.data), ("model", args.model)])
    model = io.load(args.model)
    data = model_data(args, model, need_target=False)
    pred = model.predict(data.X)
    header = ["prediction"] if pred.ndim == 1 else [f"prediction_{i}" for i in range(pred.shape[1])]
    P = None
    if args.proba:
        if not model.is_classifier:
            raise CLIError("--proba is for classifiers; this model does regression.", 2)
        P = model.predict_proba(data.X)
        labels = model.classes if model.classes is not None else range(P.shape[1])
        header += [f"proba_{c}" for c in labels]
    # A file is written whole and atomically (no half-written predictions); standard
    # output row by row, so `| head` sees the first rows at once.
    out = io_text.StringIO() if args.out else sys.stdout
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for i in range(len(pred)):
        vals = np.atleast_1d(pred[i])
        # Floats with float32's precision (8 significant digits), labels as they are.
        row = [f"{v:.8g}" for v in vals] if vals.dtype.kind == "f" else vals.tolist()
        if P is not None:
            row += [f"{p:.6g}" for p in P[i]]
        w.writerow(row)
    if args.out:
        assert isinstance(out, io_text.StringIO)
        io.atomic_write_bytes(args.out, out.getvalue().encode())
        print(f"wrote {len(pred)} predictions to {args.out}", file=sys.stderr)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    config = io.read_config(args.model)
    if args.json:
        print(json.dumps(config, indent=2))
        return 0
    model = io.load(args.model)
    size = Path(args.model).stat().st_size
    print(
        f"file         {args.model} ({size:,} bytes, {config.get('kind', 'model')}, format "
        f"version {config['format_version']}, mlpkit {config.get('mlpkit_version', '?')})"
    )
    if config.get("kind") == "checkpoint":
        print(f"checkpoint   epoch {config['trainer']['epoch']}")
    print(model.summary())
    return 0


def _data_options(p: argparse.ArgumentParser) -> None:
    add_header_option(p)
    p.add_argument(
        "--match-by-position",
        action="store_true",
        help="use the file's columns in order, whatever their names (default: match the "
        "model's feature names and refuse a file without them)",
    )
    add_data_seed_option(p, "default: the one the model was trained on")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``evaluate``, ``predict`` and ``info``."""
    e = sub.add_parser("evaluate", help="metrics of a model file on data")
    e.add_argument("model")
    e.add_argument("--data", required=True)
    e.add_argument("--target")
    e.add_argument("--json", action="store_true")
    _data_options(e)
    e.set_defaults(func=cmd_evaluate)

    pr = sub.add_parser("predict", help="predictions as CSV")
    pr.add_argument("model")
    pr.add_argument("--data", required=True)
    pr.add_argument("--target", help="a column to drop from the input")
    pr.add_argument("--out", help="CSV file (default: standard output)")
    pr.add_argument("--proba", action="store_true", help="add class probabilities")
    _data_options(pr)
    pr.set_defaults(func=cmd_predict)

    i = sub.add_parser("info", help="architecture, parameters, training summary")
    i.add_argument("model")
    i.add_argument("--json", action="store_true", help="print the stored configuration")
    i.set_defaults(func=cmd_info)
