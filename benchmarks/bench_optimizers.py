"""Microseconds per optimizer step on the flat parameter vector of 784-256-256-10.

Run by hand, never as a timed test::

    PYTHONPATH=src OPENBLAS_NUM_THREADS=1 python benchmarks/bench_optimizers.py
    PYTHONPATH=src python benchmarks/bench_optimizers.py --n 151 --steps 20000   # the toy

Every optimizer steps a float32 vector of 269,322 parameters (the 784-256-256-10 MLP of
``bench_speed.py``) with a fixed random gradient. Each path (``numpy``: the in-place
ufunc passes; ``numba``: one fused loop, when numba is installed) is timed in rounds,
interleaved and in rotating order; the table gives the median and the best round, and
the 1-minute load average before and after, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from mlpkit import optimizers

NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "sklearn_sgd",
         "sklearn_adam")  # fmt: skip


def _paths() -> list[str]:
    if not hasattr(optimizers, "set_accelerator"):
        return ["numpy"]
    out = ["numpy"]
    if optimizers.accelerator_available():
        out.append("numba")
    return out


def _time_round(name: str, path: str, w, g, steps: int) -> float:
    if hasattr(optimizers, "set_accelerator"):
        optimizers.set_accelerator(path)
    try:
        opt = optimizers.get_optimizer(name, lr=1e-4)
    except ValueError:  # an optimizer this version does not have
        return float("nan")
    opt.step(w, g)  # allocate state (and compile / load the kernel) outside the timing
    t0 = time.perf_counter()
    for _ in range(steps):
        opt.step(w, g)
    return (time.perf_counter() - t0) / steps * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=269_322, help="number of parameters")
    ap.add_argument("--steps", type=int, default=300, help="steps per round")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--only", nargs="*", default=None, help="optimizer names")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    w = rng.standard_normal(args.n).astype(args.dtype)
    g = (rng.standard_normal(args.n) * 1e-2).astype(args.dtype)
    names = args.only or NAMES
    paths = _paths()
    load0 = os.getloadavg()[0]
    times: dict[tuple[str, str], list[float]] = {(n, p): [] for n in names for p in paths}
    for r in range(args.rounds):
        order = [(n, p) for n in names for p in paths]
        k = r % len(order)
        for n, p in order[k:] + order[:k]:
            times[n, p].append(_time_round(n, p, w, g, args.steps))
    load1 = os.getloadavg()[0]
    print(f"{args.n:,} parameters, {args.dtype}, {args.steps} steps x {args.rounds} rounds; "
          f"load average (1 min) {load0:.2f} -> {load1:.2f}")  # fmt: skip
    head = "| optimizer | " + " | ".join(f"{p} median µs | {p} best µs" for p in paths) + " |"
    print(head)
    print("|---" * (1 + 2 * len(paths)) + "|")
    for n in names:
        cells = []
        for p in paths:
            ts = times[n, p]
            cells += [f"{statistics.median(ts):.1f}", f"{min(ts):.1f}"]
        print(f"| {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
