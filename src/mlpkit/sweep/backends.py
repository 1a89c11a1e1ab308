"""Where trials run: local worker processes (loky) or a Dask cluster.

A backend has four methods: ``start(X, y)`` ships the data to the workers once,
``submit(task)`` starts a trial and returns a handle, ``wait(handles, timeout)`` returns
the handles that have finished, and ``outcome(handle)`` says what became of one:
``("done", result)``, ``("lost", reason)`` when the process running it died (the driver
submits the trial again), or ``("error", reason)`` when the trial cannot run at all.

Workers run :func:`mlpkit.sweep.trial.run_trial` and nothing else: the driver proposes the
trials and records the results.

Local
    A loky process pool (the executor behind joblib's default backend). Each worker
    starts with ``OPENBLAS_NUM_THREADS`` (and OMP / MKL) set to the trial's thread count
    (default 1). When a worker dies, loky breaks the whole pool and fails every running
    future with ``TerminatedWorkerError``: those trials are reported lost and a fresh
    pool is started.
Dask
    ``scheduler="tcp://HOST:PORT"`` connects to a running cluster; otherwise a
    ``LocalCluster(processes=True, threads_per_worker=1)`` of ``workers`` processes is
    started (and closed at the end). Dask's nannies start workers with one BLAS thread,
    and the scheduler itself reruns a task whose worker died (``KilledWorker`` after
    ``distributed.scheduler.allowed-failures`` deaths).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import os
import uuid
from typing import Any

import numpy as np

from .trial import run_trial

__all__ = ["DaskBackend", "LocalBackend", "make_backend"]

# The data of the local pool, set once per worker process by the initializer.
_DATA: dict[str, np.ndarray] = {}


def _init_worker(X: np.ndarray, y: np.ndarray) -> None:
    _DATA["X"], _DATA["y"] = X, y


def _run_local(task: dict[str, Any]) -> dict[str, Any]:
    return run_trial(task, _DATA["X"], _DATA["y"])


def _run_dask(task: dict[str, Any], data: tuple[np.ndarray, np.ndarray]) -> dict[str, Any]:
    return run_trial(task, data[0], data[1])


def _thread_env(threads: int) -> dict[str, str]:
    t = str(int(threads))
    return {"OPENBLAS_NUM_THREADS": t, "OMP_NUM_THREADS": t, "MKL_NUM_THREADS": t}


class LocalBackend:
    """Trials in ``workers`` local processes (loky).

    Parameters
    ----------
    workers : int, optional
        Default: the number of CPUs.
    threads : int, default=1
        BLAS threads per worker.
    """

    name = "local"

    def __init__(self, workers: int | None = None, threads: int = 1):
        self.workers = int(workers or os.cpu_count() or 1)
        self.threads = int(threads)
        self._executor: Any = None
        self._args: tuple[np.ndarray, np.ndarray] | None = None

    def __repr__(self) -> str:
        return f"LocalBackend(workers={self.workers})"

    @property
    def description(self) -> str:
        return f"{self.workers} local worker process{'es' if self.workers != 1 else ''}"

    def _pool(self) -> Any:
        # Our own loky pool rather than loky's global reusable one: that one compares
        # its arguments with ``==`` to decide on reuse, which fails on arrays.
        from joblib.externals.loky.process_executor import ProcessPoolExecutor

        assert self._args is not None
        if self._executor is not None:  # broken: a worker died
            self._executor.shutdown(wait=False, kill_workers=True)
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            initializer=_init_worker,
            initargs=self._args,
            env=_thread_env(self.threads),
        )
        return self._executor

    def start(self, X: np.ndarray, y: np.ndarray) -> None:
        self._args = (X, y)
        self._pool()

    @property
    def capacity(self) -> int:
        return self.workers

    def submit(self, task: dict[str, Any]) -> Any:
        from joblib.externals.loky.process_executor import BrokenProcessPool

        try:
            return self._executor.submit(_run_local, task)
        except (BrokenProcessPool, RuntimeError):
            # After a worker's death the pool is broken: a fresh one runs the trial.
            return self._pool().submit(_run_local, task)

    def wait(self, handles: list[Any], timeout: float) -> list[Any]:
        done, _ = cf.wait(handles, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return list(done)

    def outcome(self, handle: Any) -> tuple[str, Any]:
        from joblib.externals.loky.process_executor import BrokenProcessPool

        try:
            return "done", handle.result()
        except BrokenProcessPool as exc:  # TerminatedWorkerError is one
            return "lost", f"worker process died ({type(exc).__name__})"
        except Exception as exc:
            return "error", f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, kill_workers=True)
            self._executor = None


class DaskBackend:
    """Trials as tasks on a Dask cluster.

    Parameters
    ----------
    workers : int, optional
        Start a ``LocalCluster`` of this many single-threaded worker processes
        (default: the number of CPUs). Ignored with ``scheduler``.
    scheduler : str, optional
        The address of a running scheduler, ``tcp://HOST:PORT``.
    threads : int, default=1
        BLAS threads per trial; never more than the worker allows.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None, threads: int = 1):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ImportError(
                "the dask backend needs Dask's distributed scheduler: pip install 'mlpkit[dist]'"
            ) from None
        self.workers = workers
        self.scheduler = scheduler
        self.threads = int(threads)
        self.client: Any = None
        self.cluster: Any = None
        self._data: Any = None
        self._run = uuid.uuid4().hex[:8]

    def __repr__(self) -> str:
        where = self.scheduler or f"LocalCluster(n_workers={self.workers})"
        return f"DaskBackend({where})"

    @property
    def description(self) -> str:
        n = self.capacity
        where = f"scheduler {self.scheduler}" if self.scheduler else "a local Dask cluster"
        return f"{n} Dask worker thread{'s' if n != 1 else ''} on {where}"

    def start(self, X: np.ndarray, y: np.ndarray) -> None:
        from distributed import Client, LocalCluster

        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout="20s")
            except OSError as exc:
                raise OSError(
                    f"cannot reach the Dask scheduler at {self.scheduler} ({exc}). Start one "
                    "with `dask scheduler` and give the address it prints."
                ) from None
            self.client.wait_for_workers(1, timeout=60)
        else:
            self.cluster = LocalCluster(
                n_workers=int(self.workers or os.cpu_count() or 1),
                processes=True,
                threads_per_worker=1,
                dashboard_address=":0",  # a free port, never a clash on 8787
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        # Sent once, to every worker; the tasks refer to it.
        self._data = self.client.scatter((X, y), broadcast=True, hash=False)

    @property
    def capacity(self) -> int:
        if self.client is None:
            return int(self.workers or 1)
        return max(1, sum(self.client.nthreads().values()))

    def submit(self, task: dict[str, Any]) -> Any:
        key = f"mlpkit-sweep-{self._run}-trial-{task['id']}-{uuid.uuid4().hex[:6]}"
        return self.client.submit(_run_dask, task, self._data, key=key, pure=False)

    def wait(self, handles: list[Any], timeout: float) -> list[Any]:
        from distributed import wait

        try:
            done, _ = wait(handles, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        return list(done)

    def outcome(self, handle: Any) -> tuple[str, Any]:
        from distributed import KilledWorker

        try:
            return "done", handle.result()
        except KilledWorker as exc:
            return "error", f"workers died running this trial: {exc}"
        except Exception as exc:
            return "error", f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def make_backend(
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    threads: int = 1,
) -> Any:
    """A backend by name; ``scheduler`` implies Dask."""
    if scheduler and backend == "local":
        backend = "dask"
    if backend == "local":
        return LocalBackend(workers, threads)
    if backend == "dask":
        return DaskBackend(workers, scheduler, threads)
    raise ValueError(f"unknown backend {backend!r}; use 'local' or 'dask'.")
