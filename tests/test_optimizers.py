"""One hand-computed step of every optimizer, on both paths (NumPy passes and the
one-pass numba kernels, which must agree to the bit); scikit-learn's rules against
scikit-learn's own optimizers; state that never references the weights; and (with the
optional torch extra) several steps against PyTorch's optimizers."""

import copy
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

from mlpkit import optimizers
from mlpkit.optimizers import (
    SGD,
    Adam,
    AdamW,
    RMSProp,
    SklearnAdam,
    SklearnSGD,
    get_optimizer,
    optimizer_from_state,
)

# The fast extra (numba) is part of the test extra, so CI tests both paths; without it
# the NumPy path is still tested and the comparisons with the kernels are skipped.
HAS_NUMBA = optimizers.accelerator_available()
needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason="needs the fast extra (numba)")

ALL = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "sklearn_sgd", "sklearn_adam"]


@pytest.fixture(params=["numpy", "numba"] if HAS_NUMBA else ["numpy"], autouse=True)
def path(request):
    """Every test of this module runs once per path (forced, whatever the vector's size)."""
    previous = optimizers.set_accelerator(request.param)
    yield request.param
    optimizers.set_accelerator(previous)


W0 = np.array([1.0, -2.0, 0.5])
G = np.array([0.1, -0.3, 2.0])


def _step(opt, w=W0, g=G, n=1):
    w = w.copy()
    for _ in range(n):
        opt.step(w, g)
    return w


def test_gradient_descent_step_by_hand():
    # Lecture L4: w ← w - η ∇f.
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
    # Lecture L4 defaults. t = 1: m̂ = g, v̂ = g², so the step is α g / (|g| + ε) ≈ α sign(g).
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


@pytest.mark.parametrize("name", ALL)
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


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam", "adamw", *ALL[-2:]])
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


# ------------------------------------------------------------ the two paths agree
def _run(name, path, w0, grads, **kw):
    optimizers.set_accelerator(path)
    opt = get_optimizer(name, **kw)
    w = w0.copy()
    for i, g in enumerate(grads):
        if i == 3:
            opt.lr *= 0.5  # a schedule's change between steps
        opt.step(w, g)
    return w, opt


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ALL)
@needs_numba
@pytest.mark.parametrize("path", ["auto"], indirect=True)  # sets both itself
def test_numba_kernels_give_numpys_bits(name, dtype, path):
    # The kernels do NumPy's operations in NumPy's order and precision, one element at a
    # time: the same bits, in the weights and in every state array.
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal(1001).astype(dtype)
    grads = [rng.standard_normal(1001).astype(dtype) * 10.0 ** (-k) for k in range(6)]
    w_np, opt_np = _run(name, "numpy", w0, grads, lr=0.01)
    w_nb, opt_nb = _run(name, "numba", w0, grads, lr=0.01)
    assert w_nb.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(w_nb, w_np)
    for key in opt_np._state_arrays:
        np.testing.assert_array_equal(getattr(opt_nb, key), getattr(opt_np, key))
    assert not np.array_equal(w_np, w0)


@needs_numba
@pytest.mark.parametrize("path", ["auto"], indirect=True)  # sets both itself
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ALL[1:])
def test_subnormal_state_is_flushed_the_same_way_on_both_paths(name, dtype, path, monkeypatch):
    # Gradients that vanish after the first step let the moments decay geometrically
    # into the subnormal range, where every operation is slow; every FLUSH_EVERY steps
    # both paths set such values to 0 -- and the weights do not notice.
    tiny = np.finfo(dtype).tiny
    rng = np.random.default_rng(7)
    w0 = rng.standard_normal(300).astype(dtype)
    lowest = np.log10(tiny) - 4  # gradients down into the subnormal range
    g1 = (rng.standard_normal(300) * np.logspace(lowest, 0, 300)).astype(dtype)
    grads = [g1] + [np.zeros(300, dtype)] * (2 * optimizers.FLUSH_EVERY - 1)
    # Start from a state that is already subnormal in places.
    ref = get_optimizer(name, lr=0.01)
    ref.step(w0.copy(), g1)
    keys = ref._state_arrays
    for key in keys:
        getattr(ref, key)[::3] = tiny / 8
    out = {}
    for p in ("numpy", "numba"):
        optimizers.set_accelerator(p)
        opt = copy.deepcopy(ref)
        w = w0.copy()
        for g in grads:
            opt.step(w, g)
            if opt.t % optimizers.FLUSH_EVERY == 0:
                for key in opt._state_arrays:
                    a = getattr(opt, key)
                    assert not np.any((a != 0) & (np.abs(a) < tiny)), (p, key, opt.t)
        out[p] = (w, opt)
    np.testing.assert_array_equal(out["numba"][0], out["numpy"][0])
    for key in ref._state_arrays:
        np.testing.assert_array_equal(getattr(out["numba"][1], key), getattr(out["numpy"][1], key))
    # Without the flush, the weights come out the same, to the bit.
    monkeypatch.setattr(optimizers, "FLUSH_EVERY", 10**9)
    opt, w = copy.deepcopy(ref), w0.copy()
    for g in grads:
        opt.step(w, g)
    assert any(np.any((a != 0) & (np.abs(a) < tiny)) for a in map(opt.__getattribute__, keys))
    np.testing.assert_array_equal(out["numpy"][0], w)


