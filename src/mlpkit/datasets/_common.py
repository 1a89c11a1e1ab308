"""Helpers shared by the dataset generators: seeds, argument checks, class splits.

Every message says what was wrong, what was expected, and what to do.
"""

from __future__ import annotations

import numbers
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
RandomState: TypeAlias = None | int | np.random.Generator

__all__ = [
    "FloatArray",
    "IntArray",
    "RandomState",
    "as_generator",
    "check_n_samples",
    "check_nonnegative",
    "check_positive_int",
    "missing_dependency",
    "shuffled",
    "split_counts",
]


def as_generator(random_state: Any) -> np.random.Generator:
    """Turn ``None``, an int or a :class:`numpy.random.Generator` into a Generator.

    The one place where every generator in :mod:`mlpkit.datasets` normalises its seed:
    ``None`` gives fresh OS entropy, an int gives a reproducible stream
    (``np.random.default_rng(seed)``), and a Generator is used as is (its state advances).
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if int(random_state) < 0:
            raise ValueError(
                f"random_state must be a non-negative int; got {random_state}. "
                "Pass e.g. random_state=0."
            )
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "random_state must be None, a non-negative int or a numpy.random.Generator; "
        f"got {type(random_state).__name__} ({random_state!r}). Pass e.g. random_state=0."
    )


def check_n_samples(n_samples: Any, minimum: int = 1, name: str = "n_samples") -> int:
    """Return ``n_samples`` as an int, raising a ValueError if it is not an int >= minimum."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(
            f"{name} must be an int; got {type(n_samples).__name__} ({n_samples!r}). "
            f"Pass a whole number such as {name}=1000."
        )
    if n_samples < minimum:
        raise ValueError(
            f"{name} must be an int >= {minimum}; got {n_samples}. "
            f"Ask for at least {minimum} sample(s)."
        )
    return int(n_samples)


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, raising if it is not an int >= ``minimum``."""
    return check_n_samples(value, minimum=minimum, name=name)


def check_nonnegative(value: Any, name: str) -> float:
    """Return ``value`` as a float, raising a ValueError unless it is finite and >= 0."""
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a number; got {value!r}.") from exc
    if not np.isfinite(out) or out < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return out


def split_counts(n_samples: int, n_parts: int) -> list[int]:
    """Split ``n_samples`` into ``n_parts`` near-equal counts, the remainder to the last parts.

    >>> split_counts(7, 2)
    [3, 4]
    >>> split_counts(10, 4)
    [2, 2, 3, 3]
    """
    base, rem = divmod(n_samples, n_parts)
    return [base + (1 if i >= n_parts - rem else 0) for i in range(n_parts)]


def shuffled(
    rng: np.random.Generator, X: FloatArray, y: npt.NDArray[Any]
) -> tuple[FloatArray, npt.NDArray[Any]]:
    """Apply one random permutation to the rows of ``X`` and ``y``."""
    order = rng.permutation(X.shape[0])
    return np.ascontiguousarray(X[order]), np.ascontiguousarray(y[order])


def missing_dependency(package: str, extra: str, purpose: str) -> ImportError:
    """Build the ImportError raised when an optional dependency is not installed."""
    return ImportError(
        f"{purpose} needs the optional package '{package}', which is not installed. "
        f"Install it with `pip install {package}` or `pip install 'mlpkit[{extra}]'`."
    )
