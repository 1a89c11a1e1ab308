"""The runner: selection, a crashing experiment, the files it writes, the CLI."""

from __future__ import annotations

import json

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
    assert "<script" not in html and "http://" not in html and "https://" not in html
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
