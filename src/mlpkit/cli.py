"""The ``mlpkit`` command: train, evaluate, predict, info, export, reproduce.

Every failure a shell user can cause (a missing file, an unknown dataset, a wrong target
column, a model whose input width does not match the data, a CSV with a non-numeric cell)
prints ONE line, ``mlpkit: error: <what is wrong>. <what to do>``, and exits non-zero:
2 for usage errors (bad options, names), 1 for everything else. Set ``MLPKIT_DEBUG=1`` to
see the traceback instead.

Examples
--------
::

    mlpkit train                                  # digits, 64 hidden ReLU units
    mlpkit train --data rings --hidden 16,16 --activation tanh --out rings.mlpkit --plot plots
    mlpkit train --data houses.csv --target price --out price.mlpkit
    mlpkit evaluate rings.mlpkit --data rings
    mlpkit predict price.mlpkit --data new.csv --out preds.csv
    mlpkit info rings.mlpkit
    mlpkit export rings.mlpkit --onnx rings.onnx
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CLIError", "main"]


class CLIError(Exception):
    """An error reported as one line; ``code`` 2 for usage errors, 1 otherwise."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# ====================================================================== data
@dataclass
class Data:
    """Features and (optionally) targets read from a built-in dataset or a file."""

    X: np.ndarray
    y: np.ndarray | None
    source: str
    feature_names: list[str]
    target_name: str | None = None
    task: str | None = None  # known for built-in datasets
    columns: list[str] = field(default_factory=list)  # all columns of a file, in order


_FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".npy", ".npz")


def _is_file_arg(value: str) -> bool:
    return value.lower().endswith(_FILE_SUFFIXES) or os.sep in value or Path(value).exists()


# Built-in datasets that need one argument, given as ``--data NAME:ARG``.
_DATASET_ARG = {
    "mnist": ("directory", "a folder of MNIST IDX files", "mnist:~/data/mnist"),
    "playground": ("name", "circle, xor, gauss or spiral", "playground:spiral"),
    "function1d": ("name", "a 1-D function name", "function1d:step"),
}


def _split_builtin(spec: str) -> tuple[str, str | None] | None:
    """``("mnist", "DIR")`` for ``mnist:DIR``; None when ``spec`` is no built-in name."""
    name, sep, arg = spec.partition(":")
    if sep and name in _DATASET_ARG:
        return name, os.path.expanduser(arg)
    return None


