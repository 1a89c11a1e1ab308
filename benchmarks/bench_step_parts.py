"""Where a training step's time goes: from the GEMM-only bound to mlpkit's ``fit``.

Run by hand, never as a timed test::

    PYTHONPATH=src python benchmarks/bench_step_parts.py                 # batch 32 and 128
    PYTHONPATH=src python benchmarks/bench_step_parts.py --batch 512 --threads 2 --reps 15

The 784-256-256-10 ReLU / softmax cross-entropy / Adam workload of ``bench_speed.py``
(12,000 rows, float32), timed per epoch as microseconds per step, every variant once per
repetition in one process, interleaved. Each row adds work to the one before:

* ``gemm``: the GEMM-only bound of ``bench_speed.py``;
* ``floor``: + the batch gather and the one-pass Adam update (``bench_speed.py``'s Adam
  floor);
* ``+ones``: a hand-written NumPy loop with mlpkit's layout (``[X 1]`` input buffers,
  ``[W; b]`` blocks of one flat vector), still without activations or softmax;
* ``+relu``: + ReLU forward (``np.maximum``) and its mask in backward;
* ``+softmax``: + the softmax cross-entropy gradient: the whole network, by hand;
* ``advance``: mlpkit's ``Trainer.advance(epochs=1)`` on data already started;
* ``fit``: ``net.fit(X, y, epochs=1)``, as users call it (validation, the epoch's loss
  and accuracy).

The hand-written rows compute what mlpkit computes, without the engine around it, so
``advance`` against ``+softmax`` is the engine's own cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_speed  # noqa: E402  (the workloads and the bound/floor trainers)


def hand_loop(w: bench_speed.Workload, X: np.ndarray, y: np.ndarray, threads: int,
              level: int) -> Callable[[int], None]:  # fmt: skip
    """A NumPy loop of the network's step; ``level`` 0: layout only, 1: + ReLU,
    2: + softmax cross-entropy gradient."""
    from mlpkit.optimizers import Adam
    from mlpkit.threads import blas_limit

    rng = np.random.default_rng(1)
    n, bs, sizes = X.shape[0], w.batch_size, w.sizes
    Y1 = np.eye(sizes[-1], dtype=np.float32)[y]
    shapes = [(a + 1, b) for a, b in zip(sizes[:-1], sizes[1:])]  # [W; b] blocks
    params, grad, Ws, dWs = bench_speed.flat_weights(shapes, rng)
    opt = Adam(lr=1e-3)
    H = [np.ones((bs, s + 1), dtype=np.float32) for s in sizes[:-1]]  # [X 1] inputs
    Z = [np.empty((bs, s), dtype=np.float32) for s in sizes[1:]]
    dX = [np.empty((bs, s), dtype=np.float32) for s in sizes[:-1]]
    L = len(Ws)

    def train(epochs: int) -> None:
        with blas_limit(threads), np.errstate(over="ignore", invalid="ignore"):
            for _ in range(epochs):
                order = rng.permutation(n)
                Ys = np.take(Y1, order, axis=0)
                for s in range(0, n, bs):
                    idx = order[s : s + bs]
                    m = idx.shape[0]
                    H[0][:m, :-1] = np.take(X, idx, axis=0)
                    for k in range(L):
                        np.dot(H[k][:m], Ws[k], out=Z[k][:m])  # Z = [X 1] [W; b]
                        if k < L - 1:
                            if level >= 1:
                                np.maximum(Z[k][:m], 0, out=H[k + 1][:m, :-1])
                            else:
                                H[k + 1][:m, :-1] = Z[k][:m]
                    g = Z[-1][:m]
                    if level >= 2:
                        g -= g.max(axis=1, keepdims=True)
                        np.exp(g, out=g)
                        g /= np.add.reduce(g, axis=1, keepdims=True)
                        g -= Ys[s : s + m]
                        g *= np.float32(1.0 / m)
                    for k in range(L - 1, -1, -1):
                        np.dot(H[k][:m].T, g, out=dWs[k])  # [dW; db] = [X 1]ᵀ dZ
                        if k:
                            np.dot(g, Ws[k][:-1].T, out=dX[k][:m])
                            g = dX[k][:m]
                            if level >= 1:
                                g *= Z[k - 1][:m] >= 0
                    opt.step(params, grad)

    return train


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, nargs="+", default=[32, 128])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args(argv)
    import mlpkit
    from mlpkit.optimizers import Adam
    from mlpkit.training import Trainer

    names = ("gemm", "floor", "+ones", "+relu", "+softmax", "advance", "fit")
    print(f"784-256-256-10, 12,000 rows, {args.threads} thread(s), {args.reps} repetitions "
          f"interleaved; µs per step (median); load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print("| batch | " + " | ".join(names) + " | load |")
    print("|---|" + "---|" * (len(names) + 1))
    for bs in args.batch:
        w = bench_speed.Workload(f"mnist-b{bs}", (784, 256, 256, 10), "relu", bs, 12_000, 1)
        X, y = bench_speed.make_data(w)
        net = mlpkit.MLP(list(w.sizes), "relu", output="softmax", random_state=0)
        trainer = Trainer(net, Adam(lr=1e-3), batch_size=bs, n_threads=args.threads,
                          metric=False)  # fmt: skip
        trainer.start(X, y)
        runs: dict[str, Callable[[int], object]] = {
            "gemm": bench_speed.gemm_bound_trainer(w, X, y, args.threads),
            "floor": bench_speed.adam_floor_trainer(w, X, y, args.threads),
            "+ones": hand_loop(w, X, y, args.threads, 0),
            "+relu": hand_loop(w, X, y, args.threads, 1),
            "+softmax": hand_loop(w, X, y, args.threads, 2),
            "advance": lambda e, t=trainer: t.advance(epochs=e),
            "fit": bench_speed.mlpkit_trainer(w, X, y, args.threads),
        }
        for run in runs.values():  # warm-up: buffers, imports, the compiled kernels
            run(1)
        times: dict[str, list[float]] = {k: [] for k in runs}
        for _ in range(args.reps):
            for name, run in runs.items():
                t0 = time.perf_counter()
                run(1)
                times[name].append(time.perf_counter() - t0)
        steps = -(-w.n_rows // bs)
        cells = " | ".join(f"{statistics.median(times[k]) / steps * 1e6:.0f}" for k in names)
        print(f"| {bs} | {cells} | {os.getloadavg()[0]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
