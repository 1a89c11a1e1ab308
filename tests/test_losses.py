"""Losses and output heads: values against their formulas, dZ against finite
differences, the canonical link equal to the chain rule, and stable extremes."""

import numpy as np
import pytest

from mlpkit.losses import LOSSES, OutputHead, get_loss, get_output


def _numeric_dZ(loss, Z, Y, head, sw=None, eps=1e-6):
    g = np.zeros_like(Z)
    for idx in np.ndindex(Z.shape):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[idx] += eps
        Zm[idx] -= eps
        g[idx] = (loss(Zp, Y, head, sw)[0] - loss(Zm, Y, head, sw)[0]) / (2 * eps)
    return g


def _targets(name, rng, n=6, k=3):
    if name == "cross_entropy":
        return np.eye(k)[rng.integers(0, k, n)]
    if name == "binary_cross_entropy":
        return rng.random((n, k))
    if name == "poisson":
        return rng.poisson(2.0, (n, k)).astype(float)
    return rng.normal(size=(n, k))


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("weighted", [False, True])
def test_canonical_gradient_matches_finite_differences(name, weighted, rng):
    loss = get_loss(name)
    head = OutputHead(loss.canonical_output)
    Z = rng.normal(size=(6, 3)) * 2
    Y = _targets(name, rng)
    sw = rng.random(6) + 0.1 if weighted else None
    _, dZ, _ = loss(Z, Y, head, sw)
    np.testing.assert_allclose(dZ, _numeric_dZ(loss, Z, Y, head, sw), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    ("name", "head_name"),
    [(loss, head) for loss in ("squared_error", "huber", "poisson")
     for head in ("identity", "logistic", "softmax", "exp", "tanh")
     if not (loss == "poisson" and head in ("identity", "tanh"))]
    + [("binary_cross_entropy", "softmax"), ("cross_entropy", "logistic")],
)  # fmt: skip
def test_non_canonical_pairs_use_the_chain_rule(name, head_name, rng):
    loss, head = get_loss(name), OutputHead(head_name)
    Z = rng.normal(size=(5, 3))
    Y = rng.random((5, 3))
    if name == "cross_entropy":
        Y /= Y.sum(axis=1, keepdims=True)
    _, dZ, A = loss(Z, Y, head)
    np.testing.assert_allclose(A, head(Z))
    np.testing.assert_allclose(dZ, _numeric_dZ(loss, Z, Y, head), rtol=1e-5, atol=1e-8)


def test_values_follow_the_seed_formulas(rng):
    Z, Y = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    ident = OutputHead("identity")
    # Lecture L4: L = 1/2 Σ_i Σ_j (F - Y)², G = F - Y.
    L, G, _ = get_loss("sum_squared_error")(Z, Y, ident)
    assert L == pytest.approx(0.5 * np.sum((Z - Y) ** 2))
    np.testing.assert_allclose(G, Z - Y)
    # Lecture L1: the mean over samples, delta_Y / n.
    L, G, _ = get_loss("squared_error")(Z, Y, ident)
    assert L == pytest.approx(0.5 * np.sum((Z - Y) ** 2) / 4)
    np.testing.assert_allclose(G, (Z - Y) / 4)
    # Lecture L4: E = 1/N Σ_n -Σ_k t ln p with p = softmax.
    T = np.eye(2)[[0, 1, 1, 0]]
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    L, G, A = get_loss("cross_entropy")(Z, T, OutputHead("softmax"))
    assert L == pytest.approx(-np.mean(np.sum(T * np.log(P), axis=1)))
    np.testing.assert_allclose(G, (P - T) / 4)
    # Lecture L4: binary cross entropy -(t ln y + (1 - t) ln(1 - y)).
    t = np.array([[1.0], [0.0], [1.0], [0.0]])
    z = Z[:, :1]
    y = 1 / (1 + np.exp(-z))
    L, _, _ = get_loss("binary_cross_entropy")(z, t, OutputHead("logistic"))
    assert L == pytest.approx(-np.mean(t * np.log(y) + (1 - t) * np.log(1 - y)))


