"""C1, C3-C6: joints, convex polygons, depth vs width, region bounds, parameter counts."""

from __future__ import annotations

import numpy as np
import pytest

from mlpkit.analysis import count_linear_regions_1d
from mlpkit.experiments import BY_ID
from mlpkit.experiments._base import Context
from mlpkit.experiments.regions import C6_CASES, _net1, _net2
from mlpkit.experiments.representation import compose
from mlpkit.network import MLP


def run(claim_id, tmp_path, quick=True):
    return BY_ID[claim_id].run(Context(tmp_path, quick, 0, claim_id))


def test_c1_ten_parameters_three_joints(tmp_path):
    out = run("C1", tmp_path)
    v = out.values
    assert v["n_params"] == 10 and v["joints"] == 3 and v["joints_analytic"] == 3
    assert v["max_joints_random_nets"] <= 3
    assert np.allclose(sorted(v["joint_positions"]), [0.2, 0.5, 0.8])
    assert out.ok and (tmp_path / out.figures[0]).stat().st_size > 1000


def test_c3_regions_are_convex_and_at_most_seven(tmp_path):
    out = run("C3", tmp_path)
    assert out.values["all_convex"] and 2 <= out.values["regions"] <= 7
    assert out.values["max_plane_residual"] < 1e-8 and out.ok


def test_c4_composition_folds_three_times():
    f1, f2 = _net1(), _net2()
    assert count_linear_regions_1d(f1, 0, 1, merge_equal_slopes=True) == 3
    # f1 maps [0, 1] onto [0, 1] three times; f2 has 3 pieces there.
    y = f1.forward(np.linspace(0, 1, 7)[:, None]).ravel()
    assert np.allclose(y, [0, 0.5, 1, 0.5, 0, 0.5, 1])
    assert count_linear_regions_1d(compose(f1, f2), 0, 1, merge_equal_slopes=True) == 9


def test_c4_verdict_reads_the_counts(tmp_path):
    out = run("C4", tmp_path)
    v = out.values
    assert v["composed_regions"] == v["composed_regions_analytic"] >= 9
    assert v["composed_params"] == 20 and v["shallow_params"] == 19
    assert v["shallow_max_regions_seen"] <= 7 and out.ok


def test_c5_errata_numbers(tmp_path):
    out = run("C5", tmp_path)
    v = out.values
    assert v["regions_5x10_1_input"] == 161_051
    assert int(v["regions_5x50_10_inputs"]) > 10**40
    assert v["params_5x10"] == 471 and v["params_5x50_10_inputs"] == 10_801
    assert "161,051" in out.our_number and "10^40" in out.our_number


@pytest.mark.parametrize("name,sizes,residual,printed,correct", C6_CASES)
def test_c6_counts_match_live_networks(name, sizes, residual, printed, correct):
    assert MLP(sizes, residual=residual).n_params == correct


def test_c6_reports_the_15319_erratum(tmp_path):
    out = run("C6", tmp_path)
    rows = {r["network"]: r for r in out.values["rows"]}
    r = rows["MNIST-1D 4×63"]
    assert r["counted"] == 15_319 and r["seed_prints"] == 15_139 and r["typo_in_seed"]
    assert "15,319" in out.values["errata"] and out.ok
