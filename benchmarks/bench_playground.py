"""Playground speed: frames per second, frame latency, frame size, server memory.

Starts ``mlpkit playground --port 0 --no-browser`` (a subprocess, as a user would) and
connects WebSocket clients that behave like the page with an instant renderer: send the
settings, press play, and acknowledge each frame as soon as it arrives (the server sends
the next frame only after the acknowledgement). Measured:

* frames per second per session, with 1 and with 20 sessions (default 2-4-2-1 tanh
  network, circle data, 500 points, batch 10: one epoch of 25 steps per frame);
* frame latency: from an acknowledgement to the next frame's arrival (median, p95);
* frame size in bytes (the JSON text);
* the server's resident memory (VmRSS) idle, with 1 and with 20 sessions, and with 20
  sessions of the largest network allowed (8 hidden layers of 32 units).

The 1-minute load average is printed beside every timing (this machine is shared).
Run by hand, never as a test::

    PYTHONPATH=src python benchmarks/bench_playground.py            # ~40 s
    PYTHONPATH=src python benchmarks/bench_playground.py --seconds 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

from websockets.sync.client import connect

LARGEST = {"networkShape": [32] * 8, "activation": "relu"}


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load() -> str:
    a, b, c = os.getloadavg()
    return f"load {a:.2f} {b:.2f} {c:.2f}"


class Client(threading.Thread):
    """One page: settings, play, then acknowledge every frame at once."""

    def __init__(self, url: str, settings: dict, seconds: float, start: threading.Barrier):
        super().__init__(daemon=True)
        self.url, self.settings, self.seconds, self.start_barrier = url, settings, seconds, start
        self.frames = 0
        self.latency: list[float] = []
        self.sizes: list[int] = []
        self.error = ""
        self.hold = threading.Event()  # set: stop measuring but keep the session open
        self.release = threading.Event()

    def run(self) -> None:
        try:
            with connect(self.url, max_size=None) as ws:
                json.loads(ws.recv(timeout=30))  # hello
                ws.send(json.dumps({"type": "settings", "settings": self.settings}))
                json.loads(ws.recv(timeout=30))  # the first frame
                ws.send('{"type": "ack"}')
                self.start_barrier.wait(timeout=60)
                ws.send('{"type": "play"}')
                t_end = time.perf_counter() + self.seconds
                sent = time.perf_counter()
                while time.perf_counter() < t_end:
                    text = ws.recv(timeout=30)
                    now = time.perf_counter()
                    if json.loads(text)["type"] != "frame":
                        continue
                    self.frames += 1
                    self.latency.append(now - sent)
                    self.sizes.append(len(text))
                    sent = time.perf_counter()
                    ws.send('{"type": "ack"}')
                ws.send('{"type": "pause"}')
                self.hold.set()
                self.release.wait(timeout=120)
        except Exception as exc:
            self.error = repr(exc)
            self.hold.set()


def measure(url: str, pid: int, n: int, settings: dict, seconds: float) -> dict:
    barrier = threading.Barrier(n + 1)
    clients = [Client(url, settings, seconds, barrier) for _ in range(n)]
    for c in clients:
        c.start()
    barrier.wait(timeout=120)
    t0 = time.perf_counter()
    for c in clients:
        c.hold.wait(timeout=seconds + 60)
    wall = time.perf_counter() - t0
    mem = rss_mib(pid)
    for c in clients:
        c.release.set()
    for c in clients:
        c.join(timeout=30)
    errors = [c.error for c in clients if c.error]
    fps = [c.frames / seconds for c in clients]
    lat = sorted(x for c in clients for x in c.latency)
    sizes = [s for c in clients for s in c.sizes]
    return {
        "sessions": n,
        "fps_min": min(fps),
        "fps_mean": statistics.mean(fps),
        "fps_total": sum(fps),
        "latency_ms_median": 1000 * statistics.median(lat) if lat else float("nan"),
        "latency_ms_p95": 1000 * lat[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
        "frame_bytes_median": statistics.median(sizes) if sizes else 0,
        "rss_mib": mem,
        "wall_s": wall,
        "errors": errors,
        "load": os.getloadavg(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=8.0, help="measuring time per run")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlpkit", "playground", "--port", "0", "--no-browser",
         "--max-sessions", "21"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    m = re.search(r"(http://\S+/)", proc.stdout.readline())
    if not m:
        print("the server did not start", file=sys.stderr)
        return 1
    url = m.group(1).replace("http://", "ws://") + "ws"
    results = []
    try:
        time.sleep(1.0)
        idle = rss_mib(proc.pid)
        print(f"server idle: RSS {idle:.0f} MiB  ({load()})")
        default = {"dataset": "circle", "seed": 0}
        for n, settings, label in ((1, default, "2-4-2-1"), (20, default, "2-4-2-1"),
                                   (20, {**default, **LARGEST}, "2-(32x8)-1 relu")):  # fmt: skip
            r = measure(url, proc.pid, n, settings, args.seconds)
            r["network"] = label
            results.append(r)
            print(
                f"{n:2d} session(s) {label:16s} frames/s per session: min {r['fps_min']:6.1f} "
                f"mean {r['fps_mean']:6.1f} (total {r['fps_total']:6.1f}); latency median "
                f"{r['latency_ms_median']:.1f} ms, p95 {r['latency_ms_p95']:.1f} ms; frame "
                f"{r['frame_bytes_median']:.0f} B; server RSS {r['rss_mib']:.0f} MiB  "
                f"(load {r['load'][0]:.2f} {r['load'][1]:.2f} {r['load'][2]:.2f})"
                + (f"  ERRORS {r['errors']}" if r["errors"] else "")
            )
            time.sleep(1.0)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"idle_rss_mib": idle, "runs": results}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
