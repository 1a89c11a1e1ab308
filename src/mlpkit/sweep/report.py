"""What a sweep shows: the progress line, ``results.csv``, the top-trials table, the figure.

The progress line says trials done, running, failed, the best score so far and an ETA.
On a terminal it is one bar redrawn in place; in a log (stderr not a TTY) it is a plain
line when trials finish, at most one every ``interval`` seconds (always the last one),
and one every ``heartbeat`` seconds while nothing finishes: progress bars would write
carriage returns, or nothing, into a log.
"""

from __future__ import annotations

import csv
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .space import Param

__all__ = ["Progress", "plot_sweep", "top_table", "write_csv"]


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Progress:
    """The sweep's progress line.

    Parameters
    ----------
    total : int
        Trials in the sweep.
    done : int
        Trials already finished (a resumed sweep).
    stream : file, default: sys.stderr
    tty : bool, optional
        Draw a bar (default: whether ``stream`` is a terminal).
    interval : float
        Least seconds between two plain lines.
    heartbeat : float
        Most seconds between two plain lines.
    """

    def __init__(
        self,
        total: int,
        done: int = 0,
        failed: int = 0,
        best: float | None = None,
        stream: TextIO | None = None,
        tty: bool | None = None,
        interval: float = 2.0,
        heartbeat: float = 30.0,
        enabled: bool = True,
    ):
        self.total, self.done, self.failed, self.best = total, done, failed, best
        self.running = 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(self.stream.isatty()) if tty is None else tty
        self.interval, self.heartbeat = interval, heartbeat
        self._shown = done
        self.enabled = enabled
        self._start_done = done
        self._t0 = time.perf_counter()
        self._last = -math.inf

    def eta(self) -> float:
        """Seconds left at this run's pace so far (trials finished since it started)."""
        new = self.done - self._start_done
        if new <= 0:
            return math.nan
        return (time.perf_counter() - self._t0) / new * (self.total - self.done)

    def line(self) -> str:
        best = "-" if self.best is None else f"{self.best:.4f}"
        return (
            f"{self.done}/{self.total} done, {self.running} running, {self.failed} failed, "
            f"best {best}, ETA {_clock(self.eta()) if self.done < self.total else '0:00:00'}"
        )

    def update(
        self,
        *,
        finished: dict[str, Any] | None = None,
        running: int | None = None,
        draw: bool = True,
    ) -> None:
        """Count a finished trial's record and/or set the running count; then redraw
        (a plain line: when due, and always once all trials are done)."""
        if running is not None:
            self.running = running
        if finished is not None:
            self.done += 1
            if finished.get("status") != "ok":
                self.failed += 1
            else:
                s = finished.get("score")
                if s is not None and math.isfinite(s) and (self.best is None or s > self.best):
                    self.best = float(s)
        if draw:
            self.draw(force=self.done >= self.total and self._shown != self.done)

    def draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.tty:
            width = 24
            filled = int(width * self.done / max(1, self.total))
            bar = "#" * filled + "." * (width - filled)
            self.stream.write(f"\r[{bar}] {self.line()}\033[K")
            self.stream.flush()
        elif (
            force
            or (self.done != self._shown and now - self._last >= self.interval)
            or now - self._last >= self.heartbeat
        ):
            self._shown = self.done
            self.stream.write(f"sweep: {self.line()}\n")
            self.stream.flush()
            self._last = now

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------------- results.csv
def columns(space: Sequence[Param], n_folds: int) -> list[str]:
    return [
        "trial",
        "status",
        *(f"param_{p.name}" for p in space),
        "score",
        "score_std",
        *(f"score_fold{k}" for k in range(n_folds)),
        "fit_time",
        "wall_time",
        "n_iter",
        "pid",
        "host",
        "blas_threads",
        "attempts",
        "error",
    ]


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)  # every digit: a table that compares equal means equal scores
    return v


