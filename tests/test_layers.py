"""Every layer's backward against central differences of its forward, in float64."""

import numpy as np
import pytest

from mlpkit.analysis import numerical_gradient
from mlpkit.layers import (
    ActivationLayer,
    Dense,
    Dropout,
    LayerNorm,
    PReLU,
    Residual,
    layer_from_config,
)


def _bind(layer, rng):
    n = layer.n_params
    params, grads = rng.normal(size=n), np.zeros(n)
    layer.bind(params, grads)
    return params, grads


def _check_layer(layer, X, rng, training=False, seed=0):
    """Compare dX and the parameter gradients with finite differences of L = Σ R ⊙ f(X)."""
    params, grads = _bind(layer, rng)
    R = rng.normal(size=(X.shape[0], layer.n_out))

    def loss():
        out = layer(X, training, np.random.default_rng(seed))
        return float(np.sum(R * out))

    loss()
    dX = layer.backprop(R.copy())
    np.testing.assert_allclose(dX, numerical_gradient(loss, X), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grads, numerical_gradient(loss, params), rtol=1e-6, atol=1e-8)


def test_dense_computes_seed_004s_equation(rng):
    layer = Dense(3, 2)
    _bind(layer, rng)
    X = rng.normal(size=(5, 3))
    np.testing.assert_allclose(layer(X), X @ layer.W + layer.b)
    assert layer.W.shape == (3, 2) and layer.b.shape == (2,)


def test_dense_gradients(rng):
    _check_layer(Dense(4, 3), rng.normal(size=(5, 4)), rng)


@pytest.mark.parametrize(
    "name", ["identity", "logistic", "tanh", "arctan", "softsign", "isru", "relu", "leaky_relu",
             "elu", "gelu", "silu", "softplus"],
)  # fmt: skip
def test_activation_layer_gradients(name, rng):
    X = rng.normal(size=(4, 3))
    X[np.abs(X) < 0.05] = 0.3  # keep away from the kinks
    _check_layer(ActivationLayer(name, 3), X, rng)


def test_prelu_gradients_include_the_slope(rng):
    X = rng.normal(size=(6, 3))
    X[np.abs(X) < 0.05] = 0.3
    _check_layer(PReLU(3), X, rng)


def test_layer_norm_gradients_and_statistics(rng):
    _check_layer(LayerNorm(5), rng.normal(size=(4, 5)) * 3 + 1, rng)
    ln = LayerNorm(5)
    params, _ = _bind(ln, rng)
    ln.init_params(rng)
    out = ln(rng.normal(size=(4, 5)) * 3 + 1)
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1, atol=1e-5)


def test_residual_block_gradients(rng):
    block = Residual([Dense(3, 3), ActivationLayer("tanh", 3), LayerNorm(3)])
    _check_layer(block, rng.normal(size=(4, 3)), rng)


def test_residual_is_h_plus_f_of_h(rng):
    inner = [Dense(3, 3), ActivationLayer("tanh", 3)]
    block = Residual(inner)
    _bind(block, rng)
    X = rng.normal(size=(4, 3))
    np.testing.assert_allclose(block(X), X + np.tanh(X @ inner[0].W + inner[0].b))
    with pytest.raises(ValueError, match="back to itself"):
        Residual([Dense(3, 4)])


def test_dropout_scales_survivors_and_routes_gradients(rng):
    layer = Dropout(1000, 0.3)
    X = np.ones((20, 1000))
    out = layer(X, training=True, rng=np.random.default_rng(0))
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(out[kept], 1 / 0.7)
    dX = layer.backprop(np.ones_like(X))
    np.testing.assert_array_equal(dX, out)  # gradient flows only through survivors
    np.testing.assert_array_equal(layer(X, training=False), X)
    _check_layer(Dropout(3, 0.5), rng.normal(size=(4, 3)), rng, training=True)


def test_layers_round_trip_through_config():
    block = Residual([Dense(3, 3, "he_normal"), LayerNorm(3), PReLU(3), Dropout(3, 0.1)])
    again = layer_from_config(block.config())
    assert again.config() == block.config()
    assert again.n_params == block.n_params
    with pytest.raises(ValueError, match="Unknown layer type"):
        layer_from_config({"type": "Conv2d"})
