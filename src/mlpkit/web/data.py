"""The playground's data: datasets on TensorFlow Playground's square, features, CSV.

Everything is drawn on TensorFlow Playground's square ``[-6, 6]²``:

* its own sets (circle, xor, gauss, spiral from :func:`mlpkit.datasets.make_playground`;
  reg-plane and reg-gauss ported here from its ``src/dataset.ts``, Apache-2.0, Google
  2016) are used as generated, labels 0/1 (classification) or in [-1, 1] (regression);
* every other set (the lectures' rings, banana, checkerboard, spirals, blobs, Rosenbrock,
  bumps, and uploaded data) is mapped by one affine map per axis into ``[-5, 5]``,
  ``x' = 5 (x - mid) / half`` (``mid``/``half``: the middle and half-width of the
  points' bounding box), and regression targets into ``[-1, 1]`` the same way.

Noise is TensorFlow Playground's slider (0 to 50); for the lectures' sets it becomes the
generator's own ``noise`` as listed in :data:`NOISE_SCALE`.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np

from .. import datasets as ds
from .settings import FEATURES

__all__ = [
    "CSV_MAX_BYTES",
    "CSV_MAX_ROWS",
    "DOMAIN",
    "DataError",
    "Dataset",
    "features",
    "make_dataset",
    "parse_csv",
    "reg_gauss",
    "reg_plane",
]

#: The heatmap's square, as TensorFlow Playground draws it (``xDomain = [-6, 6]``).
DOMAIN = 6.0
CSV_MAX_BYTES = 1_000_000
CSV_MAX_ROWS = 5000
#: Slider value 1..50 → the generator's noise: std of the Gaussian jitter on the lecture
#: sets' own scale (rings and spirals live in the unit disc).
NOISE_SCALE = {"rings": 0.2 / 50, "spirals": 0.2 / 50}


class DataError(ValueError):
    """Uploaded or clicked data the playground cannot use (the message says why)."""


class Dataset:
    """Points on the playground's square, split into train and test.

    Attributes
    ----------
    X_train, X_test : ndarray of shape (n, 2), float64
        Raw coordinates (features are computed from them by :func:`features`).
    y_train, y_test : ndarray of shape (n,)
        int64 class labels 0..K-1, or float64 targets in about [-1, 1].
    n_classes : int
        0 for regression.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, perc_train: int, n_classes: int):
        n_train = max(1, min(len(X) - 1, int(round(len(X) * perc_train / 100))))
        self.X_train, self.X_test = X[:n_train], X[n_train:]
        self.y_train, self.y_test = y[:n_train], y[n_train:]
        self.n_classes = n_classes

    def add_point(self, x: float, y: float, label: float) -> None:
        """Append one training point (a click on the heatmap)."""
        self.X_train = np.vstack([self.X_train, [[x, y]]])
        dtype = self.y_train.dtype
        self.y_train = np.concatenate([self.y_train, np.array([label], dtype=dtype)])

    @property
    def n_points(self) -> int:
        return len(self.X_train) + len(self.X_test)


