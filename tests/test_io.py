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
from mlpkit import atomicfile, io  # noqa: E402
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

    monkeypatch.setattr(atomicfile, "_write_all", crash_midway)
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


# ---------------------------------------------------------------------- edited model files
def _edited(tmp_path, edit_config=None, edit_tensors=None, arch=1, name="edited.mlpkit"):
    """A model file whose config or tensors were edited by hand (the framing stays valid)."""
    net = _randomised(ARCHS[arch])
    model = Model(net, classes=["a", "b", "c"], x_mean=np.zeros(4), x_scale=np.ones(4))
    tensors, config = io._model_payload(model)
    if edit_config is not None:
        edit_config(config)
    if edit_tensors is not None:
        edit_tensors(tensors)
    path = tmp_path / name
    path.write_bytes(io._encode(tensors, config))
    return path


def _set_layer(i, **kv):
    def edit(config):
        config["network"]["layers"][i].update(kv)

    return edit


def _huge(config):
    config["network"]["layer_sizes"][1] = 10**12
    config["network"]["layers"][0]["n_out"] = 10**12


EDITS = {
    "huge-width": (_huge, None, "between 1 and"),
    "zero-width": (_set_layer(0, n_out=0), None, "n_out is 0"),
    "negative-width": (
        lambda c: c["network"]["layer_sizes"].__setitem__(0, -4),
        None,
        "layer size 0 is -4",
    ),
    "widths-do-not-chain": (_set_layer(-1, n_in=7), None, "takes 7 inputs but receives 8"),
    "unknown-layer": (_set_layer(2, type="Conv2d"), None, "type 'Conv2d'"),
    "unknown-dtype": (lambda c: c["network"].update(dtype="bogus"), None, "dtype 'bogus'"),
    "unknown-activation": (_set_layer(2, type="Activation", name="swoosh"), None, "'swoosh'"),
    "unknown-loss": (lambda c: c["network"].update(loss="hinge"), None, "loss 'hinge'"),
    "x-mean-length": (
        None,
        lambda t: t.__setitem__("x_mean", np.zeros(3, np.float32)),
        "'x_mean' (shape (3,))",
    ),
    "nan-weight": (
        None,
        lambda t: t["params"].__setitem__(5, np.nan),
        "non-finite value in 'params'",
    ),
    "params-count": (
        None,
        lambda t: t.__setitem__("params", np.zeros(7, np.float32)),
        "7 parameters in 'params'",
    ),
    "class-count": (lambda c: c["classes"]["values"].append("d"), None, "4 classes"),
    "class-dtype": (lambda c: c["classes"].update(dtype="bogus"), None, "class dtype 'bogus'"),
    "feature-names": (lambda c: c.update(feature_names=["a"]), None, "features"),
    "zero-scale": (None, lambda t: t["x_scale"].__setitem__(0, 0.0), "zero in 'x_scale'"),
}


@pytest.mark.parametrize("case", list(EDITS))
def test_edited_model_file_is_refused_in_one_line(tmp_path, case):
    import tracemalloc

    good = io.save(_randomised(ARCHS[1]), tmp_path / "good.mlpkit")
    edit_config, edit_tensors, needle = EDITS[case]
    bad = _edited(tmp_path, edit_config, edit_tensors)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError) as err:
            io.load(bad)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    msg = str(err.value)
    assert type(err.value) is ModelFileError
    assert msg.startswith(f"{bad}: ") and "\n" not in msg
    assert needle in msg, msg
    assert peak < 20 * 2**20  # refused before allocating what the config claims
    assert io.load(good).net.n_params == _randomised(ARCHS[1]).n_params  # nothing lost


def test_parameter_count_rule_matches_every_layer_kind():
    from mlpkit.modelcheck import config_n_params

    for kw in ARCHS:
        net = _randomised(kw)
        assert config_n_params("x", net.get_config()) == net.n_params


def test_dev_zero_and_a_fifo_are_refused_at_once(tmp_path):
    with pytest.raises(ModelFileError, match="not a regular file"):
        mlpkit.load("/dev/zero")
    fifo = tmp_path / "pipe.mlpkit"
    os.mkfifo(fifo)
    with pytest.raises(ModelFileError, match="not a regular file"):  # would block if opened
        io.load(fifo)


def test_size_limit_is_checked_before_reading(tmp_path, monkeypatch):
    path = _good_file(tmp_path)
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 100)
    with pytest.raises(ModelFileError, match=r"model files are at most 100 bytes") as err:
        io.load(path)
    assert str(path) in str(err.value)


def test_saving_non_finite_weights_is_refused_and_keeps_the_previous_file(tmp_path):
    path = tmp_path / "model.mlpkit"
    first = _randomised(ARCHS[0])
    io.save(first, path)
    broken = _randomised(ARCHS[0])
    broken.params[:] = np.nan  # the live vector, as a diverged run leaves it
    with pytest.raises(ValueError, match="non-finite values") as err:
        io.save(broken, path)
    assert str(path) in str(err.value)
    assert type(err.value) is ValueError
    assert io.load(path).net.params.tobytes() == first.params.tobytes()


def test_temporary_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    import signal
    import subprocess
    import sys

    path = tmp_path / "model.mlpkit"
    first = _randomised(ARCHS[1])
    io.save(first, path)
    # A real process, killed in the middle of writing its temporary file.
    script = (
        "import sys, time, numpy as np, mlpkit\n"
        "from mlpkit import atomicfile, io\n"
        "def slow(fh, data):\n"
        "    fh.write(data[: len(data) // 2]); fh.flush()\n"
        "    print('writing', flush=True); time.sleep(60)\n"
        "atomicfile._write_all = slow\n"
        "io.save(mlpkit.MLP([4, 8, 8, 3], output='softmax'), sys.argv[1])\n"
    )
    env = dict(os.environ, PYTHONPATH=os.path.dirname(io.__file__).rsplit(os.sep, 1)[0])
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].name.startswith(".model.mlpkit.")
    assert io.load(path).net.params.tobytes() == first.params.tobytes()  # previous file intact
    second = _randomised(ARCHS[1])
    io.save(second, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.mlpkit"]
    assert io.load(path).net.params.tobytes() == second.params.tobytes()


@pytest.mark.parametrize(
    "edit, needle",
    [
        (lambda t: t.update(epoch=-1), "damaged trainer state"),
        (lambda t: t.pop("rng"), "damaged trainer state"),
        (lambda t: t.update(best_loss="lots"), "damaged best loss 'lots'"),
    ],
    ids=["negative-epoch", "no-rng", "bad-best-loss"],
)
def test_edited_checkpoint_is_refused_in_one_line(tmp_path, edit, needle):
    path = tmp_path / "ck.mlpkit"
    io.save_checkpoint(_trainer(), path)  # a trainer that has not run: epoch 0
    good = io.load_checkpoint(path)
    tensors = dict(io._tensors(path, path.read_bytes()))
    config = io.read_config(path)
    edit(config["trainer"])
    bad = tmp_path / "edited.mlpkit"
    bad.write_bytes(io._encode(tensors, config))
    with pytest.raises(ModelFileError) as err:
        io.load_checkpoint(bad)
    assert str(err.value).startswith(f"{bad}: ") and needle in str(err.value)
    assert io.load_checkpoint(path)["epoch"] == good["epoch"]  # the original still loads
