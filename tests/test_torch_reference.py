"""An independent reference: the same weights in PyTorch give the same forward output,
loss and gradients (float64, to 1e-6). Needs the optional extra torch==2.13.0."""

import numpy as np
import pytest

from mlpkit import MLP
from mlpkit.layers import ActivationLayer, Dense, LayerNorm, PReLU, Residual

torch = pytest.importorskip("torch", reason="the optional torch extra (torch==2.13.0)")
nn = torch.nn

TORCH_ACTS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "logistic": nn.Sigmoid,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "softplus": nn.Softplus,
    "softsign": nn.Softsign,
    "identity": nn.Identity,
}


class _Residual(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return x + self.inner(x)


def _to_torch(layers):
    """Build the same network in PyTorch from mlpkit layers (transposing W)."""
    mods = []
    for layer in layers:
        if isinstance(layer, Dense):
            lin = nn.Linear(layer.n_in, layer.n_out).double()
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(layer.W.T))  # PyTorch stores Wᵀ
                lin.bias.copy_(torch.tensor(layer.b))
            mods.append(lin)
        elif isinstance(layer, ActivationLayer):
            mods.append(TORCH_ACTS[layer.act.name]())
        elif isinstance(layer, PReLU):
            p = nn.PReLU(layer.n_in).double()
            with torch.no_grad():
                p.weight.copy_(torch.tensor(layer.alpha))
            mods.append(p)
        elif isinstance(layer, LayerNorm):
            ln = nn.LayerNorm(layer.n_in, eps=layer.eps).double()
            with torch.no_grad():
                ln.weight.copy_(torch.tensor(layer.gamma))
                ln.bias.copy_(torch.tensor(layer.beta))
            mods.append(ln)
        elif isinstance(layer, Residual):
            mods.append(_Residual(_to_torch(layer.layers)))
        else:
            raise AssertionError(layer)
    return nn.Sequential(*mods)


def _torch_grads(model):
    """Gradients in mlpkit's flat layout [W0|b0|...], transposing W back."""
    out = []
    for mod in model.modules():
        if isinstance(mod, nn.Linear):
            out += [mod.weight.grad.T.reshape(-1), mod.bias.grad]
        elif isinstance(mod, nn.PReLU):
            out.append(mod.weight.grad)
        elif isinstance(mod, nn.LayerNorm):
            out += [mod.weight.grad, mod.bias.grad]
    return torch.cat(out).numpy()


CASES = [
    ([3, 8, 8, 1], "relu", "identity", {}),
    ([3, 8, 8, 1], "tanh", "identity", {"loss": "sum_squared_error"}),
    ([4, 6, 5, 3], ["gelu", "silu"], "softmax", {}),
    ([4, 6, 6, 2], ["elu", "softplus"], "logistic", {}),
    ([2, 5, 5, 5, 1], ["leaky_relu", "prelu", "softsign"], "identity", {"residual": True}),
    ([3, 6, 6, 4], "tanh", "softmax", {"layer_norm": True, "residual": True}),
    ([3, 7, 2], "logistic", "identity", {"loss": "huber"}),
]


@pytest.mark.parametrize(("sizes", "act", "output", "kw"), CASES)
def test_forward_loss_and_gradients_match_pytorch(sizes, act, output, kw):
    rng = np.random.default_rng(0)
    net = MLP(sizes, activation=act, output=output, dtype=np.float64, random_state=1, **kw)
    net.params = net.params + 0.1 * rng.normal(size=net.n_params)  # non-trivial LN/PReLU params
    X = rng.normal(size=(9, sizes[0]))
    n_out = sizes[-1]
    model = _to_torch(net.layers)
    Xt = torch.tensor(X)
    Z = model(Xt)
    if output == "softmax":
        labels = rng.integers(0, n_out, 9)
        Y, target = labels, torch.tensor(labels)
        loss_t = nn.functional.cross_entropy(Z, target)
        out_t = torch.softmax(Z, dim=1)
    elif output == "logistic":
        Y = rng.integers(0, 2, (9, n_out)).astype(float)
        loss_t = nn.functional.binary_cross_entropy_with_logits(Z, torch.tensor(Y))
        loss_t = loss_t * n_out  # mlpkit sums over outputs, means over samples
        out_t = torch.sigmoid(Z)
    else:
        Y = rng.normal(size=(9, n_out))
        Yt = torch.tensor(Y)
        if kw.get("loss") == "sum_squared_error":
            loss_t = 0.5 * ((Z - Yt) ** 2).sum()
        elif kw.get("loss") == "huber":
            loss_t = nn.functional.huber_loss(Z, Yt, reduction="sum", delta=1.0) / 9
        else:
            loss_t = 0.5 * ((Z - Yt) ** 2).sum() / 9
        out_t = Z
    loss_t.backward()
    np.testing.assert_allclose(net.forward(X), out_t.detach().numpy(), rtol=1e-6, atol=1e-9)
    loss, grad = net.loss_and_grad(X, Y)
    assert loss == pytest.approx(loss_t.item(), rel=1e-6)
    np.testing.assert_allclose(grad, _torch_grads(model), rtol=1e-6, atol=1e-9)