def _to_square(X: np.ndarray) -> np.ndarray:
    """Map each column affinely onto [-5, 5] (the module docstring's rule)."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    return 5.0 * (X - mid) / np.where(half > 0, half, 1.0)


def _to_unit(y: np.ndarray) -> np.ndarray:
    lo, hi = float(y.min()), float(y.max())
    return (2.0 * (y - lo) / (hi - lo) - 1.0) if hi > lo else np.zeros_like(y)


def reg_plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TensorFlow Playground's ``regressPlane``: ``y = (x1 + x2) / 10`` on ``U(-6, 6)²``,
    the label taken at the point plus ``U(-6, 6)² · noise`` (the point is kept clean)."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    eps = rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise
    return X, (X + eps).sum(axis=1) / 10.0


#: regressGaussian's six bumps: (centre x, centre y, sign).
_GAUSSIANS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]]
)


def reg_gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TensorFlow Playground's ``regressGaussian``: six signed cones of radius 2; the label
    is the one largest in absolute value, ``sign · clamp(1 - d / 2, 0, 1)``."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    P = X + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise
    d = np.hypot(P[:, None, 0] - _GAUSSIANS[:, 0], P[:, None, 1] - _GAUSSIANS[:, 1])
    vals = _GAUSSIANS[:, 2] * np.clip(1 - d / 2, 0, 1)
    pick = np.abs(vals).argmax(axis=1)
    return X, vals[np.arange(n), pick]


def make_dataset(settings: dict[str, Any]) -> Dataset:
    """The dataset the settings name, generated with ``seed`` and split by
    ``percTrainData`` (the generators shuffle; the first rows are the training set).

    Raises
    ------
    DataError
        For "custom" (which only uploads and clicks create).
    """
    seed, n = settings["seed"], settings["nSamples"]
    noise = settings["noise"] / 100.0
    rng = np.random.default_rng(seed)
    perc = settings["percTrainData"]
    if settings["problem"] == "regression":
        name = settings["regDataset"]
        if name == "reg-plane":
            X, y = reg_plane(n, noise, rng)
        elif name == "reg-gauss":
            X, y = reg_gauss(n, noise, rng)
        elif name == "reg-rosenbrock":
            X, y = ds.make_rosenbrock_regression(n, random_state=rng)
            # Rosenbrock spans 0..~2500: its log keeps the valley visible on [-1, 1].
            X, y = _to_square(X), _to_unit(np.log1p(y) + noise * rng.standard_normal(n))
        elif name == "reg-bumps":
            X, y = ds.make_bumps(n, noise=noise, random_state=rng)
            X, y = _to_square(X), _to_unit(y)
        else:
            raise DataError("The 'custom' data set is made by uploading a CSV or clicking points.")
        return Dataset(X, y.astype(np.float64), perc, 0)
    name = settings["dataset"]
    k = 2
    if name in ("circle", "xor", "gauss", "spiral"):
        X, y = ds.make_playground(name, n, noise=noise, random_state=rng)
    else:
        if name == "rings":
            X, y = ds.make_rings(n, noise=settings["noise"] * NOISE_SCALE["rings"],
                                 random_state=rng)  # fmt: skip
        elif name == "spirals":
            X, y = ds.make_spirals(n, noise=settings["noise"] * NOISE_SCALE["spirals"],
                                   random_state=rng)  # fmt: skip
        elif name == "banana":
            X, y = ds.make_banana(n, random_state=rng)
        elif name == "checkerboard":
            X, y = ds.make_checkerboard(n, random_state=rng)
        elif name == "blobs":
            k = settings["classes"]
            angles = 2 * np.pi * np.arange(k) / k
            centres = 3.0 * np.column_stack([np.cos(angles), np.sin(angles)])
            X, y = ds.make_gaussians(n, centers=centres, cluster_std=0.5 + 7 * noise,
                                     random_state=rng)  # fmt: skip
            # Blobs are drawn on the square already (centres on a circle of radius 3).
            return Dataset(X, y.astype(np.int64), perc, k)
        else:
            raise DataError("The 'custom' data set is made by uploading a CSV or clicking points.")
        X = _to_square(X)
    return Dataset(X, y.astype(np.int64), perc, k)


def features(X: np.ndarray, settings: dict[str, Any]) -> np.ndarray:
    """The network's inputs: the enabled columns of :data:`FEATURES`, in that order.

    Parameters
    ----------
    X : ndarray of shape (n, 2)

    Returns
    -------
    ndarray of shape (n, n_features), float64
    """
    x1, x2 = X[:, 0], X[:, 1]
    cols = {
        "x": x1, "y": x2, "xSquared": x1 * x1, "ySquared": x2 * x2, "xTimesY": x1 * x2,
        "sinX": np.sin(x1), "sinY": np.sin(x2), "cosX": np.cos(x1), "cosY": np.cos(x2),
    }  # fmt: skip
    return np.column_stack([cols[k] for k in FEATURES if settings[k]])


def parse_csv(text: Any, problem: str, perc_train: int, seed: int) -> Dataset:
    """An uploaded CSV: two feature columns and a label, an optional header row.

    Classification labels may be any integers or words (mapped to 0..K-1 in sorted
    order, at most 6 classes); regression labels must be numbers. The points are mapped
    onto the square like every non-Playground set, shuffled with ``seed`` and split.

    Raises
    ------
    DataError
        Not text, too large, not CSV, wrong number of columns, NaN/inf or non-numeric
        coordinates, too few points or classes — the message names the row.
    """
    if not isinstance(text, str):
        raise DataError("The upload must be the text of a CSV file.")
    if len(text.encode("utf-8", "replace")) > CSV_MAX_BYTES:
        raise DataError(f"The file is larger than {CSV_MAX_BYTES // 1000} kB; upload fewer rows.")
    if "\x00" in text:
        raise DataError("This is not a CSV file (it contains binary data).")
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DataError(f"This is not a readable CSV file: {exc}.") from None
    if not rows:
        raise DataError("The CSV file is empty.")

    def is_number(s: str) -> bool:
        try:
            float(s)
        except ValueError:
            return False
        return True

    if len(rows[0]) == 3 and not (is_number(rows[0][0]) and is_number(rows[0][1])):
        rows = rows[1:]  # a header row
    if len(rows) > CSV_MAX_ROWS:
        raise DataError(f"The file has {len(rows)} rows; at most {CSV_MAX_ROWS} are allowed.")
    if len(rows) < 4:
        raise DataError("The CSV needs at least 4 data rows.")
    coords, labels = [], []
    for i, r in enumerate(rows, start=1):
        if len(r) != 3:
            raise DataError(
                f"Row {i} has {len(r)} column(s); each row needs exactly 3: x1, x2, label."
            )
        try:
            a, b = float(r[0]), float(r[1])
        except ValueError:
            raise DataError(
                f"Row {i}: x1 and x2 must be numbers; got {r[0]!r}, {r[1]!r}."
            ) from None
        if not (math.isfinite(a) and math.isfinite(b)):
            raise DataError(f"Row {i}: x1 and x2 must be finite numbers (no NaN or inf).")
        coords.append((a, b))
        labels.append(r[2].strip())
    X = np.array(coords, dtype=np.float64)
    if problem == "regression":
        try:
            y = np.array([float(v) for v in labels])
        except ValueError:
            raise DataError("For regression every label must be a number.") from None
        if not np.all(np.isfinite(y)):
            raise DataError("Labels must be finite numbers (no NaN or inf).")
        y, k = _to_unit(y), 0
    else:
        names = sorted(set(labels), key=lambda s: (not is_number(s), float(s) if is_number(s)
                                                   else 0.0, s))  # fmt: skip
        if "nan" in {s.lower() for s in names}:
            raise DataError("A label is NaN; every row needs a class label.")
        if not 2 <= len(names) <= 6:
            raise DataError(f"Classification needs 2 to 6 classes; the file has {len(names)}.")
        index = {s: j for j, s in enumerate(names)}
        y, k = np.array([index[s] for s in labels], dtype=np.int64), len(names)
    order = np.random.default_rng(seed).permutation(len(X))
    return Dataset(_to_square(X)[order], y[order], perc_train, k)
