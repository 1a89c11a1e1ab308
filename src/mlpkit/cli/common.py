"""What every command shares: the one-line error, the parser class, metrics, data reading,
missing optional packages.

Arrows point one way: ``mlpkit.cli`` (the parser) imports the command modules, which
import this module; nothing here imports a command.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import math
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from ..datasets.files import Data, load_data

__all__ = [
    "CLIError",
    "Parser",
    "add_data_seed_option",
    "add_header_option",
    "as_cli_error",
    "check_outputs",
    "check_range",
    "fingerprint",
    "importable",
    "metrics",
    "model_data",
    "read_data",
    "require",
    "same_path",
]


class CLIError(Exception):
    """An error reported as one line; ``code`` 2 for usage errors, 1 otherwise."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors as one :class:`CLIError` line (exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{message} (see `{self.prog} --help`)", 2)


@contextlib.contextmanager
def as_cli_error(*errors: type[Exception], code: int = 2) -> Iterator[None]:
    """Re-raise ``errors`` from the block as a one-line :class:`CLIError` with ``code``
    (2, a usage error, for settings the library refused; 1 for anything else).

    Examples
    --------
    >>> with as_cli_error(ValueError):
    ...     float("1,5")
    Traceback (most recent call last):
    mlpkit.cli.common.CLIError: could not convert string to float: '1,5'
    """
    try:
        yield
    except errors as exc:
        raise CLIError(str(exc), code) from None


def importable(module: str) -> bool:
    """Whether ``module`` imports: an import, not ``find_spec``, so that a broken or
    blocked install counts as missing."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def require(what: str, extra: str, *modules: str) -> None:
    """Refuse ``what`` (``"--plot"``, ``"the playground"``) with the ``pip install`` line
    that adds the first of ``modules`` that does not import (exit 1)."""
    for module in modules:
        if not importable(module):
            raise CLIError(
                f"{what} needs {module}, which is not installed: pip install 'mlpkit[{extra}]'"
            )


def read_data(args: argparse.Namespace, **options: Any) -> Data:
    """``--data`` (and ``--target``) read with :func:`~mlpkit.datasets.files.load_data`;
    its notes (the column taken as the target, columns ignored) go to stderr."""
    data = load_data(args.data, args.target, **options)
    for note in data.notes:
        print(note, file=sys.stderr)
    return data


def metrics(model: Any, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
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


def model_data(args: argparse.Namespace, model: Any, need_target: bool) -> Data:
    """``--data`` read for a trained model: its feature columns, matched by name unless
    ``--match-by-position`` (and the target, if present)."""
    seed = args.data_seed if args.data_seed is not None else model.info.get("data_seed", 0)
    data = read_data(
        args,
        need_target=False,
        model_features=model.feature_names,
        model_target=model.target_name,
        header=args.header,
        match_by_position=args.match_by_position,
        task=model.task,
        random_state=seed,
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


def add_header_option(p: argparse.ArgumentParser) -> None:
    """``--header / --no-header``: whether line 1 of a text file names the columns."""
    p.add_argument(
        "--header",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="whether line 1 of a CSV file names the columns (default: detect it)",
    )


def add_data_seed_option(p: argparse.ArgumentParser, default: str) -> None:
    """``--data-seed N``: the seed of a synthetic built-in dataset; ``default`` says what
    is used without it."""
    p.add_argument(
        "--data-seed",
        type=int,
        default=None,
        metavar="N",
        help=f"seed of a synthetic built-in dataset ({default})",
    )


def same_path(a: str, b: str) -> bool:
    """Whether two paths name the same file (existing or not)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one does not exist yet
        return Path(a).resolve() == Path(b).resolve()


def check_outputs(
    outputs: Sequence[tuple[str, str | None]],
    inputs: Sequence[tuple[str, str | None]],
    *,
    directory: bool = False,
) -> None:
    """Refuse, before any work, an output path that is empty, one of the inputs, in a
    missing or read-only directory, or (for files) an existing directory.

    Parameters
    ----------
    outputs, inputs : sequence of (option, path or None)
        E.g. ``[("--out", args.out)]`` and ``[("--data", args.data)]``.
    directory : bool
        The outputs are directories, created when missing (``--plot DIR``).
    """
    for option, path in outputs:
        if path is None:
            continue
        if not path.strip():
            raise CLIError(f"{option} is empty; give a file name.", 2)
        for in_option, in_path in inputs:
            if in_path and Path(in_path).exists() and same_path(path, in_path):
                raise CLIError(
                    f"{option} {path} is also the {in_option} input: writing it would destroy "
                    "the input. Choose another output path.",
                    2,
                )
        target = Path(path).expanduser()
        if target.is_dir() and not directory:
            raise CLIError(f"{option} {path}: is a directory; give a file name.", 2)
        if target.exists() and not target.is_dir() and directory:
            raise CLIError(f"{option} {path}: is a file; give a directory.", 2)
        parent = target.resolve().parent
        if directory:
            while not parent.exists() and parent != parent.parent:
                parent = parent.parent
        elif not parent.is_dir():
            raise CLIError(
                f"{option} {path}: the directory {target.parent} does not exist; create it first."
            )
        try:  # the real test (permission bits say nothing to root, or on a read-only mount)
            with tempfile.TemporaryFile(dir=parent, prefix=".mlpkit-probe-"):
                pass
        except OSError as exc:
            raise CLIError(
                f"{option} {path}: cannot write in {parent} ({exc.strerror or exc})."
            ) from None


def check_range(data: Data, dtype: np.dtype) -> None:
    """Refuse values the network's dtype cannot hold (1e300 in float32 is not "infinite
    input", it is a value that needs float64), naming the line and column."""
    limit = float(np.finfo(dtype).max)
    big = np.argwhere(np.abs(data.X) > limit)
    if big.size:
        i, j = big[0]
        raise CLIError(
            f"{data.where(int(i), int(j))} holds {data.X[i, j]:g}, beyond {dtype.name}'s range "
            f"(±{limit:.3g}): train with --dtype float64, or rescale that column."
        )
    y = data.y
    if y is not None and y.dtype.kind == "f":
        over = np.flatnonzero(np.abs(y) > limit)
        if over.size:
            i = int(over[0])
            raise CLIError(
                f"{data.where(i)}: the target holds {y[i]:g}, beyond {dtype.name}'s range "
                f"(±{limit:.3g}): train with --dtype float64, or rescale the target."
            )


def fingerprint(X: np.ndarray, y: np.ndarray | None) -> str:
    """A short hash of the data (shapes, dtypes, values): equal data, equal fingerprint."""
    h = hashlib.sha256()
    for a in (X, y):
        if a is None:
            continue
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]
