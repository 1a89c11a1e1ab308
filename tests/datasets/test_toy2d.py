"""2-D classification sets: shapes, seeds, balance and each set's defining rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from mlpkit.datasets import (
    BANANA_BOUNDS,
    make_banana,
    make_checkerboard,
    make_gaussians,
    make_rings,
    make_spirals,
    make_xor,
    rosenbrock,
)

GENERATORS: list[Callable[..., Any]] = [
    make_rings,
    make_banana,
    make_checkerboard,
    make_xor,
    make_spirals,
    make_gaussians,
]


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [1, 2, 7, 300])
def test_shapes_and_dtypes(make: Callable[..., Any], n: int) -> None:
    X, y = make(n_samples=n, random_state=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))
    assert X.flags.c_contiguous


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_same_seed_same_data_other_seed_other_data(make: Callable[..., Any]) -> None:
    X1, y1 = make(n_samples=200, random_state=3)
    X2, y2 = make(n_samples=200, random_state=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make(n_samples=200, random_state=4)
    assert not np.array_equal(X1, X3)
    # A Generator is accepted and advanced: two calls with it differ.
    rng = np.random.default_rng(3)
    Xa, _ = make(n_samples=50, random_state=rng)
    Xb, _ = make(n_samples=50, random_state=rng)
    assert not np.array_equal(Xa, Xb)


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [0, -1])
def test_non_positive_n_samples_is_an_actionable_error(make: Callable[..., Any], n: int) -> None:
    with pytest.raises(ValueError, match="n_samples must be an int >= 1"):
        make(n_samples=n)


@pytest.mark.parametrize("make", [make_rings, make_banana, make_xor, make_spirals, make_gaussians])
def test_classes_are_balanced_with_remainder_to_class_1(make: Callable[..., Any]) -> None:
    _, y = make(n_samples=301, random_state=1)
    assert np.bincount(y).tolist() == [150, 151]


def test_rows_are_shuffled() -> None:
    _, y = make_rings(200, random_state=0)
    # Not 100 zeros followed by 100 ones.
    assert np.any(np.diff(y) < 0)


# ---------------------------------------------------------------------------- rings


def test_rings_every_label_satisfies_its_inequality() -> None:
    X, y = make_rings(5000, random_state=0)
    d = np.linalg.norm(X, axis=1)
    assert np.all(d[y == 0] < 1 / 3)
    assert np.all((d[y == 1] > 2 / 3) & (d[y == 1] < 1))


def test_rings_are_uniform_by_area() -> None:
    X, y = make_rings(40000, random_state=1)
    d = np.linalg.norm(X, axis=1)
    # Half the radius holds a quarter of the disc's area.
    assert abs(np.mean(d[y == 0] < 1 / 6) - 0.25) < 0.015
    # The radius that halves the ring's area: r² = (4/9 + 1) / 2.
    assert abs(np.mean(d[y == 1] < np.sqrt((4 / 9 + 1) / 2)) - 0.5) < 0.015
    # And angles are uniform: each quadrant holds a quarter.
    assert abs(np.mean((X[:, 0] > 0) & (X[:, 1] > 0)) - 0.25) < 0.015


def test_rings_noise_jitters_points_but_keeps_labels() -> None:
    X0, y0 = make_rings(500, random_state=2)
    X1, y1 = make_rings(500, noise=0.1, random_state=2)
    np.testing.assert_array_equal(y0, y1)
    assert not np.allclose(X0, X1)
    d = np.linalg.norm(X1, axis=1)
    assert np.any(d[y1 == 0] > 1 / 3)  # some now violate the rule


def test_rings_negative_noise_is_rejected() -> None:
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        make_rings(10, noise=-0.1)


# --------------------------------------------------------------------------- banana


def test_rosenbrock_values() -> None:
    X = np.array([[1.0, 1.0], [0.0, 0.0], [-1.0, 1.0], [2.0, 1.0]])
    np.testing.assert_allclose(rosenbrock(X), [0.0, 1.0, 4.0, 901.0])
    assert float(rosenbrock([1.0, 2.0])) == 100.0
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        rosenbrock(np.zeros((4, 3)))


def test_banana_labels_follow_the_rule_and_are_balanced() -> None:
    X, y = make_banana(2000, random_state=0)
    np.testing.assert_array_equal(y, (rosenbrock(X) < 0.5).astype(np.int64))
    assert np.bincount(y).tolist() == [1000, 1000]
    (a, b), (c, d) = BANANA_BOUNDS
    assert np.all((X[:, 0] >= a) & (X[:, 0] <= b) & (X[:, 1] >= c) & (X[:, 1] <= d))


def test_banana_positives_fill_the_whole_band() -> None:
    X, y = make_banana(4000, random_state=1)
    pos = X[y == 1]
    # For T = 0.5 the band spans x1 in (1 - sqrt(0.5), 1 + sqrt(0.5)) = (0.293, 1.707).
    assert pos[:, 0].min() < 0.4 and pos[:, 0].max() > 1.6
    assert pos[:, 0].min() > 1 - np.sqrt(0.5) and pos[:, 0].max() < 1 + np.sqrt(0.5)
    # Uniform by area: the band's area is pi T / 10 (an ellipse in (x1, x2 - x1²)),
    # symmetric in x1 about 1, so half the positives have x1 < 1.
    assert abs(np.mean(pos[:, 0] < 1.0) - 0.5) < 0.04


def test_banana_unbalanced_is_uniform_in_the_box() -> None:
    X, y = make_banana(20000, balanced=False, random_state=0)
    np.testing.assert_array_equal(y, rosenbrock(X) < 0.5)
    (a, b), (c, d) = BANANA_BOUNDS
    area_fraction = (np.pi * 0.5 / 10) / ((b - a) * (d - c))
    assert abs(y.mean() - area_fraction) < 0.004


def test_banana_threshold_and_bounds() -> None:
    X, y = make_banana(500, threshold=4.0, bounds=((-2, 2), (-1, 3)), random_state=0)
    np.testing.assert_array_equal(y, rosenbrock(X) < 4.0)
    assert X[:, 0].min() >= -2 and X[:, 0].max() <= 2
    assert np.bincount(y).tolist() == [250, 250]


def test_banana_impossible_box_is_an_actionable_error() -> None:
    with pytest.raises(ValueError, match="Widen bounds"):
        make_banana(10, bounds=((5, 6), (5, 6)), random_state=0)
    with pytest.raises(ValueError, match="threshold must be > 0"):
        make_banana(10, threshold=0)
    with pytest.raises(ValueError, match="low < high"):
        make_banana(10, bounds=((1, 0), (0, 1)))


# --------------------------------------------------------------------- checkerboard


@pytest.mark.parametrize("k", [1, 2, 4, 7])
def test_checkerboard_parity(k: int) -> None:
    X, y = make_checkerboard(3000, n_tiles=k, random_state=0)
    assert np.all((X >= 0) & (X < 1))
    expected = (np.floor(X[:, 0] * k) + np.floor(X[:, 1] * k)).astype(int) % 2
    np.testing.assert_array_equal(y, expected)
    if k % 2 == 0:
        assert abs(y.mean() - 0.5) < 0.04


def test_checkerboard_needs_a_tile() -> None:
    with pytest.raises(ValueError, match="n_tiles"):
        make_checkerboard(10, n_tiles=0)


# ------------------------------------------------------------------------------ xor


def test_xor_rule_and_quadrants() -> None:
    X, y = make_xor(1000, random_state=0)
    np.testing.assert_array_equal(y, (X[:, 0] > 0) ^ (X[:, 1] > 0))
    assert np.all(X != 0) and np.all(np.abs(X) <= 1)
    quadrant = (X[:, 0] > 0) * 2 + (X[:, 1] > 0)
    assert np.bincount(quadrant).tolist() == [250, 250, 250, 250]


def test_xor_noise_moves_points() -> None:
    X, y = make_xor(400, noise=0.3, random_state=0)
    assert np.any(y != ((X[:, 0] > 0) ^ (X[:, 1] > 0)))


# -------------------------------------------------------------------------- spirals


@pytest.mark.parametrize("turns", [0.5, 1.5, 3.0])
def test_spirals_points_lie_on_their_spiral(turns: float) -> None:
    X, y = make_spirals(500, n_turns=turns, random_state=0)
    r = np.linalg.norm(X, axis=1)
    assert np.all(r <= 1)
    phase = np.arctan2(X[:, 1], X[:, 0]) - 2 * np.pi * turns * r - np.pi * y
    wrapped = np.angle(np.exp(1j * phase))  # to (-pi, pi]
    np.testing.assert_allclose(wrapped, 0.0, atol=1e-9)


def test_spirals_noise() -> None:
    X0, _ = make_spirals(100, random_state=0)
    X1, _ = make_spirals(100, noise=0.05, random_state=0)
    assert 0.02 < np.std(X1 - X0) < 0.08


# ------------------------------------------------------------------------ gaussians


def test_gaussians_default_centres_and_spread() -> None:
    X, y = make_gaussians(20000, random_state=0)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [-2, -2], atol=0.05)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [2, 2], atol=0.05)
    np.testing.assert_allclose(X[y == 0].std(axis=0), [1, 1], atol=0.05)


def test_gaussians_custom_centres_and_stds() -> None:
    centres = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 5.0]])
    X, y = make_gaussians(9000, centers=centres, cluster_std=[0.5, 1.0, 2.0], random_state=0)
    assert X.shape == (9000, 3)
    assert np.bincount(y).tolist() == [3000, 3000, 3000]
    for j, s in enumerate([0.5, 1.0, 2.0]):
        np.testing.assert_allclose(X[y == j].mean(axis=0), centres[j], atol=0.15)
        np.testing.assert_allclose(X[y == j].std(axis=0), s, rtol=0.06)


def test_gaussians_k_centres() -> None:
    _, y = make_gaussians(12, centers=4, random_state=0)
    assert np.bincount(y).tolist() == [3, 3, 3, 3]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"centers": 0}, "centers must be an int >= 1"),
        ({"centers": [1.0, 2.0]}, "centers must be an int >= 1 or a finite array"),
        ({"cluster_std": -1.0}, "cluster_std must be a number >= 0"),
        ({"cluster_std": [1.0, 1.0, 1.0]}, "one per centre"),
    ],
)
def test_gaussians_bad_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make_gaussians(10, **kwargs)
