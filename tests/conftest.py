"""Shared test set-up.

BLAS threads are pinned to one: on a 2-core machine OpenBLAS's default threading made
small-network training 10-25x slower (docs/machine.md), and tests run many small networks.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# scikit-learn's array-API check (dispatch enabled, NumPy inputs) runs only when SciPy
# was imported with this set; without it the check skips itself.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

_LIMITS = threadpool_limits(limits=1, user_api="blas")

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def subprocess_env() -> dict[str, str]:
    """Environment for running ``python -m mlpkit`` in a subprocess, installed or not."""
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["OPENBLAS_NUM_THREADS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env
