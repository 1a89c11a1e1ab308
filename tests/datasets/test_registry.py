"""Datasets by name: load(), available(), DATASETS, and the package's public names."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mlpkit.datasets as ds
from mlpkit.datasets import DATASETS, Dataset, available, load, write_idx

REQUIRED = {
    "digits", "rings", "banana", "checkerboard", "xor", "spirals", "gaussians", "circle",
    "rosenbrock", "plane", "bumps", "sine", "bmi", "image", "mnist1d", "mnist5k",
}  # fmt: skip


def small_kwargs(name: str, tmp_path: Path) -> dict[str, Any]:
    if name in {"digits", "mnist5k"}:
        return {}
    if name == "image":
        return {"size": 24}
    if name == "playground":
        return {"name": "xor", "n_samples": 60, "random_state": 0}
    if name == "mnist1d":
        return {"n_samples": 100}
    if name == "mnist":
        write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((3, 28, 28), np.uint8))
        write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.array([1, 2, 3], np.uint8))
        return {"directory": tmp_path}
    return {"n_samples": 60, "random_state": 0}


def test_available_is_sorted_and_complete() -> None:
    names = available()
    assert names == sorted(names) == sorted(DATASETS)
    assert REQUIRED <= set(names)
    assert set(available("classification")) | set(available("regression")) == set(names)
    assert "bmi" in available("regression") and "bmi" not in available("classification")
    with pytest.raises(ValueError, match="task must be"):
        available("clustering")


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_loads(name: str, tmp_path: Path) -> None:
    data = load(name, **small_kwargs(name, tmp_path))
    assert isinstance(data, Dataset)
    assert data.name == name and data.description
    assert data.task == DATASETS[name].task
    assert data.X.ndim == 2 and data.X.dtype == np.float64
    assert data.y.shape == (data.X.shape[0],)
    assert data.y.dtype == (np.int64 if data.task == "classification" else np.float64)
    assert len(data.feature_names) == data.n_features == data.X.shape[1]
    assert len(set(data.feature_names)) == data.n_features
    assert name in repr(data)


def test_seeded_load_matches_the_function() -> None:
    data = load("rings", n_samples=50, random_state=1)
    X, y = ds.make_rings(50, random_state=1)
    np.testing.assert_array_equal(data.X, X)
    np.testing.assert_array_equal(data.y, y)
    assert data.feature_names == ("x1", "x2") and data.n_classes == 2


def test_fixed_and_free_names() -> None:
    X, y = ds.make_playground("circle", 40, random_state=0)
    np.testing.assert_array_equal(load("circle", n_samples=40, random_state=0).X, X)
    spiral = load("playground", name="spiral", n_samples=40, random_state=0)
    np.testing.assert_array_equal(spiral.X, ds.make_playground("spiral", 40, random_state=0)[0])
    step = load("function1d", name="step", n_samples=20, random_state=0)
    np.testing.assert_array_equal(step.y, step.X[:, 0] >= 0)
    assert load("bmi", n_samples=5).feature_names == ("height_m", "weight_kg")
    assert load("digits").feature_names[:2] == ("pixel_0_0", "pixel_0_1")


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(ValueError, match="Unknown dataset 'moons'; available: banana, bmi"):
        load("moons")


def test_unknown_keyword_lists_the_accepted_ones() -> None:
    with pytest.raises(TypeError, match="does not take noize; it accepts n_samples, noise"):
        load("rings", noize=0.1)
    with pytest.raises(TypeError, match="'circle' does not take name"):
        load("circle", name="xor")


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        DATASETS["mine"] = DATASETS["rings"]  # type: ignore[index]


def test_public_names_are_sorted_and_complete() -> None:
    assert ds.__all__ == sorted(ds.__all__)
    public = {
        name
        for name, value in vars(ds).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert set(ds.__all__) == public
