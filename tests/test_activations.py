"""The activation table (lecture L4): f' against finite differences, and the table's
columns (range, monotonic, identity near 0) checked numerically."""

import numpy as np
import pytest

from mlpkit.activations import ACTIVATIONS, activation_names, get_activation

SMOOTH_EVERYWHERE = ["identity", "logistic", "tanh", "arctan", "isru", "gelu", "silu", "softplus"]
TABLE = [n for n in ACTIVATIONS if n != "prelu"]


@pytest.mark.parametrize("name", TABLE)
def test_derivative_matches_central_differences(name):
    act = get_activation(name)
    # Stay away from kinks at 0 (ReLU family, softsign's |x|, binary step).
    z = np.concatenate([np.linspace(-4, -0.05, 40), np.linspace(0.05, 4, 40)])
    eps = 1e-6
    numeric = (act.f(z + eps) - act.f(z - eps)) / (2 * eps)
    analytic = act.df(z, act.f(z))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", TABLE)
def test_table_columns_hold(name):
    act = get_activation(name)
    z = np.linspace(-30, 30, 20001)
    a = act.f(z)
    if act.monotonic:
        assert np.all(np.diff(a) >= -1e-12), f"{name} is listed as monotonic"
    else:
        assert np.any(np.diff(a) < -1e-9), f"{name} is listed as non-monotonic"
    near = np.linspace(-1e-3, 1e-3, 11)
    is_identity_near_0 = np.allclose(act.f(near), near, atol=1e-6)
    assert is_identity_near_0 == act.identity_near_0


@pytest.mark.parametrize(
    ("name", "lo", "hi"),
    [("logistic", 0, 1), ("tanh", -1, 1), ("softsign", -1, 1), ("arctan", -np.pi / 2, np.pi / 2),
     ("isru", -1, 1), ("relu", 0, np.inf), ("binary_step", 0, 1), ("softplus", 0, np.inf)],
)  # fmt: skip
def test_ranges(name, lo, hi):
    a = get_activation(name).f(np.linspace(-50, 50, 1001))
    assert a.min() >= lo and a.max() <= hi


def test_isru_alpha_sets_the_range():
    act = get_activation("isru", alpha=4.0)
    assert act.f(np.array([1e6]))[0] == pytest.approx(0.5, rel=1e-6)
    with pytest.raises(ValueError, match="alpha > 0"):
        get_activation("isru", alpha=-1.0)


def test_leaky_relu_default_slope_is_seed_004s_0_01():
    act = get_activation("leaky_relu")
    assert act.f(np.array([-2.0]))[0] == pytest.approx(-0.02)
    assert act.params == {"alpha": 0.01}


def test_relu_derivative_at_zero_follows_seed_001():
    # Lecture L1: ReLU'(z) = 1 if z >= 0.
    assert get_activation("relu").df(np.array([0.0]), np.array([0.0]))[0] == 1.0


def test_names_aliases_and_errors():
    assert activation_names()[:3] == ("identity", "binary_step", "logistic")
    assert get_activation("sigmoid").name == "logistic"
    with pytest.raises(ValueError, match="Unknown activation 'sigmoidd'.*relu"):
        get_activation("sigmoidd")
    with pytest.raises(ValueError, match="learnable slope"):
        get_activation("prelu")
    with pytest.raises(ValueError, match="does not take"):
        get_activation("relu", alpha=2)


@pytest.mark.parametrize("name", TABLE)
def test_float32_stays_float32(name):
    act = get_activation(name)
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    a = act.f(z)
    assert a.dtype == np.float32
    assert act.df(z, a).dtype == np.float32
