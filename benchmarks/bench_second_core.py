"""Can the second core take Adam's elementwise work while two BLAS threads are in use?

Run by hand, never as a timed test (needs numba, the ``fast`` extra)::

    PYTHONPATH=src python benchmarks/bench_second_core.py             # ~1 minute
    PYTHONPATH=src python benchmarks/bench_second_core.py --rounds 9 --steps 500

One optimizer step of the 784-256-256-10 network (269,322 float32 parameters) with the
one-pass Adam kernel of :mod:`mlpkit._kernels`, four ways:

* ``serial``: the kernel over the whole vector on the calling thread (what mlpkit runs);
* ``split``: the vector cut in two halves, one on a helper thread (the kernel releases
  the GIL), one on the calling thread; the same bits, since every element is updated on
  its own;
* ``prange``: the kernel on one slice per thread inside a ``parallel=True`` loop
  (numba's own thread pool; its threading layer is printed);

each alone, and right after the GEMM of a training step's first layer at batch 128
(``[X 1] @ [W; b]``, 128 x 785 x 256) as in training, where OpenBLAS's worker thread has
just run on the second core and spins there waiting for the next GEMM. Each variant is
timed in rounds, interleaved in rotating order; the table gives the median µs per step
and the 1-minute load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps", type=int, default=300, help="steps per round")
    ap.add_argument("--threads", type=int, default=2, help="BLAS and numba threads")
    args = ap.parse_args(argv)
    try:
        import numba

        from mlpkit import _kernels
    except ImportError:
        raise SystemExit("numba is not installed: pip install -e '.[fast]'") from None
    from mlpkit.threads import blas_limit

    adam = _kernels.adam
    numba.set_num_threads(args.threads)
    parts = args.threads

    @numba.njit(parallel=True, nogil=True)
    def adam_prange(w, g, m, v, c, flush):  # pragma: no cover - compiled
        # mlpkit's kernel on `parts` contiguous slices, one per numba thread.
        step = (w.shape[0] + parts - 1) // parts
        for t in numba.prange(parts):
            lo, hi = t * step, min(w.shape[0], (t + 1) * step)
            adam(w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], c, flush)

    n = 269_322
    rng = np.random.default_rng(0)
    w, g, m = (rng.standard_normal(n).astype(np.float32) for _ in range(3))
    v = np.abs(rng.standard_normal(n)).astype(np.float32)
    # β1, 1-β1, β2, 1-β2, a, e, decay, tiny (see mlpkit._kernels.adam)
    c = np.array([0.9, 0.1, 0.999, 0.001, 1e3, 1e-5, 1.0, 1.2e-38], dtype=np.float32)
    half = n // 2 - (n // 2) % 16
    pool = ThreadPoolExecutor(1)

    def serial() -> None:
        adam(w, g, m, v, c, False)

    def split() -> None:
        other = pool.submit(adam, w[half:], g[half:], m[half:], v[half:], c, False)
        adam(w[:half], g[:half], m[:half], v[:half], c, False)
        other.result()

    def prange() -> None:
        adam_prange(w, g, m, v, c, False)

    # The three give the same bits (elementwise updates).
    outs = []
    for f in (serial, split, prange):
        saved = [a.copy() for a in (w, m, v)]
        f()
        outs.append([a.copy() for a in (w, m, v)])
        for a, s in zip((w, m, v), saved):
            a[...] = s
    same = all(np.array_equal(a, b) for o in outs[1:] for a, b in zip(outs[0], o))

    Xb = rng.random((128, 785), dtype=np.float32)
    Wb = rng.standard_normal((785, 256), dtype=np.float32)
    Z = np.empty((128, 256), dtype=np.float32)

    def gemm() -> None:
        np.matmul(Xb, Wb, out=Z)

    variants = {"gemm alone": gemm}
    for name, f in (("serial", serial), ("split", split), ("prange", prange)):
        variants[f"{name} alone"] = f
        variants[f"gemm + {name}"] = (lambda f=f: (gemm(), f()))  # fmt: skip
    load0 = os.getloadavg()[0]
    times: dict[str, list[float]] = {k: [] for k in variants}
    with blas_limit(args.threads):
        for f in variants.values():
            for _ in range(20):
                f()
        names = list(variants)
        for r in range(args.rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                f = variants[name]
                t0 = time.perf_counter()
                for _ in range(args.steps):
                    f()
                times[name].append((time.perf_counter() - t0) / args.steps * 1e6)
    pool.shutdown()
    print(f"{n:,} float32 parameters, {args.threads} BLAS and numba threads "
          f"(numba threading layer: {numba.threading_layer()}), {args.rounds} rounds x "
          f"{args.steps} steps; same bits: {same}; load average {load0:.2f} -> "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    print("| variant | median µs per step | best round µs |")
    print("|---|---|---|")
    for name, ts in times.items():
        print(f"| {name} | {statistics.median(ts):.0f} | {min(ts):.0f} |")


if __name__ == "__main__":
    main()
