"""Parameter specs, proposals and the errors raised before any trial runs."""

from __future__ import annotations

import pytest

from mlpkit.cli import main
from mlpkit.sweep import Sweep, SweepError, parse_param
from mlpkit.sweep.search import GridSearch, RandomSearch
from mlpkit.sweep.space import estimator_params, parse_space, random_point
from mlpkit.sweep.trial import check_metric


def test_list_and_range_specs():
    assert parse_param("hidden=8,16,32x32").choices == ("8", "16", "32x32")
    assert parse_param("hidden=0").choices == ("0",)
    assert parse_param("alpha=0,1e-4,1e-2").choices == (0.0, 1e-4, 1e-2)
    assert parse_param("activation=relu,tanh").choices == ("relu", "tanh")
    assert parse_param("lr=log:1e-4:1e-1:4").grid() == [1e-4, 1e-3, 1e-2, 1e-1]
    assert parse_param("momentum=uniform:0:1:3").grid() == [0.0, 0.5, 1.0]
    assert parse_param("batch_size=int:16:18").grid() == [16, 17, 18]
    assert parse_param("early_stopping=true,false").choices == (True, False)


def test_estimator_keywords():
    params = {"hidden": "32x32", "lr": 0.01, "epochs": 7, "alpha": 0.0}
    assert estimator_params(params) == {
        "hidden_layer_sizes": (32, 32),
        "learning_rate_init": 0.01,
        "max_iter": 7,
        "alpha": 0.0,
    }
    assert estimator_params({"hidden": "0"}) == {"hidden_layer_sizes": ()}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("hidden=8,abc", "'abc' is not a layout"),
        ("hidden=8,-2", "positive"),
        ("foo=1", "unknown parameter 'foo'"),
        ("lr=log:0:1", "must be > 0"),
        ("lr=log:1e-1:1e-4", "must be below the high end"),
        ("lr=log:1e-4", "write log:LO:HI[:N]"),
        ("lr=-1", "must be > 0"),
        ("activation=relu,sigmoidal", "'sigmoidal' is not one of"),
        ("solver=newton", "'newton' is not one of"),
        ("hidden=log:1:2", "takes a list of values"),
        ("batch_size=4.5", "is not an integer"),
        ("alpha=", "an empty value"),
        ("lr", "write NAME=VALUES"),
    ],
)
def test_bad_specs_name_what_is_wrong(spec, expected):
    with pytest.raises(SweepError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        parse_param(spec)


def test_alias_twice_is_an_error():
    with pytest.raises(SweepError, match="given twice"):
        parse_space(["epochs=5", "max_iter=10"])


def test_grid_order_and_cap():
    space = parse_space(["hidden=8,16", "alpha=0,1"])
    g = GridSearch(space, 3)
    got = [g.ask() for _ in range(4)]
    assert got[:3] == [
        (0, {"hidden": "8", "alpha": 0.0}),
        (1, {"hidden": "8", "alpha": 1.0}),
        (2, {"hidden": "16", "alpha": 0.0}),
    ]
    assert got[3] is None and g.done


def test_random_trials_depend_only_on_seed_and_index():
    space = parse_space(["hidden=8,16,32x32", "lr=log:1e-4:1e-1", "batch_size=int:8:64"])
    a = RandomSearch(space, 6, seed=3)
    b = RandomSearch(space, 6, seed=3, finished=[0, 2])  # a resume skips finished ones
    full = [a.ask() for _ in range(6)]
    assert [b.ask() for _ in range(4)] == [full[i] for i in (1, 3, 4, 5)]
    assert full[0][1] == random_point(space, 3, 0)
    assert random_point(space, 4, 0) != random_point(space, 3, 0)
    for _, p in full:
        assert 1e-4 <= p["lr"] <= 1e-1 and 8 <= p["batch_size"] <= 64


def test_metrics():
    assert check_metric(None, "classification") == "accuracy"
    assert check_metric(None, "regression") == "r2"
    assert check_metric("rmse", "regression") == "neg_root_mean_squared_error"
    with pytest.raises(ValueError, match="regression metric but this is a classification"):
        check_metric("r2", "classification")
    with pytest.raises(ValueError, match="unknown --metric 'nope'"):
        check_metric("nope", "regression")


def test_option_errors():
    with pytest.raises(SweepError, match="not both"):
        Sweep(["hidden=8"], cv=3, val_split=0.2)
    with pytest.raises(SweepError, match="--cv needs at least 2"):
        Sweep(["hidden=8"], cv=1)
    with pytest.raises(SweepError, match="unknown search"):
        Sweep(["hidden=8"], search="bayes")
    with pytest.raises(SweepError, match="address"):
        Sweep(["hidden=8"], scheduler="localhost:8786")
    with pytest.raises(SweepError, match="no parameters"):
        Sweep([])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--param", "hidden=8,abc"], "'abc' is not a layout"),
        (["--param", "width=8"], "unknown parameter 'width'"),
        (["--param", "hidden=8", "--metric", "r2"], "regression metric"),
        (["--param", "hidden=8", "--metric", "accuracy_score"], "unknown --metric"),
    ],
)
def test_cli_errors_come_before_any_trial(tmp_path, capsys, extra, expected):
    out = tmp_path / "sweep"
    code = main(["sweep", "--data", "digits", "--out", str(out), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("mlpkit: error: ") and expected in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()  # nothing started: no journal, no directory


def test_journal_ignores_a_torn_last_line(tmp_path):
    from mlpkit.sweep.journal import Journal

    j = Journal(tmp_path)
    j.append({"id": 0, "status": "ok", "score": 0.5})
    with open(j.path, "a") as fh:  # a driver killed in the middle of a write
        fh.write('{"id": 1, "status": "o')
    assert [r["id"] for r in j.records()] == [0]
    j.append({"id": 1, "status": "ok", "score": float("nan")})  # NaN is stored as null
    assert [(r["id"], r["score"]) for r in j.records()] == [(0, 0.5), (1, None)]


def test_progress_bar_on_a_terminal_and_lines_in_a_log():
    import io

    from mlpkit.sweep.report import Progress

    tty = io.StringIO()
    p = Progress(4, stream=tty, tty=True)
    p.update(running=2)
    p.update(finished={"status": "ok", "score": 0.8}, running=1)
    assert (
        tty.getvalue().startswith("\r[")
        and "1/4 done, 1 running, 0 failed, best 0.8000" in tty.getvalue()
    )
    assert "\n" not in tty.getvalue()  # redrawn in place

    log = io.StringIO()
    p = Progress(2, stream=log, tty=False, interval=3600)
    p.update(running=2)  # the first line
    p.update(finished={"status": "failed"}, running=1)  # within the interval: no line
    p.update(finished={"status": "ok", "score": 0.5}, running=0)  # the last: always
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and len(lines) == 2
    assert lines[-1] == "sweep: 2/2 done, 0 running, 1 failed, best 0.5000, ETA 0:00:00"


def test_exported_from_mlpkit_and_printable():
    import mlpkit

    assert mlpkit.Sweep is Sweep
    s = Sweep({"hidden": [8, (32, 32)], "lr": "log:1e-4:1e-1"}, trials=4)
    assert repr(s) == "Sweep(hidden=8,32x32, lr=log:0.0001:0.1:5; random, 4 trials, local)"


def test_tpe_resume_reruns_unfinished_trials_with_their_parameters(tmp_path):
    """A driver killed mid-round: the trials Optuna handed out but that never finished
    run again with the same parameters; the recorded ones are not proposed again."""
    from mlpkit.sweep.search import TPESearch

    space = parse_space(["hidden=8,16", "lr=log:1e-3:1e-1"])
    path = tmp_path / "optuna.journal"
    first = TPESearch(space, 6, seed=0, path=path, round_size=4)
    asked = [first.ask() for _ in range(4)]
    assert first.ask() is None  # the round is still running: no new proposals
    rec0 = {"id": asked[0][0], "status": "ok", "score": 0.9}
    rec1 = {"id": asked[1][0], "status": "failed", "error": "ValueError: diverged"}
    first.tell(rec0["id"], rec0)
    # The driver wrote trial 1 to its journal, then died before telling Optuna.
    again = TPESearch(space, 6, seed=0, path=path, records=[rec0, rec1], round_size=4)
    rerun = [again.ask(), again.ask()]
    assert rerun == asked[2:]
    assert again.ask() is None  # those two are running now
    for tid, _ in rerun:
        again.tell(tid, {"id": tid, "status": "ok", "score": 0.5})
    new = [again.ask(), again.ask()]  # the last round: trials 4 and 5
    assert [t for t, _ in new] == [4, 5] and again.ask() is None
    assert again.done  # nothing left to propose
