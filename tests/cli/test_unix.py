"""``mlpkit`` as a Unix tool: exit codes, refusing bad outputs up front, closed pipes,
early feedback."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from mlpkit import io

from .conftest import cli_env, one_line_error

FAST = ["--data", "xor", "--hidden", "4", "--epochs", "2", "--quiet"]


@pytest.mark.parametrize(
    "args, needles",
    [
        (["train", "--no-such-option"], ["unrecognized arguments: --no-such-option"]),
        (["train", "--epochs", "many"], ["--epochs", "invalid int value"]),
        (["predict"], ["the following arguments are required"]),
        (["frobnicate"], ["invalid choice: 'frobnicate'"]),
    ],
)
def test_usage_errors_exit_2_in_one_line(cli, tmp_path, args, needles):
    one_line_error(cli(*args, cwd=tmp_path), 2, *needles)


def test_runtime_errors_exit_1_in_one_line(cli, tmp_path):
    one_line_error(cli("info", "absent.mlpkit", cwd=tmp_path), 1, "absent.mlpkit: no such file")
    (tmp_path / "junk.mlpkit").write_bytes(b"\x00" * 64)
    one_line_error(cli("predict", "junk.mlpkit", "--data", "xor", cwd=tmp_path), 1, "junk.mlpkit")


def test_empty_out_is_refused_before_training(cli, tmp_path):
    r = cli("train", *FAST[:-1], "--out", "", cwd=tmp_path)  # not quiet: no epoch line either
    one_line_error(r, 2, "--out is empty")
    assert r.stdout == ""


def test_out_equal_to_the_input_is_refused_and_the_input_kept(cli, tmp_path):
    rng = np.random.default_rng(0)
    np.savetxt(tmp_path / "d.csv", np.column_stack([rng.normal(size=(30, 2)), np.arange(30) % 2]),
               delimiter=",", header="a,b,y", comments="")  # fmt: skip
    before = (tmp_path / "d.csv").read_bytes()
    r = cli("train", "--data", "d.csv", "--out", "./d.csv", "--epochs", "1", cwd=tmp_path)
    one_line_error(r, 2, "--out ./d.csv is also the --data input")
    assert (tmp_path / "d.csv").read_bytes() == before
    # predict's --out, and --out over the checkpoint being resumed, likewise.
    assert cli("train", *FAST, "--out", "m.mlpkit", cwd=tmp_path).returncode == 0
    r = cli("predict", "m.mlpkit", "--data", "d.csv", "--match-by-position", "--target", "y",
            "--out", "d.csv", cwd=tmp_path)  # fmt: skip
    one_line_error(r, 2, "--out d.csv is also the --data input")
    r = cli("predict", "m.mlpkit", "--data", "xor", "--out", "m.mlpkit", cwd=tmp_path)
    one_line_error(r, 2, "is also the model input")
    assert (tmp_path / "d.csv").read_bytes() == before
    assert io.load(tmp_path / "m.mlpkit").net.n_params > 0  # the model file still loads


def test_unwritable_or_directory_out_is_refused_before_training(cli, tmp_path):
    # /sys refuses new files even to root (permission bits would not).
    r = cli("train", *FAST[:-1], "--out", "/sys/m.mlpkit", cwd=tmp_path)
    one_line_error(r, 1, "--out /sys/m.mlpkit: cannot write in /sys")
    (tmp_path / "adir").mkdir()
    one_line_error(cli("train", *FAST, "--out", "adir", cwd=tmp_path), 2, "is a directory")
    r = cli("train", *FAST, "--checkpoint", "nodir/ck.mlpkit", cwd=tmp_path)
    one_line_error(r, 1, "nodir", "does not exist")


def test_closed_pipe_ends_quietly(cli, tmp_path):
    assert cli("train", *FAST, "--out", "m.mlpkit", cwd=tmp_path).returncode == 0
    np.savetxt(tmp_path / "many.csv", np.random.default_rng(0).normal(size=(200_000, 2)),
               delimiter=",", header="x1,x2", comments="")  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlpkit", "predict", "m.mlpkit", "--data", "many.csv"],
        cwd=tmp_path, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"prediction\n"
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert err == ""  # no traceback, no "Exception ignored", no error line
    assert proc.returncode == 141  # as a shell reports for a process ended by SIGPIPE


def test_train_says_what_it_is_doing_before_the_first_epoch(tmp_path):
    # MNIST-1D is generated on the fly (seconds): the first line says so while it runs.
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlpkit", "train", "--data", "mnist1d", "--epochs", "1"],
        cwd=tmp_path, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert first.startswith("loading   mnist1d (data seed 0) ..."), first
        assert proc.poll() is None  # said while still loading
    finally:
        proc.kill()
        proc.wait(timeout=60)


def test_progress_within_a_long_epoch(cli_proc, tmp_path):
    r = cli_proc(
        "train", "--hidden", "32", "--batch-size", "1", "--epochs", "1",
        "--progress-every", "0.005", "--out", "m.mlpkit", cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    steps = [ln for ln in lines if re.match(r"epoch 1/1  step \d+/1438 \(\d+%\)", ln)]
    done = next(i for i, ln in enumerate(lines) if ln.startswith("epoch 1/1  loss"))
    assert steps and lines.index(steps[0]) < done
    assert lines[0].startswith(("loading", "training"))
    # Slicing the epoch changes nothing: the weights equal those of a run without lines.
    r = cli_proc(
        "train", "--hidden", "32", "--batch-size", "1", "--epochs", "1", "--quiet",
        "--out", "quiet.mlpkit", cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    a, b = io.load(tmp_path / "m.mlpkit"), io.load(tmp_path / "quiet.mlpkit")
    assert a.net.params.tobytes() == b.net.params.tobytes()


def test_out_equal_to_checkpoint_is_refused(cli, tmp_path):
    r = cli("train", *FAST, "--out", "m.mlpkit", "--checkpoint", "./m.mlpkit", cwd=tmp_path)
    one_line_error(r, 2, "--out and --checkpoint are both m.mlpkit")
    assert not (tmp_path / "m.mlpkit").exists()
