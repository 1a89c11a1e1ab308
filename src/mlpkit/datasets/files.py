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

import inspect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import registry
from .tables import (
    DataSpecError,
    column_index,
    numeric_columns,
    read_table,
    target_column,
)

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
    "takes_seed",
]


@dataclass
class Data:
    """Features and (optionally) targets read from a built-in dataset or a file.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float64
        Finite values only (checked when read).
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
    named : bool
        Whether the columns have real names (a header row, a built-in dataset), so that
        they can be matched to a model's features by name.
    lines : list of int or None
        For text files, the line of the file each sample came from (1-based).
    feature_columns : list of int
        For files, the 0-based file column of each column of ``X``.
    notes : list of str
        Things the reader assumed that a user should hear about (one line each).
    """

    X: np.ndarray
    y: np.ndarray | None
    source: str
    feature_names: list[str]
    target_name: str | None = None
    task: str | None = None
    columns: list[str] = field(default_factory=list)
    named: bool = True
    lines: list[int] | None = None
    feature_columns: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def where(self, row: int, feature: int | None = None) -> str:
        """``"FILE: line L, column 'c'"`` (or ``row R`` for binary files) for sample
        ``row`` and column ``feature`` of ``X``, for error messages."""
        at = f"line {self.lines[row]}" if self.lines is not None else f"row {row}"
        if feature is None:
            return f"{self.source}: {at}"
        if self.named:
            col = f"column {self.feature_names[feature]!r}"
        else:
            cols = self.feature_columns or list(range(self.X.shape[1]))
            col = f"column {cols[feature] + 1}"
        return f"{self.source}: {at}, {col}"


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


def takes_seed(name: str) -> bool:
    """Whether the built-in dataset ``name`` is drawn at random (takes ``random_state``)."""
    spec = registry.DATASETS.get(name)
    return spec is not None and "random_state" in inspect.signature(spec.loader).parameters


