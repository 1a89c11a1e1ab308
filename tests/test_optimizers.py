"""One hand-computed step of every optimizer, state that never references the weights,
and (with the optional torch extra) several steps against PyTorch's optimizers."""

import copy
import pickle

import numpy as np
import pytest

from mlpkit.optimizers import (
    SGD,
    Adam,
    AdamW,
    RMSProp,
    get_optimizer,
    optimizer_from_state,
)

W0 = np.array([1.0, -2.0, 0.5])
G = np.array([0.1, -0.3, 2.0])


def _step(opt, w=W0, g=G, n=1):
    w = w.copy()
    for _ in range(n):
        opt.step(w, g)
    return w


def test_gradient_descent_step_by_hand():
    # Seed 004: w ← w - η ∇f.
    np.testing.assert_allclose(_step(SGD(lr=0.1)), [0.99, -1.97, 0.3])


def test_momentum_two_steps_by_hand():
    # v1 = g, w1 = w0 - η g; v2 = μ g + g, w2 = w1 - η (1 + μ) g.
    w = _step(SGD(lr=0.1, momentum=0.9), n=2)
    np.testing.assert_allclose(w, W0 - 0.1 * G - 0.1 * 1.9 * G)


def test_nesterov_two_steps_by_hand():
    # Step 1: v = g, w -= η (g + μ g). Step 2: v = μ g + g, w -= η (g + μ (1 + μ) g).
    w = _step(SGD(lr=0.1, momentum=0.9, nesterov=True), n=2)
    np.testing.assert_allclose(w, W0 - 0.1 * 1.9 * G - 0.1 * (1 + 0.9 * 1.9) * G)


def test_rmsprop_step_by_hand():
    v = 0.1 * G**2
    expected = W0 - 0.01 * G / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(_step(RMSProp(lr=0.01, rho=0.9)), expected)


def test_adam_first_step_is_lr_times_sign_thanks_to_bias_correction():
    # Seed 004 defaults. t = 1: m̂ = g, v̂ = g², so the step is α g / (|g| + ε) ≈ α sign(g).
    opt = Adam()
    assert (opt.lr, opt.beta1, opt.beta2, opt.eps) == (0.001, 0.9, 0.999, 1e-8)
    w = _step(opt)
    np.testing.assert_allclose(w, W0 - 0.001 * G / (np.abs(G) + 1e-8), rtol=1e-12)


def test_adam_two_steps_by_hand():
    b1, b2, a, eps = 0.9, 0.999, 0.01, 1e-8
    g1, g2 = G, np.array([-0.2, 0.1, 1.0])
    w = W0.copy()
    opt = Adam(lr=a)
    opt.step(w, g1)
    opt.step(w, g2)
    m = (1 - b1) * g1
    v = (1 - b2) * g1**2
    w_ref = W0 - a * (m / (1 - b1)) / (np.sqrt(v / (1 - b2)) + eps)
    m = b1 * m + (1 - b1) * g2
    v = b2 * v + (1 - b2) * g2**2
    w_ref = w_ref - a * (m / (1 - b1**2)) / (np.sqrt(v / (1 - b2**2)) + eps)
    np.testing.assert_allclose(w, w_ref, rtol=1e-12)
    assert opt.t == 2


def test_adamw_decays_before_the_adam_step():
    w = _step(AdamW(lr=0.01, weight_decay=0.1))
    np.testing.assert_allclose(w, W0 * (1 - 0.001) - 0.01 * G / (np.abs(G) + 1e-8), rtol=1e-12)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"])
def test_state_never_references_the_weights(name):
    opt = get_optimizer(name)
    w = W0.copy()
    opt.step(w, G)
    for value in vars(opt).values():
        if isinstance(value, np.ndarray):
            assert not np.shares_memory(value, w)
    # A copy (or a pickled copy) of the optimizer continues exactly like the original.
    clones = [copy.deepcopy(opt), pickle.loads(pickle.dumps(opt))]
    w_ref = w.copy()
    opt.step(w_ref, G)
    for clone in clones:
        w2 = w.copy()
        clone.step(w2, G)
        np.testing.assert_array_equal(w2, w_ref)


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam", "adamw"])
def test_state_dict_round_trip(name):
    opt = get_optimizer(name, lr=0.05)
    w = W0.copy()
    for _ in range(3):
        opt.step(w, G)
    again = optimizer_from_state(opt.state_dict())
    w1, w2 = w.copy(), w.copy()
    opt.step(w1, G * 0.5)
    again.step(w2, G * 0.5)
    np.testing.assert_array_equal(w1, w2)


def test_bad_settings_get_clear_errors():
    with pytest.raises(ValueError, match="Unknown optimizer 'adm'.*adam"):
        get_optimizer("adm")
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        SGD(lr=-1)
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=1.5)
    with pytest.raises(ValueError, match="Nesterov"):
        SGD(nesterov=True)
    with pytest.raises(ValueError, match="beta1"):
        Adam(beta1=1.0)
    with pytest.raises(ValueError, match="unexpected settings"):
        get_optimizer("adam", momentum=0.9)
    opt = Adam()
    opt.step(W0.copy(), G)
    with pytest.raises(ValueError, match="state for 3 parameters"):
        opt.step(np.zeros(5), np.zeros(5))


# --------------------------------------------------------------------- against PyTorch
torch = pytest.importorskip("torch", reason="the optional torch extra (torch==2.13.0)")


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda: SGD(lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
        (lambda: SGD(lr=0.1, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
        (lambda: SGD(lr=0.1, momentum=0.9, nesterov=True),
         lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
        (lambda: RMSProp(lr=0.01, rho=0.9),
         lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8)),
        (lambda: Adam(lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
        (lambda: AdamW(lr=0.01, weight_decay=0.1),
         lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
    ],
)  # fmt: skip
def test_five_steps_match_pytorch(ours, theirs):
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(5, 4))
    w = rng.normal(size=4)
    p = torch.nn.Parameter(torch.tensor(w.copy(), dtype=torch.float64))
    opt_t, opt = theirs([p]), ours()
    for g in grads:
        opt.step(w, g)
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt_t.step()
    np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-12, atol=1e-14)
