"""Regression sets: 1-D test functions, the Rosenbrock surface, a plane, bumps, and BMI.

Every generator returns ``(X, y)`` with ``X`` a float64 array of shape
(n_samples, n_features) and ``y`` a float64 target of shape (n_samples,). The same
``random_state`` gives identical arrays; the *function* being sampled never depends on
the seed, so a training set and a test set drawn with different seeds share it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ._common import (
    FloatArray,
    RandomState,
    as_generator,
    check_n_samples,
    check_nonnegative,
    check_positive_int,
)
from .toy2d import rosenbrock

__all__ = [
    "FUNCTIONS_1D",
    "gaussian_bumps",
    "make_bmi",
    "make_bumps",
    "make_function_1d",
    "make_plane",
    "make_rosenbrock_regression",
]


def _check_box(low: Any, high: Any, n_features: int) -> tuple[FloatArray, FloatArray]:
    lo = np.broadcast_to(np.asarray(low, dtype=np.float64), (n_features,)).copy()
    hi = np.broadcast_to(np.asarray(high, dtype=np.float64), (n_features,)).copy()
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)) and np.all(lo < hi)):
        raise ValueError(
            f"low and high must be finite with low < high in every coordinate; got "
            f"low={low!r}, high={high!r}."
        )
    return lo, hi


def _add_noise(rng: np.random.Generator, y: FloatArray, noise: float) -> FloatArray:
    if noise > 0:
        y = y + rng.normal(0.0, noise, size=y.shape)
    return np.ascontiguousarray(y, dtype=np.float64)


# ------------------------------------------------------------------------ 1-D functions


def _sine(x: FloatArray) -> FloatArray:
    """sin(pi x): one full period on [-1, 1]."""
    return np.sin(np.pi * x)


def _step(x: FloatArray) -> FloatArray:
    """Heaviside step [x >= 0]: discontinuous, so the error shrinks slowly with width."""
    return (x >= 0).astype(np.float64)


def _abs(x: FloatArray) -> FloatArray:
    """|x|: one kink, exactly two ReLUs."""
    return np.abs(x)


def _polynomial(x: FloatArray) -> FloatArray:
    """4x³ - 3x, the Chebyshev polynomial T3: range [-1, 1] on [-1, 1], two extrema."""
    return 4.0 * x**3 - 3.0 * x


def _gaussian(x: FloatArray) -> FloatArray:
    """exp(-x² / (2 · 0.3²)): one smooth bump."""
    return np.exp(-(x**2) / (2.0 * 0.3**2))


def _bumps(x: FloatArray) -> FloatArray:
    """Three narrow Gaussian bumps, +1 at -0.6, -1 at 0, +1 at 0.6, width 0.1."""
    centres = np.array([-0.6, 0.0, 0.6])
    signs = np.array([1.0, -1.0, 1.0])
    z = (np.asarray(x)[..., None] - centres) / 0.1
    return np.asarray(np.exp(-0.5 * z**2) @ signs, dtype=np.float64)


def _chirp(x: FloatArray) -> FloatArray:
    """sin(4 pi x²): oscillates faster and faster towards the ends of [-1, 1]."""
    return np.sin(4.0 * np.pi * x**2)


#: The 1-D test functions, name -> vectorised callable, defined on [-1, 1]. Used for the
#: universal approximation claim (more hidden units, smaller error: lectures L0, L2, L3,
#: 004) and for interpolation vs extrapolation (lecture L4: "Perceptrons do not
#: extrapolate well"). Each callable maps an array to an array of the same shape.
FUNCTIONS_1D: dict[str, Callable[[FloatArray], FloatArray]] = {
    "abs": _abs,
    "bumps": _bumps,
    "chirp": _chirp,
    "gaussian": _gaussian,
    "polynomial": _polynomial,
    "sine": _sine,
    "step": _step,
}


def make_function_1d(
    name: str | Callable[[FloatArray], FloatArray] = "sine",
    n_samples: int = 200,
    noise: float = 0.0,
    x_range: tuple[float, float] | None = None,
    random_state: RandomState = None,
) -> tuple[FloatArray, FloatArray]:
    """Sample a 1-D function at sorted uniform points: ``y = f(x) + ε``.

    .. math::

        x_i \\sim U(a, b) \\text{ (sorted)}, \\qquad
        y_i = f(x_i) + \\varepsilon_i, \\quad \\varepsilon_i \\sim N(0, \\text{noise}^2)

    Lecture L0-004 state the universal approximation theorem on such functions; lecture L4
    contrasts interpolation (inside the training range) with extrapolation (outside it):
    train on ``x_range=(-1, 1)`` and test on ``x_range=(-2, 2)``.

    Parameters
    ----------
    name : str or callable, default="sine"
        A key of :data:`FUNCTIONS_1D` ("abs", "bumps", "chirp", "gaussian",
        "polynomial", "sine", "step") or any vectorised callable ``f(x) -> y``.
    n_samples : int, default=200
        Number of points.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to ``y``.
    x_range : (float, float), optional
        The interval ``(a, b)`` to sample; default (-1, 1), where the functions live.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 1), float64, sorted ascending
    y : ndarray of shape (n_samples,), float64

    Examples
    --------
    >>> X, y = make_function_1d("abs", n_samples=5, random_state=0)
    >>> X.shape, y.shape, bool(np.all(np.diff(X[:, 0]) >= 0))
    ((5, 1), (5,), True)
    >>> bool(np.allclose(y, np.abs(X[:, 0])))
    True
    """
    if callable(name):
        f = name
    elif isinstance(name, str) and name in FUNCTIONS_1D:
        f = FUNCTIONS_1D[name]
    else:
        raise ValueError(
            f"Unknown 1-D function {name!r}; expected one of "
            f"{', '.join(repr(k) for k in sorted(FUNCTIONS_1D))}, or a callable f(x)."
        )
    n = check_n_samples(n_samples)
    noise = check_nonnegative(noise, "noise")
    if x_range is None:
        x_range = (-1.0, 1.0)
    try:
        a, b = (float(v) for v in x_range)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"x_range must be a pair (low, high); got {x_range!r}.") from exc
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        raise ValueError(f"x_range must be finite with low < high; got {x_range!r}.")
    rng = as_generator(random_state)
    x = np.sort(rng.uniform(a, b, n))
    fx = np.asarray(f(x), dtype=np.float64)
    if fx.shape != x.shape:
        raise ValueError(
            f"The 1-D function returned shape {fx.shape} for an input of shape {x.shape}; "
            "it must be vectorised and return one value per point."
        )
    return x.reshape(-1, 1), _add_noise(rng, fx, noise)


# ------------------------------------------------------------------------ 2-D surfaces


def make_rosenbrock_regression(
    n_samples: int = 1000,
    low: float | tuple[float, float] = (-1.5, -0.5),
    high: float | tuple[float, float] = (1.5, 2.0),
    noise: float = 0.0,
    random_state: RandomState = None,
) -> tuple[FloatArray, FloatArray]:
    """Lecture L4's "Regressing the Rosenbrock function": uniform points, ``y = r(x)``.

    .. math::

        y = 100\\,(x_2 - x_1^2)^2 + (1 - x_1)^2 + \\varepsilon, \\qquad
        x \\sim U([\\text{low}_1, \\text{high}_1] \\times [\\text{low}_2, \\text{high}_2])

    The default box ``[-1.5, 1.5] × [-0.5, 2]`` holds the whole curved valley around
    the minimum r(1, 1) = 0 and the steep walls either side, the usual picture of the
    surface; there y spans 0 to about 760. Lecture L4 fits it with 2, 3 and 4 hidden
    units (losses 3.02e-01, 2.08e-02, 8.27e-03): standardise ``y`` before training.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points.
    low, high : float or (float, float), default=(-1.5, -0.5) and (1.5, 2.0)
        Corners of the box.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to ``y``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), float64

    Examples
    --------
    >>> X, y = make_rosenbrock_regression(4, random_state=0)
    >>> X.shape, y.shape, bool(np.allclose(y, rosenbrock(X)))
    ((4, 2), (4,), True)
    """
    n = check_n_samples(n_samples)
    noise = check_nonnegative(noise, "noise")
    lo, hi = _check_box(low, high, 2)
    rng = as_generator(random_state)
    X = rng.uniform(lo, hi, (n, 2))
    return X, _add_noise(rng, rosenbrock(X), noise)


def make_plane(
    n_samples: int = 1000,
    coef: npt.ArrayLike = (1.0, -1.0),
    intercept: float = 0.0,
    noise: float = 0.0,
    random_state: RandomState = None,
) -> tuple[FloatArray, FloatArray]:
    """A plane: ``y = X · coef + intercept + ε`` with ``X`` uniform in ``[-1, 1]^d``.

    TensorFlow Playground's first regression set is a plane (``(x1 + x2) / 10`` there);
    a network with no hidden layer fits it exactly.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points.
    coef : array-like of shape (n_features,), default=(1.0, -1.0)
        The slope in each coordinate; its length sets the number of features.
    intercept : float, default=0.0
        The offset.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to ``y``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), float64

    Examples
    --------
    >>> X, y = make_plane(3, coef=(2.0, 0.0, 1.0), intercept=1.0, random_state=0)
    >>> X.shape, bool(np.allclose(y, 2 * X[:, 0] + X[:, 2] + 1))
    ((3, 3), True)
    """
    n = check_n_samples(n_samples)
    w = np.asarray(coef, dtype=np.float64)
    if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)):
        raise ValueError(
            f"coef must be a non-empty 1-D sequence of finite numbers (one per feature); "
            f"got {coef!r}."
        )
    b = float(intercept)
    noise = check_nonnegative(noise, "noise")
    rng = as_generator(random_state)
    X = rng.uniform(-1.0, 1.0, (n, w.size))
    return X, _add_noise(rng, X @ w + b, noise)


def _bump_centres(n_bumps: int) -> tuple[FloatArray, FloatArray]:
    if n_bumps == 1:
        return np.zeros((1, 2)), np.ones(1)
    angles = 2.0 * np.pi * np.arange(n_bumps) / n_bumps
    centres = 0.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    signs = np.where(np.arange(n_bumps) % 2 == 0, 1.0, -1.0)
    return centres, signs


def gaussian_bumps(X: npt.ArrayLike, n_bumps: int = 3, width: float = 0.25) -> FloatArray:
    """The surface :func:`make_bumps` samples: a signed sum of Gaussian bumps.

    .. math::

        f(x) = \\sum_{j=0}^{K-1} (-1)^j \\exp\\left(-\\frac{\\lVert x - c_j\\rVert^2}
        {2 w^2}\\right), \\qquad c_j = \\tfrac12 (\\cos\\tfrac{2\\pi j}{K},
        \\sin\\tfrac{2\\pi j}{K})

    (a single bump, K = 1, sits at the origin).

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    n_bumps : int, default=3
        K, the number of bumps.
    width : float, default=0.25
        w, the standard deviation of every bump.

    Returns
    -------
    ndarray of shape (n_samples,), float64

    Examples
    --------
    >>> gaussian_bumps([[0.5, 0.0], [-0.5, 0.0]], n_bumps=2).round(3).tolist()
    [1.0, -1.0]
    """
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2 or A.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2); got {A.shape}.")
    k = check_positive_int(n_bumps, "n_bumps")
    w = check_nonnegative(width, "width")
    if w == 0:
        raise ValueError("width must be > 0.")
    centres, signs = _bump_centres(k)
    sq = ((A[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return np.asarray(np.exp(-sq / (2.0 * w**2)) @ signs, dtype=np.float64)


def make_bumps(
    n_samples: int = 1000,
    n_bumps: int = 3,
    noise: float = 0.0,
    random_state: RandomState = None,
) -> tuple[FloatArray, FloatArray]:
    """Uniform points in ``[-1, 1]²`` and a sum of alternating-sign Gaussian bumps.

    ``y = gaussian_bumps(X, n_bumps) + ε``: K bumps of width 0.25 evenly spaced on the
    circle of radius 1/2, signs +, -, +, ... (see :func:`gaussian_bumps`). The bumps are
    fixed by ``n_bumps`` alone, never by the seed. Like TensorFlow Playground's
    "multi gaussian" regression set, it needs roughly one hidden unit per bump side.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points.
    n_bumps : int, default=3
        Number of bumps.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to ``y``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), float64

    Examples
    --------
    >>> X, y = make_bumps(5, n_bumps=4, random_state=0)
    >>> X.shape, bool(np.allclose(y, gaussian_bumps(X, n_bumps=4)))
    ((5, 2), True)
    """
    n = check_n_samples(n_samples)
    k = check_positive_int(n_bumps, "n_bumps")
    noise = check_nonnegative(noise, "noise")
    rng = as_generator(random_state)
    X = rng.uniform(-1.0, 1.0, (n, 2))
    return X, _add_noise(rng, gaussian_bumps(X, k), noise)


# -------------------------------------------------------------------------------- BMI

# Adult height (m): normal, mean 1.70, sd 0.10, truncated to [1.40, 2.10].
_HEIGHT = (1.70, 0.10, 1.40, 2.10)
# BMI (kg/m²): log-normal with median 25.5 and log-sd 0.18 (mean ~26, sd ~4.7, close to
# adult survey figures), truncated to [16, 45].
_BMI_LOG = (float(np.log(25.5)), 0.18, 16.0, 45.0)


def _truncated_normal(
    rng: np.random.Generator, mean: float, std: float, low: float, high: float, n: int
) -> FloatArray:
    """N(mean, std²) restricted to [low, high] by rejection (acceptance > 99 % here)."""
    out = np.empty(n)
    filled = 0
    while filled < n:
        draw = rng.normal(mean, std, 2 * (n - filled) + 8)
        draw = draw[(draw >= low) & (draw <= high)][: n - filled]
        out[filled : filled + draw.size] = draw
        filled += draw.size
    return out


def make_bmi(
    n_samples: int = 1000, noise: float = 0.0, random_state: RandomState = None
) -> tuple[FloatArray, FloatArray]:
    """Lecture L1's multivariate non-linear regression: body-mass index from height and weight.

    .. math::

        y = \\mathrm{BMI} = \\frac{\\text{weight}}{\\text{height}^2} + \\varepsilon

    Height (m) ~ N(1.70, 0.10²) truncated to [1.40, 2.10]; BMI ~ log-normal with median
    25.5 truncated to [16, 45]; weight (kg) = BMI × height², so weight grows with height
    as in real adults and ranges from about 31 to 200 kg. Lecture L1 fits it with a 2-8-1
    ReLU MLP.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of people.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to ``y`` (kg/m²). With 0,
        ``y == X[:, 1] / X[:, 0]**2`` exactly.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        Columns: height in metres, weight in kilograms.
    y : ndarray of shape (n_samples,), float64
        BMI in kg/m².

    Examples
    --------
    >>> X, y = make_bmi(4, random_state=0)
    >>> X.shape, bool(np.all(y == X[:, 1] / X[:, 0] ** 2))
    ((4, 2), True)
    """
    n = check_n_samples(n_samples)
    noise = check_nonnegative(noise, "noise")
    rng = as_generator(random_state)
    height = _truncated_normal(rng, *_HEIGHT, n)
    log_mu, log_sd, bmi_low, bmi_high = _BMI_LOG
    bmi = np.exp(_truncated_normal(rng, log_mu, log_sd, np.log(bmi_low), np.log(bmi_high), n))
    weight = bmi * height**2
    X = np.column_stack([height, weight])
    # Recompute the target from X so that y == weight / height² holds to the last bit.
    return X, _add_noise(rng, X[:, 1] / X[:, 0] ** 2, noise)