def _builtin(name: str, arg: str | None = None) -> Data:
    from . import datasets

    needs = _DATASET_ARG.get(name)
    if needs is not None and not arg:
        key, what, example = needs
        raise CLIError(
            f"dataset {name!r} needs {what}: give it after a colon, e.g. --data {example}.", 2
        )
    if name not in datasets.available():
        raise CLIError(
            f"unknown dataset {name!r}. Built-in datasets: {', '.join(datasets.available())}; "
            "or give a .csv / .npy file.",
            2,
        )
    try:
        ds = datasets.load(name, **({needs[0]: arg} if needs else {}))
    except (OSError, ValueError, TypeError) as exc:
        raise CLIError(f"could not load dataset {name!r}: {exc}") from None
    return Data(
        X=np.asarray(ds.X, dtype=np.float64),
        y=np.asarray(ds.y),
        source=name,
        feature_names=list(ds.feature_names),
        target_name="target",
        task=ds.task,
    )


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _read_table(path: Path) -> tuple[list[str], list[list[str]], bool]:
    """(column names, rows of cells, whether the file had a header row)."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = [
                r for r in csv.reader(fh, delimiter=delimiter) if r and any(c.strip() for c in r)
            ]
    except UnicodeDecodeError:
        raise CLIError(f"{path}: not a text CSV file (cannot decode it as UTF-8).") from None
    if not rows:
        raise CLIError(f"{path}: the file is empty; it needs rows of comma-separated numbers.")
    first = [c.strip() for c in rows[0]]
    has_header = not all(_is_number(c) for c in first)
    names = first if has_header else [str(i) for i in range(len(first))]
    body = rows[1:] if has_header else rows
    if not body:
        raise CLIError(f"{path}: the file has a header but no data rows.")
    for i, r in enumerate(body):
        if len(r) != len(names):
            line = i + (2 if has_header else 1)
            raise CLIError(
                f"{path}: line {line} has {len(r)} cells but the file has {len(names)} columns. "
                "Every row needs one value per column."
            )
    return names, body, has_header


def _column_index(target: str, names: list[str], path: Path) -> int:
    if target in names:
        return names.index(target)
    try:
        i = int(target)
    except ValueError:
        i = None
    if i is not None and -len(names) <= i < len(names):
        return i % len(names)
    shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
    raise CLIError(
        f"{path}: no column {target!r} for --target; the columns are: {shown} "
        "(or give a 0-based column number).",
        2,
    )


def _numeric(
    cells: list[list[str]], cols: list[int], names: list[str], path: Path, header: bool
) -> np.ndarray:
    out = np.empty((len(cells), len(cols)), dtype=np.float64)
    for i, row in enumerate(cells):
        for j, c in enumerate(cols):
            cell = row[c].strip()
            try:
                out[i, j] = float(cell)
            except ValueError:
                line = i + (2 if header else 1)
                what = "is empty" if not cell else f"holds {cell!r}, which is not a number"
                raise CLIError(
                    f"{path}: line {line}, column {names[c]!r} {what}. Feature columns must be "
                    "numeric: fix or remove that row (only the target column may hold labels)."
                ) from None
    return out


def load_data(
    spec: str,
    target: str | None,
    *,
    need_target: bool,
    model_features: list[str] | None = None,
    model_target: str | None = None,
) -> Data:
    """Read ``--data``: a built-in dataset name, or a CSV / TSV / NPY / NPZ file.

    For files, ``target`` names the target column (a header name or a 0-based number);
    without it, training uses the last column, and prediction uses the model's feature
    names when the file has a header.
    """
    with_arg = _split_builtin(spec)
    if with_arg is not None:
        return _builtin(*with_arg)
    if not _is_file_arg(spec):
        return _builtin(spec)
    path = Path(spec)
    if not path.exists():
        raise CLIError(f"{path}: no such file. Check the path given to --data.")
    if path.is_dir():
        raise CLIError(
            f"{path}: is a directory; --data needs a .csv / .npy file or a dataset name."
        )
    suffix = path.suffix.lower()
    if suffix in (".npy", ".npz"):
        return _load_numpy(path, target, need_target)
    names, body, header = _read_table(path)
    t_idx: int | None = None
    if target is not None:
        t_idx = _column_index(target, names, path)
    elif model_features and header and all(f in names for f in model_features):
        feat = [names.index(f) for f in model_features]
        if model_target in names:
            t_idx = names.index(model_target)
        X = _numeric(body, feat, names, path, header)
        y = _target_values(body, t_idx) if t_idx is not None else None
        return Data(X, y, str(path), list(model_features), model_target, columns=names)
    elif model_target is not None and header and model_target in names:
        t_idx = names.index(model_target)
    elif need_target:
        t_idx = len(names) - 1
        print(
            f"note: using the last column {names[t_idx]!r} of {path} as the target "
            "(choose another with --target).",
            file=sys.stderr,
        )
    feat = [i for i in range(len(names)) if i != t_idx]
    if not feat:
        raise CLIError(f"{path}: no feature columns left besides the target.")
    X = _numeric(body, feat, names, path, header)
    y = _target_values(body, t_idx) if t_idx is not None else None
    return Data(
        X,
        y,
        str(path),
        [names[i] for i in feat],
        names[t_idx] if t_idx is not None else None,
        columns=names,
    )


def _target_values(body: list[list[str]], col: int) -> np.ndarray:
    cells = [r[col].strip() for r in body]
    if all(_is_number(c) for c in cells):
        vals = np.array([float(c) for c in cells])
        if np.all(vals == np.round(vals)) and np.all(np.abs(vals) < 2**53):
            return vals.astype(np.int64)
        return vals
    return np.array(cells)


def _load_numpy(path: Path, target: str | None, need_target: bool) -> Data:
    try:
        loaded = np.load(path, allow_pickle=False)  # a crafted .npy must not run code
    except ValueError as exc:
        raise CLIError(
            f"{path}: cannot be read without unpickling ({exc}); save plain numeric arrays "
            "(np.save with a float or int array)."
        ) from None
    except OSError as exc:
        raise CLIError(f"{path}: not a NumPy file ({exc}).") from None
    if isinstance(loaded, np.lib.npyio.NpzFile):
        with loaded:
            keys = set(loaded.files)
            if "X" not in keys:
                raise CLIError(
                    f"{path}: an .npz file needs an array named 'X' (and 'y'); it has "
                    f"{', '.join(sorted(keys)) or 'none'}."
                )
            X = np.asarray(loaded["X"])
            y = np.asarray(loaded["y"]) if "y" in keys else None
        if X.ndim != 2 or X.dtype.kind not in "fiub":
            raise CLIError(f"{path}: 'X' must be a 2-D numeric array; got {X.dtype} {X.shape}.")
        names = [f"x{i + 1}" for i in range(X.shape[1])]
        return Data(X.astype(np.float64), y, str(path), names, "y")
    arr = loaded
    if arr.ndim != 2 or arr.dtype.kind not in "fiub":
        raise CLIError(
            f"{path}: expected a 2-D numeric array (rows = samples, one column the target); got "
            f"{arr.dtype} of shape {arr.shape}."
        )
    names = [str(i) for i in range(arr.shape[1])]
    t_idx: int | None = None
    if target is not None:
        t_idx = _column_index(target, names, path)
    elif need_target:
        t_idx = arr.shape[1] - 1
    feat = [i for i in range(arr.shape[1]) if i != t_idx]
    y = None
    if t_idx is not None:
        col = arr[:, t_idx]
        y = col.astype(np.int64) if np.all(col == np.round(col)) else col.astype(np.float64)
    return Data(
        arr[:, feat].astype(np.float64),
        y,
        str(path),
        [f"x{i}" for i in feat],
        str(t_idx) if t_idx is not None else None,
        columns=names,
    )


def _infer_task(data: Data, requested: str) -> str:
    if requested != "auto":
        return requested
    if data.task:
        return data.task
    y = data.y
    assert y is not None
    if y.dtype.kind in "USO" or y.dtype.kind in "iub":
        n_unique = np.unique(y).size
        if y.dtype.kind in "USO" or n_unique <= max(20, int(0.05 * len(y))):
            return "classification"
    return "regression"


# ====================================================================== train
_RUN_KEYS = (
    "data",
    "target",
    "task",
    "hidden",
    "activation",
    "residual",
    "dropout",
    "layer_norm",
    "optimizer",
    "lr",
    "schedule",
    "batch_size",
    "val_split",
    "early_stopping",
    "patience",
    "weight_decay",
    "seed",
    "dtype",
    "standardize",
)


def _parse_hidden(text: str) -> list[int]:
    if text.strip() in ("", "0", "none"):
        return []
    try:
        sizes = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise CLIError(
            f"--hidden must be comma-separated layer widths like 64,64; got {text!r}.", 2
        ) from None
    if any(s < 1 for s in sizes):
        raise CLIError(f"--hidden widths must be positive; got {text!r}.", 2)
    return sizes


def _split(n: int, val_split: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A fixed train/validation split from the seed (the same on resume)."""
    if not 0 <= val_split < 1:
        raise CLIError(f"--val-split must be in [0, 1); got {val_split}.", 2)
    perm = np.random.default_rng(seed).permutation(n)
    n_val = int(round(val_split * n))
    if val_split and (n_val < 1 or n_val >= n):
        raise CLIError(f"--val-split {val_split} of {n} samples leaves no data on one side.", 2)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def _check_matplotlib() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise CLIError(
            "--plot needs matplotlib, which is not installed: pip install 'mlpkit[plot]'"
        ) from None
    return plt


