"""``mlpkit`` on data files that must never silently change meaning."""

from __future__ import annotations

import csv

import numpy as np

from mlpkit import io

from .conftest import one_line_error


def _blobs(path, n=60, seed=0, names=("x1", "x2", "colour")):
    rng = np.random.default_rng(seed)
    k = rng.integers(0, 2, size=n)
    X = np.array([[0.0, 0.0], [3.0, 3.0]])[k] + rng.normal(scale=0.5, size=(n, 2))
    labels = np.array(["red", "blue"])[k]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        if names:
            w.writerow(names)
        for row, lab in zip(X, labels):
            w.writerow([f"{row[0]:.5f}", f"{row[1]:.5f}", lab])
    return X, labels


FAST = ["--hidden", "4", "--epochs", "2", "--quiet"]


def test_blank_target_cell_is_refused_and_no_model_written(cli, tmp_path):
    _blobs(tmp_path / "b.csv")
    lines = (tmp_path / "b.csv").read_text().splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ","  # line 6: blank label
    (tmp_path / "b.csv").write_text("\n".join(lines) + "\n")
    r = cli("train", "--data", "b.csv", "--out", "m.mlpkit", *FAST, cwd=tmp_path)
    one_line_error(r, 1, "b.csv: line 6, column 'colour' (the target) is empty")
    assert not (tmp_path / "m.mlpkit").exists()


def test_regression_file_with_one_blank_price_does_not_become_classification(cli, tmp_path):
    rng = np.random.default_rng(0)
    rows = [f"{a:.3f},{100 + 20 * a:.2f}" for a in rng.uniform(0, 5, size=80)]
    rows[40] = rows[40].split(",")[0] + ","
    (tmp_path / "h.csv").write_text("area,price\n" + "\n".join(rows) + "\n")
    r = cli("train", "--data", "h.csv", *FAST, cwd=tmp_path)
    one_line_error(r, 1, "h.csv: line 42, column 'price' (the target) is empty")
    assert "classification" not in r.stdout


def test_non_numeric_feature_names_line_and_column(cli, tmp_path):
    (tmp_path / "d.csv").write_text("a,b,y\n1,2,0\n3,4,1\n5,six,0\n")
    r = cli("train", "--data", "d.csv", *FAST, cwd=tmp_path)
    one_line_error(r, 1, "d.csv: line 4, column 'b' holds 'six'", "not a number")


def test_inf_names_line_and_column_not_an_internal_index(cli, tmp_path):
    (tmp_path / "d.csv").write_text("a,b,y\n1,2,0\n3,4,1\n5,inf,0\n")
    r = cli("train", "--data", "d.csv", *FAST, cwd=tmp_path)
    one_line_error(r, 1, "d.csv: line 4, column 'b' holds inf")


def test_value_beyond_float32_names_line_and_column(cli, tmp_path):
    rows = "\n".join(f"{i},{i % 2}" for i in range(20))
    (tmp_path / "d.csv").write_text("a,y\n" + rows + "\n1e300,1\n")
    r = cli("train", "--data", "d.csv", "--target", "y", *FAST, cwd=tmp_path)
    one_line_error(r, 1, "d.csv: line 22, column 'a' holds 1e+300", "--dtype float64")
    r = cli("train", "--data", "d.csv", "--target", "y", "--dtype", "float64", *FAST, cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_headerless_file_with_text_labels_keeps_every_row(cli, tmp_path):
    _blobs(tmp_path / "h.csv", n=50, names=())
    r = cli("train", "--data", "h.csv", *FAST, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "h.csv: 50 samples × 2 features, classification (2 classes)" in r.stdout
    # --header says line 1 names the columns: 49 samples, and line 1's cells are names.
    r = cli("train", "--data", "h.csv", "--header", *FAST, cwd=tmp_path)
    assert "h.csv: 49 samples" in r.stdout


def test_predict_matches_columns_by_name_and_refuses_other_names(cli, tmp_path):
    X, _ = _blobs(tmp_path / "b.csv")
    assert cli("train", "--data", "b.csv", "--out", "m.mlpkit", *FAST, cwd=tmp_path).returncode == 0
    model = io.load(tmp_path / "m.mlpkit")
    # The same columns in another order, plus an id: matched by name.
    with open(tmp_path / "shuffled.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "x2", "x1"])
        w.writerows([[f"r{i}", f"{b:.5f}", f"{a:.5f}"] for i, (a, b) in enumerate(X)])
    r = cli("predict", "m.mlpkit", "--data", "shuffled.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[1:] == model.predict(X.round(5)).tolist()
    assert "ignoring 1 column(s)" in r.stderr and "id" in r.stderr
    # Names that match none of the model's features: refused, nothing printed.
    (tmp_path / "houses.csv").write_text("rooms,area\n3,70\n4,90\n")
    r = cli("predict", "m.mlpkit", "--data", "houses.csv", cwd=tmp_path)
    one_line_error(r, 1, "houses.csv has no column 'x1', 'x2'", "--match-by-position")
    assert r.stdout == ""
    r = cli("evaluate", "m.mlpkit", "--data", "houses.csv", "--target", "area", cwd=tmp_path)
    assert r.returncode == 1 and "no column 'x1'" in r.stderr
    r = cli("predict", "m.mlpkit", "--data", "houses.csv", "--match-by-position", cwd=tmp_path)
    assert r.returncode == 0 and len(r.stdout.split()) == 3


def test_numpy_warnings_do_not_reach_the_terminal(cli_proc, tmp_path):
    # Values near 1e200 overflow when squared (in the loss and the metrics): NumPy warns
    # "overflow encountered in square" unless the command line keeps it off the terminal.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2)) * 1e200
    np.savetxt(tmp_path / "big.csv", np.column_stack([X, X[:, 0]]), delimiter=",")
    r = cli_proc(
        "train", "--data", "big.csv", "--target", "2", "--task", "regression",
        "--dtype", "float64", "--no-standardize", "--optimizer", "sgd", "--lr", "1",
        "--hidden", "4", "--epochs", "3", "--quiet", cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "RuntimeWarning" not in r.stderr and "overflow" not in r.stderr, r.stderr
    # mlpkit's own warning stays, as one line.
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlpkit: warning: Training diverged"), lines
