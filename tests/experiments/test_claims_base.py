"""The experiments' shared helpers: piece counting, JSON conversion, verdicts, figures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mlpkit.experiments._base import (
    Context,
    jsonable,
    linear_pieces_1d,
    set_params,
    torch_like_init,
    verdict,
)
from mlpkit.network import MLP


def test_linear_pieces_counts_joints_of_a_hinge_sum():
    x = np.linspace(-1, 1, 4001)
    y = np.maximum(x - 0.3, 0) - 2 * np.maximum(x + 0.2, 0) + 0.5 * x
    assert linear_pieces_1d(y, x) == 3


def test_linear_pieces_of_a_line_is_one_and_equal_slopes_merge():
    x = np.linspace(0, 1, 1001)
    assert linear_pieces_1d(3 * x + 1, x) == 1
    # A joint where the slope does not change is no joint.
    assert linear_pieces_1d(np.maximum(x - 0.5, 0) - np.maximum(x - 0.5, 0) + x, x) == 1


def test_linear_pieces_agrees_with_the_analytic_count_on_random_nets():
    from mlpkit.analysis import count_linear_regions_1d

    rng = np.random.default_rng(3)
    x = np.linspace(-2, 2, 40001)
    for _ in range(20):
        net = MLP([1, 5, 4, 1], dtype=np.float64, random_state=rng)
        net.params = rng.normal(size=net.n_params)
        sampled = linear_pieces_1d(net.forward(x[:, None]).ravel(), x)
        exact = count_linear_regions_1d(net, -2.0, 2.0, merge_equal_slopes=True)
        assert sampled == exact


def test_set_params_writes_views():
    net = MLP([1, 3, 1], dtype=np.float64)
    set_params(net, [[[1, 2, 3]], [[4], [5], [6]]], [[7, 8, 9], [10]])
    assert net.params.tolist() == [1, 2, 3, 7, 8, 9, 4, 5, 6, 10]


def test_torch_like_init_bounds_and_nonzero_biases():
    net = torch_like_init(MLP([2, 50, 1], dtype=np.float64), np.random.default_rng(0))
    bound = 1 / np.sqrt(2)
    assert np.abs(net.weights[0]).max() <= bound
    assert np.abs(net.biases[0]).max() <= bound and np.abs(net.biases[0]).min() > 0


def test_jsonable_and_verdict():
    out = jsonable({"a": np.float32(1.5), "b": np.arange(3), "c": np.nan, "d": np.bool_(True)})
    assert json.loads(json.dumps(out)) == {"a": 1.5, "b": [0, 1, 2], "c": None, "d": True}
    assert verdict(True, "x") == "reproduced"
    assert verdict(False, "ReLU beat tanh") == "differs: ReLU beat tanh"


def test_context_streams_are_reproducible_and_distinct(tmp_path):
    a = Context(tmp_path, quick=True, seed=0, claim_id="C7")
    b = Context(tmp_path, quick=True, seed=0, claim_id="C8")
    assert a.state(1) == Context(tmp_path, True, 0, "C7").state(1)
    assert a.state(1) != b.state(1) and a.state(1) != a.state(2)
    assert a.pick("q", "f") == "q" and Context(tmp_path, False, 0, "C7").pick("q", "f") == "f"


def test_context_save_writes_a_png(tmp_path):
    ctx = Context(tmp_path, quick=True, seed=0, claim_id="C1")
    fig, axes = ctx.figure(2, 1)
    axes[0, 0].plot([0, 1], [1, 0])
    rel = ctx.save(fig, "demo")
    data = (tmp_path / rel).read_bytes()
    assert rel == "figures/C1_demo.png" and data[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("only", ["C99", "C1,X", ","])
def test_select_claims_rejects_unknown_ids(only):
    from mlpkit.experiments import select_claims

    with pytest.raises(ValueError, match="C7,(C11|D1)"):
        select_claims(only)


def test_d_claims_draw_other_numbers_than_c_claims(tmp_path):
    c2 = Context(tmp_path, quick=True, seed=0, claim_id="C2")
    d2 = Context(tmp_path, quick=True, seed=0, claim_id="D2")
    assert c2.state(0) != d2.state(0)


def test_extra_seeds_draw_no_figures(tmp_path):
    ctx = Context(tmp_path, quick=True, seed=1, claim_id="C1", save_figures=False)
    fig, _ = ctx.figure()
    rel = ctx.save(fig, "demo")
    assert rel == "figures/C1_demo.png" and not (tmp_path / rel).exists()