def cmd_train(args: argparse.Namespace) -> int:
    from . import io
    from .network import MLP
    from .training import Trainer

    plt = _check_matplotlib() if args.plot else None
    for option, target in (("--out", args.out), ("--checkpoint", args.checkpoint)):
        # Fail now, not after an hour of training.
        if target and not Path(target).resolve().parent.is_dir():
            raise CLIError(
                f"{option} {target}: the directory {Path(target).parent} does not exist; "
                "create it first."
            )
    if args.checkpoint_every < 1:
        raise CLIError(f"--checkpoint-every must be >= 1; got {args.checkpoint_every}.", 2)
    hidden = _parse_hidden(args.hidden)
    data = load_data(args.data, args.target, need_target=True)
    assert data.y is not None
    task = _infer_task(data, args.task)
    y_raw = data.y
    if task == "classification":
        classes, y_idx = np.unique(y_raw, return_inverse=True)
        if classes.size < 2:
            raise CLIError(
                f"{data.source}: the target has one class only ({classes[0]!r}); a "
                "classifier needs at least two."
            )
        output = "softmax" if classes.size > 2 else "logistic"
        n_out = classes.size if classes.size > 2 else 1
        Y: np.ndarray = y_idx.astype(np.int64)
    else:
        classes = None
        if y_raw.dtype.kind not in "fiub":
            raise CLIError(
                f"{data.source}: the target {data.target_name!r} is not numeric; use "
                "--task classification for labels.",
                2,
            )
        output, n_out = "identity", 1
        Y = y_raw.astype(np.float64).reshape(-1, 1)
    tr, va = _split(len(Y), args.val_split, args.seed)
    X = data.X
    dtype = np.dtype(args.dtype)
    x_mean = x_scale = y_mean = y_scale = None
    if args.standardize:
        # Fitted on the training rows only: the validation rows stay unseen.
        x_mean = X[tr].mean(axis=0)
        x_scale = X[tr].std(axis=0)
        x_scale[x_scale == 0] = 1.0  # constant columns (e.g. digits' border pixels)
        if task == "regression":
            y_mean = Y[tr].mean(axis=0)
            y_scale = Y[tr].std(axis=0)
            y_scale[y_scale == 0] = 1.0
    try:
        net = MLP(
            [X.shape[1], *hidden, n_out],
            activation=args.activation,
            output=output,
            residual=args.residual,
            layer_norm=args.layer_norm,
            dropout=args.dropout,
            random_state=args.seed,
            dtype=dtype,
        )
    except (ValueError, TypeError) as exc:
        raise CLIError(str(exc), 2) from None
    model = io.Model(
        net,
        task=task,
        classes=classes,
        x_mean=x_mean,
        x_scale=x_scale,
        y_mean=y_mean,
        y_scale=y_scale,
        feature_names=data.feature_names,
        target_name=data.target_name,
        ravel=True,
        info={"data": data.source},
    )
    Xs = model.transform(X)
    Ys = Y if y_mean is None else (Y - y_mean) / y_scale
    run = {k: getattr(args, k) for k in _RUN_KEYS}
    callbacks = []
    if args.checkpoint:
        callbacks.append(io.checkpoint_callback(args.checkpoint, args.checkpoint_every, model, run))
    try:
        trainer = Trainer(
            net,
            args.optimizer,
            lr=args.lr,
            batch_size=args.batch_size,
            schedule=args.schedule,
            early_stopping=args.early_stopping,
            patience=args.patience,
            weight_decay=args.weight_decay,
            callbacks=callbacks,
            verbose=0 if args.quiet else 1,
            stream=sys.stderr,
        )
    except (ValueError, TypeError) as exc:
        raise CLIError(str(exc), 2) from None
    done = False
    if args.resume:
        ck = io.load_checkpoint(args.resume)
        diff = [k for k in _RUN_KEYS if ck["run"].get(k) != run[k]]
        if diff:
            k = diff[0]
            raise CLIError(
                f"{args.resume}: written by a run with --{k.replace('_', '-')} "
                f"{ck['run'].get(k)!r}, this command has {run[k]!r}. Resume with the same "
                "options as the interrupted run.",
                2,
            )
        trainer.load_state_dict(ck["state"])
        stop = ck["state"]["history"].get("stop_reason", "")
        done = trainer.epoch >= args.epochs or stop in ("early_stopping", "converged", "diverged")
        if args.early_stopping and not done and trainer.patience_left < 0:
            # Killed between the epoch that triggered early stopping and the final save:
            # finish as the uninterrupted run did, with the best weights.
            done = True
            trainer.history.stop_reason = "early_stopping"
            if trainer.config.restore_best and trainer.best_params is not None:
                net.params = trainer.best_params
        print(f"resuming from {args.resume} at epoch {trainer.epoch}", file=sys.stderr)
    val = (Xs[va], Ys[va]) if len(va) else None
    if not done:
        trainer.run(Xs[tr], Ys[tr], args.epochs, validation_data=val)
    model.history = trainer.history.as_dict()
    model.info["epochs"] = trainer.epoch

    print(
        f"data      {data.source}: {X.shape[0]} samples × {X.shape[1]} features, {task}"
        + (f" ({len(classes)} classes)" if classes is not None else "")
        + f"; {len(tr)} train / {len(va)} validation"
    )
    print(f"network   {net!r}")
    for label, idx in (("train", tr), ("val", va)):
        if len(idx):
            metrics = _metrics(model, X[idx], y_raw[idx])
            model.info[f"{label}_metrics"] = metrics
            print(f"{label:<9} " + "  ".join(f"{k} {v:.4f}" for k, v in metrics.items()))
    if args.out:
        io.save(model, args.out)
        print(f"saved     {args.out}")
    if plt is not None:
        for p in _plots(plt, model, X, y_raw, Path(args.plot)):
            print(f"plot      {p}")
    return 0


