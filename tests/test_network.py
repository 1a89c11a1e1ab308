"""The MLP: flat parameter vector, the lectures' equations and counts, gradient checks
on random architectures, determinism, and clear errors for bad input."""

import pickle

import numpy as np
import pytest

import mlpkit
from mlpkit import MLP, parameter_count
from mlpkit.analysis import check_gradients


# --------------------------------------------------------------------- lecture L1's code
def gradient_descent_step(X, Y, W0, b0, W1, b1, learning_rate):
    """Copied verbatim from lecture L1 ("MLP - Gradient Descent"). W is (out, in) there."""
    H_ = np.matmul(X, np.transpose(W0)) + b0
    H = np.maximum(H_, 0)
    Y_ = np.matmul(H, np.transpose(W1)) + b1

    delta_Y = Y_ - Y
    W1_grad = np.matmul(np.transpose(delta_Y), H) / H.shape[0]
    b1_grad = np.mean(delta_Y, axis=0)

    delta_H = np.multiply(np.matmul(delta_Y, W1), np.where(H_ >= 0.0, 1.0, 0.0))
    W0_grad = np.matmul(np.transpose(delta_H), X) / X.shape[0]
    b0_grad = np.mean(delta_H, axis=0)

    W0_ = W0 - learning_rate * W0_grad
    b0_ = b0 - learning_rate * b0_grad
    W1_ = W1 - learning_rate * W1_grad
    b1_ = b1 - learning_rate * b1_grad

    return W0_, b0_, W1_, b1_


def test_one_gradient_descent_step_equals_seed_001(rng):
    # Lecture L1's BMI network: 2 inputs, 8 ReLU units, 1 output, mean squared error / 2.
    net = MLP([2, 8, 1], activation="relu", dtype=np.float64, random_state=0)
    X = rng.normal(size=(32, 2))
    Y = rng.normal(size=(32, 1))
    W0, b0 = net.weights[0].T.copy(), net.biases[0].copy()
    W1, b1 = net.weights[1].T.copy(), net.biases[1].copy()
    expected = gradient_descent_step(X, Y, W0, b0, W1, b1, 0.1)
    net.fit(X, Y, optimizer="gd", lr=0.1, epochs=1, batch_size=None, shuffle=False)
    got = (net.weights[0].T, net.biases[0], net.weights[1].T, net.biases[1])
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-12)
    assert not np.allclose(expected[0], W0)  # the step really moved the weights


