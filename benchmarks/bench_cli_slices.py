"""What ``mlpkit train``'s progress slices cost: training by ``Trainer.run`` against the
command line's ``_train`` (``advance(steps=k)`` slices of ~0.5 s, or of 10 ms with
``--progress-every 0.02``), same network, data and seed; interleaved, rotating the order.

    PYTHONPATH=src python benchmarks/bench_cli_slices.py [--reps 5]

Prints the median CPU time of each and the ratios, with the load average beside them.
The weights are checked to be bit-identical.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

import mlpkit
from mlpkit.cli.train import _train
from mlpkit.datasets import load_digits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args()
    X, y = load_digits()
    X = (X - X.mean(0)) / (X.std(0) + 1e-9)

    def trainer():
        net = mlpkit.MLP([64, 256, 256, 10], output="softmax", random_state=0)
        return net, mlpkit.Trainer(net, "adam", batch_size=32, random_state=0)

    def by_run():
        net, tr = trainer()
        tr.run(X, y, args.epochs)
        return net

    def sliced(every):
        def f():
            net, tr = trainer()
            import sys

            err, sys.stderr = sys.stderr, io.StringIO()
            try:
                _train(tr, X, y, args.epochs, None, quiet=False, every_s=every)
            finally:
                sys.stderr = err
            return net

        return f

    cases = {"run": by_run, "slices-0.5s": sliced(2.0), "slices-10ms": sliced(0.02)}
    ref = by_run().params.tobytes()
    times: dict[str, list[float]] = {k: [] for k in cases}
    names = list(cases)
    for rep in range(args.reps):
        order = names[rep % len(names) :] + names[: rep % len(names)]
        for name in order:
            time.sleep(0.3)  # let OpenBLAS's spinning threads go idle
            t = time.process_time()
            net = cases[name]()
            times[name].append(time.process_time() - t)
            assert net.params.tobytes() == ref, name
    base = statistics.median(times["run"])
    print(f"digits 64-256-256-10, batch 32, {args.epochs} epochs, {args.reps} reps, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    for name in names:
        med = statistics.median(times[name])
        print(f"{name:<12} {med:7.3f} s CPU   ratio {med / base:.3f}")


if __name__ == "__main__":
    main()
