"""``mlpkit train``: data in, a trained model file out (with checkpoints and plots)."""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..datasets.files import infer_task, takes_seed
from .common import (
    CLIError,
    add_data_seed_option,
    add_header_option,
    as_cli_error,
    check_outputs,
    check_range,
    fingerprint,
    metrics,
    read_data,
    require,
    same_path,
)

__all__ = ["add_parser", "run"]

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
    require("--plot", "plot", "matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@contextlib.contextmanager
def _announce(message: str | None, after_s: float = 0.5) -> Iterator[None]:
    """Print ``message`` to stderr if the block is still running after ``after_s``
    seconds: a slow load says what it is doing within a second, a fast one (or one that
    fails at once with a one-line error) prints nothing extra."""
    if message is None:
        yield
        return
    timer = threading.Timer(after_s, lambda: print(message, file=sys.stderr, flush=True))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _train(
    trainer: Any,
    X: np.ndarray,
    Y: np.ndarray,
    epochs: int,
    val: tuple[np.ndarray, np.ndarray] | None,
    *,
    quiet: bool,
    every_s: float = 2.0,
) -> None:
    """Train to ``epochs`` as ``trainer.run`` does, in slices of about half a second, so a
    long epoch still shows progress (a line every ``every_s`` seconds: "epoch 3/20, step
    120/400"). The slices never cross an epoch's end, so the steps, and the weights, are
    the same as one ``run``."""
    from ..history import Progress
    from ..optimizers import LBFGS
    from ..threads import blas_limit, blas_threads_for

    head = trainer.net.head
    stream = sys.stderr
    progress = (
        None if quiet else Progress(epochs, stream, "accuracy" if head.is_classifier else "r2")
    )
    if isinstance(trainer.optimizer, LBFGS):
        # L-BFGS advances by iterations only; its trainer prints its own progress.
        trainer.run(X, Y, epochs, validation_data=val)
        return
    cfg = trainer.config
    n = X.shape[0]
    bs = min(cfg.batch_size or n, n)
    per_epoch = -(-n // bs)
    threads = cfg.n_threads
    threads = blas_threads_for(trainer.net.layer_sizes, bs) if threads == "auto" else int(threads)
    trainer.start(X, Y, validation_data=val)
    t0 = time.perf_counter()
    last_line = t0
    step_in_epoch = 0
    chunk = 1
    tty = hasattr(stream, "isatty") and stream.isatty()
    # One BLAS limit around the whole loop: the trainer's own (same count) then changes
    # nothing, so slicing costs no thread switches (they slow OpenBLAS down for a while).
    with blas_limit(threads):
        while trainer.epoch < epochs and not trainer.stopped:
            k = min(chunk, per_epoch - step_in_epoch)
            t = time.perf_counter()
            epoch_before = trainer.epoch
            trainer.advance(steps=k)
            dt = time.perf_counter() - t
            # Slices of ~0.5 s (shorter when lines are wanted more often).
            chunk = max(1, min(per_epoch, int(k * min(0.5, every_s / 2) / max(dt, 1e-9))))
            if trainer.epoch != epoch_before:
                step_in_epoch = 0
                if progress is not None and trainer.history.epoch:
                    progress.epoch_end(trainer.history, trainer.epoch, trainer.history.time[-1])
                    last_line = time.perf_counter()
                continue
            step_in_epoch += k
            now = time.perf_counter()
            if progress is not None and now - last_line >= every_s:
                msg = (
                    f"epoch {trainer.epoch + 1}/{epochs}  step {step_in_epoch}/{per_epoch} "
                    f"({100 * step_in_epoch // per_epoch}%)  ({now - t0:.1f}s)"
                )
                stream.write(f"\r{msg}\x1b[K" if tty else msg + "\n")
                stream.flush()
                last_line = now
    if not trainer.stopped:
        # Record the end of the run (reason "max_epochs", final checkpoint) as run() does.
        trainer.run(X, Y, epochs, validation_data=val)
    if progress is not None:
        progress.close(trainer.stop_reason)


def _check_same_data(path: str, stored: dict[str, Any], run: dict[str, Any], source: str) -> None:
    """Refuse to resume on data other than the data the checkpoint was trained on."""
    if stored.get("data_seed", run["data_seed"]) != run["data_seed"] and takes_seed(source):
        raise CLIError(
            f"{path}: written by a run on {source} drawn with data seed {stored['data_seed']}, "
            f"this command draws it with {run['data_seed']}. Resume with the same --seed / "
            "--data-seed.",
            2,
        )
    old = stored.get("data_fingerprint")
    if old is not None and old != run["data_fingerprint"]:
        raise CLIError(
            f"{path}: written by a run on different data (fingerprint {old}; {source} now has "
            f"{run['data_fingerprint']}). Resume on the data the run started with, or start "
            "a new run."
        )


def run(args: argparse.Namespace) -> int:
    from .. import io
    from ..network import MLP
    from ..optimizers import LBFGS
    from ..training import Trainer

    plt = _check_matplotlib() if args.plot else None
    if args.checkpoint_every < 1:
        raise CLIError(f"--checkpoint-every must be >= 1; got {args.checkpoint_every}.", 2)
    hidden = _parse_hidden(args.hidden)
    # Fail now, not after an hour of training.
    data_in = ("--data", args.data)
    check_outputs(
        [("--out", args.out)],
        [data_in, ("--resume", args.resume), ("--checkpoint", args.checkpoint)],
    )
    check_outputs([("--checkpoint", args.checkpoint)], [data_in])  # == --resume: resuming
    if args.out and args.checkpoint and same_path(args.out, args.checkpoint):
        raise CLIError(f"--out and --checkpoint are both {args.out}; give two files.", 2)
    if args.plot is not None:
        check_outputs([("--plot", args.plot)], [data_in], directory=True)
    data_seed = args.seed if args.data_seed is None else args.data_seed
    seeded = f" (data seed {data_seed})" if takes_seed(args.data.partition(":")[0]) else ""
    with _announce(None if args.quiet else f"loading   {args.data}{seeded} ..."):
        data = read_data(
            args, need_target=True, header=args.header, task=args.task, random_state=data_seed
        )
    check_range(data, np.dtype(args.dtype))
    assert data.y is not None
    task = infer_task(data, args.task)
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
    with as_cli_error(ValueError, TypeError):
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
    model = io.Model(
        net,
        task=task,
        classes=classes,
        x_mean=x_mean,
        x_scale=x_scale,
        y_mean=y_mean,
        y_scale=y_scale,
        # Unnamed columns (NumPy files, no header) are matched by position later.
        feature_names=data.feature_names if data.named else None,
        target_name=data.target_name,
        ravel=True,
        info={"data": data.source, **({"data_seed": data_seed} if takes_seed(data.source) else {})},
    )
    Xs = model.transform(X)
    Ys = Y if y_mean is None else (Y - y_mean) / y_scale
    run: dict[str, Any] = {k: getattr(args, k) for k in _RUN_KEYS}
    run["data_seed"] = data_seed
    run["data_fingerprint"] = fingerprint(X, y_raw)
    callbacks = []
    if args.checkpoint:
        callbacks.append(io.checkpoint_callback(args.checkpoint, args.checkpoint_every, model, run))
    options = dict(
        lr=args.lr,
        batch_size=args.batch_size,
        schedule=args.schedule,
        early_stopping=args.early_stopping,
        patience=args.patience,
        weight_decay=args.weight_decay,
        callbacks=callbacks,
    )
    with as_cli_error(ValueError, TypeError):
        trainer = Trainer(net, args.optimizer, **options)
        if isinstance(trainer.optimizer, LBFGS) and not args.quiet:
            trainer = Trainer(net, args.optimizer, verbose=1, stream=sys.stderr, **options)
    if not args.quiet:
        print(f"training  {net!r} on {len(tr)} samples", file=sys.stderr, flush=True)
    done = False
    if args.resume:
        ck = io.load_checkpoint(args.resume)
        _check_same_data(args.resume, ck["run"], run, data.source)
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
        _train(
            trainer, Xs[tr], Ys[tr], args.epochs, val, quiet=args.quiet, every_s=args.progress_every
        )
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
            result = metrics(model, X[idx], y_raw[idx])
            model.info[f"{label}_metrics"] = result
            print(f"{label:<9} " + "  ".join(f"{k} {v:.4f}" for k, v in result.items()))
    if args.out:
        io.save(model, args.out)
        print(f"saved     {args.out}")
    if plt is not None:
        for p in _plots(plt, model, X, y_raw, Path(args.plot)):
            print(f"plot      {p}")
    return 0


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


def add_parser(sub: argparse._SubParsersAction) -> None:
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
    t.add_argument(
        "--task",
        choices=["auto", "classification", "regression"],
        default="auto",
        help="default: built-in datasets know theirs; a file's target is classification when "
        "it holds labels or few distinct integers",
    )
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
    t.add_argument(
        "--seed", type=int, default=0, help="seed of the weights, the split and the data"
    )
    add_data_seed_option(t, "rings, banana...; default: --seed")
    add_header_option(t)
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
    t.add_argument(
        "--progress-every",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="a progress line at most this often, also within a long epoch (default: 2)",
    )
    t.set_defaults(func=run)
