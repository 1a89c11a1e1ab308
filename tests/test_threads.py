"""BLAS thread control: "auto" never exceeds what the process was given, a scope that
changes nothing changes nothing, and a changed limit stays across back-to-back scopes
until it is given back."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from mlpkit import threads
from mlpkit.threads import (
    allowed_threads,
    blas_limit,
    blas_threads,
    blas_threads_for,
    resolve_threads,
    restore_blas_threads,
    set_restore,
)

BIG = [784, 256, 256, 10]  # 784 x 256 x 128 = 25.7M multiply-adds per product


@pytest.fixture(autouse=True)
def _back_to_one_thread():
    # The test session runs BLAS on one thread (conftest); leave it so.
    yield
    restore_blas_threads()
    threadpool_limits(limits=1, user_api="blas")


def _run(code: str, **env: str) -> str:
    """Run ``code`` in a fresh interpreter whose BLAS limits come only from ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in threads._ENV_VARS}
    clean["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    clean.update(env)
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip


def test_a_scope_at_the_current_limit_changes_nothing():
    assert blas_threads() == 1
    with blas_limit(1):
        assert blas_threads() == 1
    assert threads._State.ours is None  # nothing to restore: nothing was set


def test_a_changed_limit_stays_between_scopes_until_given_back():
    with blas_limit(2):
        assert blas_threads() == 2
    # Back to back: the next scope finds the limit it wants already in place.
    assert blas_threads() == 2
    with blas_limit(2):
        assert blas_threads() == 2
    restore_blas_threads()
    assert blas_threads() == 1
    # The "exit" policy gives it back as each scope ends.
    previous = set_restore("exit")
    try:
        with blas_limit(2):
            assert blas_threads() == 2
        assert blas_threads() == 1
    finally:
        set_restore(previous)
    with pytest.raises(ValueError, match="'lazy' or 'exit'"):
        set_restore("never")


def test_training_leaves_the_limit_it_chose_and_restore_gives_it_back():
    import numpy as np

    from mlpkit import MLP

    X = np.random.default_rng(0).random((64, 3))
    net = MLP([3, 4, 1], "tanh", random_state=0)
    net.fit(X, X[:, :1], epochs=1, batch_size=16, n_threads=2)
    assert blas_threads() == 2
    net.fit(X, X[:, :1], epochs=1, batch_size=16, n_threads=1)
    assert blas_threads() == 1 and threads._State.ours is None  # back where it was


def test_nested_scopes_and_explicit_restore():
    with blas_limit(2):
        with blas_limit(1):
            assert blas_threads() == 1
        assert blas_threads() == 2  # the enclosing scope's limit, at once
    restore_blas_threads()
    assert blas_threads() == 1


def test_a_limit_changed_by_someone_else_is_left_alone():
    with blas_limit(2):
        pass
    threadpool_limits(limits=3, user_api="blas")  # the user's own choice, after ours
    restore_blas_threads()
    assert blas_threads() == 3


def test_auto_respects_the_environment_and_the_current_limit():
    # Here: OPENBLAS_NUM_THREADS=1 (conftest) and limits of 1 -> one thread, always.
    assert allowed_threads() == 1
    assert blas_threads_for(BIG, 128) == 1
    # A Dask worker or a loky worker: BLAS limited to 1 by threadpoolctl, no variable.
    code = (
        "import numpy, scipy.linalg\n"  # load the BLAS libraries, then limit them
        "from threadpoolctl import threadpool_limits\n"
        "threadpool_limits(limits=1, user_api='blas')\n"
        "from mlpkit.threads import allowed_threads\n"
        "print(allowed_threads())\n"
    )
    assert _run(code) == "1"
    assert _run("from mlpkit.threads import allowed_threads; print(allowed_threads())",
                MKL_NUM_THREADS="1") == "1"  # fmt: skip


def test_our_own_lowered_limit_does_not_shrink_what_auto_may_use():
    # A fresh process with the default limit: one scope at 1 thread, then "auto" still
    # sees the process's own limit, not mlpkit's leftover 1.
    code = (
        "import numpy\n"
        "from mlpkit.threads import allowed_threads, blas_limit, blas_threads\n"
        "before = allowed_threads()\n"
        "with blas_limit(1):\n"
        "    pass\n"
        "print(before, allowed_threads(), blas_threads())\n"
    )
    before, after, now = _run(code).split()
    assert before == after and now == "1"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    info = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    if cpus is not None and info:
        assert int(before) <= cpus


def test_small_products_and_bad_values():
    assert blas_threads_for([64, 64, 10], 128) == 1
    assert resolve_threads(3, BIG, 128) == 3
    assert resolve_threads("auto", [2, 10, 1], 32) == 1
    for bad in (0, -1, 1.5, "two", True):
        with pytest.raises(ValueError, match="n_threads must be 'auto' or an integer"):
            resolve_threads(bad, BIG, 128)
