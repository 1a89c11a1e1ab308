"""Model files and checkpoints: bit-exact round trips, hostile files, atomic writes, resume."""

from __future__ import annotations

import json
import os
import pickle
import zipfile

import numpy as np
import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import mlpkit  # noqa: E402
from mlpkit import io  # noqa: E402
from mlpkit.io import Model, ModelFileError  # noqa: E402
from mlpkit.training import Trainer  # noqa: E402

ARCHS = [
    dict(layer_sizes=[3, 5, 2], activation="tanh", output="identity"),
    dict(
        layer_sizes=[4, 8, 8, 3],
        activation=["relu", "prelu"],
        output="softmax",
        residual=True,
        layer_norm=True,
        dropout=0.1,
    ),  # fmt: skip
    dict(layer_sizes=[2, 6, 1], activation="elu", output="logistic", dtype=np.float64),
    dict(layer_sizes=[3, 4, 4, 2], activation=["gelu", "isru"], output="exp", loss="poisson"),
    dict(layer_sizes=[3, 2], output="identity", loss="huber", huber_delta=0.5),
]


def _randomised(kw: dict) -> mlpkit.MLP:
    kw = dict(kw)
    sizes = kw.pop("layer_sizes")
    net = mlpkit.MLP(sizes, random_state=0, **kw)
    net.params = np.random.default_rng(1).normal(size=net.n_params)
    return net


@pytest.mark.parametrize("kw", ARCHS, ids=lambda kw: "-".join(map(str, kw["layer_sizes"])))
def test_mlp_round_trip_is_bit_exact(tmp_path, kw):
    net = _randomised(kw)
    path = io.save(net, tmp_path / "net.mlpkit")
    m = io.load(path)
    assert m.net.params.dtype == net.params.dtype
    assert m.net.params.tobytes() == net.params.tobytes()
    assert m.net.get_config() == net.get_config()
    assert repr(m.net) == repr(net)
    X = np.random.default_rng(2).normal(size=(7, net.n_inputs))
    assert m.forward(X).tobytes() == net.forward(X).tobytes()
    assert np.array_equal(m.predict(X), net.predict(X))


def test_model_with_preprocessing_and_string_classes(tmp_path):
    net = _randomised(dict(layer_sizes=[2, 5, 3], output="softmax"))
    m = Model(net, classes=np.array(["cat", "dog", "emu"]), x_mean=[1.0, -2.0],
              x_scale=[0.5, 3.0], feature_names=["a", "b"], target_name="animal",
              history={"epoch": [1], "loss": [0.5]}, info={"data": "zoo.csv"})  # fmt: skip
    io.save(m, tmp_path / "m.mlpkit")
    back = io.load(tmp_path / "m.mlpkit")
    X = np.random.default_rng(0).normal(size=(20, 2)) * 3
    assert back.classes.dtype == m.classes.dtype
    assert np.array_equal(back.predict(X), m.predict(X))
    assert set(back.predict(X)) <= {"cat", "dog", "emu"}
    assert back.predict_proba(X).tobytes() == m.predict_proba(X).tobytes()
    assert back.x_mean.tobytes() == m.x_mean.tobytes()
    assert back.feature_names == ["a", "b"] and back.target_name == "animal"
    assert back.info["data"] == "zoo.csv"
    assert "cat, dog, emu" in back.summary()
    # The standardisation is really applied: the raw net gives other outputs.
    assert not np.allclose(back.predict_proba(X), net.predict_proba(X))


def test_regression_target_scaling(tmp_path):
    net = _randomised(dict(layer_sizes=[2, 4, 1]))
    m = Model(net, y_mean=[10.0], y_scale=[2.0], ravel=True)
    io.save(m, tmp_path / "r.mlpkit")
    back = io.load(tmp_path / "r.mlpkit")
    X = np.ones((3, 2))
    assert back.predict(X).shape == (3,)
    np.testing.assert_array_equal(back.predict(X), net.forward(X)[:, 0] * 2.0 + 10.0)
    with pytest.raises(ValueError, match="regression"):
        back.predict_proba(X)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimators_round_trip(tmp_path):
    est_mod = pytest.importorskip("mlpkit.estimators")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    clf = est_mod.MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0).fit(X, y)
    io.save(clf, tmp_path / "clf.mlpkit")
    back = io.load(tmp_path / "clf.mlpkit")
    assert np.array_equal(back.predict(X), clf.predict(X))
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    reg = est_mod.MLPRegressor(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    reg.fit(X, X[:, 0] * 2)
    io.save(reg, tmp_path / "reg.mlpkit")
    np.testing.assert_array_equal(io.load(tmp_path / "reg.mlpkit").predict(X), reg.predict(X))
    with pytest.raises(TypeError, match="fit"):
        io.save(est_mod.MLPClassifier(), tmp_path / "unfitted.mlpkit")


# ---------------------------------------------------------------------- hostile files
def _good_file(tmp_path):
    return io.save(_randomised(ARCHS[0]), tmp_path / "good.mlpkit")


def test_truncated_file_fails_clearly(tmp_path):
    data = _good_file(tmp_path).read_bytes()
    for cut in (3, 100, len(data) - 1):
        bad = tmp_path / f"cut{cut}.mlpkit"
        bad.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match="truncated") as err:
            io.load(bad)
        assert str(bad) in str(err.value)


def test_random_bytes_fail_clearly(tmp_path):
    bad = tmp_path / "noise.mlpkit"
    bad.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(ModelFileError, match="not a safetensors model file") as err:
        io.load(bad)
    assert str(bad) in str(err.value)


