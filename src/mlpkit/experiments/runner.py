"""Run the claims, write ``results.json`` and ``report.html``, print progress."""

from __future__ import annotations

import argparse
import json
import os
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ._base import Claim, Context, Outcome, jsonable, verdict
from .registry import BY_ID, CLAIMS

__all__ = ["cli_main", "reproduce", "select_claims", "summary_table"]


def select_claims(only: str | Iterable[str] | None) -> list[Claim]:
    """The claims named in ``only`` ("C7,C11" or ["C7", "C11"]; case-insensitive), in
    registry order; all of them when ``only`` is None."""
    if only is None:
        return list(CLAIMS)
    names = only.split(",") if isinstance(only, str) else list(only)
    wanted = {n.strip().upper() for n in names if n.strip()}
    unknown = sorted(wanted - set(BY_ID), key=lambda s: (len(s), s))
    if unknown:
        raise ValueError(
            f"Unknown claim id(s): {', '.join(unknown)}. Valid ids are "
            + ", ".join(c.id for c in CLAIMS)
            + " "
            "(see docs/reproduce.md); separate several with commas, e.g. --only C7,D1."
        )
    if not wanted:
        raise ValueError("--only needs at least one claim id, e.g. --only C7,C11.")
    return [c for c in CLAIMS if c.id in wanted]


def _failure_figure(ctx: Context, message: str) -> str:
    fig, axes = ctx.figure(1, 1, width=7, height=2.5)
    axes[0, 0].set_axis_off()
    axes[0, 0].text(
        0.01,
        0.5,
        "experiment failed:\n" + message[-600:],
        fontsize=8,
        family="monospace",
        va="center",
        wrap=True,
    )
    return ctx.save(fig, "failed")


def _run_once(
    claim: Claim, out_dir: Path, quick: bool, seed: int, save_figures: bool
) -> tuple[Outcome, str | None, float]:
    ctx = Context(out_dir, quick, seed, claim.id, save_figures=save_figures)
    t0 = time.perf_counter()
    error = None
    try:
        out = claim.run(ctx)
    except Exception as exc:  # noqa: BLE001 - reported in the results, not swallowed
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        out = Outcome(
            values={"error": error, "traceback": traceback.format_exc()},
            summary=f"failed: {error}",
            our_number="—",
            ok=False,
            why=f"the experiment raised {error}",
            figures=[_failure_figure(ctx, traceback.format_exc())] if save_figures else [],
        )
    return out, error, time.perf_counter() - t0


def headline_numbers(out: Outcome, limit: int = 12) -> dict[str, float]:
    """The numbers whose spread across seeds is reported: ``out.headline``, or else the
    scalar numbers of ``out.values`` (one level of nesting, ``"loss/1 layer, 50"``)."""
    if out.headline:
        return {k: float(v) for k, v in out.headline.items()}
    flat: dict[str, float] = {}
    for k, v in out.values.items():
        items = v.items() if isinstance(v, dict) else [("", v)]
        for k2, v2 in items:
            if isinstance(v2, (bool, np.bool_)) or not isinstance(v2, (int, float, np.number)):
                continue
            flat[f"{k}/{k2}" if k2 else str(k)] = float(v2)
    return dict(list(flat.items())[:limit])


