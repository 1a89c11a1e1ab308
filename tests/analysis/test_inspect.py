"""Hidden-unit decomposition, warped grids, SVD, gradient norms, dead and saturated units."""

from __future__ import annotations

import numpy as np
import pytest

import mlpkit
from mlpkit.analysis import (
    dead_units,
    default_grid,
    gradient_norms,
    hidden_unit_decomposition,
    layer_svd,
    saturated_units,
    warp_grid,
)


# ---------------------------------------------------------------- lecture L0
@pytest.mark.parametrize("activation", ["relu", "tanh", "prelu"])
def test_decomposition_of_131_net_sums_back_to_the_output(activation):
    net = mlpkit.MLP([1, 3, 1], activation=activation, dtype=np.float64, random_state=0)
    net.params = np.random.default_rng(1).normal(size=net.n_params)
    x = np.linspace(-2, 2, 101)
    d = hidden_unit_decomposition(net, x)
    assert d["pre_activations"].shape == d["activations"].shape == d["weighted"].shape == (101, 3)
    # 1. linear functions θ_d0 + θ_d1 x
    np.testing.assert_allclose(d["pre_activations"], x[:, None] * net.weights[0] + net.biases[0])
    # 3. weighted by φ_d; 4. summed with φ_0
    np.testing.assert_allclose(d["weighted"], d["activations"] * net.weights[1][:, 0])
    np.testing.assert_allclose(d["bias"] + d["weighted"].sum(axis=1), d["output"])
    np.testing.assert_allclose(d["output"], net.forward(x[:, None])[:, 0], rtol=1e-12)


def test_decomposition_relu_step_is_max_zero():
    net = mlpkit.MLP([1, 3, 1], dtype=np.float64)
    net.params = [1.0, 1.0, -1.0, 0.5, -0.5, 1.0, 1.0, -2.0, 1.5, 0.25]
    d = hidden_unit_decomposition(net, np.linspace(-2, 2, 9))
    np.testing.assert_array_equal(d["activations"], np.maximum(d["pre_activations"], 0))
    assert d["bias"] == 0.25


def test_decomposition_rejects_deep_or_multi_input_nets():
    with pytest.raises(ValueError, match=r"\[1, D, 1\]"):
        hidden_unit_decomposition(mlpkit.MLP([1, 3, 3, 1]), [0.0])
    with pytest.raises(ValueError, match=r"\[1, D, 1\]"):
        hidden_unit_decomposition(mlpkit.MLP([2, 3, 1]), [0.0])
    with pytest.raises(ValueError, match="layer norm"):
        hidden_unit_decomposition(mlpkit.MLP([1, 3, 1], layer_norm=True), [0.0])


# ---------------------------------------------------------------- lecture L2
def test_warped_grid_of_linear_layer_is_matrix_times_grid():
    net = mlpkit.MLP([2, 2, 1], activation="identity", dtype=np.float64, random_state=0)
    theta = np.array([[0.19, 1.84], [-0.97, -0.93]])  # lecture L2's Θ, y = Θ x
    net.weights[0][...] = theta.T  # mlpkit: Z = X W, so W = Θᵀ
    net.biases[0][...] = [0.5, -0.25]
    warped = warp_grid(net, n_layers=1, n_lines=7, n_points=21)
    assert len(warped) == 2
    G = warped[0]
    assert G.shape == (14, 21, 2)
    np.testing.assert_allclose(warped[1], np.einsum("ij,lpj->lpi", theta, G) + [0.5, -0.25])
    # Lines stay straight and parallel lines stay parallel under a linear map.
    d0 = warped[1][0, -1] - warped[1][0, 0]
    d1 = warped[1][1, -1] - warped[1][1, 0]
    assert abs(d0[0] * d1[1] - d0[1] * d1[0]) < 1e-12


def test_warped_grid_through_relu_and_all_layers():
    net = mlpkit.MLP([2, 3, 2, 1], dtype=np.float64, random_state=0)
    warped = warp_grid(net)
    assert [w.shape[-1] for w in warped] == [2, 3, 2, 1]
    assert np.all(warped[1] >= 0) and np.all(warped[2] >= 0)  # after ReLU
    X = warped[0].reshape(-1, 2)
    np.testing.assert_allclose(warped[-1].reshape(-1, 1), net.forward(X))
    custom = default_grid(((0, 1), (0, 2)), n_lines=3, n_points=5)
    assert custom.shape == (6, 5, 2)
    assert custom[:3, :, 0].tolist() == [[0.0] * 5, [0.5] * 5, [1.0] * 5]
    assert warp_grid(net, 0, grid=custom)[0].shape == (6, 5, 2)
    with pytest.raises(ValueError, match="n_layers"):
        warp_grid(net, n_layers=9)
    with pytest.raises(ValueError, match="shape"):
        warp_grid(net, grid=np.zeros((3, 4, 5)))