def test_seed_004_tanh_recursion_gives_the_engines_gradients(rng):
    """Lecture L4: G_l = F - Y, dL/dW_l = A_lᵀ G_l, dL/db_l = 1ᵀ G_l,
    G_{l-1} = (1 - A_l ⊙ A_l) ⊙ (G_l W_lᵀ), for L = 1/2 Σ (F - Y)²."""
    net = MLP([3, 5, 4, 2], activation="tanh", loss="sum_squared_error", dtype=np.float64,
              random_state=1)  # fmt: skip
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    Ws, bs = net.weights, net.biases
    A = [X]  # A_0 = X, A_1 = tanh(H_1), ...
    for W, b in zip(Ws[:-1], bs[:-1]):
        A.append(np.tanh(A[-1] @ W + b))
    F = A[-1] @ Ws[-1] + bs[-1]
    G = F - Y
    grads = []
    for layer in range(len(Ws) - 1, -1, -1):
        grads.append((A[layer].T @ G, np.ones(len(X)) @ G))
        if layer:
            G = (1 - A[layer] * A[layer]) * (G @ Ws[layer].T)
    expected = np.concatenate([np.concatenate([dW.ravel(), db]) for dW, db in grads[::-1]])
    loss, grad = net.loss_and_grad(X, Y)
    assert loss == pytest.approx(0.5 * np.sum((F - Y) ** 2))
    np.testing.assert_allclose(grad, expected, rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------- parameter counts
@pytest.mark.parametrize(
    ("sizes", "residual", "expected", "where"),
    [
        ([1, 3, 1], False, 10, "lecture L0: 1-3-1"),
        ([2, 100, 1], False, 401, "lecture L4: one layer n=100"),
        ([2, 10, 10, 1], False, 151, "lecture L4: two layers 10/10"),
        ([2, 125, 1], False, 501, "lecture L4: image, 1 layer 125"),
        ([2, 20, 20, 1], False, 501, "lecture L4: image, 2 layers 20"),
        ([2, 14, 14, 14, 1], False, 477, "lecture L4: 3 layers 14"),
        ([2, 15, 15, 15, 1], False, 541, "lecture L4: 3 layers 15"),
        ([2, 19, 19, 19, 1], False, 837, "lecture L4: 3 layers 19"),
        ([2, 10, 20, 10, 1], False, 471, "lecture L4: MLP 10/20/10"),
        ([2, 10, 20, 10, 10, 1], True, 581, "lecture L4: ResNet 10/20/10/10"),
        ([40, 298, 10], False, 15208, "lecture L2: MNIST-1D 1 layer"),
        ([40, 100, 100, 10], False, 15210, "lecture L2: MNIST-1D 2 layers"),
        ([40, 75, 75, 75, 10], False, 15235, "lecture L2: MNIST-1D 3 layers"),
        ([40, 63, 63, 63, 63, 10], False, 15319, "lecture L2 erratum: 15,319 not 15,139"),
        ([10, 50, 50, 50, 50, 50, 1], False, 10801, "lecture L2: 5 x 50, 10 inputs"),
        ([1, 10, 10, 10, 10, 10, 1], False, 471, "lecture L2: 5 x 10, 1 input"),
    ],
)
def test_parameter_counts_equal_the_lectures(sizes, residual, expected, where):
    assert parameter_count(sizes, residual=residual) == expected, where
    net = MLP(sizes, residual=residual, random_state=0)
    assert net.n_params == expected == net.params.size


def test_parameter_count_extras():
    assert parameter_count([2, 4, 1], layer_norm=True) == 2 * 4 + 4 + 8 + 5
    assert parameter_count([2, 4, 1], activation="prelu") == 17 + 4
    net = MLP([2, 4, 4, 1], activation="prelu", layer_norm=True, residual=True, random_state=0)
    assert net.n_params == parameter_count([2, 4, 4, 1], layer_norm=True, activation="prelu")


# --------------------------------------------------------------------- flat vector
def test_weights_and_biases_are_views_into_one_flat_vector():
    net = MLP([3, 4, 2], random_state=0)
    w = net.params
    assert net.weights[0].shape == (3, 4) and net.biases[1].shape == (2,)
    # Layout [W0 | b0 | W1 | b1] (lecture L4's compact notation).
    np.testing.assert_array_equal(w[:12], net.weights[0].ravel())
    np.testing.assert_array_equal(w[12:16], net.biases[0])
    np.testing.assert_array_equal(w[16:24], net.weights[1].ravel())
    for arr in net.weights + net.biases:
        assert np.shares_memory(arr, w)
    net.params = np.arange(net.n_params)
    assert net.weights[1][0, 0] == 16 and net.biases[0][0] == 12
    with pytest.raises(ValueError, match=r"shape \(26,\)"):
        net.params = np.zeros(5)
    with pytest.raises(ValueError, match="NaN"):
        net.params = np.full(26, np.nan)


def test_gradient_has_the_same_layout(rng):
    net = MLP([3, 4, 2], dtype=np.float64, random_state=0)
    _, g = net.loss_and_grad(rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    assert g.shape == net.params.shape
    sl = net.param_slices()
    assert [name for name, _, _ in sl] == ["0.W", "0.b", "2.W", "2.b"]


def test_stacked_linear_layers_collapse_to_one(rng):
    """Lecture L1: y = W2 (W1 x + b1) + b2 = W x + b with W = W2 W1, b = W2 b1 + b2."""
    net = MLP([4, 6, 3], activation="identity", dtype=np.float64, random_state=0)
    net.params = rng.normal(size=net.n_params)
    # Column-vector form of lecture L1: W_k = weights[k].T.
    W1, b1 = net.weights[0].T, net.biases[0]
    W2, b2 = net.weights[1].T, net.biases[1]
    W, b = W2 @ W1, W2 @ b1 + b2
    X = rng.normal(size=(10, 4))
    np.testing.assert_allclose(net.forward(X), X @ W.T + b, rtol=1e-12)


# --------------------------------------------------------------------- gradient checks
ACTS = ["relu", "tanh", "logistic", "arctan", "softsign", "isru", "leaky_relu", "prelu",
        "elu", "gelu", "silu", "softplus", "identity"]  # fmt: skip


@pytest.mark.parametrize("seed", range(12))
def test_random_architectures_pass_gradient_check(seed):
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 6))
    # Widths >= 3: a layer norm over 2 units outputs ±1 whatever its input, so the
    # gradient through it is ~1e-10 and a relative error would measure only noise.
    width = int(rng.integers(3, 7))
    n_in, n_out = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    widths = [width if rng.random() < 0.6 else int(rng.integers(3, 7)) for _ in range(depth)]
    acts = [ACTS[i] for i in rng.integers(0, len(ACTS), depth)]
    output = ["identity", "logistic", "softmax", "exp"][seed % 4]
    net = MLP([n_in, *widths, n_out], activation=acts, output=output,
              residual=[bool(b) for b in rng.integers(0, 2, depth)],
              layer_norm=[bool(b) for b in rng.integers(0, 2, depth)],
              dtype=np.float64, random_state=seed)  # fmt: skip
    X = rng.normal(size=(7, n_in))
    if output == "softmax":
        Y = rng.integers(0, n_out, 7)
    elif output == "exp":
        Y = rng.poisson(1.5, (7, n_out))
    else:
        Y = rng.random((7, n_out))
    result = check_gradients(net, X, Y, weight_decay=0.01)
    assert result.max_error < 1e-6, (net, result)
    np.testing.assert_allclose(result.analytic, result.numeric, rtol=1e-5, atol=1e-8)