def load_builtin(name: str, arg: str | None = None, random_state: int | None = None) -> Data:
    """A registered dataset as :class:`Data` (``arg``: see :data:`DATASET_ARG`).

    Parameters
    ----------
    name : str
    arg : str, optional
        The argument after the colon (``mnist:DIR``).
    random_state : int, optional
        Seed of the synthetic datasets (ignored by fixed ones such as digits): the same
        seed gives the same samples, so ``train``, ``evaluate`` and ``--resume`` all see
        the same data.

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
    kwargs: dict[str, Any] = {needs[0]: arg} if needs else {}
    if random_state is not None and takes_seed(name):
        kwargs["random_state"] = random_state
    try:
        ds = registry.load(name, **kwargs)
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"could not load dataset {name!r}: {exc}") from None
    X = np.asarray(ds.X, dtype=np.float64)
    return Data(
        X=X,
        y=np.asarray(ds.y),
        source=name,
        feature_names=list(ds.feature_names),
        target_name="target",
        task=ds.task,
        feature_columns=list(range(X.shape[1])),
    )


def _generic(names: list[str]) -> bool:
    """Column labels a reader invents for unnamed columns (``3``, ``x3``): models saved
    before unnamed columns were stored without names carry these."""
    return all(re.fullmatch(r"x?\d+", n) for n in names)


def load_data(
    spec: str,
    target: str | None,
    *,
    need_target: bool,
    model_features: list[str] | None = None,
    model_target: str | None = None,
    header: bool | None = None,
    match_by_position: bool = False,
    task: str = "auto",
    random_state: int | None = None,
) -> Data:
    """Read ``--data``: a built-in dataset name, or a CSV / TSV / TXT / NPY / NPZ file.

    Parameters
    ----------
    spec : str
        A dataset name (``rings``, ``mnist:DIR``) or a path.
    target : str or None
        The target column (a header name or a 0-based number); without it, training
        uses the last column and prediction the model's target name when present.
    need_target : bool
        Whether a target column is required (training).
    model_features, model_target : optional
        A trained model's feature and target names: the file's columns are matched to
        them by name, and a file whose names do not match is refused.
    header : bool or None
        Whether line 1 of a text file names the columns; None detects it.
    match_by_position : bool
        Take the file's (non-target) columns in order, whatever their names.
    task : {"auto", "classification", "regression"}
        How to read the target: "regression" refuses labels; "auto" refuses a mostly
        numeric column with a stray word.
    random_state : int, optional
        Seed for synthetic built-in datasets (see :func:`load_builtin`).

    Returns
    -------
    Data

    Raises
    ------
    DataSpecError
        An unknown dataset name or target column.
    ValueError
        Anything wrong with the file, naming it and the line and column.
    """
    with_arg = split_builtin(spec)
    if with_arg is not None:
        data = load_builtin(*with_arg, random_state=random_state)
    elif not is_file_arg(spec):
        data = load_builtin(spec, random_state=random_state)
    else:
        data = _load_file(Path(spec), target, need_target, model_features, model_target,
                          header, match_by_position, task)  # fmt: skip
    if model_features and not match_by_position:
        data = _match_names(data, list(model_features))
    return data


def _shown(names: list[str], k: int = 8) -> str:
    return ", ".join(names[:k]) + (", ..." if len(names) > k else "")


def _match_names(data: Data, model_features: list[str]) -> Data:
    """``data``'s columns reordered to the model's features; refuses names that differ."""
    if data.feature_names == model_features:
        return data
    how = "or pass --match-by-position to use the columns in the order they are in"
    if not data.named:
        if _generic(model_features) or len(data.feature_names) != len(model_features):
            # Neither side has names, so position is all there is; or the widths differ,
            # which the caller reports as such.
            return data
        raise ValueError(
            f"{data.source} has no column names, so its columns cannot be matched to the "
            f"model's features ({_shown(model_features)}): "
            f"add a header line, {how}."
        )
    missing = [f for f in model_features if f not in data.feature_names]
    if missing:
        shown = _shown([repr(m) for m in missing], 5)
        raise ValueError(
            f"{data.source} has no column {shown} that the model was trained on (it has "
            f"{_shown(data.feature_names)}): "
            f"rename the columns, {how}."
        )
    order = [data.feature_names.index(f) for f in model_features]
    extra = [n for n in data.feature_names if n not in model_features]
    if extra:
        data.notes.append(
            f"note: ignoring {len(extra)} column(s) of {data.source} the model does not use: "
            f"{_shown(extra, 5)}."
        )
    cols = data.feature_columns or list(range(data.X.shape[1]))
    data.X = data.X[:, order]
    data.feature_names = list(model_features)
    data.feature_columns = [cols[i] for i in order]
    return data


def _load_file(
    path: Path,
    target: str | None,
    need_target: bool,
    model_features: list[str] | None,
    model_target: str | None,
    header: bool | None,
    match_by_position: bool,
    task: str,
) -> Data:
    if not path.exists():
        raise ValueError(f"{path}: no such file. Check the path given to --data.")
    if path.is_dir():
        raise ValueError(
            f"{path}: is a directory; --data needs a .csv / .npy file or a dataset name."
        )
    if path.suffix.lower() in (".npy", ".npz"):
        return _load_numpy(path, target, need_target, task)
    names, body, lines, has_header = read_table(path, header)
    notes: list[str] = []
    t_idx: int | None = None
    if target is not None:
        t_idx = column_index(target, names, path)
    elif model_target is not None and model_target in names and (has_header or model_features):
        t_idx = names.index(model_target)
    elif need_target:
        t_idx = len(names) - 1
        notes.append(
            f"note: using the last column {names[t_idx]!r} of {path} as the target "
            "(choose another with --target)."
        )
    feat = [i for i in range(len(names)) if i != t_idx]
    if model_features and has_header and not match_by_position:
        # Only the model's columns are parsed: an unused text column (an id, a name)
        # is no error.
        used = [i for i in feat if names[i] in model_features]
        if used:
            extra = [names[i] for i in feat if i not in used]
            if extra:
                notes.append(
                    f"note: ignoring {len(extra)} column(s) of {path} the model does not use: "
                    f"{_shown(extra, 5)}."
                )
            feat = used
    if not feat:
        raise ValueError(f"{path}: no feature columns left besides the target.")
    X = numeric_columns(body, feat, names, path, has_header, lines)
    y = None
    if t_idx is not None:
        y = target_column(body, t_idx, names, path, has_header, lines, task)
    return Data(
        X,
        y,
        str(path),
        [names[i] for i in feat],
        names[t_idx] if t_idx is not None else None,
        columns=names,
        named=has_header,
        lines=lines,
        feature_columns=feat,
        notes=notes,
    )


def _finite(path: Path, arr: np.ndarray, what: str) -> None:
    bad = np.argwhere(~np.isfinite(arr.reshape(len(arr), -1)))
    if bad.size:
        i, j = bad[0]
        raise ValueError(
            f"{path}: {what} row {i}, column {j} holds {arr.reshape(len(arr), -1)[i, j]}: NaN "
            "and infinite values cannot be fed to a network. Fix or remove that row."
        )


def _load_numpy(path: Path, target: str | None, need_target: bool, task: str) -> Data:
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
        _finite(path, X.astype(np.float64), "'X'")
        if y is not None and y.dtype.kind == "f":
            _finite(path, y, "'y'")
        names = [f"x{i + 1}" for i in range(X.shape[1])]
        return Data(X.astype(np.float64), y, str(path), names, "y", named=False,
                    feature_columns=list(range(X.shape[1])))  # fmt: skip
    arr = loaded
    if arr.ndim != 2 or arr.dtype.kind not in "fiub":
        raise ValueError(
            f"{path}: expected a 2-D numeric array (rows = samples, one column the target); got "
            f"{arr.dtype} of shape {arr.shape}."
        )
    _finite(path, arr.astype(np.float64), "")
    names = [str(i) for i in range(arr.shape[1])]
    t_idx: int | None = None
    if target is not None:
        t_idx = column_index(target, names, path)
    elif need_target:
        t_idx = arr.shape[1] - 1
    feat = [i for i in range(arr.shape[1]) if i != t_idx]
    y = None
    if t_idx is not None:
        col = arr[:, t_idx]
        integral = task != "regression" and np.all(col == np.round(col))
        y = col.astype(np.int64) if integral else col.astype(np.float64)
    return Data(
        arr[:, feat].astype(np.float64),
        y,
        str(path),
        [f"x{i}" for i in feat],
        str(t_idx) if t_idx is not None else None,
        columns=names,
        named=False,
        feature_columns=feat,
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
