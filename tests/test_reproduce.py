"""End to end: ``mlpkit reproduce --quick`` in a subprocess, read back from results.json,
and the report opened in a real headless Chromium (Debian's, driven by Playwright).

The quick run (a few minutes on 2 cores) happens once per session and is shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PNG = b"\x89PNG\r\n\x1a\n"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce") / "out"
    src = Path(__file__).resolve().parents[1] / "src"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
    env["OPENBLAS_NUM_THREADS"] = "1"
    env["MPLBACKEND"] = "Agg"
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mlpkit", "reproduce", "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    wall = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    return {"out": out, "results": results, "stdout": proc.stdout, "wall": wall}


@pytest.fixture(scope="session")
def by_id(quick_run):
    return {r["id"]: r for r in quick_run["results"]}


def values(by_id, cid):
    return by_id[cid]["measured"]["values"]


@pytest.mark.slow
def test_every_claim_has_figure_number_and_verdict(quick_run):
    from mlpkit.experiments import CLAIMS

    results = quick_run["results"]
    ids = [r["id"] for r in results]
    assert ids == [c.id for c in CLAIMS]
    assert ids[:21] == [f"C{i}" for i in range(1, 22)]
    wanted = {f"D{i}" for i in range(1, 16)} - {"D6", "D8"}  # D6 is C16; D8 word2vec
    assert wanted <= set(ids)
    for r in results:
        assert r["title"] and r["seed_claim"] and r["seed"].startswith("L"), r["id"]
        assert r["error"] is None, (r["id"], r["error"])
        assert r["measured"]["summary"] and r["measured"]["number"], r["id"]
        assert r["measured"]["values"], r["id"]
        assert r["verdict"] == "reproduced" or r["verdict"].startswith("differs: "), r["id"]
        assert r["figures"], r["id"]
        for fig in r["figures"]:
            data = (quick_run["out"] / fig).read_bytes()
            assert data[:8] == PNG and len(data) > 2000, (r["id"], fig)
        assert r["seconds"] >= 0
        assert r["seeds"]["n"] == 1 and r["seeds"]["text"].startswith("reproduced in ")


@pytest.mark.slow
def test_progress_lines_and_summary_table(quick_run):
    out = quick_run["stdout"]
    n = len(quick_run["results"])
    for i, r in enumerate(quick_run["results"], 1):
        assert f"[{i:2d}/{n}] {r['id']} " in out
    assert "reproduced in" in out and "claim" in out


@pytest.mark.slow
def test_rings_need_width_three(by_id):
    v = values(by_id, "C9")
    errors = v["train_errors"]
    narrow = [e for k, e in errors.items() if k != "2-3-1"]
    assert len(narrow) == 3 and min(narrow) >= 1  # every width-2 net misclassifies a point
    assert errors["2-3-1"] == 0 and v["train_accuracy"]["2-3-1"] == 1.0


@pytest.mark.slow
def test_checkerboard_adaboost_near_chance_mlp_far_better(by_id):
    v = values(by_id, "C8")
    assert v["tiles"] == 3 and abs(v["majority_rate"] - 5 / 9) < 0.03
    assert v["adaboost_rounds"] == 100 and len(v["adaboost_linear_accuracy_by_round"]) == 100
    assert abs(v["adaboost_linear_accuracy"] - v["majority_rate"]) < 0.1
    assert v["mlp10_accuracy"] >= v["adaboost_linear_accuracy"] + 0.2


@pytest.mark.slow
def test_banana_adaboost_runs_100_rounds_beside_the_mlp_curve(by_id):
    v = values(by_id, "C7")
    assert len(v["adaboost_stumps_accuracy_by_round"]) == 100
    assert len(v["adaboost_logistic_accuracy_by_round"]) == 100
    assert len(v["mlp_accuracy"]) == len(v["hidden_units"]) and max(v["mlp_accuracy"]) > 0.9


@pytest.mark.slow
def test_image_surface_two_layers_beat_one_at_501(by_id):
    v = values(by_id, "C11")
    loss, w = v["loss"], v["weights"]
    assert w["1 layer, 125"] == w["2 layers, 20"] == 501
    assert loss["2 layers, 20"] < loss["1 layer, 125"] < 1.0


@pytest.mark.slow
def test_errata_numbers(by_id, quick_run):
    v5 = values(by_id, "C5")
    assert v5["regions_5x10_1_input"] == 161_051
    assert int(v5["regions_5x50_10_inputs"]) > 10**40
    rows = {r["network"]: r["counted"] for r in values(by_id, "C6")["rows"]}
    assert rows["MNIST-1D 4×63"] == 15_319
    assert values(by_id, "C14")["params"]["4 layers × 63"] == 15_319
    html = (quick_run["out"] / "report.html").read_text()
    for text in ("161,051", "more than 10^40", "15,319"):
        assert text in html


@pytest.mark.slow
def test_small_claims_substance(by_id):
    assert values(by_id, "C1")["n_params"] == 10 and values(by_id, "C1")["joints"] == 3
    v4 = values(by_id, "C4")
    assert v4["composed_regions"] >= 9 and v4["shallow_max_regions_seen"] <= 7
    s = values(by_id, "C20")["singular_values"]
    assert round(s[0], 1) == 2.2 and round(s[1], 2) == 0.74
    peaks = {(c["n1"], c["n2"]): c["peaks_composed"] for c in values(by_id, "C21")["cases"]}
    assert peaks == {(3, 2): 12, (4, 5): 40}
    ros = values(by_id, "C2")["rosenbrock_loss"]
    assert ros[0] > ros[1] > ros[2] and ros[2] < 0.1
    assert values(by_id, "D11")["rows"][1]["n_params"] == 13_002
    v10 = values(by_id, "C10")
    assert (v10["one_layer_weights"], v10["two_layer_weights"]) == (401, 151)


@pytest.mark.slow
def test_verdicts_follow_the_rules(by_id):
    # The verdict is computed from the values: recompute two rules independently.
    v8 = values(by_id, "C8")
    ada, mlp, maj = v8["adaboost_linear_accuracy"], v8["mlp10_accuracy"], v8["majority_rate"]
    ok8 = ada <= maj + 0.05 and mlp >= 0.9 and mlp - max(ada, maj) >= 0.25
    assert (by_id["C8"]["verdict"] == "reproduced") == ok8
    v21 = values(by_id, "C21")["cases"]
    ok21 = all(c["peaks_composed"] == 2 * c["n1"] * c["n2"] for c in v21)
    assert (by_id["C21"]["verdict"] == "reproduced") == ok21


@pytest.mark.slow
def test_quick_run_fits_the_ci_budget(quick_run):
    assert quick_run["wall"] < 600, f"quick run took {quick_run['wall']:.0f} s"


@pytest.mark.slow
def test_report_opens_in_headless_chromium_without_errors(quick_run, tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "needs Debian's chromium: apt-get install -y chromium"
    report = quick_run["out"] / "report.html"
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        rows = page.locator("table").first.locator("tbody tr").count()
        sections = page.locator("section.claim").count()
        images = page.locator("section.claim img")
        n_img = images.count()
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length"
        )
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    assert errors == []
    n = len(quick_run["results"])
    assert rows == n and sections == n and n_img >= n and broken == 0
    # Self-contained: nothing but the page itself (figures are embedded data: URLs).
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert shot.read_bytes()[:8] == PNG and shot.stat().st_size > 10_000