def test_gradient_check_reports_each_layer():
    net = MLP([2, 3, 1], activation="tanh", dtype=np.float64, random_state=0)
    res = check_gradients(net, np.ones((2, 2)), np.zeros(2))
    assert set(res.per_param) == {"0.W", "0.b", "2.W", "2.b"}
    assert "max relative error" in repr(res)
    with pytest.raises(ValueError, match="float64"):
        check_gradients(MLP([2, 3, 1]), np.ones((2, 2)), np.zeros(2))


# --------------------------------------------------------------------- dtype, determinism
def test_float32_default_and_float64_on_request(rng):
    X = rng.normal(size=(4, 3))
    net = MLP([3, 5, 1], random_state=0)
    assert net.params.dtype == np.float32 and net.forward(X).dtype == np.float32
    net64 = MLP([3, 5, 1], random_state=0, dtype=np.float64)
    assert net64.forward(X).dtype == np.float64
    np.testing.assert_allclose(net64.params, net.params, rtol=1e-6)


def test_fixed_random_state_gives_identical_runs(rng):
    X, y = rng.normal(size=(64, 2)), rng.integers(0, 2, 64)
    runs = []
    for _ in range(2):
        net = MLP([2, 8, 2], output="softmax", dropout=0.2, random_state=7)
        net.fit(X, y, epochs=3, batch_size=16)
        runs.append(net.params.copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    other = MLP([2, 8, 2], output="softmax", dropout=0.2, random_state=8)
    assert not np.array_equal(other.params, runs[0])


def test_copy_and_pickle_keep_views_consistent(rng):
    net = MLP([2, 4, 1], random_state=0)
    for clone in (net.copy(), pickle.loads(pickle.dumps(net))):
        np.testing.assert_array_equal(clone.params, net.params)
        assert not np.shares_memory(clone.params, net.params)
        assert np.shares_memory(clone.weights[0], clone.params)
        clone.params = np.zeros(clone.n_params)
        assert clone.forward(np.ones((1, 2)))[0, 0] == 0
    X, Y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    clone = pickle.loads(pickle.dumps(net))
    before = clone.params.copy()
    clone.fit(X, Y, epochs=2, batch_size=4)
    assert not np.array_equal(before, clone.params)


def test_pickles_carry_no_work_buffers(rng):
    net = MLP([3, 8, 8, 2], output="softmax", layer_norm=True, dropout=0.1, random_state=0)
    X = rng.normal(size=(500, 3))
    net.fit(X, rng.integers(0, 2, 500), epochs=1, batch_size=500)
    blob = pickle.dumps(net)
    assert len(blob) < 4 * net.params.nbytes + 20_000  # not the 500-row activations
    again = pickle.loads(blob)
    np.testing.assert_array_equal(again.forward(X), net.forward(X))


def test_repr_and_summary():
    net = MLP([2, 10, 10, 1], activation="tanh")
    assert repr(net) == "MLP(2 → 10 → 10 → 1, tanh, 151 parameters)"
    net = MLP([4, 8, 8, 3], activation=["relu", "tanh"], output="softmax", residual=True)
    assert repr(net) == "MLP(4 → 8 → 8 → 3, relu/tanh → softmax, residual, 139 parameters)"
    assert "total" in net.summary()


def test_config_round_trip_rebuilds_the_same_function(rng):
    net = MLP([3, 6, 6, 2], activation=["prelu", "gelu"], output="softmax", residual=True,
              layer_norm=[True, False], random_state=0)  # fmt: skip
    again = MLP.from_config(net.get_config())
    again.params = net.params
    X = rng.normal(size=(5, 3))
    np.testing.assert_array_equal(again.forward(X), net.forward(X))
    assert repr(again) == repr(net)


# --------------------------------------------------------------------- predictions
def test_predict_by_head(rng):
    X = rng.normal(size=(6, 2))
    soft = MLP([2, 3, 4], output="softmax", random_state=0)
    assert soft.predict(X).shape == (6,)
    np.testing.assert_allclose(soft.predict_proba(X).sum(axis=1), 1, rtol=1e-6)
    logi = MLP([2, 3, 1], output="logistic", random_state=0)
    assert set(np.unique(logi.predict(X))) <= {0, 1}
    multi = MLP([2, 3, 3], output="logistic", random_state=0)
    assert multi.predict(X).shape == (6, 3)
    reg = MLP([2, 3, 2], random_state=0)
    assert reg.predict(X).shape == (6, 2)
    with pytest.raises(ValueError, match="regression head"):
        reg.predict_proba(X)


# --------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer_sizes": [2]}, "at least an input and an output"),
        ({"layer_sizes": [2, 0, 1]}, r"layer_sizes\[1\] must be a positive integer"),
        ({"layer_sizes": [2, 2.5, 1]}, "positive integer"),
        ({"layer_sizes": "abc"}, "list of positive integers"),
        ({"layer_sizes": [2, 3, 1], "activation": "sigmod"}, "Unknown activation 'sigmod'"),
        ({"layer_sizes": [2, 3, 1], "activation": ["relu", "tanh"]}, "2 entries but .* 1 hidden"),
        ({"layer_sizes": [2, 3, 1], "output": "softmaxx"}, "Unknown output"),
        ({"layer_sizes": [2, 3, 1], "loss": "hinge"}, "Unknown loss"),
        ({"layer_sizes": [2, 3, 1], "loss": "cross_entropy"}, "output='softmax'"),
        ({"layer_sizes": [2, 3, 1], "init": "orthogonal"}, "Unknown init"),
        ({"layer_sizes": [2, 3, 1], "dropout": 1.0}, r"\[0, 1\)"),
        ({"layer_sizes": [2, 3, 1], "dtype": np.int32}, "float32 or float64"),
    ],
)
def test_bad_construction_gets_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


