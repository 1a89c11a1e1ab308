"""Data for the command line: a built-in dataset name or a CSV / TSV / NPY / NPZ file.

:func:`load_data` turns a ``--data`` argument into a :class:`Data` (features, targets,
names). Every problem with a file raises :class:`ValueError` whose message names the
file (and, for text files, the line and column); a name that refers to nothing (an
unknown dataset, a missing column) raises :class:`DataSpecError`, a ValueError too, so a
front end can call it a usage error.

Examples
--------
>>> from mlpkit.datasets.files import load_data, split_builtin
>>> split_builtin("playground:spiral")
('playground', 'spiral')
>>> load_data("xor", None, need_target=True).X.shape[1]
2
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import registry

__all__ = [
    "DATASET_ARG",
    "FILE_SUFFIXES",
    "Data",
    "DataSpecError",
    "infer_task",
    "is_file_arg",
    "load_builtin",
    "load_data",
    "split_builtin",
]


class DataSpecError(ValueError):
    """``--data`` / ``--target`` name something that does not exist (a usage error)."""


@dataclass
class Data:
    """Features and (optionally) targets read from a built-in dataset or a file.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,) or None
        Labels (str or int64) or values (float64); None when the data has no target.
    source : str
        The dataset name or the file's path, for messages.
    feature_names : list of str
    target_name : str or None
    task : str or None
        Known for built-in datasets ("classification" or "regression").
    columns : list of str
        All columns of a file, in order.
    """

    X: np.ndarray
    y: np.ndarray | None
    source: str
    feature_names: list[str]
    target_name: str | None = None
    task: str | None = None
    columns: list[str] = field(default_factory=list)


#: Suffixes that make a ``--data`` argument a file rather than a dataset name.
FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".npy", ".npz")


def is_file_arg(value: str) -> bool:
    """Whether ``--data VALUE`` names a file (a known suffix, a path separator, or an
    existing path) rather than a built-in dataset."""
    return value.lower().endswith(FILE_SUFFIXES) or os.sep in value or Path(value).exists()


#: Built-in datasets that need one argument, given as ``--data NAME:ARG``:
#: name -> (keyword of :func:`mlpkit.datasets.load`, what it is, an example).
DATASET_ARG = {
    "mnist": ("directory", "a folder of MNIST IDX files", "mnist:~/data/mnist"),
    "playground": ("name", "circle, xor, gauss or spiral", "playground:spiral"),
    "function1d": ("name", "a 1-D function name", "function1d:step"),
}


def split_builtin(spec: str) -> tuple[str, str | None] | None:
    """``("mnist", "DIR")`` for ``mnist:DIR``; None when ``spec`` is no built-in name."""
    name, sep, arg = spec.partition(":")
    if sep and name in DATASET_ARG:
        return name, os.path.expanduser(arg)
    return None


def load_builtin(name: str, arg: str | None = None) -> Data:
    """A registered dataset as :class:`Data` (``arg``: see :data:`DATASET_ARG`).

    Raises
    ------
    DataSpecError
        Unknown name, or a missing argument.
    ValueError
        The dataset could not be loaded (e.g. no MNIST files in the folder).
    """
    needs = DATASET_ARG.get(name)
    if needs is not None and not arg:
        key, what, example = needs
        raise DataSpecError(
            f"dataset {name!r} needs {what}: give it after a colon, e.g. --data {example}."
        )
    if name not in registry.available():
        raise DataSpecError(
            f"unknown dataset {name!r}. Built-in datasets: {', '.join(registry.available())}; "
            "or give a .csv / .npy file."
        )
    try:
        ds = registry.load(name, **({needs[0]: arg} if needs else {}))
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"could not load dataset {name!r}: {exc}") from None
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
        raise ValueError(f"{path}: not a text CSV file (cannot decode it as UTF-8).") from None
    if not rows:
        raise ValueError(f"{path}: the file is empty; it needs rows of comma-separated numbers.")
    first = [c.strip() for c in rows[0]]
    has_header = not all(_is_number(c) for c in first)
    names = first if has_header else [str(i) for i in range(len(first))]
    body = rows[1:] if has_header else rows
    if not body:
        raise ValueError(f"{path}: the file has a header but no data rows.")
    for i, r in enumerate(body):
        if len(r) != len(names):
            line = i + (2 if has_header else 1)
            raise ValueError(
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
    raise DataSpecError(
        f"{path}: no column {target!r} for --target; the columns are: {shown} "
        "(or give a 0-based column number)."
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
                raise ValueError(
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
    with_arg = split_builtin(spec)
    if with_arg is not None:
        return load_builtin(*with_arg)
    if not is_file_arg(spec):
        return load_builtin(spec)
    path = Path(spec)
    if not path.exists():
        raise ValueError(f"{path}: no such file. Check the path given to --data.")
    if path.is_dir():
        raise ValueError(
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
        raise ValueError(f"{path}: no feature columns left besides the target.")
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
        raise ValueError(
            f"{path}: cannot be read without unpickling ({exc}); save plain numeric arrays "
            "(np.save with a float or int array)."
        ) from None
    except OSError as exc:
        raise ValueError(f"{path}: not a NumPy file ({exc}).") from None
    if isinstance(loaded, np.lib.npyio.NpzFile):
        with loaded:
            keys = set(loaded.files)
            if "X" not in keys:
                raise ValueError(
                    f"{path}: an .npz file needs an array named 'X' (and 'y'); it has "
                    f"{', '.join(sorted(keys)) or 'none'}."
                )
            X = np.asarray(loaded["X"])
            y = np.asarray(loaded["y"]) if "y" in keys else None
        if X.ndim != 2 or X.dtype.kind not in "fiub":
            raise ValueError(f"{path}: 'X' must be a 2-D numeric array; got {X.dtype} {X.shape}.")
        names = [f"x{i + 1}" for i in range(X.shape[1])]
        return Data(X.astype(np.float64), y, str(path), names, "y")
    arr = loaded
    if arr.ndim != 2 or arr.dtype.kind not in "fiub":
        raise ValueError(
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


def infer_task(data: Data, requested: str) -> str:
    """``requested`` unless "auto"; else the dataset's task, or a guess from the target:
    labels (strings) or few distinct integers mean classification."""
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