def test_extreme_logits_stay_finite():
    Z = np.array([[1000.0, -1000.0, 0.0], [-800.0, 900.0, 5.0]])
    T = np.eye(3)[[0, 2]]
    L, G, _ = get_loss("cross_entropy")(Z, T, OutputHead("softmax"))
    assert np.isfinite(L) and np.all(np.isfinite(G))
    assert L == pytest.approx((0 + 895.0) / 2)
    L, G, _ = get_loss("binary_cross_entropy")(Z, (Z > 0).astype(float), OutputHead("logistic"))
    assert np.isfinite(L) and np.all(np.isfinite(G))


def test_integer_labels_equal_one_hot(rng):
    loss = get_loss("cross_entropy")
    labels = rng.integers(0, 4, 10)
    onehot = loss.prepare_targets(labels, 4, np.float64)
    np.testing.assert_array_equal(onehot, np.eye(4)[labels])


@pytest.mark.parametrize(
    ("name", "Y", "n_out", "message"),
    [
        ("cross_entropy", np.array([0, 1, 5]), 3, "label 5.*0..2"),
        ("cross_entropy", np.array([0.5, 1.0]), 3, "integer class labels"),
        ("squared_error", np.zeros((3, 2)), 3, r"shape \(n_samples, 3\)"),
        ("squared_error", np.array([1.0, np.nan]), 1, "NaN"),
        ("binary_cross_entropy", np.array([0.0, 2.0]), 1, r"\[0, 1\]"),
        ("squared_error", np.array(["a", "b"]), 1, "numeric"),
        ("squared_error", np.zeros(0), 1, "empty"),
        ("poisson", np.array([-1.0, 2.0]), 1, "non-negative"),
    ],
)
def test_bad_targets_get_clear_errors(name, Y, n_out, message):
    with pytest.raises(ValueError, match=message):
        get_loss(name).prepare_targets(Y, n_out, np.float64)


def test_unknown_loss_and_output():
    with pytest.raises(ValueError, match="Unknown loss 'hinge'.*cross_entropy"):
        get_loss("hinge")
    with pytest.raises(ValueError, match="Unknown output 'sofmax'.*softmax"):
        OutputHead("sofmax")


@pytest.mark.parametrize(
    "loss, output",
    [("squared_error", "identity"), ("sum_squared_error", "identity"), ("huber", "identity"),
     ("binary_cross_entropy", "logistic"), ("cross_entropy", "softmax"), ("poisson", "exp"),
     ("squared_error", "logistic"), ("squared_error", "tanh")],
)  # fmt: skip
def test_per_sample_losses_average_to_the_loss_and_logit_grad_equals_its_gradient(loss, output):
    """The Trainer's two fast forms (per-row losses at an epoch's end, dZ in place at each
    step) against the loss's own value and gradient, in float64."""
    rng = np.random.default_rng(3)
    L, head = get_loss(loss), get_output(output)
    Z = rng.normal(size=(7, 3))
    if output == "softmax":
        Y = np.eye(3)[rng.integers(0, 3, 7)]
    elif output in ("logistic",):
        Y = rng.integers(0, 2, (7, 3)).astype(float)
    elif output == "exp":
        Y = rng.poisson(1.5, (7, 3)).astype(float)
    else:
        Y = rng.normal(size=(7, 3))
    sw = rng.random(7) + 0.5
    value, dZ, _ = L(Z, Y, head, sw)
    per = L.per_sample(Z, Y, head)
    expected = np.sum(per * sw) / (1.0 if L.reduction == "sum" else np.sum(sw))
    np.testing.assert_allclose(expected, value, rtol=1e-12)
    out = np.empty_like(Z)
    np.testing.assert_allclose(L.logit_grad(Z, Y, head, out, sw), dZ, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("shape", [(5, 1), (7, 10), (4, 32), (3, 33), (0, 4), (6, 0)])
def test_row_max_equals_numpys_row_maximum_including_nan(shape):
    from mlpkit.losses import row_max

    rng = np.random.default_rng(0)
    Z = rng.normal(size=shape).astype(np.float32)
    if Z.size:
        Z[min(1, shape[0] - 1), -1] = np.nan  # NaN propagates as in Z.max
        Z[0, 0] = -np.inf
    if shape[1] == 0:
        with pytest.raises(ValueError):
            Z.max(axis=1, keepdims=True)
        with pytest.raises(ValueError):
            row_max(Z)
        return
    np.testing.assert_array_equal(row_max(Z), Z.max(axis=1, keepdims=True))
    assert row_max(Z).shape == (shape[0], 1)
