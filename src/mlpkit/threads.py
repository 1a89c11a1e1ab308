"""BLAS threads: how many a training run uses, decided in one place.

On a 2-core machine OpenBLAS's second thread slowed small GEMMs 3-100x (docs/machine.md):
:func:`blas_threads_for` picks one thread unless the largest matrix product of a step is
big and the machine is idle. :func:`blas_limit` applies a choice for the duration of a
block.
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["blas_limit", "blas_threads_for"]


def blas_threads_for(layer_sizes: list[int], batch_size: int) -> int:
    """How many BLAS threads pay off for this network and batch size.

    On a 2-core machine OpenBLAS's second thread slowed small GEMMs 3-100x
    (docs/machine.md): use one thread unless the largest matmul of a step is big. And only
    when the machine is idle (1-minute load average below 1): with other work running,
    OpenBLAS's spin-waiting workers fight it for the cores, and 2 threads made a
    784-256-256-10 epoch about 2x slower than 1 here (benchmarks/README.md).
    """
    work = max(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])) * batch_size
    # 16M: full-batch digits (1438 x 64 x 64 = 5.9M) ran 12x slower on 2 threads, while
    # 784-256 at batch 128 (25.7M) gains from the second core on an idle machine.
    if work < 16_000_000:
        return 1
    try:
        busy = os.getloadavg()[0] >= 1.0
    except OSError:  # no load average on this platform
        busy = False
    return 1 if busy else (os.cpu_count() or 1)


_CONTROLLER: list[Any] = [None, -1]  # [ThreadpoolController, len(sys.modules) at its scan]


def blas_limit(threads: int) -> Any:
    """A context manager limiting the BLAS libraries to ``threads`` threads.

    ``threadpoolctl.threadpool_limits`` rescans every loaded shared library on each call
    (0.6 ms here: a tenth of a small network's epoch). One ``ThreadpoolController`` is
    kept instead, rescanned only when modules were imported since (which may have loaded
    another BLAS).
    """
    from threadpoolctl import ThreadpoolController

    if _CONTROLLER[0] is None or _CONTROLLER[1] != len(sys.modules):
        _CONTROLLER[0] = ThreadpoolController()
        _CONTROLLER[1] = len(sys.modules)
    return _CONTROLLER[0].limit(limits=threads, user_api="blas")