class _Payload:
    """Unpickling this creates the marker file (as a malicious payload would run code)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_payload_is_never_unpickled(tmp_path):
    # The payload is real: plain pickle.loads does create its marker file...
    probe = tmp_path / "probe-was-run"
    pickle.loads(pickle.dumps(_Payload(probe))).close()
    assert probe.exists()
    # ... but under a model-file name mlpkit refuses it without running it.
    marker = tmp_path / "payload-was-run"
    bad = tmp_path / "evil.mlpkit"
    bad.write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(ModelFileError, match="pickle") as err:
        io.load(bad)
    assert str(bad) in str(err.value)
    assert not marker.exists()
    with pytest.raises(ModelFileError):
        io.load_checkpoint(bad)
    assert not marker.exists()


def test_pytorch_archive_is_refused(tmp_path):
    marker = tmp_path / "zip-payload-was-run"
    bad = tmp_path / "model.mlpkit"
    with zipfile.ZipFile(bad, "w") as zf:  # the layout torch.save writes: a zip with a pickle
        zf.writestr("archive/data.pkl", pickle.dumps(_Payload(marker)))
    with pytest.raises(ModelFileError, match="never unpickles"):
        io.load(bad)
    assert not marker.exists()


def test_newer_format_version_is_refused(tmp_path):
    net = _randomised(ARCHS[0])
    tensors, config = io._model_payload(Model(net))
    config["format_version"] = io.FORMAT_VERSION + 1
    config["mlpkit_version"] = "9.0"
    path = tmp_path / "future.mlpkit"
    path.write_bytes(io._encode(tensors, config))
    with pytest.raises(ModelFileError, match="newer|Upgrade") as err:
        io.load(path)
    assert "format version 2" in str(err.value) and "9.0" in str(err.value)


def test_foreign_safetensors_and_missing_file(tmp_path):
    from safetensors.numpy import save_file

    other = tmp_path / "other.safetensors"
    save_file({"w": np.zeros(3, np.float32)}, str(other))
    with pytest.raises(ModelFileError, match="without an mlpkit configuration"):
        io.load(other)
    with pytest.raises(ModelFileError, match="no such file"):
        io.load(tmp_path / "absent.mlpkit")
    with pytest.raises(ModelFileError, match="not a checkpoint"):
        io.load_checkpoint(_good_file(tmp_path))


def test_wrong_parameter_count_is_refused(tmp_path):
    net = _randomised(ARCHS[0])
    tensors, config = io._model_payload(Model(net))
    tensors["params"] = tensors["params"][:-1].copy()
    path = tmp_path / "short.mlpkit"
    path.write_bytes(io._encode(tensors, config))
    with pytest.raises(ModelFileError, match="parameters"):
        io.load(path)


# ---------------------------------------------------------------------- atomic writes
def test_crash_during_save_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.mlpkit"
    first = _randomised(ARCHS[1])
    io.save(first, path)
    before = path.read_bytes()

    def crash_midway(fh, data):
        fh.write(data[: len(data) // 2])
        raise OSError("No space left on device")

    monkeypatch.setattr(io, "_write_all", crash_midway)
    second = _randomised(ARCHS[1])
    second.params = second.params * 2
    with pytest.raises(OSError, match="No space"):
        io.save(second, path)
    assert path.read_bytes() == before
    assert io.load(path).net.params.tobytes() == first.params.tobytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.mlpkit"]  # no temp file left
    monkeypatch.undo()
    io.save(second, path)
    assert io.load(path).net.params.tobytes() == second.params.tobytes()


# ---------------------------------------------------------------------- checkpoints
def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, y


def _trainer(seed=3, callbacks=()):
    net = mlpkit.MLP([4, 16, 16, 3], activation="tanh", output="softmax", dropout=0.2,
                     random_state=seed)  # fmt: skip
    return Trainer(net, "adam", lr=0.01, batch_size=16, schedule="plateau", callbacks=callbacks)


def test_checkpoint_resume_is_bit_identical(tmp_path):
    X, y = _data()
    full = _trainer()
    full.run(X, y, 8, validation_split=0.25)

    part = _trainer()
    part.run(X, y, 3, validation_split=0.25)
    io.save_checkpoint(part, tmp_path / "ck.mlpkit", run={"seed": 3})
    ck = io.load_checkpoint(tmp_path / "ck.mlpkit")
    assert ck["epoch"] == 3 and ck["run"] == {"seed": 3}
    assert ck["state"]["rng"] == part.rng.bit_generator.state

    resumed = _trainer()  # configured identically; its own split seed is overwritten
    resumed.load_state_dict(ck["state"])
    resumed.run(X, y, 8, validation_split=0.25)
    assert resumed.net.params.tobytes() == full.net.params.tobytes()
    assert resumed.history.loss == full.history.loss
    assert resumed.history.val_loss == full.history.val_loss
    assert resumed.optimizer.lr == full.optimizer.lr
    # load() reads a checkpoint as the model at that epoch.
    m = io.load(tmp_path / "ck.mlpkit")
    assert m.net.params.tobytes() == part.net.params.tobytes()


def test_checkpoint_callback_writes_every_n_epochs(tmp_path):
    X, y = _data()
    path = tmp_path / "ck.mlpkit"
    seen = []

    def record(trainer):  # runs after the checkpoint callback, in the same epoch
        seen.append(io.load_checkpoint(path)["epoch"] if path.exists() else None)

    tr = _trainer(callbacks=[io.checkpoint_callback(path, every=2), record])
    tr.run(X, y, 5)
    assert seen == [None, 2, 2, 4, 4]
    assert io.load_checkpoint(path)["epoch"] == 5  # and once more at the end
    cfg = io.read_config(path)
    assert cfg["kind"] == "checkpoint" and json.dumps(cfg)  # plain JSON