@pytest.mark.parametrize(
    ("X", "Y", "message"),
    [
        (np.ones(5), np.ones(5), r"2-D .* X.reshape\(-1, 1\)"),
        (np.ones((2, 3, 1)), np.ones(2), "3-D"),
        (np.ones((4, 3)), np.ones(4), "3 features, but the network expects 2"),
        (np.empty((0, 2)), np.ones(0), "empty"),
        (np.array([[1.0, np.nan], [0, 0]]), np.ones(2), r"NaN .* index \(0, 1\)"),
        (np.array([[1.0, np.inf], [0, 0]]), np.ones(2), "infinity"),
        (np.ones((4, 2)), np.ones(3), "same number of rows .* 4 and 3"),
        (np.array([["a", "b"]]), np.ones(1), "numeric"),
        (np.ones((3, 2)), np.array([1.0, np.nan, 0]), "Y contains"),
    ],
)
def test_bad_data_gets_clear_errors(X, Y, message):
    net = MLP([2, 3, 1], random_state=0)
    with pytest.raises(ValueError, match=message):
        net.loss_and_grad(X, Y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, "both"])
def test_the_fast_finiteness_check_finds_any_bad_entry_and_passes_huge_finite_ones(bad):
    """X's check sums the rows with one matrix-vector product: a NaN, an infinity or two
    opposite infinities in one row are found where they are; finite values whose sums
    overflow are not called bad."""
    from mlpkit._validation import check_finite

    X = np.full((300, 50), 3e38, dtype=np.float32)  # every row sum overflows: still finite
    check_finite(X, "X")
    if bad == "both":
        X[299, 3], X[299, 4] = np.inf, -np.inf  # inf + -inf: the row sum is NaN
    else:
        X[299, 3] = bad
    with pytest.raises(ValueError, match=r"index \(299, 3\)"):
        check_finite(X, "X")


