"""`mlpkit sweep` on real Dask clusters started here, and the scikit-learn route."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from mlpkit.sweep import Sweep

from .conftest import journal_records, sweep_env, wait_for

# The columns that must not depend on where a trial ran (not pid, host or timings).
SAME = ["trial", "status", "param_hidden", "param_lr", "param_alpha", "score", "score_std",
        "score_fold0", "score_fold1", "n_iter", "error"]  # fmt: skip
PARAMS = ["hidden=4,8x8,16", "lr=log:1e-3:1e-1", "alpha=0,1e-3", "max_iter=30"]


def table(out) -> list[list[str]]:
    with open(out / "results.csv", newline="") as fh:
        return [[row[c] for c in SAME] for row in csv.DictReader(fh)]


def worker_pids(client) -> set[int]:
    return set(client.run(os.getpid).values())


@pytest.mark.parametrize("search", ["random", "tpe"])
def test_same_seed_same_table_local_and_dask(tmp_path, small_data, local_cluster, search):
    """Random search on the test's LocalCluster (reached by its address); TPE on the
    ``LocalCluster(processes=True, threads_per_worker=1)`` the driver starts itself."""
    opts = dict(search=search, trials=6, cv=2, seed=7, round_size=3, plot=False,
                refit=False, verbose=False)  # fmt: skip
    local = Sweep(PARAMS, out=tmp_path / "local", workers=2, **opts).run(*small_data)
    if search == "random":
        where = dict(scheduler=local_cluster.scheduler.address)
    else:
        where = dict(backend="dask", workers=2)
    dask = Sweep(PARAMS, out=tmp_path / "dask", **where, **opts).run(*small_data)
    assert table(tmp_path / "local") == table(tmp_path / "dask")
    assert len(table(tmp_path / "dask")) == 6
    # The Dask trials ran in worker processes, one BLAS thread each.
    pids = {r["pid"] for r in dask.records}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    if search == "random":
        assert pids <= worker_pids(local_cluster)
    assert {r["blas_threads"] for r in dask.records} == {1}
    assert {r["blas_threads"] for r in local.records} == {1}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_route_gridsearchcv_on_dask(local_cluster, small_data):
    """docs/sweep.md: GridSearchCV over MLPClassifier inside
    ``joblib.parallel_config(backend="dask")``; every fit runs on a cluster worker."""
    import joblib
    from sklearn.model_selection import GridSearchCV

    from mlpkit import MLPClassifier

    def pid(estimator, X, y):  # a "score" that says which process fitted the model
        return os.getpid()

    X, y = small_data
    search = GridSearchCV(
        MLPClassifier(max_iter=100, learning_rate_init=0.01, n_threads=1, random_state=0),
        {"hidden_layer_sizes": [(4,), (16,)], "alpha": [1e-4, 1e-2]},
        cv=2,
        scoring={"accuracy": "accuracy", "pid": pid},
        refit="accuracy",
        n_jobs=-1,
    )
    with joblib.parallel_config(backend="dask"):
        search.fit(X, y)
    fitted_in = {int(p) for k in ("split0_test_pid", "split1_test_pid")
                 for p in search.cv_results_[k]}  # fmt: skip
    assert fitted_in <= worker_pids(local_cluster) and os.getpid() not in fitted_in
    assert search.best_score_ > 0.6  # chance is 1/3
    assert np.mean(search.predict(X) == y) > 0.6


def run_cli(args, **kw):
    cmd = [sys.executable, "-m", "mlpkit", "sweep", *args]
    return subprocess.run(cmd, env=sweep_env(), capture_output=True, text=True, **kw)


def test_external_cluster_via_scheduler(tmp_path, small_npz, external_cluster):
    out = tmp_path / "ext"
    address = external_cluster.scheduler.address
    args = ["--data", str(small_npz), *(a for p in PARAMS for a in ("--param", p)),
            "--trials", "4", "--cv", "2", "--out", str(out), "--scheduler", address,
            "--no-plot"]  # fmt: skip
    done = run_cli(args, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"on scheduler {address}" in done.stderr
    recs = journal_records(out)
    assert sorted(r["id"] for r in recs) == [0, 1, 2, 3]
    assert {r["pid"] for r in recs} <= worker_pids(external_cluster)
    assert {r["blas_threads"] for r in recs} == {1}
    assert (out / "best.mlpkit").exists()


def test_killed_external_worker_sweep_completes(tmp_path, small_npz, external_cluster):
    out = tmp_path / "kill"
    before = worker_pids(external_cluster)
    args = ["--data", str(small_npz), "--param", "hidden=16,24", "--param", "max_iter=250",
            "--param", "tol=0", "--param", "alpha=uniform:0:1e-2", "--trials", "8",
            "--cv", "2", "--out", str(out), "--scheduler",
            external_cluster.scheduler.address, "--no-plot"]  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "mlpkit", "sweep", *args],
                            env=sweep_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    try:
        wait_for(lambda: len(journal_records(out)) >= 1, 90, "a first trial", proc)
        victim = journal_records(out)[0]["pid"]
        assert victim in before
        os.kill(victim, signal.SIGKILL)  # the worker process; its nanny starts a new one
        _, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    recs = journal_records(out)
    assert sorted(r["id"] for r in recs) == list(range(8))  # none lost, none twice
    assert all(r["status"] == "ok" for r in recs)
    assert victim not in worker_pids(external_cluster)
