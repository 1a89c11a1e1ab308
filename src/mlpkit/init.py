"""Weight initialisation: Glorot, He and LeCun, normal and uniform.

Each function draws a weight matrix of shape (n_in, n_out) from a
:class:`numpy.random.Generator`. Biases start at zero.

====================  =========================================  ========================
name                  distribution                               source
====================  =========================================  ========================
``glorot_normal``     N(0, σ²), σ = √(2 / (n_in + n_out))        Glorot & Bengio 2010;
                                                                 lecture L1
``glorot_uniform``    U(-a, a), a = √(6 / (n_in + n_out))        Glorot & Bengio 2010;
                                                                 lecture L1
``he_normal``         N(0, σ²), σ = √(2 / n_in)                  He et al. 2015 (ReLU)
``he_uniform``        U(-a, a), a = √(6 / n_in)                  He et al. 2015
``lecun_normal``      N(0, σ²), σ = √(1 / n_in)                  LeCun et al. 1998
``lecun_uniform``     U(-a, a), a = √(3 / n_in)                  LeCun et al. 1998
====================  =========================================  ========================

``"auto"`` picks He for the ReLU family and Glorot uniform otherwise (lecture L2 uses
He initialisation for its ReLU MNIST-1D networks).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["INITIALIZERS", "auto_init", "get_initializer"]

Initializer = Callable[[np.random.Generator, int, int, np.dtype], np.ndarray]


def glorot_normal(rng: np.random.Generator, n_in: int, n_out: int, dtype=np.float32):
    sigma = np.sqrt(2.0 / (n_in + n_out))
    return (rng.standard_normal((n_in, n_out)) * sigma).astype(dtype)


def glorot_uniform(rng: np.random.Generator, n_in: int, n_out: int, dtype=np.float32):
    a = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-a, a, (n_in, n_out)).astype(dtype)


def he_normal(rng: np.random.Generator, n_in: int, n_out: int, dtype=np.float32):
    sigma = np.sqrt(2.0 / n_in)
    return (rng.standard_normal((n_in, n_out)) * sigma).astype(dtype)


def he_uniform(rng: np.random.Generator, n_in: int, n_out: int, dtype=np.float32):
    a = np.sqrt(6.0 / n_in)
    return rng.uniform(-a, a, (n_in, n_out)).astype(dtype)


def lecun_normal(rng: np.random.Generator, n_in: int, n_out: int, dtype=np.float32):
    sigma = np.sqrt(1.0 / n_in)
    return (rng.standard_normal((n_in, n_out)) * sigma).astype(dtype)


def lecun_uniform(rng: np.random.Generator, n_in: int, n_out: int, dtype=np.float32):
    a = np.sqrt(3.0 / n_in)
    return rng.uniform(-a, a, (n_in, n_out)).astype(dtype)


def zeros(rng: np.random.Generator, n_in: int, n_out: int, dtype=np.float32):
    """All zeros: symmetric, so hidden units never differ (lecture L1: "otherwise
    learning is impossible"). Useful only to demonstrate exactly that."""
    return np.zeros((n_in, n_out), dtype=dtype)


INITIALIZERS: dict[str, Initializer] = {
    "glorot_normal": glorot_normal,
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform,
    "zeros": zeros,
}

_ALIASES = {"xavier_normal": "glorot_normal", "xavier_uniform": "glorot_uniform",
            "kaiming_normal": "he_normal", "kaiming_uniform": "he_uniform",
            "he": "he_normal", "glorot": "glorot_uniform", "xavier": "glorot_uniform"}  # fmt: skip

_RELU_FAMILY = {"relu", "leaky_relu", "prelu", "elu", "gelu", "silu"}


def auto_init(activation: str) -> str:
    """He normal for the ReLU family, Glorot uniform for everything else."""
    return "he_normal" if activation in _RELU_FAMILY else "glorot_uniform"


def get_initializer(name: str) -> Initializer:
    """An initialiser by name; see :data:`INITIALIZERS`."""
    key = _ALIASES.get(str(name).lower(), str(name).lower())
    if key not in INITIALIZERS:
        raise ValueError(
            f"Unknown init {name!r}. Choose 'auto' or one of: {', '.join(INITIALIZERS)}."
        )
    return INITIALIZERS[key]
