"""Back-to-back one-epoch fits against one long fit: does thread control cost anything?

Run by hand, never as a timed test (the process must start with its default BLAS
threads, so do not set OPENBLAS_NUM_THREADS)::

    PYTHONPATH=src python benchmarks/bench_threads.py              # ~2 minutes
    PYTHONPATH=src python benchmarks/bench_threads.py --rounds 5 --epochs 6

The workload of the issue: 784-256-256-10 ReLU, softmax cross-entropy, Adam, float32,
12,000 rows, batch 128, ``n_threads=1`` in a process whose BLAS starts with all cores.
Each mode runs in its own fresh process (one untimed warm-up fit first), the modes in
rotating order, ``--rounds`` times:

* ``long``: one ``net.fit(X, Y, epochs=E, ...)``; per-epoch time = its time / E.
* ``b2b``: E calls of ``net.fit(X, Y, epochs=1, ...)`` back to back, as mlpkit runs them
  now (:func:`mlpkit.threads.blas_limit` keeps the limit between calls).
* ``b2b-toggle``: the same, but the previous limit is restored after every call
  (:func:`mlpkit.threads.restore_blas_threads`), which is what mlpkit did before: limit
  to 1 on entry, back to all cores on exit.
* ``b2b-toggle-mm``: as ``b2b-toggle`` with a 2-thread 600x600 matmul between calls (the
  case that was *faster* on the machine where the slowdown was found).

Reported: the median per-epoch wall time, the median CPU time of the main thread
(``time.thread_time``: excludes waiting for a core and OpenBLAS's other threads), each
mode's ratio to ``long``, and the 1-minute load average before and after. The target
(issue "speed"): ``b2b`` within 5 % of ``long``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MODES = ("long", "b2b", "b2b-toggle", "b2b-toggle-mm")


def child(mode: str, epochs: int, rows: int) -> dict[str, float]:
    import numpy as np

    import mlpkit
    from mlpkit.threads import restore_blas_threads

    rng = np.random.default_rng(0)
    X = rng.random((rows, 784), dtype=np.float32)
    labels = (X @ rng.standard_normal((784, 10)).astype(np.float32)).argmax(1)
    Y = np.eye(10, dtype=np.float32)[labels]
    net = mlpkit.MLP([784, 256, 256, 10], "relu", random_state=0, dtype="float32")
    kw: dict = dict(batch_size=128, n_threads=1, random_state=0)
    big = np.ones((600, 600), np.float32)
    net.fit(X, Y, epochs=1, **kw)  # warm-up: numba kernels, buffers, caches
    restore_blas_threads()
    time.sleep(0.3)  # let OpenBLAS's workers go idle
    t0, c0 = time.perf_counter(), time.thread_time()
    if mode == "long":
        net.fit(X, Y, epochs=epochs, **kw)
    else:
        for _ in range(epochs):
            net.fit(X, Y, epochs=1, **kw)
            if mode != "b2b":
                restore_blas_threads()
            if mode == "b2b-toggle-mm":
                big @ big
    wall, cpu = time.perf_counter() - t0, time.thread_time() - c0
    return {"wall": wall / epochs, "cpu": cpu / epochs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--rows", type=int, default=12_000)
    ap.add_argument("--modes", nargs="*", default=list(MODES))
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.epochs, args.rows)))
        return
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}  # fmt: skip
    results: dict[str, list[dict[str, float]]] = {m: [] for m in args.modes}
    load0 = os.getloadavg()[0]
    for r in range(args.rounds):
        k = r % len(args.modes)
        for mode in args.modes[k:] + args.modes[:k]:
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--epochs", str(args.epochs),
                 "--rows", str(args.rows)],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            results[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))
    load1 = os.getloadavg()[0]
    print(f"784-256-256-10, {args.rows:,} rows, batch 128, n_threads=1, {args.epochs} epochs "
          f"per run, {args.rounds} fresh processes per mode; load average (1 min) "
          f"{load0:.2f} -> {load1:.2f}, {os.cpu_count()} CPUs")  # fmt: skip
    base = {s: statistics.median(x[s] for x in results["long"]) for s in ("wall", "cpu")}
    print("| mode | s/epoch (median wall) | ratio to long | main-thread CPU s/epoch | ratio |")
    print("|---|---|---|---|---|")
    for mode in args.modes:
        w = statistics.median(x["wall"] for x in results[mode])
        c = statistics.median(x["cpu"] for x in results[mode])
        print(f"| {mode} | {w:.3f} | {w / base['wall']:.3f} | {c:.3f} | {c / base['cpu']:.3f} |")


if __name__ == "__main__":
    main()