def _metrics(model: Any, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Accuracy and cross-entropy for classifiers; R², RMSE and MAE for regression."""
    if model.is_classifier:
        P = model.predict_proba(X)
        pred = model.classes[P.argmax(axis=1)] if model.classes is not None else P.argmax(axis=1)
        idx = np.searchsorted(model.classes, y) if model.classes is not None else y
        idx = np.clip(np.asarray(idx, dtype=np.int64), 0, P.shape[1] - 1)
        p_true = np.clip(P[np.arange(len(y)), idx], 1e-12, 1.0).astype(np.float64)
        return {"accuracy": float(np.mean(pred == y)), "log_loss": float(-np.mean(np.log(p_true)))}
    pred = np.asarray(model.predict(X), dtype=np.float64).reshape(len(y), -1)
    t = np.asarray(y, dtype=np.float64).reshape(pred.shape)
    err = pred - t
    ss_tot = float(((t - t.mean(axis=0)) ** 2).sum())
    r2 = 1 - float((err**2).sum()) / ss_tot if ss_tot > 0 else math.nan
    return {"r2": r2, "rmse": float(np.sqrt(np.mean(err**2))), "mae": float(np.mean(np.abs(err)))}


def _plots(plt: Any, model: Any, X: np.ndarray, y: np.ndarray, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    h = model.history or {}
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    ep = h.get("epoch", [])
    nan = [math.nan] * len(ep)
    for key, label in (("loss", "train"), ("val_loss", "validation")):
        axes[0].plot(ep, [math.nan if v is None else v for v in h.get(key, nan)], label=label)
    for key, label in (("metric", "train"), ("val_metric", "validation")):
        axes[1].plot(ep, [math.nan if v is None else v for v in h.get(key, nan)], label=label)
    axes[0].set(xlabel="epoch", ylabel="loss", title="Loss", yscale="log")
    axes[1].set(xlabel="epoch", ylabel="accuracy" if model.is_classifier else "R²", title="Metric")
    for ax in axes:
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    path = directory / "loss.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    out.append(path)
    if X.shape[1] == 2:
        pad = 0.1 * (X.max(axis=0) - X.min(axis=0) + 1e-12)
        lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
        g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
        grid = np.column_stack([g0.ravel(), g1.ravel()])
        fig, ax = plt.subplots(figsize=(5.5, 5))
        if model.is_classifier:
            P = model.predict_proba(grid)
            Z = P.argmax(axis=1).reshape(g0.shape)
            ax.contourf(
                g0, g1, Z, levels=np.arange(P.shape[1] + 1) - 0.5, cmap="coolwarm", alpha=0.35
            )
            codes = np.searchsorted(model.classes, y) if model.classes is not None else y
            ax.scatter(
                X[:, 0], X[:, 1], c=codes, cmap="coolwarm", s=8, edgecolors="k", linewidths=0.2
            )
            ax.set_title("Decision regions")
        else:
            Z = np.asarray(model.predict(grid), dtype=np.float64).reshape(g0.shape)
            cs = ax.contourf(g0, g1, Z, levels=30, cmap="viridis")
            fig.colorbar(cs, ax=ax)
            ax.scatter(X[:, 0], X[:, 1], c="k", s=4)
            ax.set_title("Predicted surface")
        names = model.feature_names or ["x1", "x2"]
        ax.set(xlabel=names[0], ylabel=names[1])
        fig.tight_layout()
        path = directory / "decision_boundary.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        out.append(path)
    return out


# ====================================================================== other commands
def _model_data(args: argparse.Namespace, model: Any, need_target: bool) -> Data:
    data = load_data(
        args.data,
        args.target,
        need_target=False,
        model_features=model.feature_names,
        model_target=model.target_name,
    )
    n = model.n_features_in_
    if data.X.shape[1] != n:
        # A file with one extra column is most likely features + target: say so.
        hint = (
            " (if one of them is the target, name it with --target)"
            if data.X.shape[1] == n + 1
            else ""
        )
        raise CLIError(
            f"{args.model} expects {n} input columns but {data.source} has {data.X.shape[1]}"
            f"{hint}. Give data with the columns the model was trained on."
        )
    if need_target and data.y is None:
        raise CLIError(
            f"{data.source}: no target column to evaluate against; name it with --target.", 2
        )
    return data


def cmd_evaluate(args: argparse.Namespace) -> int:
    from . import io

    model = io.load(args.model)
    data = _model_data(args, model, need_target=True)
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
    metrics = _metrics(model, data.X, y)
    if args.json:
        print(json.dumps({"n_samples": len(y), **metrics}))
    else:
        print(f"{data.source}: {len(y)} samples")
        for k, v in metrics.items():
            print(f"{k:<10} {v:.4f}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from . import io

    model = io.load(args.model)
    data = _model_data(args, model, need_target=False)
    pred = model.predict(data.X)
    header = ["prediction"] if pred.ndim == 1 else [f"prediction_{i}" for i in range(pred.shape[1])]
    P = None
    if args.proba:
        if not model.is_classifier:
            raise CLIError("--proba is for classifiers; this model does regression.", 2)
        P = model.predict_proba(data.X)
        labels = model.classes if model.classes is not None else range(P.shape[1])
        header += [f"proba_{c}" for c in labels]
    out = open(args.out, "w", newline="") if args.out else sys.stdout
    try:
        w = csv.writer(out)
        w.writerow(header)
        for i in range(len(pred)):
            vals = np.atleast_1d(pred[i])
            # Floats with float32's precision (8 significant digits), labels as they are.
            row = [f"{v:.8g}" for v in vals] if vals.dtype.kind == "f" else vals.tolist()
            if P is not None:
                row += [f"{p:.6g}" for p in P[i]]
            w.writerow(row)
    finally:
        if args.out:
            out.close()
    if args.out:
        print(f"wrote {len(pred)} predictions to {args.out}", file=sys.stderr)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from . import io

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


def cmd_export(args: argparse.Namespace) -> int:
    from . import export, io

    if not (args.onnx or args.torch or args.torch_code):
        raise CLIError("export needs --onnx PATH, --torch PATH or --torch-code.", 2)
    model = io.load(args.model)
    try:
        if args.onnx:
            export.save_onnx(model, args.onnx)
            print(
                f"wrote {args.onnx} (ONNX opset {export.ONNX_OPSET}, IR {export.ONNX_IR_VERSION}; "
                "input 'X', output 'output')",
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
    except export.ExportError as exc:
        raise CLIError(str(exc)) from None
    except ImportError as exc:
        raise CLIError(str(exc)) from None
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    """Forward to :func:`mlpkit.experiments.cli_main` (the lecture experiments)."""
    try:
        from .experiments import cli_main  # type: ignore[attr-defined]
    except ImportError as exc:
        raise CLIError(
            f"`mlpkit reproduce` is not available in this installation ({exc}); it needs "
            "mlpkit.experiments.cli_main. Reinstall mlpkit."
        ) from None
    result = cli_main(list(args.rest))
    return int(result or 0)


def cmd_datasets(args: argparse.Namespace) -> int:
    from . import datasets

    for name in datasets.available():
        spec = datasets.registry.DATASETS[name]
        print(f"{name:<14} {spec.task:<15} {spec.description}")
    return 0


# ====================================================================== parser
class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2 (argparse's own convention)
        raise CLIError(f"{message} (see `{self.prog} --help`)", 2)


def _float_or_none(text: str) -> float | None:
    return None if text.lower() == "none" else float(text)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(prog="mlpkit", description="Multi-layer perceptrons from the shell.")
    p.add_argument("--version", action="version", version=f"mlpkit {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    t = sub.add_parser("train", help="train a network (default: digits, 64 hidden units)")
    t.add_argument(
        "--data",
        default="digits",
        help="built-in dataset name (see `mlpkit datasets`; mnist:DIR, playground:spiral, "
        "function1d:step take an argument) or a .csv/.npy/.npz file",
    )
    t.add_argument(
        "--target",
        help="target column of a CSV/NPY file (name or 0-based number; default: the last column)",
    )
    t.add_argument("--task", choices=["auto", "classification", "regression"], default="auto")
    t.add_argument(
        "--hidden",
        default="64",
        help="hidden widths, e.g. 64,64; 0 or none: no hidden layer (default: 64)",
    )
    t.add_argument("--activation", default="relu", help="hidden activation (default: relu)")
    t.add_argument("--residual", action="store_true", help="residual blocks (equal widths)")
    t.add_argument("--dropout", type=float, default=0.0, help="dropout probability")
    t.add_argument("--layer-norm", action="store_true", help="layer normalisation")
    t.add_argument(
        "--optimizer", default="adam", help="sgd, momentum, nesterov, rmsprop, adam, adamw, lbfgs"
    )
    t.add_argument("--lr", type=float, default=None, help="learning rate")
    t.add_argument("--schedule", default=None, help="step, exponential, cosine, plateau")
    t.add_argument("--epochs", type=int, default=20)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--val-split", type=float, default=0.2)
    t.add_argument("--early-stopping", action="store_true")
    t.add_argument("--patience", type=int, default=10)
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    t.add_argument(
        "--no-standardize",
        dest="standardize",
        action="store_false",
        help="feed raw inputs (default: standardise with the training data's "
        "mean and std, stored in the model file)",
    )
    t.add_argument("--out", help="write the model file here")
    t.add_argument("--checkpoint", help="write checkpoints here (atomically)")
    t.add_argument(
        "--checkpoint-every",
        type=int,
        default=1,
        metavar="N",
        help="checkpoint every N epochs (default: 1)",
    )
    t.add_argument("--resume", metavar="PATH", help="continue from this checkpoint")
    t.add_argument(
        "--plot",
        metavar="DIR",
        help="write loss curves (and, for 2-D data, the decision boundary) as PNG files",
    )
    t.add_argument("--quiet", action="store_true", help="no progress lines")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="metrics of a model file on data")
    e.add_argument("model")
    e.add_argument("--data", required=True)
    e.add_argument("--target")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_evaluate)

    pr = sub.add_parser("predict", help="predictions as CSV")
    pr.add_argument("model")
    pr.add_argument("--data", required=True)
    pr.add_argument("--target", help="a column to drop from the input")
    pr.add_argument("--out", help="CSV file (default: standard output)")
    pr.add_argument("--proba", action="store_true", help="add class probabilities")
    pr.set_defaults(func=cmd_predict)

    i = sub.add_parser("info", help="architecture, parameters, training summary")
    i.add_argument("model")
    i.add_argument("--json", action="store_true", help="print the stored configuration")
    i.set_defaults(func=cmd_info)

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
    x.set_defaults(func=cmd_export)

    r = sub.add_parser(
        "reproduce", help="reproduce a lecture experiment (mlpkit.experiments)", add_help=False
    )
    r.add_argument("rest", nargs=argparse.REMAINDER)
    r.set_defaults(func=cmd_reproduce)

    d = sub.add_parser("datasets", help="list the built-in datasets")
    d.set_defaults(func=cmd_datasets)
    from .sweep import cli as sweep_cli  # `mlpkit sweep` lives in its own module

    sweep_cli.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 error, 2 usage error)."""
    from .io import ModelFileError

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = bool(os.environ.get("MLPKIT_DEBUG"))
    try:
        parser = build_parser()
        if not argv:
            parser.print_help()
            return 2
        if argv[0] == "reproduce":
            # Forwarded untouched: argparse's REMAINDER would swallow a leading --help.
            return cmd_reproduce(argparse.Namespace(rest=argv[1:]))
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return int(args.func(args))
    except CLIError as exc:
        if debug:
            raise
        print(f"mlpkit: error: {exc}", file=sys.stderr)
        return exc.code
    except (ModelFileError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        if debug:
            raise
        print(f"mlpkit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mlpkit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a last resort: one line, not a traceback
        if debug:
            raise
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"mlpkit: error: {msg} (set MLPKIT_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
