"""Same seed, same data: synthetic datasets follow the run's seed; resume checks its data."""

from __future__ import annotations

import json

import numpy as np

from mlpkit import datasets, io

from .conftest import one_line_error

RINGS = ["--data", "rings", "--hidden", "6", "--epochs", "3", "--quiet"]


def test_synthetic_data_follows_the_seed_through_train_and_evaluate(cli, tmp_path):
    for name in ("a", "b"):
        r = cli("train", *RINGS, "--seed", "3", "--out", f"{name}.mlpkit", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    a, b = io.load(tmp_path / "a.mlpkit"), io.load(tmp_path / "b.mlpkit")
    assert a.net.params.tobytes() == b.net.params.tobytes()  # same seed: same data, same net
    assert a.info["data_seed"] == 3
    # evaluate draws the data the model was trained on (its stored data seed) ...
    r = cli("evaluate", "a.mlpkit", "--data", "rings", "--json", cwd=tmp_path)
    ds = datasets.load("rings", random_state=3)
    assert json.loads(r.stdout)["accuracy"] == a.score(ds.X, ds.y)
    # ... or another draw when asked.
    r = cli("evaluate", "a.mlpkit", "--data", "rings", "--json", "--data-seed", "4", cwd=tmp_path)
    other = datasets.load("rings", random_state=4)
    assert json.loads(r.stdout)["accuracy"] == a.score(other.X, other.y)
    # --data-seed separates the data from the weights' seed.
    r = cli("train", *RINGS, "--seed", "3", "--data-seed", "5", "--out", "c.mlpkit", cwd=tmp_path)
    c = io.load(tmp_path / "c.mlpkit")
    assert c.info["data_seed"] == 5 and c.net.params.tobytes() != a.net.params.tobytes()


def test_resume_on_other_data_is_refused(cli, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    table = np.column_stack([X, (X[:, 0] > 0).astype(int)])
    np.savetxt(tmp_path / "d.csv", table, delimiter=",", header="a,b,y", comments="", fmt="%.6f")
    common = ["train", "--data", "d.csv", "--target", "y", "--hidden", "4", "--quiet",
              "--checkpoint", "ck.mlpkit"]  # fmt: skip
    assert cli(*common, "--epochs", "2", cwd=tmp_path).returncode == 0
    before = (tmp_path / "ck.mlpkit").read_bytes()
    table[7, 1] += 1.0  # one value changed
    np.savetxt(tmp_path / "d.csv", table, delimiter=",", header="a,b,y", comments="", fmt="%.6f")
    r = cli(*common, "--epochs", "4", "--resume", "ck.mlpkit", cwd=tmp_path)
    one_line_error(r, 1, "ck.mlpkit: written by a run on different data", "d.csv")
    assert (tmp_path / "ck.mlpkit").read_bytes() == before  # the checkpoint is untouched
    assert io.load_checkpoint(tmp_path / "ck.mlpkit")["epoch"] == 2


def test_resume_with_another_data_seed_is_refused(cli, tmp_path):
    assert cli("train", *RINGS, "--checkpoint", "ck.mlpkit", cwd=tmp_path).returncode == 0
    r = cli("train", *RINGS, "--data-seed", "9", "--resume", "ck.mlpkit", cwd=tmp_path)
    one_line_error(r, 2, "drawn with data seed 0", "this command draws it with 9")
    assert io.load_checkpoint(tmp_path / "ck.mlpkit")["epoch"] == 3
