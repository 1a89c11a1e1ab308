"""`mlpkit sweep` on local worker processes (loky): end to end, failures, kills, resume."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

import mlpkit
from mlpkit.cli import main
from mlpkit.sweep import Sweep

from .conftest import journal_records, sweep_env, wait_for

# Trials long enough (a few hundred ms) that a kill lands while one is running:
# tol=0 keeps the estimator from stopping early.
SLOW = ["--param", "hidden=16,24", "--param", "max_iter=250", "--param", "tol=0"]


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_cli_sweep_end_to_end(tmp_path, small_npz, small_data, capsys):
    out = tmp_path / "run"
    argv = ["sweep", "--data", str(small_npz), "--param", "hidden=4,16",
            "--param", "lr=log:1e-3:1e-1:2", "--param", "max_iter=40", "--search", "grid",
            "--cv", "2", "--seed", "0", "--out", str(out), "--workers", "2"]  # fmt: skip
    assert main(argv) == 0
    cap = capsys.readouterr()
    rows = read_csv(out / "results.csv")
    assert [r["trial"] for r in rows] == ["0", "1", "2", "3"]
    assert [(r["param_hidden"], float(r["param_lr"])) for r in rows] == [
        ("4", 1e-3), ("4", 1e-1), ("16", 1e-3), ("16", 1e-1)
    ]  # fmt: skip
    assert all(r["status"] == "ok" for r in rows)
    for r in rows:  # the mean is the mean of the fold scores
        folds = [float(r["score_fold0"]), float(r["score_fold1"])]
        assert float(r["score"]) == pytest.approx(np.mean(folds))
    # The trials ran in (at most two) worker processes, not here, with one BLAS thread.
    pids = {int(r["pid"]) for r in rows}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert {r["blas_threads"] for r in rows} == {"1"}
    # The printed table ranks by score; the best model is saved and predicts well.
    best = max(rows, key=lambda r: (float(r["score"]), -int(r["trial"])))
    assert "rank  trial  accuracy" in cap.out
    assert cap.out.split("\n")[2].split()[1] == best["trial"]
    model = mlpkit.load(out / "best.mlpkit")
    X, y = small_data
    assert np.mean(model.predict(X) == y) > float(best["score"]) - 0.1
    assert model.info["sweep"]["trial"] == int(best["trial"])
    assert (out / "sweep.png").stat().st_size > 10_000
    assert "sweep: 4/4 done, 0 running, 0 failed" in cap.err  # plain lines: not a TTY
    assert len(journal_records(out)) == 4

    # The same --out again: refused without --resume; with it, nothing is refitted.
    assert main(argv) == 2
    assert "already holds a sweep (4 trials finished): pass --resume" in capsys.readouterr().err
    before = (out / "journal.jsonl").read_bytes()
    assert main([*argv, "--resume"]) == 0
    assert "4 of 4 trials already finished" in capsys.readouterr().err
    assert (out / "journal.jsonl").read_bytes() == before
    # Resuming with other options is refused and says which.
    assert main([*argv[:-4], "--seed", "1", "--out", str(out), "--resume"]) == 2
    assert "seed: 0 then, 1 now" in capsys.readouterr().err


def test_diverged_trial_is_recorded_and_the_sweep_goes_on(tmp_path):
    from sklearn.datasets import make_regression

    X, y = make_regression(120, 5, noise=1.0, random_state=0)  # unscaled targets
    sweep = Sweep({"solver": "sgd", "lr": [1e-4, 1.0], "max_iter": 20}, search="grid", cv=2,
                  workers=1, out=tmp_path / "r", plot=False, verbose=False)  # fmt: skip
    res = sweep.run(X, y)
    by_lr = {r["params"]["lr"]: r for r in res.records}
    assert by_lr[1e-4]["status"] == "ok"
    assert by_lr[1.0]["status"] == "failed"
    assert "diverged" in by_lr[1.0]["error"]
    assert res.best["id"] == by_lr[1e-4]["id"] and res.model is not None
    rows = read_csv(tmp_path / "r" / "results.csv")
    assert [r["status"] for r in rows] == ["ok", "failed"] and "diverged" in rows[1]["error"]


def test_killed_local_worker_trial_runs_again(tmp_path, small_data):
    out = tmp_path / "k"
    sweep = Sweep(["hidden=16,24", "max_iter=250", "tol=0", "alpha=uniform:0:1e-2"],
                  search="random", trials=8, cv=2, workers=2, out=out, plot=False,
                  refit=False, verbose=False)  # fmt: skip
    box: dict = {}

    def target():
        try:
            box["result"] = sweep.run(*small_data)
        except BaseException as exc:  # surfaced below
            box["error"] = exc

    th = threading.Thread(target=target)
    th.start()
    wait_for(lambda: len(journal_records(out)) >= 1, 60, "a first trial")
    victim = journal_records(out)[0]["pid"]  # busy with its next trial by now
    os.kill(victim, signal.SIGKILL)
    th.join(120)
    assert not th.is_alive() and "error" not in box, box.get("error")
    recs = box["result"].records
    assert sorted(r["id"] for r in recs) == list(range(8))
    assert all(r["status"] == "ok" for r in recs)
    assert max(r["attempts"] for r in recs) == 2  # lost with the worker, then rerun
    rerun = [r for r in recs if r["attempts"] == 2]
    assert all(r["pid"] != victim for r in rerun)


def test_driver_sigkill_then_resume_refits_nothing(tmp_path, small_npz):
    out = tmp_path / "d"
    cmd = [sys.executable, "-m", "mlpkit", "sweep", "--data", str(small_npz), *SLOW,
           "--param", "alpha=uniform:0:1e-2", "--trials", "8", "--cv", "2", "--workers", "2",
           "--out", str(out), "--no-plot"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=sweep_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for(lambda: len(journal_records(out)) >= 2, 90, "two trials", proc)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    journal = (out / "journal.jsonl").read_bytes()
    before = {r["id"]: r for r in journal_records(out)}
    assert 2 <= len(before) < 8

    done = subprocess.run([*cmd, "--resume"], env=sweep_env(), capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{len(before)} of 8 trials already finished" in done.stderr
    after = journal_records(out)
    assert sorted(r["id"] for r in after) == list(range(8))  # each trial exactly once
    # The journal only grew: every line complete at the kill is untouched (a line torn by
    # the kill is dropped on reading), and no finished trial was fitted again.
    complete = journal[: journal.rfind(b"\n") + 1]
    assert (out / "journal.jsonl").read_bytes().startswith(complete)
    assert [r for r in after if r["id"] in before] == list(before.values())
    assert (out / "best.mlpkit").exists()
    assert len(read_csv(out / "results.csv")) == 8
