"""Run the claims, write ``results.json`` and ``report.html``, print progress."""

from __future__ import annotations

import argparse
import json
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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
            f"Unknown claim id(s): {', '.join(unknown)}. Valid ids are C1 … C{len(CLAIMS)} "
            "(see SPEC.md section C); separate several with commas, e.g. --only C7,C11."
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


def run_claim(claim: Claim, out_dir: Path, quick: bool, seed: int) -> dict[str, Any]:
    """Run one claim and return its ``results.json`` entry (never raises: a crash becomes a
    "differs" verdict with the error, so one broken experiment cannot hide the others)."""
    ctx = Context(out_dir, quick, seed, claim.id)
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
            figures=[_failure_figure(ctx, traceback.format_exc())],
        )
    seconds = time.perf_counter() - t0
    return jsonable(
        {
            "id": claim.id,
            "title": claim.title,
            "seed": claim.seed_files,
            "seed_claim": claim.seed_claim,
            "seed_number": claim.seed_number,
            "measured": {"summary": out.summary, "number": out.our_number, "values": out.values},
            "verdict": verdict(out.ok, out.why),
            "note": out.note,
            "lecture": claim.lecture,
            "figures": out.figures,
            "seconds": round(seconds, 2),
            "error": error,
        }
    )


def summary_table(results: list[dict[str, Any]], width: int = 100) -> str:
    """A one-screen text table: id, title, our number, verdict."""
    lines = [f"{'claim':<5} {'title':<36} {'ours':<34} verdict", "-" * width]
    for r in results:
        v = r["verdict"] if len(r["verdict"]) <= 22 else r["verdict"][:21] + "…"
        ours = r["measured"]["number"]
        ours = ours if len(ours) <= 34 else ours[:33] + "…"
        lines.append(f"{r['id']:<5} {r['title'][:36]:<36} {ours:<34} {v}")
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

    Returns
    -------
    list of dict
        One entry per claim, as written to ``results.json``.
    """
    from .report import write_report

    claims = select_claims(only)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda s: None)
    say(
        f"mlpkit reproduce: {len(claims)} claim(s), {'quick' if quick else 'full'} run, "
        f"seed {seed}, writing to {out}"
    )
    results: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for i, claim in enumerate(claims, 1):
        entry = run_claim(claim, out, quick, seed)
        results.append(entry)
        # Written after every claim, so an interrupted run keeps what it measured.
        (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        say(
            f"[{i:2d}/{len(claims)}] {claim.id:<4} {claim.title[:44]:<44} ... "
            f"{entry['seconds']:6.1f} s  {entry['verdict']}"
        )
    wall = time.perf_counter() - t0
    meta = {"quick": quick, "seed": seed, "wall_seconds": round(wall, 1)}
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
        description="Regenerate the lectures' 21 claims (SPEC.md section C): figures, "
        "results.json and a report.html beside them.",
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
    args = parser.parse_args(argv)
    try:
        select_claims(args.only)
    except ValueError as exc:
        parser.error(str(exc))
    results = reproduce(args.out, quick=args.quick, only=args.only, seed=args.seed)
    return 1 if any(r.get("error") for r in results) else 0
