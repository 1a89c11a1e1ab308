"""Two-dimensional classification sets from the lectures: rings, banana, checkerboard, ...

Every generator returns ``(X, y)`` with ``X`` a float64 array of shape (n_samples, 2)
(``make_gaussians`` may have more columns) and ``y`` int64 class labels of shape
(n_samples,), in shuffled order. The same ``random_state`` gives identical arrays.

Sorted from the simplest decision boundary to the hardest: Gaussian blobs (one line),
XOR (two lines), rings (a closed curve: lecture L3), the Rosenbrock banana (a thin curved
band: lecture L4), two spirals and the checkerboard (many lines: lecture L4).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._common import (
    FloatArray,
    IntArray,
    RandomState,
    as_generator,
    check_n_samples,
    check_nonnegative,
    check_positive_int,
    shuffled,
    split_counts,
)

__all__ = [
    "BANANA_BOUNDS",
    "make_banana",
    "make_checkerboard",
    "make_gaussians",
    "make_rings",
    "make_spirals",
    "make_xor",
    "rosenbrock",
]

# Lecture L3: A = {d < 1/3} (class 0), B = {2/3 < d < 1} (class 1).
RINGS_RADII = (1.0 / 3.0, 2.0 / 3.0, 1.0)

# The default box for the banana: centred on the valley's middle (x1 = 1, x2 ~ 1.5),
# 3 wide and 4 high, so the whole band r < 0.5 (x1 in (0.29, 1.71), x2 in (0.02, 2.92))
# sits inside with a margin of negatives all round, as in lecture L4's figure.
BANANA_BOUNDS: tuple[tuple[float, float], tuple[float, float]] = ((-0.5, 2.5), (-0.5, 3.5))

# Rejection loops give up after this many rounds without progress (a box that holds
# none of the wanted class would otherwise loop forever).
_MAX_ROUNDS = 1000


def _labels(n_per_class: list[int]) -> IntArray:
    return np.repeat(np.arange(len(n_per_class), dtype=np.int64), n_per_class)


def _jitter(
    rng: np.random.Generator, X: FloatArray, y: IntArray, noise: float
) -> tuple[FloatArray, IntArray]:
    """Add N(0, noise²) to every coordinate, after shuffling and labelling.

    Drawn last, so the same seed with and without noise gives the same points in the
    same order, only moved.
    """
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    return X, y


# ---------------------------------------------------------------------------- rings


def _sample_ring(rng: np.random.Generator, n: int, r_in: float, r_out: float) -> FloatArray:
    """Uniform-by-area points with r_in < d < r_out (or d < r_out when r_in == 0).

    The radius is drawn by inverting the area CDF, d = sqrt(r_in² + U (r_out² - r_in²)),
    so the density per unit area is constant. Points whose *computed* distance rounds
    onto or past a boundary are redrawn, so the inequalities hold exactly in float64.
    """
    out = np.empty((n, 2))
    filled = 0
    while filled < n:
        m = n - filled
        u = rng.random(m)
        theta = rng.uniform(0.0, 2.0 * np.pi, m)
        r = np.sqrt(r_in**2 + u * (r_out**2 - r_in**2))
        pts = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
        d = np.hypot(pts[:, 0], pts[:, 1])
        ok = (d < r_out) & ((d > r_in) if r_in > 0 else True)
        pts = pts[ok]
        out[filled : filled + len(pts)] = pts
        filled += len(pts)
    return out


def make_rings(
    n_samples: int = 1000, noise: float = 0.0, random_state: RandomState = None
) -> tuple[FloatArray, IntArray]:
    """Lecture L3's concentric rings: a disc inside a ring, with an empty gap between.

    .. math::

        A = \\{x : d(x, 0) < 1/3\\} \\;(\\text{class } 0), \\qquad
        B = \\{x : 2/3 < d(x, 0) < 1\\} \\;(\\text{class } 1)

    Points are uniform by area inside each set. Lecture L3 (after colah's "Neural
    Networks, Manifolds, and Topology") claims no network whose layers all have at most
    2 units can separate A from B, while 3 units suffice.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of points: ``n_samples // 2`` in A, the rest in B.
    noise : float, default=0.0
        Standard deviation of Gaussian jitter added to ``X`` after labelling. With the
        default 0 every label satisfies its inequality exactly.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        Points in the unit disc.
    y : ndarray of shape (n_samples,), int64
        0 for the inner disc A, 1 for the outer ring B.

    Examples
    --------
    >>> X, y = make_rings(6, random_state=0)
    >>> X.shape, y.tolist().count(0), y.tolist().count(1)
    ((6, 2), 3, 3)
    >>> d = np.hypot(X[:, 0], X[:, 1])
    >>> bool(np.all((d < 1 / 3) == (y == 0)))
    True
    """
    n = check_n_samples(n_samples)
    noise = check_nonnegative(noise, "noise")
    rng = as_generator(random_state)
    counts = split_counts(n, 2)
    inner, gap, outer = RINGS_RADII
    X = np.vstack(
        [_sample_ring(rng, counts[0], 0.0, inner), _sample_ring(rng, counts[1], gap, outer)]
    )
    return _jitter(rng, *shuffled(rng, X, _labels(counts)), noise)


# --------------------------------------------------------------------------- banana


def rosenbrock(X: npt.ArrayLike) -> FloatArray:
    """The Rosenbrock function of lecture L4, ``r(x) = 100 (x2 - x1²)² + (1 - x1)²``.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2) or (2,)
        Points ``(x1, x2)``; the last axis holds the two coordinates.

    Returns
    -------
    r : ndarray of shape (n_samples,) (or a 0-d array for one point), float64
        Non-negative; 0 only at the minimum (1, 1).

    Examples
    --------
    >>> rosenbrock([[1.0, 1.0], [0.0, 0.0], [-1.0, 1.0]]).tolist()
    [0.0, 1.0, 4.0]
    """
    A = np.asarray(X, dtype=np.float64)
    if A.ndim == 0 or A.shape[-1] != 2:
        raise ValueError(
            f"rosenbrock expects points with 2 coordinates (x1, x2) on the last axis, i.e. "
            f"an array of shape (n_samples, 2); got shape {A.shape}. "
            "Stack the coordinates with np.column_stack([x1, x2])."
        )
    x1, x2 = A[..., 0], A[..., 1]
    return np.asarray(100.0 * (x2 - x1**2) ** 2 + (1.0 - x1) ** 2, dtype=np.float64)


def _check_bounds(bounds: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    try:
        (a, b), (c, d) = bounds
        box = ((float(a), float(b)), (float(c), float(d)))
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"bounds must be ((x1_low, x1_high), (x2_low, x2_high)); got {bounds!r}."
        ) from exc
    for (lo, hi), axis in zip(box, ("x1", "x2")):
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"bounds for {axis} must be finite with low < high; got ({lo}, {hi}).")
    return box


def _uniform_box(
    rng: np.random.Generator, n: int, box: tuple[tuple[float, float], tuple[float, float]]
) -> FloatArray:
    (a, b), (c, d) = box
    return np.column_stack([rng.uniform(a, b, n), rng.uniform(c, d, n)])


def _inside(X: FloatArray, box: tuple[tuple[float, float], tuple[float, float]]) -> Any:
    (a, b), (c, d) = box
    return (X[:, 0] >= a) & (X[:, 0] <= b) & (X[:, 1] >= c) & (X[:, 1] <= d)


def _sample_banana_inside(
    rng: np.random.Generator,
    n: int,
    threshold: float,
    box: tuple[tuple[float, float], tuple[float, float]],
) -> FloatArray:
    """Uniform-by-area points with r(x) < threshold inside the box.

    With u = x1 and v = x2 - x1² the set r < T is the ellipse
    (u - 1)²/T + v²/(T/100) < 1, and the map (u, v) -> (x1, x2) = (u, v + u²) has
    Jacobian determinant 1, so uniform points in the ellipse are uniform in the banana.
    Points outside the box, or whose computed r rounds to >= T, are redrawn.
    """
    out = np.empty((n, 2))
    filled = 0
    rounds_without_progress = 0
    a, b = np.sqrt(threshold), np.sqrt(threshold / 100.0)  # the ellipse's semi-axes
    while filled < n:
        m = max(2 * (n - filled), 64)
        rho = np.sqrt(rng.random(m))
        phi = rng.uniform(0.0, 2.0 * np.pi, m)
        u = 1.0 + a * rho * np.cos(phi)
        v = b * rho * np.sin(phi)
        pts = np.column_stack([u, v + u**2])
        pts = pts[_inside(pts, box) & (rosenbrock(pts) < threshold)][: n - filled]
        out[filled : filled + len(pts)] = pts
        filled += len(pts)
        rounds_without_progress = 0 if len(pts) else rounds_without_progress + 1
        if rounds_without_progress > _MAX_ROUNDS:
            raise ValueError(
                f"Could not draw points with rosenbrock(x) < {threshold} inside bounds {box}: "
                "the box holds (almost) none of the banana. Widen bounds, raise threshold, "
                "or pass balanced=False."
            )
    return out


def _sample_box_outside(
    rng: np.random.Generator,
    n: int,
    threshold: float,
    box: tuple[tuple[float, float], tuple[float, float]],
) -> FloatArray:
    """Uniform points in the box with r(x) >= threshold (rejection)."""
    out = np.empty((n, 2))
    filled = 0
    rounds_without_progress = 0
    while filled < n:
        m = max(2 * (n - filled), 64)
        pts = _uniform_box(rng, m, box)
        pts = pts[rosenbrock(pts) >= threshold][: n - filled]
        out[filled : filled + len(pts)] = pts
        filled += len(pts)
        rounds_without_progress = 0 if len(pts) else rounds_without_progress + 1
        if rounds_without_progress > _MAX_ROUNDS:
            raise ValueError(
                f"Could not draw points with rosenbrock(x) >= {threshold} inside bounds "
                f"{box}: the whole box is inside the banana. Widen bounds, lower threshold, "
                "or pass balanced=False."
            )
    return out


def make_banana(
    n_samples: int = 1000,
    threshold: float = 0.5,
    balanced: bool = True,
    random_state: RandomState = None,
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]] = BANANA_BOUNDS,
) -> tuple[FloatArray, IntArray]:
    """Lecture L4's Rosenbrock "banana": positive iff ``r(x) < threshold``.

    .. math::

        r(x) = 100\\,(x_2 - x_1^2)^2 + (1 - x_1)^2, \\qquad
        y = [\\, r(x) < T \\,], \\quad T = 0.5

    The positives form a thin curved band along the parabola ``x2 = x1²`` around the
    minimum (1, 1): for T = 0.5, x1 in (0.29, 1.71) and x2 in (0.02, 2.92). Lecture L4 uses
    it to show that logistic regression fails, AdaBoost needs many hyperplanes and an MLP
    fits it with a handful of hidden units.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points.
    threshold : float, default=0.5
        The level ``T`` of the band (lecture L4: 0.5). Must be > 0.
    balanced : bool, default=True
        If True, ``n_samples // 2`` negatives uniform in the box outside the band and the
        rest positives uniform (by area) inside it, so the classes are 50/50. If False,
        points are uniform in the box and labelled by the rule: with the default box only
        about 1.3 % are positive.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.
    bounds : ((x1_low, x1_high), (x2_low, x2_high)), default=((-0.5, 2.5), (-0.5, 3.5))
        The box the points are drawn from (keyword only). The default holds the whole
        band for T = 0.5 with a margin of negatives around it.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
        ``y == (rosenbrock(X) < threshold)`` holds for every row.

    See Also
    --------
    rosenbrock : the function r.
    make_rosenbrock_regression : the same function as a regression target.

    Examples
    --------
    >>> X, y = make_banana(8, random_state=0)
    >>> X.shape, int(y.sum())
    ((8, 2), 4)
    >>> bool(np.all(y == (rosenbrock(X) < 0.5)))
    True
    """
    n = check_n_samples(n_samples)
    threshold = check_nonnegative(threshold, "threshold")
    if threshold == 0:
        raise ValueError("threshold must be > 0 (lecture L4 uses 0.5): r(x) >= 0 everywhere.")
    box = _check_bounds(bounds)
    rng = as_generator(random_state)
    if not balanced:
        X = _uniform_box(rng, n, box)
        return X, (rosenbrock(X) < threshold).astype(np.int64)
    counts = split_counts(n, 2)
    X = np.vstack(
        [
            _sample_box_outside(rng, counts[0], threshold, box),
            _sample_banana_inside(rng, counts[1], threshold, box),
        ]
    )
    return shuffled(rng, X, _labels(counts))


# ------------------------------------------------------------------------ checkerboard


def make_checkerboard(
    n_samples: int = 1000, n_tiles: int = 4, random_state: RandomState = None
) -> tuple[FloatArray, IntArray]:
    """Lecture L4's checkerboard: uniform points in the unit square, labelled by tile parity.

    .. math::

        y = (\\lfloor k x_1 \\rfloor + \\lfloor k x_2 \\rfloor) \\bmod 2,
        \\qquad x \\sim U([0, 1)^2), \\; k = \\text{n\\_tiles}

    Lecture L4: AdaBoost with linear weak learners stays near chance (56 % validation
    accuracy) on it, because no single hyperplane beats chance, while an MLP with one
    hidden layer of 10 units solves it.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points.
    n_tiles : int, default=4
        Tiles per side: the board has ``n_tiles × n_tiles`` squares.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64, in [0, 1)
    y : ndarray of shape (n_samples,), int64, 0 or 1

    Examples
    --------
    >>> X, y = make_checkerboard(5, n_tiles=2, random_state=0)
    >>> bool(np.all(y == (np.floor(2 * X[:, 0]) + np.floor(2 * X[:, 1])) % 2))
    True
    """
    n = check_n_samples(n_samples)
    k = check_positive_int(n_tiles, "n_tiles")
    rng = as_generator(random_state)
    X = rng.random((n, 2))
    tiles = np.floor(X * k).astype(np.int64)
    return X, (tiles.sum(axis=1) % 2).astype(np.int64)


# ------------------------------------------------------------------------------ xor


def make_xor(
    n_samples: int = 1000, noise: float = 0.0, random_state: RandomState = None
) -> tuple[FloatArray, IntArray]:
    """XOR: four unit squares around the origin, labelled by whether the signs differ.

    .. math::

        y = [x_1 > 0] \\oplus [x_2 > 0], \\qquad x \\in [-1, 1]^2

    Class 0 fills the quadrants (+, +) and (-, -), class 1 the quadrants (-, +) and
    (+, -); classes are balanced (``n_samples // 2`` of class 0) and each class is split
    evenly between its two quadrants. No single line separates the classes; two do.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points.
    noise : float, default=0.0
        Standard deviation of Gaussian jitter added to ``X`` after labelling; with 0 every
        label follows the rule exactly and no coordinate is 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_xor(8, random_state=0)
    >>> bool(np.all(y == ((X[:, 0] > 0) ^ (X[:, 1] > 0))))
    True
    """
    n = check_n_samples(n_samples)
    noise = check_nonnegative(noise, "noise")
    rng = as_generator(random_state)
    counts = split_counts(n, 2)
    quadrant_signs = {0: ((1.0, 1.0), (-1.0, -1.0)), 1: ((-1.0, 1.0), (1.0, -1.0))}
    parts = []
    for label, count in enumerate(counts):
        for (s1, s2), m in zip(quadrant_signs[label], split_counts(count, 2)):
            # 1 - U lies in (0, 1], so no point sits on an axis.
            mag = 1.0 - rng.random((m, 2))
            parts.append(mag * np.array([s1, s2]))
    X = np.vstack(parts)
    return _jitter(rng, *shuffled(rng, X, _labels(counts)), noise)


# -------------------------------------------------------------------------- spirals


def make_spirals(
    n_samples: int = 1000,
    noise: float = 0.0,
    n_turns: float = 1.5,
    random_state: RandomState = None,
) -> tuple[FloatArray, IntArray]:
    """Two interleaved Archimedean spirals, the second a half-turn rotation of the first.

    .. math::

        t = \\sqrt{U}, \\quad \\theta = 2\\pi\\,\\text{n\\_turns}\\,t + k\\pi, \\quad
        x = t\\,(\\cos\\theta, \\sin\\theta) + \\varepsilon,
        \\quad \\varepsilon \\sim N(0, \\text{noise}^2 I)

    for class ``k`` in {0, 1} and ``U ~ U[0, 1)``; ``t = sqrt(U)`` spreads the points
    evenly along the arc (arc length grows like t²).

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points: ``n_samples // 2`` on spiral 0, the rest on spiral 1.
    noise : float, default=0.0
        Standard deviation of the Gaussian jitter.
    n_turns : float, default=1.5
        Number of turns each spiral makes from the centre to radius 1.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64, in the unit disc when noise is 0
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_spirals(10, n_turns=2, random_state=0)
    >>> X.shape, np.bincount(y).tolist()
    ((10, 2), [5, 5])
    """
    n = check_n_samples(n_samples)
    noise = check_nonnegative(noise, "noise")
    turns = check_nonnegative(n_turns, "n_turns")
    rng = as_generator(random_state)
    counts = split_counts(n, 2)
    parts = []
    for k, m in enumerate(counts):
        t = np.sqrt(rng.random(m))
        theta = 2.0 * np.pi * turns * t + k * np.pi
        parts.append(np.column_stack([t * np.cos(theta), t * np.sin(theta)]))
    X = np.vstack(parts)
    return _jitter(rng, *shuffled(rng, X, _labels(counts)), noise)


# ------------------------------------------------------------------------ gaussians


def make_gaussians(
    n_samples: int = 1000,
    centers: int | npt.ArrayLike = 2,
    cluster_std: float | npt.ArrayLike = 1.0,
    random_state: RandomState = None,
) -> tuple[FloatArray, IntArray]:
    """Isotropic Gaussian blobs, one class per blob.

    .. math::

        x \\mid y = j \\;\\sim\\; N(c_j, \\sigma_j^2 I)

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points, split evenly between the blobs (the remainder goes to the
        last blobs).
    centers : int or array-like of shape (n_centers, n_features), default=2
        Either the centres themselves, or how many to place evenly on the circle of
        radius ``2√2`` starting at (2, 2): with 2 they are (2, 2) and (-2, -2), the
        centres of TensorFlow Playground's "gauss" set.
    cluster_std : float or array-like of shape (n_centers,), default=1.0
        Standard deviation of each blob.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
        ``n_features`` is 2 unless ``centers`` is an array.
    y : ndarray of shape (n_samples,), int64
        The index of the blob each point came from.

    Examples
    --------
    >>> X, y = make_gaussians(9, centers=[[0, 0, 0], [5, 5, 5], [9, 9, 9]], random_state=0)
    >>> X.shape, np.bincount(y).tolist()
    ((9, 3), [3, 3, 3])
    """
    n = check_n_samples(n_samples)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = check_positive_int(centers, "centers")
        angles = np.pi / 4 + 2.0 * np.pi * np.arange(k) / k
        C = 2.0 * np.sqrt(2.0) * np.column_stack([np.cos(angles), np.sin(angles)])
        C = np.round(C, 12)  # (2, 2) rather than (2.0000000000000004, 2)
    else:
        C = np.asarray(centers, dtype=np.float64)
        if C.ndim != 2 or C.shape[0] == 0 or C.shape[1] == 0 or not np.all(np.isfinite(C)):
            raise ValueError(
                "centers must be an int >= 1 or a finite array of shape "
                f"(n_centers, n_features); got {centers!r}."
            )
    k = C.shape[0]
    try:
        std_in = np.asarray(cluster_std, dtype=np.float64)
    except (TypeError, ValueError):
        std_in = np.array([np.nan])
    if (
        std_in.ndim > 1
        or std_in.size not in (1, k)
        or not np.all(np.isfinite(std_in))
        or np.any(std_in < 0)
    ):
        raise ValueError(
            f"cluster_std must be a number >= 0 or one per centre ({k} here); got {cluster_std!r}."
        )
    std = np.broadcast_to(std_in.reshape(-1), (k,))
    rng = as_generator(random_state)
    counts = split_counts(n, k)
    X = np.vstack([c + s * rng.standard_normal((m, C.shape[1])) for c, s, m in zip(C, std, counts)])
    return shuffled(rng, X, _labels(counts))
