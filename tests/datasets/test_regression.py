"""Regression sets: 1-D functions, Rosenbrock surface, plane, bumps, BMI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from mlpkit.datasets import (
    FUNCTIONS_1D,
    gaussian_bumps,
    make_bmi,
    make_bumps,
    make_function_1d,
    make_plane,
    make_rosenbrock_regression,
    rosenbrock,
)

GENERATORS: list[Callable[..., Any]] = [
    make_function_1d,
    make_rosenbrock_regression,
    make_plane,
    make_bumps,
    make_bmi,
]


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_shapes_dtypes_determinism(make: Callable[..., Any]) -> None:
    X, y = make(n_samples=50, random_state=0)
    assert X.ndim == 2 and X.shape[0] == 50 and X.dtype == np.float64
    assert y.shape == (50,) and y.dtype == np.float64
    X2, y2 = make(n_samples=50, random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(n_samples=50, random_state=1)
    assert not np.array_equal(X, X3)
    with pytest.raises(ValueError, match="n_samples must be an int >= 1"):
        make(n_samples=0)


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_noise_is_gaussian_on_y_only(make: Callable[..., Any]) -> None:
    X0, y0 = make(n_samples=4000, random_state=0)
    X1, y1 = make(n_samples=4000, noise=0.5, random_state=0)
    np.testing.assert_array_equal(X0, X1)
    residual = y1 - y0
    assert abs(residual.mean()) < 0.05 and abs(residual.std() - 0.5) < 0.03
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        make(n_samples=5, noise=-1.0)


# ------------------------------------------------------------------------------ 1-D


def test_functions_1d_catalogue() -> None:
    assert {"sine", "step", "abs", "bumps", "polynomial"} <= set(FUNCTIONS_1D)
    x = np.linspace(-1, 1, 101)
    for name, f in FUNCTIONS_1D.items():
        fx = f(x)
        assert fx.shape == x.shape, name
        assert np.all(np.isfinite(fx)), name
        assert np.all(np.abs(fx) <= 1.0 + 1e-12), name


def test_functions_1d_values() -> None:
    F = FUNCTIONS_1D
    np.testing.assert_allclose(F["sine"](np.array([0.5, -0.5, 0.0])), [1, -1, 0], atol=1e-15)
    np.testing.assert_array_equal(F["step"](np.array([-0.1, 0.0, 0.3])), [0, 1, 1])
    np.testing.assert_array_equal(F["abs"](np.array([-0.5, 0.25])), [0.5, 0.25])
    np.testing.assert_allclose(F["polynomial"](np.array([1.0, 0.5, -1.0])), [1, -1, -1])
    np.testing.assert_allclose(F["bumps"](np.array([-0.6, 0.0, 0.6])), [1, -1, 1], atol=1e-6)


@pytest.mark.parametrize("name", sorted(FUNCTIONS_1D))
def test_make_function_1d_samples_the_function(name: str) -> None:
    X, y = make_function_1d(name, n_samples=300, random_state=0)
    assert X.shape == (300, 1)
    assert np.all(np.diff(X[:, 0]) >= 0)
    assert X.min() >= -1 and X.max() <= 1
    np.testing.assert_array_equal(y, FUNCTIONS_1D[name](X[:, 0]))


def test_make_function_1d_range_and_callable() -> None:
    X, y = make_function_1d(np.cos, n_samples=100, x_range=(2, 5), random_state=0)
    assert X.min() >= 2 and X.max() <= 5
    np.testing.assert_allclose(y, np.cos(X[:, 0]))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "sinus"}, "Unknown 1-D function 'sinus'; expected one of 'abs'"),
        ({"x_range": (1, 0)}, "low < high"),
        ({"x_range": 3}, "x_range must be a pair"),
        ({"name": lambda x: 0.0}, "must be vectorised"),
    ],
)
def test_make_function_1d_errors(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make_function_1d(**kwargs)


# ------------------------------------------------------------------------- surfaces


def test_rosenbrock_regression_is_the_function_in_its_box() -> None:
    X, y = make_rosenbrock_regression(2000, random_state=0)
    np.testing.assert_array_equal(y, rosenbrock(X))
    assert X[:, 0].min() >= -1.5 and X[:, 0].max() <= 1.5
    assert X[:, 1].min() >= -0.5 and X[:, 1].max() <= 2.0
    X, _ = make_rosenbrock_regression(100, low=-2, high=3, random_state=0)
    assert X.min() >= -2 and X.max() <= 3 and X.max() > 2
    with pytest.raises(ValueError, match="low < high"):
        make_rosenbrock_regression(5, low=(0, 0), high=(1, 0))


def test_plane() -> None:
    X, y = make_plane(100, random_state=0)
    np.testing.assert_allclose(y, X[:, 0] - X[:, 1])
    X, y = make_plane(100, coef=[0.5, 2, -1, 3], intercept=-2, random_state=0)
    assert X.shape == (100, 4) and np.all(np.abs(X) <= 1)
    np.testing.assert_allclose(y, X @ [0.5, 2, -1, 3] - 2)
    with pytest.raises(ValueError, match="coef must be a non-empty 1-D"):
        make_plane(5, coef=[])


def test_bumps_surface_is_fixed_by_n_bumps_not_the_seed() -> None:
    X, y = make_bumps(500, n_bumps=4, random_state=0)
    np.testing.assert_array_equal(y, gaussian_bumps(X, n_bumps=4))
    # The peaks: +1 at (0.5, 0), -1 at (0, 0.5), +1 at (-0.5, 0), -1 at (0, -0.5).
    peaks = gaussian_bumps([[0.5, 0], [0, 0.5], [-0.5, 0], [0, -0.5]], n_bumps=4)
    # Each peak is its own bump, less its two neighbours' tails (at distance 0.5 √2),
    # plus the opposite bump's (at distance 1).
    height = 1 - 2 * np.exp(-0.5 / (2 * 0.25**2)) + np.exp(-1 / (2 * 0.25**2))
    np.testing.assert_allclose(peaks, np.array([1, -1, 1, -1]) * height)
    assert float(gaussian_bumps([[0.0, 0.0]], n_bumps=1)[0]) == 1.0
    with pytest.raises(ValueError, match="n_bumps"):
        make_bumps(5, n_bumps=0)


# ------------------------------------------------------------------------------ BMI


def test_bmi_is_weight_over_height_squared() -> None:
    X, y = make_bmi(5000, random_state=0)
    h, w = X[:, 0], X[:, 1]
    np.testing.assert_array_equal(y, w / h**2)
    assert h.min() >= 1.40 and h.max() <= 2.10
    assert abs(h.mean() - 1.70) < 0.01
    assert y.min() >= 16 - 1e-9 and y.max() <= 45 + 1e-9
    assert 22 < np.median(y) < 28
    assert 30 < w.min() and w.max() < 200
    # Taller people weigh more.
    assert np.corrcoef(h, w)[0, 1] > 0.3
