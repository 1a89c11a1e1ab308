"""Seeds and argument checks shared by every generator (mlpkit.datasets._common)."""

from __future__ import annotations

import numpy as np
import pytest

from mlpkit.datasets._common import as_generator, check_n_samples, split_counts


def test_as_generator_int_is_reproducible() -> None:
    a = as_generator(7).random(5)
    b = as_generator(7).random(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, as_generator(8).random(5))


def test_as_generator_passes_a_generator_through() -> None:
    rng = np.random.default_rng(0)
    assert as_generator(rng) is rng
    assert isinstance(as_generator(None), np.random.Generator)
    assert isinstance(as_generator(np.int64(3)), np.random.Generator)


@pytest.mark.parametrize("bad", [1.5, "0", True, np.random.RandomState(0)])
def test_as_generator_rejects_other_types(bad: object) -> None:
    with pytest.raises(TypeError, match="random_state must be None"):
        as_generator(bad)


def test_as_generator_rejects_negative_seeds() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        as_generator(-1)


@pytest.mark.parametrize("n", [0, -5])
def test_check_n_samples_rejects_non_positive(n: int) -> None:
    with pytest.raises(ValueError, match=rf"n_samples must be an int >= 1; got {n}"):
        check_n_samples(n)


@pytest.mark.parametrize("n", [2.0, "10", None, True])
def test_check_n_samples_rejects_non_ints(n: object) -> None:
    with pytest.raises(TypeError, match="n_samples must be an int"):
        check_n_samples(n)


@pytest.mark.parametrize(
    ("n", "k", "expected"),
    [(10, 2, [5, 5]), (11, 2, [5, 6]), (10, 4, [2, 2, 3, 3]), (1, 3, [0, 0, 1])],
)
def test_split_counts(n: int, k: int, expected: list[int]) -> None:
    assert split_counts(n, k) == expected
    assert sum(split_counts(n, k)) == n
