"""The ``mlpkit`` command end to end, in real subprocesses (``python -m mlpkit``)."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mlpkit import io

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["OPENBLAS_NUM_THREADS"] = "1"
    env.pop("MLPKIT_DEBUG", None)
    env.update(extra)
    return env


def mlpkit(*args: str, cwd: Path, env: dict | None = None, check: bool = True):
    proc = subprocess.run(
        [sys.executable, "-m", "mlpkit", *args],
        cwd=cwd,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"mlpkit {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def _write_csv(path: Path, n: int = 240, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs in 2-D with string labels, plus a noise column."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [3.0, 3.0], [0.0, 4.0]])
    labels = np.array(["red", "green", "blue"])
    k = rng.integers(0, 3, size=n)
    X = centers[k] + rng.normal(scale=0.6, size=(n, 2))
    X = np.column_stack([X, rng.normal(size=n)])
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["x1", "x2", "noise", "colour"])
        for row, lab in zip(X, labels[k]):
            w.writerow([*(f"{v:.6f}" for v in row), lab])
    return X, labels[k]


@pytest.fixture(scope="module")
def csv_model(tmp_path_factory):
    d = tmp_path_factory.mktemp("csv")
    X, y = _write_csv(d / "blobs.csv")
    proc = mlpkit(
        "train",
        "--data",
        "blobs.csv",
        "--target",
        "colour",
        "--hidden",
        "16,16",
        "--activation",
        "tanh",
        "--epochs",
        "30",
        "--out",
        "blobs.mlpkit",
        cwd=d,
    )
    return d, X, y, proc


def test_train_without_arguments_uses_digits(tmp_path):
    proc = mlpkit("train", cwd=tmp_path)
    out = proc.stdout
    assert "digits: 1797 samples × 64 features, classification (10 classes)" in out
    assert "MLP(64 → 64 → 10" in out
    val = next(line for line in out.splitlines() if line.startswith("val"))
    assert float(val.split()[2]) > 0.9  # validation accuracy
    # Progress: plain lines (stderr is not a terminal), first and last epoch included.
    assert "epoch 1/20" in proc.stderr and "epoch 20/20" in proc.stderr
    assert "\r" not in proc.stderr


def test_csv_train_info_evaluate_predict(csv_model):
    d, X, y, proc = csv_model
    assert "classification (3 classes)" in proc.stdout
    train_acc = float(
        next(ln for ln in proc.stdout.splitlines() if ln.startswith("train")).split()[2]
    )
    assert train_acc > 0.9
    info = mlpkit("info", "blobs.mlpkit", cwd=d).stdout
    assert "MLP(3 → 16 → 16 → 3, tanh → softmax, 387 parameters)" in info
    assert "parameters   387" in info and "blue, green, red" in info
    assert "standardised inputs" in info and "30 epochs" in info
    ev = mlpkit("evaluate", "blobs.mlpkit", "--data", "blobs.csv", cwd=d).stdout
    acc = float(next(ln for ln in ev.splitlines() if ln.startswith("accuracy")).split()[1])
    model = io.load(d / "blobs.mlpkit")
    assert acc == pytest.approx(np.mean(model.predict(X) == y), abs=1e-4)
    mlpkit("predict", "blobs.mlpkit", "--data", "blobs.csv", "--out", "preds.csv", "--proba", cwd=d)
    with open(d / "preds.csv") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["prediction", "proba_blue", "proba_green", "proba_red"]
    assert [r[0] for r in rows[1:]] == model.predict(X).tolist()
    P = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    np.testing.assert_allclose(P, model.predict_proba(X), atol=1e-5)
    # A file with only the feature columns works too (the target is not needed).
    with open(d / "features.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["x1", "x2", "noise"])
        w.writerows(X[:5].round(6).tolist())
    out = mlpkit("predict", "blobs.mlpkit", "--data", "features.csv", cwd=d).stdout.split()
    assert out[1:] == model.predict(X[:5].round(6)).tolist()


def test_csv_export(csv_model):
    ort = pytest.importorskip("onnxruntime")
    torch = pytest.importorskip("torch")
    d, X, y, _ = csv_model
    mlpkit("export", "blobs.mlpkit", "--onnx", "blobs.onnx", "--torch", "blobs.pt", cwd=d)
    model = io.load(d / "blobs.mlpkit")
    Xf = X.astype(np.float32)
    sess = ort.InferenceSession(str(d / "blobs.onnx"), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(sess.run(None, {"X": Xf})[0], model.predict_proba(Xf), atol=1e-5)
    code = mlpkit("export", "blobs.mlpkit", "--torch-code", cwd=d).stdout
    ns: dict = {}
    exec(compile(code, "<torch-code>", "exec"), ns)
    net = ns["MLP"]().load_mlpkit(str(d / "blobs.pt")).eval()
    with torch.no_grad():
        out = net(torch.from_numpy(Xf)).numpy()
    np.testing.assert_allclose(out, model.predict_proba(Xf), atol=1e-5)


def test_builtin_2d_with_plots_and_regression_csv(tmp_path):
    pytest.importorskip("matplotlib")
    proc = mlpkit(
        "train",
        "--data",
        "rings",
        "--hidden",
        "16",
        "--epochs",
        "5",
        "--plot",
        "plots",
        "--quiet",
        "--out",
        "rings.mlpkit",
        cwd=tmp_path,
    )
    assert proc.stderr == ""  # --quiet: no progress
    for name in ("loss.png", "decision_boundary.png"):
        assert (tmp_path / "plots" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ev = mlpkit("evaluate", "rings.mlpkit", "--data", "rings", "--json", cwd=tmp_path).stdout
    assert '"accuracy"' in ev
    # regression from a headerless CSV: the last column is the target by default
    rng = np.random.default_rng(1)
    Xr = rng.uniform(-2, 2, size=(200, 2))
    yr = 100 + 30 * np.sin(Xr[:, 0]) + 10 * Xr[:, 1]
    np.savetxt(tmp_path / "reg.csv", np.column_stack([Xr, yr]), delimiter=",")
    proc = mlpkit(
        "train",
        "--data",
        "reg.csv",
        "--hidden",
        "32",
        "--epochs",
        "60",
        "--lr",
        "0.01",
        "--out",
        "reg.mlpkit",
        cwd=tmp_path,
    )
    assert "regression" in proc.stdout and "note: using the last column" in proc.stderr
    val = next(ln for ln in proc.stdout.splitlines() if ln.startswith("val")).split()
    assert val[1] == "r2" and float(val[2]) > 0.9  # targets are standardised and mapped back
    pred = mlpkit(
        "predict", "reg.mlpkit", "--data", "reg.csv", "--target", "2", cwd=tmp_path
    ).stdout.split()[1:]
    assert np.allclose(np.array(pred, dtype=float), yr, atol=15)


def test_npy_and_npz_data(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    y = (X[:, 0] > 0).astype(int)
    np.save(tmp_path / "d.npy", np.column_stack([X, y]))
    np.savez(tmp_path / "d.npz", X=X, y=y)
    out = mlpkit(
        "train", "--data", "d.npy", "--epochs", "3", "--quiet", "--out", "m.mlpkit", cwd=tmp_path
    ).stdout
    assert "150 samples × 3 features, classification (2 classes)" in out
    model = io.load(tmp_path / "m.mlpkit")
    assert model.net.head.name == "logistic" and model.predict(X).shape == (150,)
    ev = mlpkit("evaluate", "m.mlpkit", "--data", "d.npz", cwd=tmp_path).stdout
    acc = float(next(ln for ln in ev.splitlines() if ln.startswith("accuracy")).split()[1])
    assert acc == pytest.approx(model.score(X, y), abs=1e-4)


# ---------------------------------------------------------------------- errors
def _one_line_error(proc, code: int, *needles: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlpkit: error: "), proc.stderr
    for n in needles:
        assert n in lines[0], lines[0]


@pytest.fixture(scope="module")
def err_dir(tmp_path_factory, csv_model):
    d = tmp_path_factory.mktemp("errors")
    _write_csv(d / "blobs.csv", n=30)
    (d / "bad.csv").write_text("a,b,y\n1,2,0\n3,oops,1\n")
    np.savetxt(d / "wide.csv", np.ones((4, 6)), delimiter=",")
    (d / "evil.mlpkit").write_bytes(b"\x80\x04\x95" + os.urandom(64))
    np.save(d / "objects.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    return d, csv_model[0] / "blobs.mlpkit"


@pytest.mark.parametrize(
    "args, code, needles",
    [
        (["train", "--data", "missing.csv"], 1, ["missing.csv", "no such file"]),
        (["train", "--data", "nonsense"], 2, ["unknown dataset 'nonsense'", "digits"]),
        (
            ["train", "--data", "blobs.csv", "--target", "price"],
            2,
            ["no column 'price'", "x1, x2, noise, colour"],
        ),
        (
            ["train", "--data", "bad.csv", "--target", "y"],
            1,
            ["line 3, column 'b'", "'oops'", "not a number"],
        ),
        (["evaluate", "MODEL", "--data", "wide.csv"], 1, ["expects 3 input columns", "has 6"]),
        (["info", "absent.mlpkit"], 1, ["absent.mlpkit", "no such file"]),
        (["info", "evil.mlpkit"], 1, ["evil.mlpkit", "pickle"]),
        (["train", "--hidden", "6,x"], 2, ["--hidden"]),
        (["train", "--epochs"], 2, ["--epochs"]),
        (["export", "MODEL"], 2, ["--onnx"]),
        (["train", "--data", "objects.npy"], 1, ["objects.npy", "unpickling"]),
        (["train", "--out", "nodir/m.mlpkit"], 1, ["nodir", "does not exist"]),
    ],
    ids=[
        "missing-file",
        "unknown-dataset",
        "wrong-target",
        "non-numeric-csv",
        "width-mismatch",
        "missing-model",
        "pickle-model",
        "bad-hidden",
        "usage",
        "export-nothing",
        "pickled-npy",
        "missing-out-dir",
    ],
)
def test_errors_are_one_line(err_dir, args, code, needles):
    d, model = err_dir
    args = [str(model) if a == "MODEL" else a for a in args]
    _one_line_error(mlpkit(*args, cwd=d, check=False), code, *needles)
    assert not (d / "payload").exists()


def test_plot_without_matplotlib_says_how_to_install(tmp_path):
    blocker = tmp_path / "block" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    env = _env()
    env["PYTHONPATH"] = str(tmp_path / "block") + os.pathsep + env["PYTHONPATH"]
    proc = mlpkit("train", "--plot", "p", cwd=tmp_path, env=env, check=False)
    _one_line_error(proc, 1, "pip install 'mlpkit[plot]'")


def test_reproduce_forwards_or_explains(tmp_path):
    proc = mlpkit("reproduce", "--help", cwd=tmp_path, check=False)
    assert "Traceback" not in proc.stderr
    try:
        from mlpkit.experiments import cli_main  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        _one_line_error(proc, 1, "mlpkit reproduce", "experiments")
    else:  # the experiments' own parser answered, with its own program name
        assert proc.returncode == 0 and "mlpkit reproduce" in proc.stdout


# ---------------------------------------------------------------------- kill and resume
def test_sigkill_then_resume_is_bit_identical(tmp_path):
    common = [
        "train",
        "--hidden",
        "128,128",
        "--batch-size",
        "8",
        "--epochs",
        "100",
        "--dropout",
        "0.1",
        "--schedule",
        "plateau",
        "--seed",
        "7",
        "--quiet",
    ]
    mlpkit(*common, "--out", "full.mlpkit", cwd=tmp_path)

    run = [
        sys.executable,
        "-m",
        "mlpkit",
        *common,
        "--checkpoint",
        "ck.mlpkit",
        "--out",
        "resumed.mlpkit",
    ]
    proc = subprocess.Popen(
        run, cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    ck = tmp_path / "ck.mlpkit"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if ck.exists() and io.read_config(ck)["trainer"]["epoch"] >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    killed_at = io.read_config(ck)["trainer"]["epoch"]
    assert 3 <= killed_at < 100
    assert not (tmp_path / "resumed.mlpkit").exists()

    out = mlpkit(
        *common,
        "--checkpoint",
        "ck.mlpkit",
        "--resume",
        "ck.mlpkit",
        "--out",
        "resumed.mlpkit",
        cwd=tmp_path,
    )
    assert f"resuming from ck.mlpkit at epoch {killed_at}" in out.stderr
    full, resumed = io.load(tmp_path / "full.mlpkit"), io.load(tmp_path / "resumed.mlpkit")
    assert resumed.net.params.tobytes() == full.net.params.tobytes()
    assert resumed.history["loss"] == full.history["loss"]
    assert resumed.history["val_loss"] == full.history["val_loss"]
    assert len(resumed.history["epoch"]) == 100

    # Resuming with different options is refused, naming the option.
    changed = [a if a != "128,128" else "64" for a in common]
    proc = mlpkit(*changed, "--resume", "ck.mlpkit", cwd=tmp_path, check=False)
    _one_line_error(proc, 2, "--hidden", "same options")


def test_resume_of_a_finished_early_stopped_run_changes_nothing(tmp_path):
    common = [
        "train",
        "--data",
        "xor",
        "--hidden",
        "8",
        "--epochs",
        "300",
        "--early-stopping",
        "--patience",
        "2",
        "--lr",
        "0.05",
        "--quiet",
        "--checkpoint",
        "ck.mlpkit",
    ]
    mlpkit(*common, "--out", "a.mlpkit", cwd=tmp_path)
    a = io.load(tmp_path / "a.mlpkit")
    assert a.history["stop_reason"] == "early_stopping" and len(a.history["epoch"]) < 300
    mlpkit(*common, "--resume", "ck.mlpkit", "--out", "b.mlpkit", cwd=tmp_path)
    b = io.load(tmp_path / "b.mlpkit")
    assert b.net.params.tobytes() == a.net.params.tobytes()
    assert b.history["epoch"] == a.history["epoch"]


def test_progress_is_a_bar_on_a_terminal(tmp_path):
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "mlpkit", "train", "--data", "xor", "--hidden", "4",
             "--epochs", "3"],
            cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=follower, timeout=120,
        )  # fmt: skip
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: the terminal is closed and drained
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    tty = b"".join(chunks).decode()
    assert "\r[" in tty and "█" in tty and "epoch 3/3" in tty


def test_datasets_that_need_an_argument_take_it_after_a_colon(tmp_path):
    from mlpkit.datasets import write_idx

    for name, example in (("mnist", "mnist:~/data/mnist"), ("playground", "playground:spiral")):
        proc = mlpkit("train", "--data", name, cwd=tmp_path, check=False)
        assert proc.returncode == 2
        assert f"--data {example}" in proc.stderr and "Traceback" not in proc.stderr
    rng = np.random.default_rng(0)
    labels = np.tile(np.arange(10, dtype=np.uint8), 6)
    images = (rng.random((60, 28, 28)) * 40).astype(np.uint8)
    images[np.arange(60), labels, :] = 255  # row `label` lit: learnable
    folder = tmp_path / "idx"
    folder.mkdir()
    write_idx(folder / "train-images-idx3-ubyte.gz", images)
    write_idx(folder / "train-labels-idx1-ubyte.gz", labels)
    proc = mlpkit("train", "--data", f"mnist:{folder}", "--epochs", "2", "--quiet", cwd=tmp_path)
    assert "60 samples × 784 features" in proc.stdout
    proc = mlpkit("train", "--data", "playground:spiral", "--epochs", "1", "--quiet",
                  cwd=tmp_path)  # fmt: skip
    assert "playground: 500 samples × 2 features" in proc.stdout