def test_public_api_is_sorted_and_complete():
    assert mlpkit.__all__ == sorted(mlpkit.__all__)
    for name in mlpkit.__all__:
        assert hasattr(mlpkit, name)


# --------------------------------------------------------------------- every layer kind
def _all_kinds(p_drop: float):
    """Dense, LayerNorm, PReLU, a residual block, each table activation family, dropout."""
    from mlpkit.layers import ActivationLayer, Dense, Dropout, LayerNorm, PReLU, Residual

    return [
        Dense(3, 6),
        LayerNorm(6),
        PReLU(6),
        Residual([Dense(6, 6), ActivationLayer("tanh", 6), Dense(6, 6), LayerNorm(6)]),
        ActivationLayer("gelu", 6),
        Dropout(6, p_drop),
        Dense(6, 5),
        ActivationLayer("softsign", 5),
        Residual([Dense(5, 5), ActivationLayer("logistic", 5)]),
        Dense(5, 5),  # a Dense layer read directly by a Dense layer: [Z 1] as its input
        Dense(5, 3),
    ]


def test_a_network_of_every_layer_kind_matches_finite_differences(rng):
    """The workspace path (the only implementation) of every layer kind, chained, against
    central differences of the whole network's loss, with weight decay and sample weights."""
    net = MLP.from_layers(_all_kinds(0.0), output="softmax", dtype=np.float64, random_state=0)
    net.params = net.params + rng.normal(scale=0.1, size=net.n_params)  # move γ, β, α off init
    X, y = rng.normal(size=(9, 3)), rng.integers(0, 3, 9)
    result = check_gradients(net, X, y, weight_decay=0.01, sample_weight=rng.random(9) + 0.5)
    assert result.max_error < 1e-6, result


def test_a_network_of_every_layer_kind_trains(rng):
    X = rng.normal(size=(240, 3))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    net = MLP.from_layers(_all_kinds(0.1), output="softmax", random_state=0)
    before = net.score(X, y)
    h = net.fit(X, y, epochs=60, batch_size=32, lr=0.01, weight_decay=1e-4,
                sample_weight=np.ones(240))  # fmt: skip
    assert h.loss[-1] < 0.5 * h.loss[0]
    assert net.score(X, y) > max(0.85, before + 0.2)


# --------------------------------------------------------------------- bad input
def test_complex_input_is_refused_not_truncated():
    with pytest.raises(ValueError, match="complex values.*real and imaginary parts"):
        MLP([2, 1]).forward(np.array([[1 + 2j, 0]]))


def test_values_beyond_float32_are_named_not_called_infinite():
    with pytest.raises(ValueError, match=r"values up to 1e\+300, beyond the largest float32"):
        MLP([2, 1]).forward(np.array([[1e300, 0.0]]))
    assert np.isfinite(MLP([2, 1], dtype=np.float64).forward(np.array([[1e300, 0.0]]))).all()


@pytest.mark.parametrize("output", ["tanh", "identity", "relu"])
def test_poisson_needs_a_positive_head(output):
    with pytest.raises(ValueError, match="loss='poisson' takes the logarithm.*output='exp'"):
        MLP([2, 3, 1], output=output, loss="poisson")
    MLP([2, 3, 1], output="exp", loss="poisson")
