"""Training speed: mlpkit against scikit-learn's MLPClassifier and PyTorch eager (CPU).

Run by hand, never as a timed test::

    PYTHONPATH=src python benchmarks/bench_speed.py            # 1 and 2 threads, ~12 min
    PYTHONPATH=src python benchmarks/bench_speed.py --quick    # fewer rows, ~3 minutes
    PYTHONPATH=src python benchmarks/bench_speed.py --threads 1 --json out.json
    PYTHONPATH=src python benchmarks/bench_speed.py --quick --standalone   # + fresh processes

Workloads (issue 2, "Speed"):

* ``mnist-bB``: 784-256-256-10 ReLU, softmax cross-entropy, Adam (lr 1e-3), batch B in
  (32, 128, 512), 60,000 synthetic MNIST-shaped float32 rows (pixels uniform in [0, 1),
  labels from a fixed random linear teacher, so the nets do learn).
* ``toy``: 2-10-10-1 tanh, **binary logistic** output with cross-entropy (so that
  scikit-learn's MLPClassifier runs the same model), Adam, batch 32, 10,000 2-D points
  labelled by the sign of x0 * x1.

How it is timed:

* In ONE process and interleaved: each repetition runs every library once (mlpkit,
  PyTorch, scikit-learn, the GEMM-only bound), rotating the order, with a pause between
  runs so OpenBLAS's spinning worker threads settle (docs/machine.md); for the toy net,
  whose runs last milliseconds, one untimed epoch follows the pause. Each run trains
  ``epochs`` epochs on a model that persists across repetitions (warm caches, warm
  optimizer state); its time / epochs is one sample; the tables show the median, the
  best repetition, and the median of the process's CPU time (``time.process_time``):
  on a machine shared with other jobs, the wall clock also counts the time spent
  waiting for a core, while with one thread the CPU time does not.
* Threads: ``--threads 1 2`` (the default) runs every workload at 1 and at 2 threads;
  ``auto`` takes mlpkit's own choice (:func:`mlpkit.threads.blas_threads_for`). Every
  library gets the same number: ``torch.set_num_threads``, ``threadpool_limits`` around
  scikit-learn, :func:`mlpkit.threads.blas_limit` around the bound.
* ``--standalone``: besides the interleaved run, each library alone in a fresh process
  that imports only it, trained the way users call it: one long fit of ``E`` epochs,
  and ``E`` calls of a one-epoch fit back to back (per-epoch time of each). The
  interleaving must not hide what a user sees.
* Each library trains with its usual loop: mlpkit ``net.fit`` with default options;
  scikit-learn ``fit`` with ``warm_start=True`` and ``max_iter=epochs`` (alpha=0, no
  early stopping); PyTorch a plain eager loop (``randperm``, index the batch,
  ``zero_grad``, forward, loss, ``backward``, ``step``, ``loss.item()``) with
  ``torch.optim.Adam(fused=True)``, its fastest CPU Adam (~3x its default here).
* GEMM-only bound: per step, exactly the matmuls of forward + backward (``Z = X W`` per
  layer, ``dW = Hᵀ dZ`` per layer, ``dH = dZ Wᵀ`` for every layer but the first) on
  preallocated float32 arrays of the same shapes, the same number of steps per epoch
  (the last batch partial), the same threads, nothing else. ``share = bound / mlpkit``.
* Adam floor: the bound plus what every Adam step on shuffled mini-batches must also do:
  gather the batch's rows and update every weight once (mlpkit's one-pass Adam kernel)
  on the flat vector whose views the next GEMMs read, so the weights are written every
  step as in training. ``bound / floor`` is the highest share of the bound that an Adam
  trainer could reach on these shapes; ``floor / mlpkit`` is how close mlpkit gets.
* Peak memory: each library trains one epoch in a fresh subprocess that imports only
  that library; the process's peak resident set size (``VmHWM`` in /proc/self/status,
  the per-process form of ``getrusage``'s ``ru_maxrss``) is read after the data is built
  and the model created, and again after training. The table gives the peak RSS and its
  growth during training ("train +"). The data itself (60,000 x 784 float32) is 180 MiB.
  mlpkit's compiled optimizer (numba, when installed) loads at its first step, a one-off
  ~100 MiB of compiler libraries that does not grow with the data or the network: the
  child loads it with one Adam step on a scratch vector before "before", and the table
  shows it apart ("one-off load"), as the time of ``import torch`` is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

PAUSE_S = 0.3  # lets OpenBLAS's spinning threads go idle between libraries


@dataclass(frozen=True)
class Workload:
    name: str
    sizes: tuple[int, ...]
    activation: str
    batch_size: int
    n_rows: int
    epochs: int  # per repetition
    warmup: int = 0  # untimed epochs right before each timed run (see time_workload)

    @property
    def classes(self) -> int:
        return self.sizes[-1] if self.sizes[-1] > 1 else 2


def workloads(quick: bool) -> list[Workload]:
    rows = 12_000 if quick else 60_000
    return [
        Workload("mnist-b32", (784, 256, 256, 10), "relu", 32, rows, 1),
        Workload("mnist-b128", (784, 256, 256, 10), "relu", 128, rows, 1),
        Workload("mnist-b512", (784, 256, 256, 10), "relu", 512, rows, 1),
        Workload("toy", (2, 10, 10, 1), "tanh", 32, 2_000 if quick else 10_000, 20, 1),
    ]


def make_data(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    """Float32 features and integer labels, seeded."""
    rng = np.random.default_rng(0)
    if w.sizes[0] == 2:
        X = rng.uniform(-1, 1, (w.n_rows, 2)).astype(np.float32)
        return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X = rng.random((w.n_rows, w.sizes[0]), dtype=np.float32)
    teacher = rng.standard_normal((w.sizes[0], w.sizes[-1])).astype(np.float32)
    return X, (X @ teacher).argmax(axis=1)


def resolve_threads(arg: str, w: Workload) -> int:
    if arg == "auto":
        from mlpkit.threads import blas_threads_for

        return blas_threads_for(list(w.sizes), w.batch_size)
    return int(arg)


# ---------------------------------------------------------------- the contestants
# Each factory builds a model once and returns ``train(epochs)``, which trains that many
# more epochs.


def mlpkit_trainer(w: Workload, X: np.ndarray, y: np.ndarray, threads: int) -> Callable:
    import mlpkit

    output = "softmax" if w.sizes[-1] > 1 else "logistic"
    net = mlpkit.MLP(list(w.sizes), w.activation, output=output, random_state=0)

    def train(epochs: int) -> None:
        net.fit(X, y, optimizer="adam", epochs=epochs, batch_size=w.batch_size,
                n_threads=threads)  # fmt: skip

    return train


def torch_trainer(w: Workload, X: np.ndarray, y: np.ndarray, threads: int) -> Callable:
    import torch

    torch.manual_seed(0)
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}[w.activation]
    mods: list[torch.nn.Module] = []
    for a, b in zip(w.sizes[:-2], w.sizes[1:-1]):
        mods += [torch.nn.Linear(a, b), act()]
    mods.append(torch.nn.Linear(w.sizes[-2], w.sizes[-1]))
    model = torch.nn.Sequential(*mods)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    Xt = torch.from_numpy(X)
    if w.sizes[-1] > 1:
        yt = torch.from_numpy(y)
        loss_fn: torch.nn.Module = torch.nn.CrossEntropyLoss()
    else:
        yt = torch.from_numpy(y.astype(np.float32)).reshape(-1, 1)
        loss_fn = torch.nn.BCEWithLogitsLoss()
    n, bs = X.shape[0], w.batch_size

    def train(epochs: int) -> None:
        torch.set_num_threads(threads)
        for _ in range(epochs):
            perm = torch.randperm(n)
            total = 0.0
            for s in range(0, n, bs):
                idx = perm[s : s + bs]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(Xt[idx]), yt[idx])
                loss.backward()
                opt.step()
                total += loss.item() * idx.shape[0]

    return train


def sklearn_trainer(w: Workload, X: np.ndarray, y: np.ndarray, threads: int) -> Callable:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    clf = MLPClassifier(
        hidden_layer_sizes=w.sizes[1:-1], activation=w.activation, solver="adam",
        alpha=0.0, batch_size=w.batch_size, learning_rate_init=1e-3, shuffle=True,
        tol=0.0, n_iter_no_change=10**9, random_state=0, warm_start=True,
    )  # fmt: skip

    def train(epochs: int) -> None:
        clf.set_params(max_iter=epochs)
        with threadpool_limits(limits=threads, user_api="blas"), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)

    return train


def gemm_step(H: list[np.ndarray], Ws: list[np.ndarray], dWs: list[np.ndarray],
              dH: list[np.ndarray], m: int) -> None:  # fmt: skip
    """The matmuls of one step on the first ``m`` rows: ``Z = X W`` per layer, then
    ``dW = Hᵀ dZ`` per layer and ``dH = dZ Wᵀ`` for every layer but the first (``H[k+1]``
    stands in for both a layer's output and its dZ)."""
    for k in range(len(Ws)):
        np.matmul(H[k][:m], Ws[k], out=H[k + 1][:m])  # Z = X W
    for k in range(len(Ws) - 1, -1, -1):
        np.matmul(H[k][:m].T, H[k + 1][:m], out=dWs[k])  # dW = Hᵀ dZ
        if k:
            np.matmul(H[k + 1][:m], Ws[k].T, out=dH[k][:m])  # dH = dZ Wᵀ


def flat_weights(
    shapes: list[tuple[int, int]], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """One flat float32 parameter vector (small random values) and its zeroed gradient,
    with the (a, b) matrix views of each, in order, as mlpkit lays them out."""
    params = rng.standard_normal(sum(a * b for a, b in shapes), dtype=np.float32)
    params *= np.float32(0.01)
    grad = np.zeros_like(params)
    Ws, dWs, at = [], [], 0
    for a, b in shapes:
        Ws.append(params[at : at + a * b].reshape(a, b))
        dWs.append(grad[at : at + a * b].reshape(a, b))
        at += a * b
    return params, grad, Ws, dWs


def gemm_bound_trainer(w: Workload, X: np.ndarray, y: np.ndarray, threads: int) -> Callable:
    """The matmuls of forward + backward and nothing else (see the module docstring)."""
    from mlpkit.threads import blas_limit

    rng = np.random.default_rng(1)
    n, bs, sizes = X.shape[0], w.batch_size, w.sizes
    batches = [min(bs, n - s) for s in range(0, n, bs)]
    Ws = [rng.standard_normal((a, b), dtype=np.float32) for a, b in zip(sizes[:-1], sizes[1:])]
    dWs = [np.empty_like(W) for W in Ws]
    H = [rng.random((bs, s), dtype=np.float32) for s in sizes]  # layer inputs / outputs
    dH = [np.empty((bs, s), dtype=np.float32) for s in sizes]

    def train(epochs: int) -> None:
        with blas_limit(threads):
            for _ in range(epochs):
                for m in batches:
                    gemm_step(H, Ws, dWs, dH, m)

    return train


def adam_floor_trainer(w: Workload, X: np.ndarray, y: np.ndarray, threads: int) -> Callable:
    """The GEMM-only bound plus the two things every Adam step on shuffled mini-batches
    must also do: gather the batch's rows (``np.take`` into a preallocated buffer) and
    update every weight once (the fused one-pass Adam kernel of :mod:`mlpkit._kernels`,
    or mlpkit's NumPy Adam without numba) on one flat vector whose layer views are the
    matrices that the next step's GEMMs read. No activation, no loss, no bias: a floor
    that no Adam implementation on these shapes goes below (see the module docstring)."""
    from mlpkit.optimizers import Adam
    from mlpkit.threads import blas_limit

    rng = np.random.default_rng(1)
    n, bs, sizes = X.shape[0], w.batch_size, w.sizes
    params, grad, Ws, dWs = flat_weights(list(zip(sizes[:-1], sizes[1:])), rng)
    # Adam moves each weight by about lr per step whatever the gradient: a tiny lr keeps
    # these stand-in weights (whose "gradients" all point one way) from drifting to inf.
    opt = Adam(lr=1e-8)
    H = [np.empty((bs, sizes[0]), dtype=np.float32)]
    H += [rng.random((bs, s), dtype=np.float32) for s in sizes[1:]]
    dH = [np.empty((bs, s), dtype=np.float32) for s in sizes]

    def train(epochs: int) -> None:
        with blas_limit(threads):
            for _ in range(epochs):
                order = rng.permutation(n)
                for s in range(0, n, bs):
                    idx = order[s : s + bs]
                    m = idx.shape[0]
                    np.take(X, idx, axis=0, out=H[0][:m], mode="wrap")  # the batch's rows
                    gemm_step(H, Ws, dWs, dH, m)
                    opt.step(params, grad)  # every weight once, in one pass

    return train


TRAINERS: dict[str, Callable[..., Callable]] = {
    "mlpkit": mlpkit_trainer,
    "torch": torch_trainer,
    "sklearn": sklearn_trainer,
    "gemm": gemm_bound_trainer,
    "floor": adam_floor_trainer,
}


# ---------------------------------------------------------------- timing
def time_workload(
    w: Workload, threads: int, reps: int, libs: list[str]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds per epoch, one sample per repetition and library, interleaved: wall-clock
    time, and CPU time of this process (``time.process_time``)."""
    X, y = make_data(w)
    trainers = {lib: TRAINERS[lib](w, X, y, threads) for lib in libs}
    for train in trainers.values():  # warm-up: imports, first-call costs, buffers
        train(1)
        time.sleep(PAUSE_S)
    wall: dict[str, list[float]] = {lib: [] for lib in libs}
    cpu: dict[str, list[float]] = {lib: [] for lib in libs}
    for r in range(reps):
        order = libs[r % len(libs) :] + libs[: r % len(libs)]
        for lib in order:
            if w.warmup:
                # A process that just slept runs its first few ms slowly (cold caches,
                # CPU frequency, the scheduler): a 10 ms toy epoch measured ~50% slower.
                trainers[lib](w.warmup)
            t0, c0 = time.perf_counter(), time.process_time()
            trainers[lib](w.epochs)
            wall[lib].append((time.perf_counter() - t0) / w.epochs)
            cpu[lib].append((time.process_time() - c0) / w.epochs)
            time.sleep(PAUSE_S)
    return wall, cpu


def measure_memory(lib: str, w: Workload, threads: int) -> dict[str, float]:
    """Peak RSS of one epoch of ``lib`` in a fresh subprocess (see the module docstring)."""
    cmd = [sys.executable, __file__, "--_memory", lib, w.name, str(w.n_rows), str(threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _peak_rss_mib() -> float:
    """This process's peak resident set size, in MiB.

    Linux: ``VmHWM`` from /proc/self/status. (``getrusage``'s ``ru_maxrss`` would carry
    the parent's peak over ``fork``/``exec``, so every child would report at least the
    parent's size.) Elsewhere: ``ru_maxrss`` (KiB on Linux, bytes on macOS).
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024


def _memory_child(lib: str, name: str, n_rows: int, threads: int) -> None:
    w = next(x for x in workloads(False) if x.name == name)
    w = Workload(w.name, w.sizes, w.activation, w.batch_size, n_rows, 1, 0)
    X, y = make_data(w)
    train = TRAINERS[lib](w, X, y, threads)  # imports the library
    imported = _peak_rss_mib()
    if lib == "mlpkit":
        # mlpkit's compiled optimizer (numba, when installed) loads at the first step:
        # a library's one-off load, as ``import torch`` is for PyTorch, measured apart.
        from mlpkit.optimizers import Adam

        n_params = sum((a + 1) * b for a, b in zip(w.sizes[:-1], w.sizes[1:]))
        scratch = np.zeros(n_params, dtype=np.float32)
        Adam().step(scratch, scratch.copy())
        del scratch
    before = _peak_rss_mib()
    train(1)
    peak = _peak_rss_mib()
    print(json.dumps({"peak_mib": peak, "train_mib": peak - before, "load_mib": before - imported}))


def standalone(lib: str, w: Workload, threads: int, epochs: int) -> dict[str, float]:
    """Per-epoch wall time of ``lib`` alone in a fresh process: one long fit of ``epochs``
    epochs ("long"), and ``epochs`` one-epoch fits back to back ("b2b")."""
    out = {}
    for mode in ("long", "b2b"):
        cmd = [sys.executable, __file__, "--_standalone", lib, w.name, str(w.n_rows),
               str(threads), str(epochs), mode]  # fmt: skip
        res = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ)
        out[mode] = float(res.stdout.strip().splitlines()[-1])
    return out


def _standalone_child(lib: str, name: str, n_rows: int, threads: int, epochs: int,
                      mode: str) -> None:  # fmt: skip
    w = next(x for x in workloads(False) if x.name == name)
    w = Workload(w.name, w.sizes, w.activation, w.batch_size, n_rows, 1, 0)
    X, y = make_data(w)
    train = TRAINERS[lib](w, X, y, threads)
    train(1)  # imports, compilation, buffers: not what a long run pays per epoch
    time.sleep(PAUSE_S)
    t0 = time.perf_counter()
    if mode == "long":
        train(epochs)
    else:
        for _ in range(epochs):
            train(1)
    print((time.perf_counter() - t0) / epochs)


# ---------------------------------------------------------------- report
def table(results: list[dict[str, Any]], stat: str = "median") -> str:
    """Markdown table of seconds per epoch; ``stat``: "median" or "best" (wall clock) or
    "cpu_median" (process CPU time) over the repetitions."""
    head = ("| workload | threads | mlpkit s/epoch | torch s/epoch | sklearn s/epoch | "
            "GEMM bound s/epoch | Adam floor s/epoch | mlpkit/torch | mlpkit/sklearn | "
            "share of bound | floor's share of bound | mlpkit's share of floor |")  # fmt: skip
    rows = [head, "|" + "---|" * 12]
    for r in results:
        med = r[stat]
        rows.append(
            f"| {r['workload']} | {r['threads']} | {med['mlpkit']:.4g} | {med['torch']:.4g} | "
            f"{med['sklearn']:.4g} | {med['gemm']:.4g} | {med['floor']:.4g} | "
            f"{med['mlpkit'] / med['torch']:.3f} | {med['mlpkit'] / med['sklearn']:.3f} | "
            f"{med['gemm'] / med['mlpkit']:.2f} | {med['gemm'] / med['floor']:.2f} | "
            f"{med['floor'] / med['mlpkit']:.2f} |"
        )
    return "\n".join(rows)


def memory_table(mem: dict[str, dict[str, dict[str, float]]]) -> str:
    rows = ["| workload | library | peak RSS MiB | train + MiB | one-off load MiB |",
            "|---|---|---|---|---|"]  # fmt: skip
    for wname, per_lib in mem.items():
        for lib, m in per_lib.items():
            rows.append(f"| {wname} | {lib} | {m['peak_mib']:.0f} | {m['train_mib']:.0f} | "
                        f"{m.get('load_mib', 0.0):.0f} |")  # fmt: skip
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer rows and repetitions")
    ap.add_argument(
        "--threads",
        nargs="+",
        default=["1", "2"],
        help="BLAS/torch thread counts to run, numbers or auto (default: 1 2)",
    )
    ap.add_argument(
        "--standalone", action="store_true", help="also time each library alone in fresh processes"
    )
    ap.add_argument(
        "--standalone-epochs",
        type=int,
        default=None,
        help="epochs of the standalone runs (default 5, toy 50)",
    )
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 3)")
    ap.add_argument("--only", nargs="*", default=None, help="workload names to run")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    ap.add_argument("--json", default=None, help="also write the results to this file")
    ap.add_argument("--_memory", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--_standalone", nargs=6, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._standalone:
        lib, name, n_rows, threads, epochs, mode = args._standalone
        _standalone_child(lib, name, int(n_rows), int(threads), int(epochs), mode)
        return
    if args._memory:
        lib, name, n_rows, threads = args._memory
        _memory_child(lib, name, int(n_rows), int(threads))
        return

    import sklearn
    import torch

    import mlpkit

    reps = args.reps or (3 if args.quick else 5)
    libs = ["mlpkit", "torch", "sklearn", "gemm", "floor"]
    print(f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}, "
          f"scikit-learn {sklearn.__version__}, mlpkit {getattr(mlpkit, '__version__', '?')}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()}")  # fmt: skip
    results, loads = [], [os.getloadavg()[0]]
    for w in workloads(args.quick):
        if args.only and w.name not in args.only:
            continue
        for threads_arg in args.threads:
            threads = resolve_threads(threads_arg, w)
            t0 = time.perf_counter()
            samples, cpu_samples = time_workload(w, threads, reps, libs)
            med = {lib: statistics.median(v) for lib, v in samples.items()}
            best = {lib: min(v) for lib, v in samples.items()}
            cpu = {lib: statistics.median(v) for lib, v in cpu_samples.items()}
            loads.append(os.getloadavg()[0])
            results.append({"workload": w.name, "threads": threads, "rows": w.n_rows,
                            "epochs_per_rep": w.epochs, "reps": reps, "samples": samples,
                            "median": med, "best": best, "cpu_median": cpu,
                            "cpu_samples": cpu_samples, "load1": loads[-1]})  # fmt: skip
            took = time.perf_counter() - t0
            print(f"{w.name:>11} ({threads} thread{'s' * (threads > 1)}, {took:.0f}s, load "
                  f"{loads[-1]:.2f}): "
                  + "  ".join(f"{lib} {med[lib]:.4g}" for lib in libs)
                  + f"  | mlpkit/torch {med['mlpkit'] / med['torch']:.3f}"
                  f"  mlpkit/sklearn {med['mlpkit'] / med['sklearn']:.3f}"
                  f"  share {med['gemm'] / med['mlpkit']:.2f}"
                  f"  floor's share {med['gemm'] / med['floor']:.2f}", flush=True)  # fmt: skip
    print("\nMedian over the repetitions:\n")
    print(table(results))
    print("\nBest (fastest) repetition, the least disturbed by other processes:\n")
    print(table(results, "best"))
    print(
        "\nCPU time of the process (median; with one thread, the wall time without the "
        "waits for a core):\n"
    )
    print(table(results, "cpu_median"))
    alone: list[dict[str, Any]] = []
    if args.standalone:
        print("\nEach library alone in a fresh process, s/epoch: one long fit | one-epoch "
              "fits back to back (b2b):\n")  # fmt: skip
        print("| workload | threads | " + " | ".join(f"{lib} long | {lib} b2b" for lib in libs)
              + " | mlpkit b2b/long | share of bound (long) | load |")  # fmt: skip
        print("|" + "---|" * (2 * len(libs) + 5))
        for w in workloads(args.quick):
            if args.only and w.name not in args.only:
                continue
            epochs = args.standalone_epochs or (50 if w.name == "toy" else 5)
            for threads_arg in args.threads:
                threads = resolve_threads(threads_arg, w)
                per = {lib: standalone(lib, w, threads, epochs) for lib in libs}
                loads.append(os.getloadavg()[0])
                alone.append({"workload": w.name, "threads": threads, "epochs": epochs,
                              "results": per, "load1": loads[-1]})  # fmt: skip
                cells = " | ".join(f"{per[lib]['long']:.4g} | {per[lib]['b2b']:.4g}"
                                   for lib in libs)  # fmt: skip
                m = per["mlpkit"]
                print(
                    f"| {w.name} | {threads} | {cells} | {m['b2b'] / m['long']:.3f} | "
                    f"{per['gemm']['long'] / m['long']:.2f} | {loads[-1]:.2f} |",
                    flush=True,
                )
    mem: dict[str, dict[str, dict[str, float]]] = {}
    if not args.no_memory:
        for w in workloads(args.quick):
            if w.name not in ("mnist-b128", "toy") or (args.only and w.name not in args.only):
                continue
            threads = resolve_threads(args.threads[0], w)
            mem[w.name] = {lib: measure_memory(lib, w, threads) for lib in libs[:3]}
        print()
        print(memory_table(mem))
    print(f"\nload average (1 min) during the run: {min(loads):.2f} to {max(loads):.2f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"results": results, "standalone": alone, "memory": mem, "load1": loads},
                      fh, indent=1)  # fmt: skip


if __name__ == "__main__":
    main()
