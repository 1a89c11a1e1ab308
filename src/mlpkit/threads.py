"""BLAS threads: the one place that decides how many a training run uses, and sets them.

How ``n_threads="auto"`` chooses (:func:`blas_threads_for`)
---------------------------------------------------------
1. One thread when the largest matrix product of a step is small (fewer than 16 million
   multiply-adds, e.g. ``batch_size x n_in x n_out``): on a 2-core machine OpenBLAS's
   second thread made such products 3-100x slower, and a full-batch digits epoch 12x.
2. One thread when the machine is busy (1-minute load average >= 1): another job then
   holds a core, and OpenBLAS's spinning workers fight it for it (a 784-256-256-10 epoch
   ran about 2x slower on 2 threads than on 1).
3. Otherwise :func:`allowed_threads`: never more than the process was given, which is
   the smallest of the BLAS libraries' current limits (threadpoolctl; a Dask worker's
   nanny and joblib's loky workers set them to 1), the ``OPENBLAS_NUM_THREADS``,
   ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ``BLIS_NUM_THREADS`` and
   ``VECLIB_MAXIMUM_THREADS`` environment variables, and the CPUs this process may run on.

How the limit is set (:func:`blas_limit`)
-----------------------------------------
``with blas_limit(n):`` costs a few C calls (reading the current limits) when every BLAS
library already runs ``n`` threads, and then changes nothing. When it has to change the
limit, it does so on entry and, by default, does *not* switch back on exit: the limit
stays until the next scope wants another one, :func:`restore_blas_threads` is called, or
the interpreter exits. Back-to-back calls of ``fit``, ``partial_fit`` or a training step
therefore run under one unchanged limit, as one long ``fit`` does. Switching OpenBLAS
from 1 thread to 2 and back around every call left its single-thread products up to
1.7x slower on a 2-core AMD EPYC machine (benchmarks/bench_threads.py). The price: NumPy
code that runs after a training call keeps that call's limit; call
:func:`restore_blas_threads`, or ``set_restore("exit")`` to restore after every scope.
A limit that someone else changed in the meantime is left alone.

OpenBLAS 0.3.31 ignores a change of its thread count asked from any thread but the main
one, so the restore cannot be deferred to a timer thread.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import Any

__all__ = [
    "allowed_threads",
    "blas_limit",
    "blas_threads",
    "blas_threads_for",
    "resolve_threads",
    "restore_blas_threads",
    "set_restore",
]

_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")  # fmt: skip
#: Below this many multiply-adds in a step's largest matrix product, one thread.
#: Full-batch digits (1438 x 64 x 64 = 5.9M) ran 12x slower on 2 threads, while
#: 784-256 at batch 128 (25.7M) gains from the second core on an idle machine.
_SMALL_PRODUCT = 16_000_000


class _State:
    """What this module changed: guarded by ``lock``."""

    lock = threading.RLock()
    restore = "lazy"  # or "exit": see set_restore
    controller: Any = None
    n_modules = -1  # len(sys.modules) when the controller scanned the libraries
    depth = 0  # active blas_limit scopes (all Python threads)
    stack: list[int] = []  # the limit each active scope set
    saved: list[int] | None = None  # per library: the limit before mlpkit changed it
    ours: int | None = None  # the limit mlpkit set and has not restored yet


def _libs() -> list[Any]:
    """threadpoolctl's controllers of the loaded BLAS libraries (scanned once, and again
    when modules were imported since, which may have loaded another BLAS: a scan reads
    every shared library of the process, 0.6-4 ms)."""
    if _State.controller is None or _State.n_modules != len(sys.modules):
        from threadpoolctl import ThreadpoolController

        _State.controller = ThreadpoolController().select(user_api="blas")
        _State.n_modules = len(sys.modules)
    return list(_State.controller.lib_controllers)


def blas_threads() -> int:
    """The smallest thread limit among the loaded BLAS libraries now (1 if none)."""
    with _State.lock:
        return min((lib.get_num_threads() for lib in _libs()), default=1)


def allowed_threads() -> int:
    """The most BLAS threads this process may use: see the module's docstring, rule 3.

    A limit that :func:`blas_limit` lowered and has not restored yet counts as the one
    it replaced (mlpkit's own choice does not shrink what the process was given).
    """
    with _State.lock:
        current = [lib.get_num_threads() for lib in _libs()]
        if _State.saved is not None and _State.ours is not None:
            current = [s if c == _State.ours else c for c, s in zip(current, _State.saved)]
    bounds = [c for c in current if c and c > 0]
    for var in _ENV_VARS:
        try:
            value = int(os.environ.get(var, ""))
        except ValueError:
            continue
        if value > 0:
            bounds.append(value)
    try:
        bounds.append(len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        bounds.append(os.cpu_count() or 1)
    return max(1, min(bounds))


def blas_threads_for(layer_sizes: list[int], batch_size: int) -> int:
    """How many BLAS threads pay off for this network and batch size (``"auto"``).

    Parameters
    ----------
    layer_sizes : list of int
        Widths from input to output, e.g. ``[784, 256, 256, 10]``.
    batch_size : int
        Rows per step.

    Returns
    -------
    int
        1 for small products or on a busy machine, else :func:`allowed_threads`.
    """
    work = max((a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])), default=0)
    if work * batch_size < _SMALL_PRODUCT:
        return 1
    try:
        busy = os.getloadavg()[0] >= 1.0
    except OSError:  # no load average on this platform
        busy = False
    return 1 if busy else allowed_threads()


def resolve_threads(n_threads: int | str, layer_sizes: list[int], batch_size: int) -> int:
    """``n_threads`` as given (a positive int) or, for ``"auto"``, :func:`blas_threads_for`."""
    if isinstance(n_threads, str) and n_threads == "auto":
        return blas_threads_for(layer_sizes, batch_size)
    if isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1:
        raise ValueError(f"n_threads must be 'auto' or an integer >= 1; got {n_threads!r}.")
    return n_threads


class blas_limit:  # noqa: N801 - used like a function: `with blas_limit(1):`
    """Run the block with the BLAS libraries limited to ``threads`` threads.

    Free when they already run ``threads``; otherwise the limit is set on entry and kept
    after the block (see the module's docstring and :func:`set_restore`). Scopes nest.

    Parameters
    ----------
    threads : int
        The number of BLAS threads inside the block.
    """

    __slots__ = ("threads",)

    def __init__(self, threads: int):
        self.threads = int(threads)

    def __enter__(self) -> blas_limit:
        with _State.lock:
            _set_locked(self.threads)
            _State.stack.append(self.threads)
            _State.depth += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        with _State.lock:
            _State.depth -= 1
            _State.stack.pop()
            if _State.stack:  # back to the enclosing scope's limit, now
                _set_locked(_State.stack[-1])
                return
            if _State.restore == "exit":
                _restore_locked()


def _set_locked(n: int) -> None:
    libs = _libs()
    current = [lib.get_num_threads() for lib in libs]
    if all(c == n for c in current):
        return  # the common case: nothing to do, nothing to remember
    if _State.saved is None or len(_State.saved) != len(libs):
        _State.saved = current  # the first change: remember what was there
    for lib, c in zip(libs, current):
        if c != n:
            lib.set_num_threads(n)
    _State.ours = n
    if all(v == n for v in _State.saved):  # back to where it was: nothing to restore
        _State.saved = _State.ours = None


def _restore_locked() -> None:
    saved, ours = _State.saved, _State.ours
    _State.saved = _State.ours = None
    if saved is None or ours is None:
        return
    libs = _libs()
    if len(libs) != len(saved):  # another BLAS was loaded since: restore what we know
        saved = saved + [saved[-1]] * (len(libs) - len(saved))
    for lib, value in zip(libs, saved):
        if lib.get_num_threads() == ours and value != ours:  # untouched by others
            lib.set_num_threads(value)


def restore_blas_threads() -> None:
    """Restore now the limits that :func:`blas_limit` changed (outside any scope)."""
    with _State.lock:
        if _State.depth == 0:
            _restore_locked()


def set_restore(policy: str) -> str:
    """When :func:`blas_limit` gives back the limit it changed; returns the previous policy.

    Parameters
    ----------
    policy : {"lazy", "exit"}
        ``"lazy"`` (the default): when a later scope wants another limit, on
        :func:`restore_blas_threads`, or at interpreter exit. ``"exit"``: as each
        outermost scope ends (every call of ``fit`` switches the limit twice).
    """
    if policy not in ("lazy", "exit"):
        raise ValueError(f"policy must be 'lazy' or 'exit'; got {policy!r}.")
    with _State.lock:
        previous, _State.restore = _State.restore, policy
    return previous


def _after_fork_in_child() -> None:
    # A fresh lock: the parent's may have been held by another thread at the fork.
    _State.lock = threading.RLock()
    _State.depth = 0
    _State.stack = []


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(restore_blas_threads)