def write_csv(
    path: Path, records: Sequence[dict[str, Any]], space: Sequence[Param], n_folds: int
) -> Path:
    """``results.csv``: one row per trial, sorted by trial number."""
    import io as _io

    from ..io import atomic_write_bytes

    buf = _io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns(space, n_folds))
    for r in sorted(records, key=lambda r: int(r["id"])):
        scores = list(r.get("scores") or [])
        scores += [None] * (n_folds - len(scores))
        row = [
            r["id"],
            r.get("status", ""),
            *(r["params"].get(p.name) for p in space),
            r.get("score"),
            r.get("score_std"),
            *scores[:n_folds],
            round(float(r.get("fit_time") or 0.0), 4),
            round(float(r.get("wall_time") or 0.0), 4),
            ";".join(str(i) for i in r.get("n_iter") or []),
            r.get("pid"),
            r.get("host"),
            r.get("blas_threads"),
            r.get("attempts", 1),
            r.get("error", ""),
        ]
        w.writerow([_cell(v) for v in row])
    return atomic_write_bytes(path, buf.getvalue().encode())


def ranked(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Successful trials, best first (ties: lower trial number first)."""
    ok = [
        r
        for r in records
        if r.get("status") == "ok" and r.get("score") is not None and math.isfinite(r["score"])
    ]
    return sorted(ok, key=lambda r: (-r["score"], int(r["id"])))


def top_table(
    records: Sequence[dict[str, Any]], space: Sequence[Param], metric: str, k: int = 5
) -> str:
    """The ``k`` best trials as a text table."""
    best = ranked(records)[:k]
    head = ["rank", "trial", metric, *(p.name for p in space), "fit s"]
    rows = [
        [
            str(i + 1),
            str(r["id"]),
            f"{r['score']:.4f} ± {r.get('score_std') or 0.0:.4f}",
            *(_short(r["params"].get(p.name)) for p in space),
            f"{r.get('fit_time', 0.0):.2f}",
        ]
        for i, r in enumerate(best)
    ]
    widths = [max(len(h), *(len(row[j]) for row in rows)) if rows else len(h)
              for j, h in enumerate(head)]  # fmt: skip
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _short(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


# ---------------------------------------------------------------------- figure
def plot_sweep(
    path: Path,
    records: Sequence[dict[str, Any]],
    space: Sequence[Param],
    metric: str,
    n_best: int = 5,
    classifier: bool = True,
) -> Path:
    """One figure: the score against each parameter that varies (one panel each; failed
    trials left out; the best trial circled in red), and the validation curves (score
    per epoch, first fold) of the best ``n_best`` trials (accuracy for a classifier, R²
    for a regressor)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    ok = ranked(records)
    space = [p for p in space if not (p.kind == "choice" and len(p.choices) == 1)]
    n = len(space) + 1
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
    flat = list(axes.ravel())
    for ax, p in zip(flat, space):
        vals = [r["params"][p.name] for r in ok]
        scores = [r["score"] for r in ok]
        if p.kind == "choice" and not all(isinstance(v, (int, float)) for v in vals):
            cats = [str(c) for c in p.choices]
            # A small fixed jitter, so that trials sharing a value do not hide each other.
            jitter = np.random.default_rng(0).uniform(-0.12, 0.12, len(vals))
            xs = [cats.index(str(v)) + j for v, j in zip(vals, jitter)]
            ax.set_xticks(range(len(cats)), cats)
            ax.set_xlim(-0.5, len(cats) - 0.5)
        else:
            xs = vals
            if p.kind == "log" or (
                p.kind == "choice" and all(isinstance(c, float) and c > 0 for c in p.choices)
                and max(p.choices) / min(p.choices) >= 100
            ):  # fmt: skip
                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(NullFormatter())  # no overlapping 3×10⁻³
        ax.scatter(xs, scores, s=18, alpha=0.7)
        if ok:
            b = ok[0]
            bx = xs[0] if xs else None
            if bx is not None:
                ax.scatter([bx], [b["score"]], s=60, facecolors="none", edgecolors="red")
        ax.set(xlabel=p.name, ylabel=metric, title=f"{metric} vs {p.name}")
        ax.grid(alpha=0.3)
    ax = flat[len(space)]
    for r in ok[:n_best]:
        curve = r.get("curve") or []
        if curve:
            e, s = zip(*curve)
            ax.plot(e, s, marker=".", label=f"trial {r['id']} ({r['score']:.3f})")
    curve = "accuracy" if classifier else "R²"
    ax.set(xlabel="epoch", ylabel=f"validation {curve}",
           title=f"best {min(n_best, len(ok))} trials, first fold")  # fmt: skip
    ax.grid(alpha=0.3)
    if ok:
        ax.legend(fontsize=7)
    for extra in flat[n:]:
        extra.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
