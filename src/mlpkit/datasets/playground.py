"""Ports of TensorFlow Playground's four classification generators.

Source: ``src/dataset.ts`` of https://github.com/tensorflow/playground (Apache-2.0,
Google 2016): ``classifyCircleData``, ``classifyXORData``, ``classifyTwoGaussData`` and
``classifySpiralData``. The geometry, the noise model and the labelling rule are kept
as written there; the differences are listed in :func:`make_playground`'s Notes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._common import (
    FloatArray,
    IntArray,
    RandomState,
    as_generator,
    check_n_samples,
    check_nonnegative,
    shuffled,
    split_counts,
)

__all__ = ["PLAYGROUND_NAMES", "make_playground"]

_Generator = Callable[[np.random.Generator, list[int], float], tuple[FloatArray, IntArray]]


def _circle(
    rng: np.random.Generator, counts: list[int], noise: float
) -> tuple[FloatArray, IntArray]:
    # classifyCircleData: radius 5; class 0 drawn with r ~ U(3.5, 5), class 1 with
    # r ~ U(0, 2.5) (uniform in r, not by area, as in dataset.ts). The label is the
    # rule d < 2.5 applied to the point *plus* noise, but the point is stored without it.
    radius = 5.0
    parts, labels = [], []
    for (r_low, r_high), m in zip(((0.7 * radius, radius), (0.0, 0.5 * radius)), counts):
        r = rng.uniform(r_low, r_high, m)
        angle = rng.uniform(0.0, 2.0 * np.pi, m)
        pts = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        noisy = pts + rng.uniform(-radius, radius, (m, 2)) * noise
        parts.append(pts)
        labels.append((np.hypot(noisy[:, 0], noisy[:, 1]) < 0.5 * radius).astype(np.int64))
    return np.vstack(parts), np.concatenate(labels)


def _xor(rng: np.random.Generator, counts: list[int], noise: float) -> tuple[FloatArray, IntArray]:
    # classifyXORData: x, y ~ U(-5, 5) pushed 0.3 away from the axes; label 1 iff
    # (x + nx) (y + ny) >= 0 with nx, ny ~ U(-5, 5) * noise.
    n = sum(counts)
    padding = 0.3
    pts = rng.uniform(-5.0, 5.0, (n, 2))
    pts += np.where(pts > 0, padding, -padding)
    jitter = rng.uniform(-5.0, 5.0, (n, 2)) * noise
    noisy = pts + jitter
    return pts, (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)


def _gauss(
    rng: np.random.Generator, counts: list[int], noise: float
) -> tuple[FloatArray, IntArray]:
    # classifyTwoGaussData: variance = linear map of noise from [0, 0.5] to [0.5, 4];
    # class 1 around (2, 2), class 0 around (-2, -2); normalRandom scales by sqrt(variance).
    variance = 0.5 + noise * (4.0 - 0.5) / 0.5
    std = np.sqrt(variance)
    parts, labels = [], []
    for label, centre, m in zip((0, 1), (-2.0, 2.0), counts):
        parts.append(centre + std * rng.standard_normal((m, 2)))
        labels.append(np.full(m, label, dtype=np.int64))
    return np.vstack(parts), np.concatenate(labels)


def _spiral(
    rng: np.random.Generator, counts: list[int], noise: float
) -> tuple[FloatArray, IntArray]:
    # classifySpiralData: point i of m has r = 5 i / m and t = 1.75 * 2 pi i / m + deltaT,
    # x = r sin t + U(-1, 1) noise, y = r cos t + U(-1, 1) noise; deltaT = 0 for class 1,
    # pi for class 0.
    parts, labels = [], []
    for label, delta_t, m in zip((0, 1), (np.pi, 0.0), counts):
        i = np.arange(m)
        r = i / m * 5.0
        t = 1.75 * i / m * 2.0 * np.pi + delta_t
        pts = np.column_stack([r * np.sin(t), r * np.cos(t)])
        pts += rng.uniform(-1.0, 1.0, (m, 2)) * noise
        parts.append(pts)
        labels.append(np.full(m, label, dtype=np.int64))
    return np.vstack(parts), np.concatenate(labels)


_GENERATORS: dict[str, _Generator] = {
    "circle": _circle,
    "gauss": _gauss,
    "spiral": _spiral,
    "xor": _xor,
}

PLAYGROUND_NAMES: tuple[str, ...] = tuple(sorted(_GENERATORS))


def make_playground(
    name: str, n_samples: int = 500, noise: float = 0.0, random_state: RandomState = None
) -> tuple[FloatArray, IntArray]:
    """TensorFlow Playground's classification sets: "circle", "xor", "gauss", "spiral".

    Faithful ports of ``src/dataset.ts`` (tensorflow/playground):

    * **circle** -- radius 5: class 1 at distance ``r ~ U(0, 2.5)``, class 0 at
      ``r ~ U(3.5, 5)``; label ``[d(x + ε) < 2.5]`` with ``ε ~ U(-5, 5)² · noise``.
    * **xor** -- ``x ~ U(-5, 5)²`` moved 0.3 away from both axes; label
      ``[(x1 + ε1)(x2 + ε2) >= 0]`` with ``ε ~ U(-5, 5)² · noise``.
    * **gauss** -- class 1 ~ N((2, 2), v I), class 0 ~ N((-2, -2), v I) with variance
      ``v = 0.5 + 7 · noise`` (noise 0 to 0.5 maps to variance 0.5 to 4).
    * **spiral** -- point i of m: ``r = 5 i/m``, ``t = 3.5 π i/m + δ``,
      ``x = r (sin t, cos t) + U(-1, 1)² · noise``; δ = 0 for class 1, π for class 0.

    Parameters
    ----------
    name : {"circle", "gauss", "spiral", "xor"}
        Which generator.
    n_samples : int, default=500
        Number of points (the Playground's default is 500).
    noise : float, default=0.0
        The Playground's noise slider divided by 100: 0 to 0.5 in the app. Larger values
        are accepted and extrapolate the same formulas.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
        1 where the Playground says +1 (drawn blue), 0 where it says -1 (orange).

    Notes
    -----
    Differences from ``dataset.ts``: labels are 0/1 instead of -1/+1; for an odd
    ``n_samples`` class 0 gets ``n // 2`` points and class 1 the rest, so exactly
    ``n_samples`` come back (the TypeScript loops ``i < n/2`` and return one extra);
    random numbers come from NumPy, not ``seedrandom``, so the points differ from the
    app's; rows are shuffled (the app shuffles before its train/test split).

    Examples
    --------
    >>> X, y = make_playground("circle", 6, random_state=0)
    >>> X.shape, np.bincount(y).tolist()
    ((6, 2), [3, 3])
    >>> bool(np.all((np.hypot(X[:, 0], X[:, 1]) < 2.5) == (y == 1)))
    True
    """
    if not isinstance(name, str) or name not in _GENERATORS:
        raise ValueError(
            f"Unknown TensorFlow Playground dataset {name!r}; expected one of "
            f"{', '.join(repr(k) for k in PLAYGROUND_NAMES)}."
        )
    n = check_n_samples(n_samples)
    noise = check_nonnegative(noise, "noise")
    rng = as_generator(random_state)
    X, y = _GENERATORS[name](rng, split_counts(n, 2), noise)
    return shuffled(rng, X, y)