def test_svd_of_seed_002_matrix():
    theta = np.array([[0.19, 1.84], [-0.97, -0.93]])
    U, S, Vt = layer_svd(theta)
    # The seed prints 2.17 and 0.74 from the unrounded Θ; its rounded entries give
    # 2.162 and 0.744 — the same within the entries' ±0.005 rounding.
    np.testing.assert_allclose(S, [2.17, 0.74], atol=0.01)
    np.testing.assert_allclose(U, [[0.83, -0.55], [-0.55, -0.83]], atol=0.01)
    np.testing.assert_allclose(Vt, [[0.32, 0.94], [0.94, -0.32]], atol=0.01)
    np.testing.assert_allclose(U @ np.diag(S) @ Vt, theta, atol=1e-12)
    # The sign convention is fixed, whatever the input's sign.
    U2, S2, Vt2 = layer_svd(-theta)
    np.testing.assert_allclose(Vt2, Vt)
    np.testing.assert_allclose(U2, -U)


# ---------------------------------------------------------------- lecture L4
def test_gradient_norms_match_the_flat_gradient():
    net = mlpkit.MLP([2, 5, 4, 1], dtype=np.float64, random_state=0)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(30, 2)), rng.normal(size=(30, 1))
    g = gradient_norms(net, X, Y)
    _, grad = net.loss_and_grad(X, Y)
    assert g["names"] == ["layer 1 (2 → 5)", "layer 2 (5 → 4)", "layer 3 (4 → 1)"]
    np.testing.assert_allclose(g["weight_grad"][0], np.linalg.norm(grad[:10]))
    np.testing.assert_allclose(g["bias_grad"][0], np.linalg.norm(grad[10:15]))
    np.testing.assert_allclose(g["weight_grad"][2], np.linalg.norm(grad[-5:-1]))
    np.testing.assert_allclose(g["total"], np.linalg.norm(grad))
    np.testing.assert_allclose(g["weight_norm"][1], np.linalg.norm(net.weights[1]))


def test_gradients_vanish_in_a_deep_logistic_net_and_residual_nets_keep_them():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(64, 4)), rng.normal(size=(64, 1))
    sizes = [4] + [16] * 12 + [1]
    deep = gradient_norms(mlpkit.MLP(sizes, activation="logistic", random_state=0), X, Y)
    wg = deep["weight_grad"]
    assert len(wg) == 13
    assert wg[0] < 1e-3 * wg[-1]  # vanishing towards the input (lecture L4)
    res = gradient_norms(
        mlpkit.MLP(sizes, activation="logistic", residual=True, random_state=0), X, Y
    )
    assert len(res["weight_grad"]) == 13
    assert res["weight_grad"][0] > 100 * wg[0]


def test_dead_units():
    net = mlpkit.MLP([2, 4, 1], dtype=np.float64, random_state=0)
    net.weights[0][...] = [[1, -1, 0, 1], [1, -1, 0, 0]]
    net.biases[0][...] = [0, 0, -1, 5]
    X = np.random.default_rng(0).uniform(0.1, 1, size=(100, 2))  # positive inputs
    np.testing.assert_array_equal(dead_units(net, X), [False, True, True, False])


def test_saturated_units():
    net = mlpkit.MLP([1, 3, 1], activation="tanh", dtype=np.float64)
    net.weights[0][...] = [[0.0, 0.0, 1.0]]
    net.biases[0][...] = [10.0, -10.0, 0.0]
    X = np.linspace(-1, 1, 50)[:, None]
    np.testing.assert_array_equal(saturated_units(net, X), [True, True, False])
    log = mlpkit.MLP([1, 2, 1], activation="logistic", dtype=np.float64)
    log.weights[0][...] = [[0.0, 0.0]]
    log.biases[0][...] = [-8.0, 0.0]
    np.testing.assert_array_equal(saturated_units(log, X), [True, False])
    relu = mlpkit.MLP([1, 2, 1])
    assert not saturated_units(relu, X).any()
    with pytest.raises(ValueError, match="threshold"):
        saturated_units(net, X, threshold=2)
