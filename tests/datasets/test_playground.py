"""TensorFlow Playground ports: each generator's geometry and labelling rule."""

from __future__ import annotations

import numpy as np
import pytest

from mlpkit.datasets import PLAYGROUND_NAMES, make_playground


def test_names() -> None:
    assert PLAYGROUND_NAMES == ("circle", "gauss", "spiral", "xor")


@pytest.mark.parametrize("name", PLAYGROUND_NAMES)
@pytest.mark.parametrize("n", [1, 5, 500])
def test_shapes_dtypes_labels(name: str, n: int) -> None:
    X, y = make_playground(name, n, noise=0.2, random_state=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) <= {0, 1}


@pytest.mark.parametrize("name", PLAYGROUND_NAMES)
def test_determinism(name: str) -> None:
    a = make_playground(name, 200, noise=0.1, random_state=5)
    b = make_playground(name, 200, noise=0.1, random_state=5)
    c = make_playground(name, 200, noise=0.1, random_state=6)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_circle_geometry_and_rule() -> None:
    X, y = make_playground("circle", 2000, random_state=0)
    d = np.linalg.norm(X, axis=1)
    np.testing.assert_array_equal(y, d < 2.5)
    assert np.all(d[y == 1] <= 2.5) and np.all((d[y == 0] >= 3.5) & (d[y == 0] <= 5))
    assert np.bincount(y).tolist() == [1000, 1000]
    # dataset.ts draws the radius uniformly (not by area): half the inner points lie
    # within 1.25.
    assert abs(np.mean(d[y == 1] < 1.25) - 0.5) < 0.05


def test_circle_noise_flips_labels_near_the_boundary_only() -> None:
    X, y = make_playground("circle", 4000, noise=0.3, random_state=0)
    d = np.linalg.norm(X, axis=1)
    assert np.any(y != (d < 2.5))  # noise is applied to the labelling, not the points
    assert np.all((d <= 2.5) | (d >= 3.5))  # the stored points keep their gap


def test_xor_geometry_and_rule() -> None:
    X, y = make_playground("xor", 2000, random_state=0)
    np.testing.assert_array_equal(y, X[:, 0] * X[:, 1] >= 0)
    assert np.all((np.abs(X) >= 0.3) & (np.abs(X) <= 5.3))


def test_gauss_centres_and_variance_formula() -> None:
    for noise, variance in [(0.0, 0.5), (0.5, 4.0)]:
        X, y = make_playground("gauss", 20000, noise=noise, random_state=0)
        np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.06)
        np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.06)
        np.testing.assert_allclose(X[y == 1].var(axis=0), variance, rtol=0.05)


def test_spiral_points_follow_dataset_ts() -> None:
    m = 100
    X, y = make_playground("spiral", 2 * m, random_state=0)
    i = np.arange(m)
    for label, delta in [(1, 0.0), (0, np.pi)]:
        r = 5 * i / m
        t = 1.75 * i / m * 2 * np.pi + delta
        expected = np.column_stack([r * np.sin(t), r * np.cos(t)])
        got = X[y == label]
        # Rows are shuffled: compare after sorting by radius.
        got = got[np.argsort(np.linalg.norm(got, axis=1))]
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_unknown_name_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="'circle', 'gauss', 'spiral', 'xor'"):
        make_playground("moons")
