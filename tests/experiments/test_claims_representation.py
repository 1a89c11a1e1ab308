"""C20 and C21: the SVD example, warping, and peaks of composed networks."""

from __future__ import annotations

import numpy as np
import pytest

from mlpkit.analysis import count_peaks
from mlpkit.experiments import BY_ID
from mlpkit.experiments._base import Context
from mlpkit.experiments.representation import THETA, compose, triangle_wave


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_triangle_wave_has_n_peaks_and_range_0_1(n):
    x = np.linspace(0, 1, 10001)[:, None]
    y = triangle_wave(n).forward(x).ravel()
    assert count_peaks(y) == n
    assert y.min() == pytest.approx(0, abs=1e-12) and y.max() == pytest.approx(1, abs=1e-3)


def test_compose_equals_function_composition():
    f1, f2 = triangle_wave(3), triangle_wave(2)
    x = np.random.default_rng(0).uniform(0, 1, (200, 1))
    deep = compose(f1, f2)
    assert deep.layer_sizes == [1, 6, 4, 1]
    np.testing.assert_allclose(deep.forward(x), f2.forward(f1.forward(x)), atol=1e-12)


def test_c21_peaks_12_and_40(tmp_path):
    out = BY_ID["C21"].run(Context(tmp_path, True, 0, "C21"))
    got = {(r["n1"], r["n2"]): r["peaks_composed"] for r in out.values["cases"]}
    assert got == {(3, 2): 12, (4, 5): 40} and out.ok


def test_c20_singular_values_and_separability(tmp_path):
    out = BY_ID["C20"].run(Context(tmp_path, True, 0, "C20"))
    v = out.values
    s = np.asarray(v["singular_values"])
    assert np.all(np.abs(s - [2.17, 0.74]) <= 0.011)
    np.testing.assert_allclose(
        np.asarray(v["U"]) @ np.diag(s) @ np.asarray(v["Vt"]), THETA, atol=1e-12
    )
    assert v["linear_accuracy_input"] < 0.95 <= 0.99 <= v["linear_accuracy_hidden"]
