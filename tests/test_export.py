"""ONNX (run in onnxruntime) and PyTorch export / import, compared with mlpkit to 1e-5."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import mlpkit  # noqa: E402
from mlpkit import export, io  # noqa: E402
from mlpkit.activations import Activation  # noqa: E402
from mlpkit.io import Model  # noqa: E402

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")
torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)) * 2


def _model(acts, output, *, n_out=3, dtype=np.float32, **kw) -> Model:
    net = mlpkit.MLP([4, 8, 8, 8, n_out], activation=acts, output=output, random_state=1,
                     dtype=dtype, **kw)  # fmt: skip
    # Random weights of a trained-looking scale (not the init), so every unit is exercised.
    net.params = np.random.default_rng(2).normal(size=net.n_params) * 0.6
    task = "regression" if output in ("identity", "exp") else "classification"
    mean, scale = X.mean(axis=0), X.std(axis=0)
    y_kw = {}
    if output == "identity":
        y_kw = dict(y_mean=np.arange(n_out) + 1.0, y_scale=np.arange(n_out) + 2.0)
    return Model(net, task=task, x_mean=mean, x_scale=scale, **y_kw)


CASES = {
    "softmax-tanh-prelu-gelu-ln-res": (["tanh", "prelu", "gelu"], "softmax",
                                       dict(layer_norm=True, residual=True)),
    "logistic-silu-isru-step": (["silu", "isru", "binary_step"], "logistic", dict(n_out=1)),
    "regressor-arctan-softsign-softplus-res": (["arctan", "softsign", "softplus"], "identity",
                                               dict(residual=True)),
    "exp-leaky-elu-relu-dropout": ([mlpkit.get_activation("leaky_relu", alpha=0.2),
                                    mlpkit.get_activation("elu", alpha=0.7), "relu"], "exp",
                                   dict(dropout=0.3)),
    "regressor-float64-logistic-identity": (["logistic", "identity", "relu"], "identity",
                                            dict(dtype=np.float64, n_out=2)),
}  # fmt: skip


@pytest.fixture(params=list(CASES), ids=list(CASES))
def model(request):
    acts, output, kw = CASES[request.param]
    return _model(acts, output, **kw)


def _close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_onnx_matches_mlpkit(model, tmp_path):
    path = export.save_onnx(model, tmp_path / "m.onnx")
    proto = onnx.load(str(path))
    assert proto.ir_version == 8
    assert [o.version for o in proto.opset_import if o.domain == ""] == [17]
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    Xd = X.astype(model.net.dtype)
    out, *rest = sess.run(None, {"X": Xd})
    assert out.dtype == model.net.dtype
    _close(out, model.forward(Xd))
    if model.is_classifier:  # a second output equal to predict_proba (2 columns if binary)
        (proba,) = rest
        assert proba.shape == (len(Xd), max(2, model.net.n_outputs))
        _close(proba, model.predict_proba(Xd))
    else:
        assert rest == []
    if model.is_classifier:
        assert np.array_equal(out.argmax(axis=1) if out.shape[1] > 1 else out[:, 0] >= 0.5,
                              model.net.predict(model.transform(Xd)))  # fmt: skip


def test_onnx_plain_mlp_and_metadata():
    net = mlpkit.MLP([2, 5, 3], output="softmax", random_state=0)
    m = Model(net, classes=["a", "b", "c"])
    proto = export.to_onnx(m)
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["classes"] == '["a", "b", "c"]' and meta["task"] == "classification"
    sess = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    Xf = X[:, :2].astype(np.float32)
    _close(sess.run(None, {"X": Xf})[0], net.forward(Xf))


def test_onnx_unsupported_activation_is_named():
    weird = Activation("mystery", np.sin, lambda Z, A: np.cos(Z), "sin x", "cos x", "[-1, 1]",
                       False, True)  # fmt: skip
    net = mlpkit.MLP([2, 3, 1], activation=weird, random_state=0)
    with pytest.raises(export.ExportError, match="'mystery'"):
        export.to_onnx(net)
    with pytest.raises(export.ExportError, match="'mystery'"):
        export.to_torch(net)


def test_torch_module_matches_mlpkit(model, tmp_path):
    seq = export.to_torch(model)
    Xd = X.astype(model.net.dtype)
    with torch.no_grad():
        out = seq(torch.from_numpy(Xd)).numpy()
    _close(out, model.forward(Xd))
    # The state dict file holds tensors only: weights_only loading works.
    path = export.save_torch(model, tmp_path / "m.pt")
    state = torch.load(path, weights_only=True)
    assert set(state) == set(seq.state_dict())
    lin = next(m for m in seq if isinstance(m, torch.nn.Linear))
    assert lin.weight.shape == (8, 4)  # PyTorch's (out, in): transposed from mlpkit's W
    np.testing.assert_array_equal(lin.weight.detach().numpy(), model.net.weights[0].T)
    # The printed source builds both the Sequential and the seed-style class; both load it.
    ns: dict = {}
    exec(compile(export.torch_code(model, str(path)), "<torch_code>", "exec"), ns)
    seq2 = ns["make_sequential"]().to(lin.weight.dtype)
    seq2.load_state_dict(state)
    seq2.eval()
    cls = ns["MLP"]().to(lin.weight.dtype).load_mlpkit(str(path))
    cls.eval()
    with torch.no_grad():
        _close(seq2(torch.from_numpy(Xd)).numpy(), model.forward(Xd))
        _close(cls(torch.from_numpy(Xd)).numpy(), model.forward(Xd))


def test_torch_code_is_in_seed_style():
    net = mlpkit.MLP([2, 10, 10, 1], activation="logistic", output="identity", random_state=0)
    code = export.torch_code(net)
    assert "class MLP(nn.Module):" in code
    assert "self.l1 = nn.Linear(2, 10)" in code and "self.l3 = nn.Linear(10, 1)" in code
    assert "h1 = torch.sigmoid(h1)" in code
    assert "def loss(self, x, target):" in code


def test_from_torch_round_trip():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(
        torch.nn.Linear(4, 6), torch.nn.LayerNorm(6), torch.nn.Tanh(),
        torch.nn.Linear(6, 5), torch.nn.PReLU(5), torch.nn.Dropout(0.1),
        torch.nn.Linear(5, 5), torch.nn.LeakyReLU(0.05),
        torch.nn.Linear(5, 5), torch.nn.ELU(0.5),
        torch.nn.Linear(5, 5), torch.nn.GELU(), torch.nn.Linear(5, 5), torch.nn.SiLU(),
        torch.nn.Linear(5, 3), torch.nn.Softmax(dim=1),
    ).eval()  # fmt: skip
    with torch.no_grad():
        seq[4].weight.uniform_(0.1, 0.5)  # distinct PReLU slopes
        seq[1].weight.uniform_(0.5, 1.5)
        seq[1].bias.uniform_(-0.5, 0.5)
    net = export.from_torch(seq)
    assert net.head.name == "softmax" and net.loss.name == "cross_entropy"
    assert net.activations == ["tanh", "prelu", "leaky_relu", "elu", "gelu", "silu"]
    Xf = X.astype(np.float32)
    with torch.no_grad():
        _close(net.forward(Xf), seq(torch.from_numpy(Xf)).numpy())
    # and back: mlpkit → torch → mlpkit keeps every parameter
    again = export.from_torch(export.to_torch(net))
    assert again.params.tobytes() == net.params.tobytes()


def test_from_torch_plain_regressor_and_errors(tmp_path):
    seq = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    seq = seq.double()
    torch.save(seq.state_dict(), tmp_path / "s.pt")
    fresh = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    net = export.load_torch(tmp_path / "s.pt", fresh.double())
    assert net.dtype == np.float64 and net.head.name == "identity"
    Xd = X[:, :3]
    with torch.no_grad():
        _close(net.forward(Xd), seq(torch.from_numpy(Xd)).numpy())
    with pytest.raises(export.ExportError, match="Hardtanh"):
        export.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Hardtanh(),
                                              torch.nn.Linear(2, 1)))  # fmt: skip
    with pytest.raises(export.ExportError, match="nn.Sequential"):
        export.from_torch(torch.nn.Linear(2, 2))


def test_export_of_saved_model_file(tmp_path):
    """A model file written by io.save exports the same as the in-memory model."""
    m = _model(["relu", "tanh", "relu"], "softmax")
    io.save(m, tmp_path / "m.mlpkit")
    back = io.load(tmp_path / "m.mlpkit")
    a = export.to_onnx(m).SerializeToString()
    b = export.to_onnx(back).SerializeToString()
    assert a == b
