"""The playground's sessions without a browser: mlpkit's numbers, validation, data."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import mlpkit
from mlpkit.datasets import make_playground
from mlpkit.web.data import DataError, parse_csv
from mlpkit.web.session import MessageError, Session, parse_message, python_script
from mlpkit.web.settings import SettingsError, validate_settings

from .conftest import SRC


def _play(session: Session, epochs: int) -> None:
    session.inbox.append({"type": "play"})
    for _ in range(epochs):
        session.work()


def test_session_equals_mlpkit_trainer_in_python():
    """Same settings and seed: the session's losses and weights are those of an
    independent mlpkit run written out by hand."""
    seed = 7
    s = Session({"dataset": "xor", "seed": seed, "learningRate": 0.1, "networkShape": [4, 2]})
    _play(s, 12)
    X, y = make_playground("xor", 500, noise=0.0, random_state=seed)
    X = X.astype(np.float32)
    net = mlpkit.MLP([2, 4, 2, 1], activation="tanh", output="logistic", random_state=seed)
    tr = mlpkit.Trainer(net, mlpkit.SGD(0.1), batch_size=10, random_state=seed, n_threads=1)
    h = tr.run(X[:250], y[:250], epochs=12, validation_data=(X[250:], y[250:]))
    got = np.array([[p[1], p[2]] for p in s.history[1:]])
    assert got.shape == (12, 2)
    np.testing.assert_array_equal(got[:, 0], h.loss)
    np.testing.assert_array_equal(got[:, 1], h.val_loss)
    np.testing.assert_array_equal(s.net.params, net.params)


def test_l2_adam_momentum_schedule_match_python():
    seed = 3
    settings = {"dataset": "circle", "seed": seed, "optimizer": "momentum", "schedule": "step",
                "regularization": "L2", "regularizationRate": 0.01, "activation": "relu",
                "networkShape": [5], "learningRate": 0.01}  # fmt: skip
    s = Session(settings)
    _play(s, 4)
    X, y = make_playground("circle", 500, random_state=seed)
    X = X.astype(np.float32)
    net = mlpkit.MLP([2, 5, 1], activation="relu", output="logistic", random_state=seed)
    tr = mlpkit.Trainer(net, mlpkit.SGD(0.01, momentum=0.9), batch_size=10, weight_decay=0.01,
                        schedule=mlpkit.schedules.StepLR(100, 0.5), random_state=seed)  # fmt: skip
    h = tr.run(X[:250], y[:250], epochs=4, validation_data=(X[250:], y[250:]))
    np.testing.assert_array_equal([p[1] for p in s.history[1:]], h.loss)
    np.testing.assert_array_equal(s.net.params, net.params)


def test_exported_script_reproduces_the_session(tmp_path):
    settings = {"dataset": "spiral", "seed": 5, "optimizer": "adam", "learningRate": 0.01,
                "regularization": "L1", "regularizationRate": 0.001, "stopEpochs": 6,
                "xSquared": True, "sinY": True, "networkShape": [6, 3]}  # fmt: skip
    s = Session(settings)
    _play(s, 10)  # stops itself at epoch 6
    assert s.status.startswith("stopped") and s.trainer.epoch == 6
    script = tmp_path / "run.py"
    script.write_text(python_script(s.settings))
    env = {"PYTHONPATH": SRC, "OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    losses = [float(line.split()[4]) for line in out.stdout.splitlines() if "train loss" in line]
    np.testing.assert_allclose(losses, [p[1] for p in s.history[1:]], rtol=1e-5)
    saved = mlpkit.load(tmp_path / "playground.mlpkit")
    np.testing.assert_array_equal(saved.net.params, s.net.params)


def test_l1_shrinks_weights_not_biases():
    base = {"dataset": "gauss", "seed": 2, "networkShape": [4], "learningRate": 0.03}
    plain, l1 = Session(base), Session({**base, "regularization": "L1", "regularizationRate": 0.3})
    _play(plain, 20)
    _play(l1, 20)
    assert sum(np.abs(W).sum() for W in l1.net.weights) < 0.7 * sum(
        np.abs(W).sum() for W in plain.net.weights
    )


def test_multiclass_softmax_and_regression():
    s = Session({"dataset": "blobs", "classes": 4, "seed": 1, "optimizer": "adam"})
    _play(s, 15)
    assert s.net.layer_sizes[-1] == 4 and s.net.head.name == "softmax"
    assert s.history[-1][4] > 0.9  # test accuracy
    f = s.frame()
    assert f["heat_kind"] == "classes" and f["n_classes"] == 4
    r = Session({"problem": "regression", "regDataset": "reg-gauss", "seed": 1})
    _play(r, 3)
    assert r.net.head.name == "identity" and r.frame()["metric"] == "R²"


def test_divergence_keeps_last_finite_weights():
    s = Session({"problem": "regression", "learningRate": 10, "seed": 1})
    start = s.net.params.copy()
    _play(s, 3)
    assert s.status == "diverged" and "diverged" in s.frame()["message"]
    assert np.all(np.isfinite(s.net.params))
    np.testing.assert_array_equal(s.net.params, start)  # epoch 1 diverged: initial weights
    s.inbox.append({"type": "settings", "settings": {"learningRate": 0.01}})
    s.inbox.append({"type": "reset"})
    _play(s, 2)
    assert s.status == "playing"


def test_frame_encoding_sizes():
    s = Session()
    f = json.loads(json.dumps(s.work()[-1]))
    assert len(__import__("base64").b64decode(f["heat"])) == 50 * 50
    assert len(__import__("base64").b64decode(f["neurons"])) == 6 * 25 * 25
    params = np.frombuffer(__import__("base64").b64decode(f["params"]), dtype="<f4")
    assert params.size == s.net.n_params  # [W_0, b_0, W_1, ...], as the flat vector
    np.testing.assert_array_equal(params, s.net.params)


@pytest.mark.parametrize(
    "text, needle",
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"type": "launch"}', "Unknown message type"),
        ('{"type": "play", "extra": 1}', "takes the keys"),
        ('{"type": "edit", "kind": "weight", "layer": 0, "to": 0, "value": "x"}', "value"),
        ('{"type": "point", "x": 1, "y": 1, "label": NaN}', "label"),
        ('{"type": "step", "pad": "' + "a" * 20000 + '"}', "at most"),
        ("x" * 1_300_000, "too large"),
    ],
)
def test_malformed_messages_are_named(text, needle):
    with pytest.raises(MessageError, match=needle):
        parse_message(text)


@pytest.mark.parametrize(
    "update, needle",
    [
        ({"networkShape": [4] * 9}, "at most 8 hidden layers"),
        ({"networkShape": [33]}, "1 to 32 units"),
        ({"learningRate": 100}, "between"),
        ({"learningRate": True}, "must be a number"),
        ({"activation": "swish2"}, "must be one of"),
        ({"bogus": 1}, "Unknown setting"),
        ({"x": False, "y": False}, "at least one input feature"),
        ({"noise": 2.5}, "whole number"),
    ],
)
def test_settings_are_validated(update, needle):
    with pytest.raises(SettingsError, match=needle):
        validate_settings(update)


def test_bad_settings_leave_the_session_running():
    s = Session({"seed": 4})
    _play(s, 2)
    s.inbox.append({"type": "settings", "settings": {"networkShape": [40]}})
    out = s.work()
    assert out[0]["type"] == "error" and "32 units" in out[0]["message"]
    assert s.trainer.epoch == 3 and s.status == "playing"


@pytest.mark.parametrize(
    "text, needle",
    [
        ("", "empty"),
        ("a,b,c\n1,2\n3,4\n5,6\n7,8\n", "exactly 3"),
        ("1,2,0\n3,nan,1\n1,1,0\n2,2,1\n", "finite"),
        ("1,2,0\n3,x,1\n1,1,0\n2,2,1\n", "must be numbers"),
        ("\x00\x01PNG", "binary"),
        ("1,2,0\n" * 6000, "at most 5000"),
        ("1,2,0\n" * 200_000, "larger than"),
        ("1,2,0\n2,3,0\n3,4,0\n4,5,0\n", "2 to 6 classes"),
    ],
)
def test_bad_csv_is_refused_with_a_reason(text, needle):
    with pytest.raises(DataError, match=needle):
        parse_csv(text, "classification", 50, 0)


def test_csv_upload_and_clicks_make_custom_data():
    rng = np.random.default_rng(0)
    P = rng.uniform(-1, 1, (200, 2))
    csv = "x1,x2,label\n" + "\n".join(f"{a},{b},{'in' if a * a + b * b < 0.4 else 'out'}"
                                      for a, b in P)  # fmt: skip
    s = Session({"seed": 1, "optimizer": "adam", "learningRate": 0.03})
    s.inbox.append({"type": "upload", "csv": csv})
    s.work()
    assert s.settings["dataset"] == "custom" and s.data.n_points == 200
    _play(s, 30)
    assert s.history[-1][1] < s.history[0][1]
    s.inbox.append({"type": "point", "x": 1.0, "y": 2.0, "label": 1})
    s.work()
    assert s.data.n_points == 201


def test_exports_load_and_run():
    s = Session({"seed": 1})
    _play(s, 2)
    content, name, _ = s.export("model")
    assert name.endswith(".mlpkit") and content[:8]
    ort = pytest.importorskip("onnxruntime")
    onnx_bytes, _, _ = s.export("onnx")
    sess = ort.InferenceSession(onnx_bytes)
    X = s.X_test[:5]
    np.testing.assert_allclose(sess.run(None, {"X": X})[0], s.net.forward(X), rtol=1e-5)
