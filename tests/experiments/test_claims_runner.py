"""The runner: selection, a crashing experiment, the files it writes, the CLI."""

from __future__ import annotations

import json
import re

import pytest

from mlpkit.experiments import cli_main, reproduce, summary_table
from mlpkit.experiments._base import Claim
from mlpkit.experiments.runner import run_claim


def test_reproduce_only_writes_results_report_and_figures(tmp_path):
    lines: list[str] = []
    results = reproduce(tmp_path, quick=True, only="c21,C6", seed=1, progress=lines.append)
    assert [r["id"] for r in results] == ["C6", "C21"]
    on_disk = json.loads((tmp_path / "results.json").read_text())
    assert on_disk == results
    for r in results:
        assert r["verdict"] == "reproduced"
        assert all((tmp_path / f).is_file() for f in r["figures"])
    html = (tmp_path / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html
    # Self-contained: nothing is loaded from anywhere; the only URLs are links to the
    # local playground's presets.
    assert "<script" not in html and "<link" not in html and 'src="http' not in html
    urls = re.findall(r"https?://[^\s\"'<]*", html)
    assert all(u.startswith("http://127.0.0.1:8000/#preset=") for u in urls), urls
    assert any(line.startswith("[ 1/2] C6 ") for line in lines)
    assert "2/2 reproduced" in lines[-2] or any("2/2 reproduced" in s for s in lines)


def _boom(ctx):
    raise RuntimeError("deliberate failure")


def test_a_crashing_experiment_becomes_a_differs_verdict_with_a_figure(tmp_path):
    claim = Claim("C99", "broken", ("004",), "says", "1", "why", _boom)
    entry = run_claim(claim, tmp_path, quick=True, seed=0)
    assert entry["verdict"].startswith("differs: the experiment raised RuntimeError")
    assert entry["error"] and (tmp_path / entry["figures"][0]).is_file()
    assert "deliberate failure" in summary_table([entry])


def test_cli_rejects_bad_ids_and_missing_out(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        cli_main(["--only", "C42", "--out", str(tmp_path)])
    assert e.value.code == 2 and "Unknown claim id(s): C42" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        cli_main(["--quick"])
    assert e.value.code == 2


def test_cli_runs_a_claim(tmp_path, capsys):
    assert cli_main(["--quick", "--only", "C1", "--out", str(tmp_path), "--seed", "3"]) == 0
    assert "[ 1/1] C1 " in capsys.readouterr().out
    assert json.loads((tmp_path / "results.json").read_text())[0]["id"] == "C1"


def _even_seeds_only(ctx):
    from mlpkit.experiments import Outcome

    ok = ctx.seed % 2 == 0
    return Outcome(
        values={"x": float(ctx.seed)},
        summary="s",
        our_number=str(ctx.seed),
        ok=ok,
        why="odd seed",
        headline={"x": float(ctx.seed)},
    )


def test_a_claim_over_seeds_reports_k_of_n_and_the_spread(tmp_path):
    claim = Claim("C98", "seeded", ("004",), "says", "1", "why", _even_seeds_only)
    entry = run_claim(claim, tmp_path, quick=True, seed=0, n_seeds=5)
    s = entry["seeds"]
    assert s["n"] == 5 and s["reproduced"] == 3 and s["text"] == "reproduced in 3/5 seeds"
    assert [p["seed"] for p in s["per_seed"]] == [0, 1, 2, 3, 4]
    assert s["spread"]["x"] == {"min": 0.0, "median": 2.0, "max": 4.0, "n": 5}
    assert entry["verdict"].startswith("differs: reproduced in 3/5 seeds; seed 1: odd seed")
    every = run_claim(claim, tmp_path, quick=True, seed=0, n_seeds=1)
    assert every["verdict"] == "reproduced" and every["seeds"]["text"] == "reproduced in 1/1 seed"


def test_reproduce_over_seeds_writes_the_seed_table(tmp_path):
    results = reproduce(tmp_path, quick=True, only="C6", seed=0, seeds=2, progress=None)
    assert results[0]["seeds"]["text"] == "reproduced in 2/2 seeds"
    html = (tmp_path / "report.html").read_text()
    assert "Claims across seeds" in html and "reproduced in 2/2 seeds" in html
    # Only the first seed draws figures, so each figure name appears once.
    assert results[0]["figures"] and all((tmp_path / f).is_file() for f in results[0]["figures"])


def test_cli_rejects_bad_seeds_and_mnist_dir(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        cli_main(["--seeds", "0", "--out", str(tmp_path)])
    assert e.value.code == 2 and "--seeds must be a positive integer" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        cli_main(["--mnist", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert e.value.code == 2 and "no such folder" in capsys.readouterr().err