def seed_spread(per_seed: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """min, median and max of each headline number over the seeds that measured it."""
    keys: dict[str, list[float]] = {}
    for entry in per_seed:
        for k, v in entry["headline"].items():
            if v is not None and np.isfinite(v):
                keys.setdefault(k, []).append(float(v))
    return {
        k: {"min": min(v), "median": float(np.median(v)), "max": max(v), "n": len(v)}
        for k, v in keys.items()
    }


def run_claim(
    claim: Claim, out_dir: Path, quick: bool, seed: int, n_seeds: int = 1
) -> dict[str, Any]:
    """Run one claim over ``n_seeds`` seeds (``seed``, ``seed + 1``, …) and return its
    ``results.json`` entry (never raises: a crash becomes a "differs" verdict with the
    error, so one broken experiment cannot hide the others).

    The figures, summary and values are the first seed's; ``seeds`` holds every seed's
    verdict and headline numbers, and the verdict is "reproduced" only when every seed
    reproduces the claim."""
    n_seeds = max(1, int(n_seeds))
    runs = []
    for i in range(n_seeds):
        runs.append((seed + i, *_run_once(claim, out_dir, quick, seed + i, save_figures=i == 0)))
    _, out, error, _ = runs[0]
    per_seed = [
        {
            "seed": s,
            "verdict": verdict(o.ok, o.why),
            "number": o.our_number,
            "headline": headline_numbers(o),
            "seconds": round(t, 2),
        }
        for s, o, _, t in runs
    ]
    k = sum(o.ok for _, o, _, _ in runs)
    seeds_text = f"reproduced in {k}/{n_seeds} seed{'s' if n_seeds > 1 else ''}"
    if k == n_seeds:
        final = "reproduced"
    elif n_seeds == 1:
        final = verdict(False, out.why)
    else:
        s_bad, o_bad = next((s, o) for s, o, _, _ in runs if not o.ok)
        final = verdict(
            False, f"{seeds_text}; seed {s_bad}: {o_bad.why or 'the rule did not hold'}"
        )
    return jsonable(
        {
            "id": claim.id,
            "title": claim.title,
            "seed": claim.lectures,
            "seed_claim": claim.seed_claim,
            "seed_number": claim.seed_number,
            "measured": {"summary": out.summary, "number": out.our_number, "values": out.values},
            "verdict": final,
            "seeds": {
                "n": n_seeds,
                "reproduced": k,
                "text": seeds_text,
                "per_seed": per_seed,
                "spread": seed_spread(per_seed),
            },
            "trains": claim.trains,
            "note": out.note,
            "lecture": claim.lecture,
            "figures": out.figures,
            "seconds": round(sum(t for *_, t in runs), 2),
            "error": error or next((e for _, _, e, _ in runs if e), None),
        }
    )


def summary_table(results: list[dict[str, Any]], width: int = 100) -> str:
    """A one-screen text table: id, title, our number, verdict."""
    lines = [f"{'claim':<5} {'title':<32} {'ours':<32} {'seeds':<6} verdict", "-" * width]
    for r in results:
        v = r["verdict"] if len(r["verdict"]) <= 22 else r["verdict"][:21] + "…"
        ours = r["measured"]["number"]
        ours = ours if len(ours) <= 32 else ours[:31] + "…"
        seeds = r.get("seeds", {"reproduced": int(v == "reproduced"), "n": 1})
        k_n = f"{seeds['reproduced']}/{seeds['n']}"
        lines.append(f"{r['id']:<5} {r['title'][:32]:<32} {ours:<32} {k_n:<6} {v}")
    n_ok = sum(r["verdict"] == "reproduced" for r in results)
    total = sum(r["seconds"] for r in results)
    lines.append("-" * width)
    for r in results:  # the reasons, which the verdict column had to cut
        if r["verdict"] != "reproduced":
            lines.append(f"{r['id']}: {r['verdict'][:200]}")
    lines.append(f"{n_ok}/{len(results)} reproduced in {total:.0f} s")
    return "\n".join(lines)


def reproduce(
    out_dir: str | Path,
    quick: bool = False,
    only: str | Iterable[str] | None = None,
    seed: int = 0,
    progress: Callable[[str], Any] | None = print,
    seeds: int | None = None,
) -> list[dict[str, Any]]:
    """Regenerate the lectures' claims: figures, ``results.json`` and ``report.html``.

    Parameters
    ----------
    out_dir : str or Path
        Created if needed. Receives ``results.json``, ``report.html`` and ``figures/``.
    quick : bool, default=False
        Smaller data and fewer iterations (a few minutes for all 21 claims); the full
        run uses the seeds' own settings where they give them.
    only : str or iterable of str, optional
        Claim ids to run, e.g. ``"C7,C11"``; default all.
    seed : int, default=0
        Base random seed; the same seed gives the same numbers.
    progress : callable or None, default=print
        Receives one line per claim and the summary table; None for silence.
    seeds : int, optional
        How many seeds (``seed``, ``seed + 1``, …) each claim runs over; default 1 for a
        quick run and 5 for the full run. The report says "reproduced in k/n seeds".

    Returns
    -------
    list of dict
        One entry per claim, as written to ``results.json``.
    """
    from .report import write_report

    claims = select_claims(only)
    n_seeds = int(seeds) if seeds is not None else (1 if quick else 5)
    if n_seeds < 1:
        raise ValueError(f"seeds must be a positive integer; got {seeds!r}.")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda s: None)
    say(
        f"mlpkit reproduce: {len(claims)} claim(s), {'quick' if quick else 'full'} run, "
        f"seed {seed}" + (f" (+{n_seeds - 1} more)" if n_seeds > 1 else "") + f", writing to {out}"
    )
    results: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for i, claim in enumerate(claims, 1):
        entry = run_claim(claim, out, quick, seed, n_seeds)
        results.append(entry)
        # Written after every claim, so an interrupted run keeps what it measured.
        (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        say(
            f"[{i:2d}/{len(claims)}] {claim.id:<4} {claim.title[:44]:<44} ... "
            f"{entry['seconds']:6.1f} s  {entry['verdict'][:120]}"
        )
    wall = time.perf_counter() - t0
    meta = {
        "quick": quick,
        "seed": seed,
        "seeds": n_seeds,
        "wall_seconds": round(wall, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    write_report(out, results, meta)
    say("")
    say(summary_table(results))
    say(f"wall time {wall:.0f} s; report: {out / 'report.html'}")
    return results


def cli_main(argv: list[str] | None = None) -> int:
    """``mlpkit reproduce [--quick] [--only C7,C11] --out DIR [--seed N]``.

    Returns 0 when every experiment ran (a "differs" verdict is a result, not an
    error), 1 when one raised, 2 for bad arguments.
    """
    parser = argparse.ArgumentParser(
        prog="mlpkit reproduce",
        description="Regenerate the lectures' claims (C1-C21 and the further results "
        "D1-D15): figures, results.json and a report.html beside them.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller data and fewer iterations (minutes, for CI)"
    )
    parser.add_argument(
        "--only",
        metavar="IDS",
        default=None,
        help="comma-separated claim ids, e.g. C7,C11 (default: all)",
    )
    parser.add_argument("--out", metavar="DIR", required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=0, help="base random seed (default 0)")
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        metavar="N",
        help="run each claim over N seeds (seed, seed+1, ...); default 1 with --quick, else 5",
    )
    parser.add_argument(
        "--mnist",
        metavar="DIR",
        default=None,
        help="folder with the full MNIST IDX files: C13/D7 then use the lecture's "
        "50,000 / 10,000 / 5,000 split (default: the bundled 5,000-image subset; the "
        "MLPKIT_MNIST_DIR environment variable does the same)",
    )
    args = parser.parse_args(argv)
    if args.seeds is not None and args.seeds < 1:
        parser.error(f"--seeds must be a positive integer; got {args.seeds}.")
    if args.mnist is not None:
        if not Path(args.mnist).is_dir():
            parser.error(f"--mnist {args.mnist}: no such folder; give the folder holding "
                         "train-images-idx3-ubyte(.gz) and its label and t10k files.")  # fmt: skip
        os.environ["MLPKIT_MNIST_DIR"] = str(args.mnist)
    try:
        select_claims(args.only)
    except ValueError as exc:
        parser.error(str(exc))
    results = reproduce(
        args.out, quick=args.quick, only=args.only, seed=args.seed, seeds=args.seeds
    )
    return 1 if any(r.get("error") for r in results) else 0
