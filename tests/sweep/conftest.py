"""Small data and real Dask clusters for the sweep tests.

The clusters are real: a ``LocalCluster`` of two single-threaded worker processes, and an
external ``dask scheduler`` with two ``dask worker`` processes on 127.0.0.1 started as
subprocesses on free ports. Both are torn down when the module's tests are done.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")


def sweep_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["OPENBLAS_NUM_THREADS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("MLPKIT_DEBUG", None)
    return env


def journal_records(out: Path) -> list[dict]:
    path = out / "journal.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines(keepends=True)
            if line.endswith("\n")]  # fmt: skip


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    t0 = time.monotonic()
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the sweep ended (rc {proc.returncode}) before {what}")
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def small_data() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=240, n_features=12, n_informative=6, n_classes=3, random_state=0
    )


@pytest.fixture(scope="session")
def small_npz(small_data, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "small.npz"
    np.savez(path, X=small_data[0], y=small_data[1])
    return path


@pytest.fixture(scope="module")
def local_cluster():
    """``LocalCluster(processes=True, n_workers=2, threads_per_worker=1)`` and a client."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the worker and its nanny
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@pytest.fixture(scope="module")
def external_cluster(tmp_path_factory):
    """``dask scheduler`` + two ``dask worker`` subprocesses on 127.0.0.1; yields a
    client connected to it (``client.scheduler.address`` is what ``--scheduler`` takes)."""
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask-logs")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = sweep_env()
    procs: list[subprocess.Popen] = []

    def start(args: list[str], name: str) -> None:
        with open(logs / f"{name}.log", "wb") as log:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "dask", *args],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    client = None
    try:
        start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
              "scheduler")  # fmt: skip
        for i in range(2):
            start(["worker", address, "--nthreads", "1", "--nworkers", "1", "--host",
                   "127.0.0.1", "--no-dashboard", "--name", f"w{i}"], f"worker{i}")  # fmt: skip
        client = Client(address, timeout="60s")
        client.wait_for_workers(2, timeout=90)
        yield client
    finally:
        if client is not None:
            client.close()
        for p in reversed(procs):
            _stop(p)
