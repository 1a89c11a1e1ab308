"""The one engine against a reference checkout (e.g. the last commit with `_FusedStack`).

Every workload runs in a fresh Python process, alternating reference / current / reference
/ current ... (interleaved), so both see the same machine load; each process prints its
median seconds per epoch. Plain stacks (784-256-256-10 ReLU, softmax cross-entropy, Adam,
float32, 6,000 rows; batch 32, 128, 512) and the 2-10-10-1 tanh toy; then the same widths
with dropout, layer norm, residual blocks, weight decay and sample weights, as ratios to
the plain stack of the same checkout. A script to run by hand, not a test::

    git worktree add /tmp/ref 1500391            # the engine before the rewrite
    python benchmarks/bench_engine.py --reference /tmp/ref --threads 1
    python benchmarks/bench_engine.py --reference /tmp/ref --threads 2

Reports the 1-minute load average beside each table (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

WORKER = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
import mlpkit
from threadpoolctl import threadpool_limits

spec = json.loads(sys.argv[2])
rng = np.random.default_rng(0)
sizes, n, bs, epochs = spec["sizes"], spec["n"], spec["bs"], spec["epochs"]
X = rng.normal(size=(n, sizes[0])).astype(np.float32)
if spec["out"] == "softmax":
    y = rng.integers(0, sizes[-1], n)
else:
    y = rng.normal(size=n)
arch = {k: spec[k] for k in ("dropout", "layer_norm", "residual") if k in spec}
fit = {k: spec[k] for k in ("weight_decay",) if k in spec}
if spec.get("sample_weight"):
    fit["sample_weight"] = np.ones(n)
with threadpool_limits(spec["threads"]):
    net = mlpkit.MLP(sizes, spec["act"], output=spec["out"], random_state=0, **arch)
    net.fit(X, y, epochs=1, batch_size=bs, n_threads=spec["threads"], **fit)  # warm-up
    times = []
    for _ in range(spec["reps"]):
        t = time.perf_counter()
        net.fit(X, y, epochs=epochs, batch_size=bs, n_threads=spec["threads"], **fit)
        times.append((time.perf_counter() - t) / epochs)
print(json.dumps(sorted(times)[len(times) // 2]))
"""

MNIST = {"sizes": [784, 256, 256, 10], "n": 6000, "act": "relu", "out": "softmax"}
PLAIN = {
    "batch 32": {**MNIST, "bs": 32, "epochs": 1, "reps": 3},
    "batch 128": {**MNIST, "bs": 128, "epochs": 1, "reps": 3},
    "batch 512": {**MNIST, "bs": 512, "epochs": 2, "reps": 3},
    "2-10-10-1 toy": {
        "sizes": [2, 10, 10, 1],
        "n": 500,
        "act": "tanh",
        "out": "identity",
        "bs": 32,
        "epochs": 20,
        "reps": 7,
    },  # fmt: skip
}
VARIANTS = {
    "dropout 0.1": {"dropout": 0.1},
    "layer norm": {"layer_norm": True},
    "residual": {"residual": True},
    "weight decay": {"weight_decay": 1e-4},
    "sample weights": {"sample_weight": True},
}


def run(src: Path, spec: dict) -> float:
    out = subprocess.run(
        [sys.executable, "-c", WORKER, str(src), json.dumps(spec)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": str(spec["threads"])},
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", type=Path, help="a checkout of the reference commit")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=2, help="interleaved rounds per workload")
    args = ap.parse_args()
    cur = HERE / "src"
    ref = args.reference / "src" if args.reference else None
    print(f"threads {args.threads}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"{'workload':<16}{'reference s/epoch':>18}{'current s/epoch':>16}{'ratio':>8}")
    plain_cur = {}
    for name, spec in PLAIN.items():
        spec = {**spec, "threads": args.threads}
        r_times, c_times = [], []
        for _ in range(args.rounds):
            if ref is not None:
                r_times.append(run(ref, spec))
            c_times.append(run(cur, spec))
        c = min(c_times)
        plain_cur[name] = c
        r = min(r_times) if r_times else float("nan")
        print(f"{name:<16}{r:>18.4f}{c:>16.4f}{c / r:>8.3f}")
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"\n{'variant (batch 128)':<20}{'s/epoch':>10}{'÷ plain':>10}")
    for name, extra in VARIANTS.items():
        spec = {**PLAIN["batch 128"], **extra, "threads": args.threads}
        c = min(run(cur, spec) for _ in range(args.rounds))
        print(f"{name:<20}{c:>10.4f}{c / plain_cur['batch 128']:>10.3f}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