@needs_numba
@pytest.mark.parametrize("path", ["auto"], indirect=True)  # sets both itself
def test_mixed_dtypes_take_the_numpy_path_on_both_settings(path):
    # A float64 gradient for float32 weights: NumPy's casting rules, whatever the path.
    rng = np.random.default_rng(4)
    w0 = rng.standard_normal(50).astype(np.float32)
    grads = [rng.standard_normal(50) for _ in range(3)]
    w_np, _ = _run("adam", "numpy", w0, grads)
    w_nb, _ = _run("adam", "numba", w0, grads)
    np.testing.assert_array_equal(w_nb, w_np)


@needs_numba
@pytest.mark.parametrize("path", ["auto"], indirect=True)  # sets both itself
def test_accelerator_choice_is_explicit_and_checked(path):
    optimizers.set_accelerator("numpy")
    assert optimizers.accelerator_for(10**7) == "numpy"
    optimizers.set_accelerator("numba")
    assert optimizers.accelerator_for(3) == "numba"
    optimizers.set_accelerator("auto")
    assert optimizers.accelerator_for(optimizers.ACCELERATOR_MIN_PARAMS) == "numba"
    with pytest.raises(ValueError, match="Unknown accelerator 'cuda'"):
        optimizers.set_accelerator("cuda")


@needs_numba
@pytest.mark.parametrize("path", ["auto"], indirect=True)  # sets both itself
def test_auto_imports_numba_only_for_large_vectors():
    # In a fresh process: a small network never imports numba (its import and kernel
    # loading cost more than a short run gains); a large one does.
    code = (
        "import sys\n"
        "from mlpkit import optimizers as o\n"
        "print(o.accelerator_for(5000), 'numba' in sys.modules)\n"
        "print(o.accelerator_for(o.ACCELERATOR_MIN_PARAMS), 'numba' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MLPKIT_ACCELERATOR"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.split()  # fmt: skip
    assert out == ["numpy", "False", "numba", "True"]
    env["MLPKIT_ACCELERATOR"] = "numpy"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.split()  # fmt: skip
    assert out == ["numpy", "False", "numpy", "False"]


# ------------------------------------------------------- scikit-learn's update rules
from sklearn.neural_network._stochastic_optimizers import (  # noqa: E402
    AdamOptimizer,
    SGDOptimizer,
)


def _sklearn_params(rng):
    # scikit-learn keeps a list of arrays (coefs, intercepts); ours is one flat vector.
    return [rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((3, 2))]


@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_sklearn_sgd_matches_sklearn(nesterov, schedule):
    rng = np.random.default_rng(5)
    params = _sklearn_params(rng)
    w = np.concatenate([p.ravel() for p in params])
    theirs = SGDOptimizer(params, learning_rate_init=0.1, lr_schedule=schedule,
                          momentum=0.9, nesterov=nesterov, power_t=0.5)  # fmt: skip
    ours = SklearnSGD(lr=0.1, momentum=0.9, nesterov=nesterov)
    for step in range(6):
        grads = _sklearn_params(rng)
        theirs.update_params(params, grads)
        ours.step(w, np.concatenate([g.ravel() for g in grads]))
        np.testing.assert_allclose(w, np.concatenate([p.ravel() for p in params]),
                                   rtol=1e-12, atol=1e-15)  # fmt: skip
        # scikit-learn changes η at the end of an "iteration" (here: every step); the
        # velocity keeps the old step sizes in both.
        theirs.iteration_ends(time_step=10 * (step + 1))
        ours.lr = theirs.learning_rate


def test_sklearn_adam_matches_sklearn():
    rng = np.random.default_rng(6)
    params = _sklearn_params(rng)
    w = np.concatenate([p.ravel() for p in params])
    theirs = AdamOptimizer(params, learning_rate_init=0.01, beta_1=0.8, beta_2=0.99,
                           epsilon=1e-7)  # fmt: skip
    ours = SklearnAdam(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-7)
    for _ in range(6):
        grads = _sklearn_params(rng)
        theirs.update_params(params, grads)
        ours.step(w, np.concatenate([g.ravel() for g in grads]))
        np.testing.assert_allclose(w, np.concatenate([p.ravel() for p in params]),
                                   rtol=1e-12, atol=1e-15)  # fmt: skip
    assert ours.t == theirs.t == 6


def test_sklearn_adam_differs_from_adam_only_where_v_is_tiny():
    # ε outside the bias-corrected root. First step: m = (1 - β1) g, √v = √(1 - β2) |g|,
    # η_1 = η √(1 - β2) / (1 - β1), so the step is η g / (|g| + ε / √(1 - β2)).
    g = np.array([1e-9, 1.0])
    w_sk, w_core = np.zeros(2), np.zeros(2)
    SklearnAdam(lr=0.1).step(w_sk, g)
    Adam(lr=0.1).step(w_core, g)
    np.testing.assert_allclose(w_sk, -0.1 * g / (np.abs(g) + 1e-8 / np.sqrt(0.001)))
    np.testing.assert_allclose(w_core, -0.1 * g / (np.abs(g) + 1e-8))
    assert w_sk[1] == pytest.approx(w_core[1], rel=1e-6)
    assert abs(w_sk[0]) < 0.1 * abs(w_core[0])


def test_sklearn_rules_by_name_and_from_a_checkpoint():
    opt = get_optimizer("sklearn_sgd", lr=0.05, momentum=0.5)
    assert isinstance(opt, SklearnSGD) and opt.nesterov
    w = W0.copy()
    opt.step(w, G)
    again = optimizer_from_state(opt.state_dict())
    w1, w2 = w.copy(), w.copy()
    opt.step(w1, G)
    again.step(w2, G)
    np.testing.assert_array_equal(w1, w2)
    assert isinstance(get_optimizer("sklearn_adam"), SklearnAdam)
    with pytest.raises(ValueError, match="momentum"):
        SklearnSGD(momentum=1.5)


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
