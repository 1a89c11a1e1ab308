"""Linear regions, activation patterns and the region bounds (lectures L0, L2, L4)."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from scipy.spatial import Delaunay

import mlpkit
from mlpkit.analysis import (
    activation_patterns,
    breakpoints_1d,
    count_linear_regions_1d,
    count_linear_regions_2d,
    count_peaks,
    linear_regions_2d,
    max_regions_deep,
    max_regions_shallow,
    region_map,
)


def net_131(theta0, theta1, phi, phi0=0.0):
    """Lecture L0's y = φ0 + Σ φ_d relu(θ_d0 + θ_d1 x) as an MLP([1, 3, 1])."""
    net = mlpkit.MLP([1, 3, 1], dtype=np.float64)
    net.params = [*theta1, *theta0, *phi, phi0]  # W0 (1, 3), b0, W1 (3, 1), b1
    return net


def random_net(sizes, seed, **kw):
    net = mlpkit.MLP(sizes, dtype=np.float64, random_state=seed, **kw)
    # Random biases too: the default init zeroes them and every joint would sit at 0.
    net.params = np.random.default_rng(seed).normal(size=net.n_params)
    return net


def sampled_joints(net, lo, hi, n=400_001):
    """Slope changes of the function sampled on a fine grid, clustered into joints."""
    x = np.linspace(lo, hi, n)
    y = net.decision_function(x[:, None]).astype(np.float64)
    s = np.diff(y, axis=0) / np.diff(x)[:, None]
    jump = np.abs(np.diff(s, axis=0)).max(axis=1) > 1e-7 * np.abs(s).max()
    idx = np.flatnonzero(jump)
    if idx.size == 0:
        return np.array([])
    # A kink between two samples changes two consecutive finite-difference slopes.
    groups = np.split(idx, np.flatnonzero(np.diff(idx) > 2) + 1)
    return np.array([x[g].mean() + (x[1] - x[0]) for g in groups])


# ---------------------------------------------------------------- 1-D
def test_seed000_131_net_with_three_joints_has_four_regions():
    # Joints at -θ_d0/θ_d1 = -0.5, 0.5, 1.0, all inside [-2, 2].
    net = net_131(theta0=[0.5, -0.5, 1.0], theta1=[1.0, 1.0, -1.0], phi=[1.0, -2.0, 1.5])
    np.testing.assert_allclose(breakpoints_1d(net, -2, 2), [-0.5, 0.5, 1.0])
    assert count_linear_regions_1d(net, -2, 2) == 4
    # Only the joints inside the interval count.
    assert count_linear_regions_1d(net, 0, 2) == 3
    assert count_linear_regions_1d(net, 2, 3) == 1


def test_invisible_joint_is_merged_only_on_request():
    # Unit 2 has zero outgoing weight: its joint changes the pattern, not the slope.
    net = net_131(theta0=[0.5, -0.5, 1.0], theta1=[1.0, 1.0, -1.0], phi=[1.0, 0.0, 1.5])
    assert count_linear_regions_1d(net, -2, 2) == 4
    assert count_linear_regions_1d(net, -2, 2, merge_equal_slopes=True) == 3
    np.testing.assert_allclose(breakpoints_1d(net, -2, 2, merge_equal_slopes=True), [-0.5, 1.0])


@pytest.mark.parametrize(
    "sizes, kw",
    [
        ([1, 20, 20, 20, 1], {}),
        ([1, 10, 10, 10, 2], {"activation": "leaky_relu"}),
        ([1, 8, 8, 8, 1], {"residual": True}),
        ([1, 6, 6, 1], {"activation": "prelu"}),
        ([1, 5, 5, 1], {"activation": ["relu", "identity"]}),
    ],
)
def test_1d_exact_joints_match_dense_sampling(sizes, kw):
    net = random_net(sizes, seed=len(sizes) + sizes[1], **kw)
    exact = breakpoints_1d(net, -3, 3, merge_equal_slopes=True)
    seen = sampled_joints(net, -3, 3)
    assert len(exact) >= 5  # a non-trivial function
    assert len(seen) == len(exact)
    np.testing.assert_allclose(seen, exact, atol=3e-5)  # two grid steps


def test_1d_exact_count_matches_patterns_on_fine_grid():
    net = random_net([1, 10, 10, 1], seed=3)
    x = np.linspace(-3, 3, 200_001)[:, None]
    pats = activation_patterns(net, x)
    changes = np.any(pats[1:] != pats[:-1], axis=1).sum()
    assert count_linear_regions_1d(net, -3, 3) == changes + 1


def test_deep_1d_net_can_exceed_the_shallow_maximum():
    # A sawtooth: each layer of 2 units folds [0, 1] onto itself (lecture L0's folding
    # analogy): relu(2x) - relu(4x - 2) is a tent; K tents give 2^K pieces.
    K = 4
    layers = []
    for _ in range(K):
        layers += [mlpkit.Dense(1, 2), mlpkit.ActivationLayer("relu", 2)]
        layers += [mlpkit.Dense(2, 1)]
    net = mlpkit.MLP.from_layers(layers, dtype=np.float64)
    for d in net._dense[0::2]:
        d.W[...] = [[2.0, 4.0]]
        d.b[...] = [0.0, -2.0]
    for d in net._dense[1::2]:
        d.W[...] = [[1.0], [-1.0]]
        d.b[...] = 0.0
    assert count_linear_regions_1d(net, 0, 1) == 2**K
    x = np.linspace(0, 1, 10_001)
    assert count_peaks(net.forward(x[:, None])[:, 0]) == 2 ** (K - 1)


def test_1d_errors_are_clear():
    with pytest.raises(ValueError, match="piecewise-linear"):
        breakpoints_1d(mlpkit.MLP([1, 3, 1], activation="tanh"), -1, 1)
    with pytest.raises(ValueError, match="layer normalisation"):
        breakpoints_1d(mlpkit.MLP([1, 3, 1], layer_norm=True), -1, 1)
    with pytest.raises(ValueError, match="1 input"):
        breakpoints_1d(mlpkit.MLP([2, 3, 1]), -1, 1)
    with pytest.raises(ValueError, match="x_min < x_max"):
        breakpoints_1d(mlpkit.MLP([1, 3, 1]), 1, -1)
    with pytest.raises(TypeError, match="mlpkit.MLP"):
        breakpoints_1d("not a net", -1, 1)


# ---------------------------------------------------------------- patterns
def test_activation_patterns_shape_and_meaning():
    net = random_net([2, 4, 3, 1], seed=0)
    X = np.random.default_rng(0).normal(size=(50, 2))
    P = activation_patterns(net, X)
    assert P.shape == (50, 7) and P.dtype == bool
    H1 = np.maximum(X @ net.weights[0] + net.biases[0], 0)
    np.testing.assert_array_equal(P[:, :4], X @ net.weights[0] + net.biases[0] > 0)
    np.testing.assert_array_equal(P[:, 4:], H1 @ net.weights[1] + net.biases[1] > 0)


# ---------------------------------------------------------------- 2-D
def test_231_regions_are_convex_polygons_of_the_line_arrangement():
    # Three lines through the box in general position: 7 regions (Zaslavsky).
    net = mlpkit.MLP([2, 3, 1], dtype=np.float64)
    W = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    b = np.array([-0.2, 0.1, 0.3])
    net.params = [*W.ravel(), *b, 1.0, -1.0, 2.0, 0.0]
    bounds = ((-1, 1), (-1, 1))
    regions = linear_regions_2d(net, bounds)
    assert len(regions) == 7 == max_regions_shallow(3, 2)
    assert count_linear_regions_2d(net, bounds, 300, method="grid") == 7
    assert sum(r.area for r in regions) == pytest.approx(4.0)
    # Independently of the polygons: each pattern's pixel set on a grid is convex —
    # every grid point inside the convex hull of a pattern's pixels has that pattern.
    ids, _ = region_map(net, bounds, 200)  # no grid line lies on a joint
    xs = np.linspace(-1, 1, 200)
    XX, YY = np.meshgrid(xs, xs)
    P = np.column_stack([XX.ravel(), YY.ravel()])
    flat = ids.ravel()
    for k in np.unique(flat):
        hull = Delaunay(P[flat == k])
        inside = hull.find_simplex(P) >= 0
        assert np.all(flat[inside] == k)
    # And each exact polygon is convex (counter-clockwise, all turns to the left).
    for r in regions:
        E = np.roll(r.vertices, -1, axis=0) - r.vertices
        cross = E[:, 0] * np.roll(E[:, 1], -1) - E[:, 1] * np.roll(E[:, 0], -1)
        assert np.all(cross > -1e-12)


@pytest.mark.parametrize(
    "sizes, kw",
    [([2, 6, 1], {}), ([2, 6, 6, 1], {}), ([2, 5, 5, 5, 1], {"residual": True}),
     ([2, 6, 6, 1], {"activation": "leaky_relu"})],
)  # fmt: skip
def test_2d_exact_count_against_a_fine_grid(sizes, kw):
    net = random_net(sizes, seed=sum(sizes), **kw)
    bounds = ((-2, 2), (-2, 2))
    regions = linear_regions_2d(net, bounds)
    patterns = {r.pattern.tobytes() for r in regions}
    assert len(patterns) == len(regions)  # one polygon per activation pattern
    assert sum(r.area for r in regions) == pytest.approx(16.0)
    ids, _ = region_map(net, bounds, 600)
    grid_count = int(ids.max()) + 1
    # The grid cannot see regions thinner than a cell; it sees all the others.
    cell = (4 / 599) ** 2
    big = sum(r.area > 50 * cell for r in regions)
    assert big <= grid_count <= len(regions)
    # Every pattern the grid sees is one of the exact regions'.
    X = np.random.default_rng(1).uniform(-2, 2, size=(3000, 2))
    assert {p.tobytes() for p in activation_patterns(net, X)} <= patterns


def test_2d_regions_carry_the_exact_affine_map():
    net = random_net([2, 5, 5, 2], seed=7, residual=True)
    for r in linear_regions_2d(net, ((-1, 1), (-1, 1))):
        c = r.centroid
        np.testing.assert_allclose(net.decision_function(c[None])[0], r.offset + c @ r.jacobian)


def test_shallow_2d_count_reaches_zaslavsky_bound_for_lines_in_general_position():
    rng = np.random.default_rng(0)
    net = mlpkit.MLP([2, 8, 1], dtype=np.float64)
    net.weights[0][...] = rng.normal(size=(2, 8))
    net.biases[0][...] = rng.normal(scale=0.1, size=8)  # all lines cross near the centre
    assert count_linear_regions_2d(net, ((-50, 50), (-50, 50))) == max_regions_shallow(8, 2)


def test_2d_errors():
    with pytest.raises(ValueError, match="2 inputs"):
        count_linear_regions_2d(mlpkit.MLP([1, 3, 1]))
    with pytest.raises(ValueError, match="bounds"):
        region_map(mlpkit.MLP([2, 3, 1]), ((1, -1), (0, 1)))
    with pytest.raises(ValueError, match="method"):
        count_linear_regions_2d(mlpkit.MLP([2, 3, 1]), method="magic")


# ---------------------------------------------------------------- bounds
def test_shallow_bound_is_zaslavskys_sum():
    assert max_regions_shallow(3, 1) == 4
    assert max_regions_shallow(3, 2) == 7
    for D in range(0, 12):
        for Di in range(1, 5):
            assert max_regions_shallow(D, Di) == sum(comb(D, j) for j in range(Di + 1))
    assert max_regions_shallow(3, 10) == 2**3  # D ≤ D_i: every pattern is reachable


def test_deep_bound_reproduces_the_seed_numbers_correctly():
    # Lecture L2: "5 layers, 10 hidden units per layer, 471 parameters, 161,501 regions"
    # (a typo): (D + 1)^K = 11^5 = 161,051.
    assert mlpkit.parameter_count([1, 10, 10, 10, 10, 10, 1]) == 471
    assert max_regions_deep(1, 10, 5) == 11**5 == 161_051
    assert f"{max_regions_deep(1, 10, 5):,}" == "161,051"
    # Lecture L2: "50 units, 10,801 parameters, 10^134 regions"; the book's errata: > 10^40.
    assert mlpkit.parameter_count([10, 50, 50, 50, 50, 50, 1]) == 10_801
    n = max_regions_deep(10, 50, 5)
    assert isinstance(n, int)
    assert 10**40 < n < 10**42
    assert n == 6**40 * sum(comb(50, j) for j in range(11))
    # One hidden layer: the deep bound is the shallow one.
    assert max_regions_deep(3, 7, 1) == max_regions_shallow(7, 3)
    for D in range(1, 8):
        for K in range(1, 5):
            assert max_regions_deep(1, D, K) == (D + 1) ** K


def test_bounds_reject_bad_arguments():
    with pytest.raises(ValueError, match="n_inputs"):
        max_regions_shallow(3, 0)
    with pytest.raises(ValueError, match="width"):
        max_regions_deep(1, 2.5, 3)


def test_count_peaks():
    assert count_peaks([0, 1, 0, 2, 2, 0, 3]) == 2
    assert count_peaks(np.sin(np.linspace(0, 6 * np.pi, 1000))) == 3
    assert count_peaks([1, 2, 3]) == 0
    # Lecture L4: f1 with n1 = 3 peaks and f2 with n2 = 2 give f2(f1(x)) with 2 n1 n2 = 12
    # peaks (and 4, 5 give 40): each of f1's 2 n1 monotone sweeps of [0, 1] crosses all
    # of f2's peaks.
    x = np.linspace(0, 1, 100_001)

    def zigzag(u, n):  # 0 → 1 → 0 ... with n peaks on [0, 1]
        return np.interp(u, np.linspace(0, 1, 2 * n + 1), np.arange(2 * n + 1) % 2)

    for n1, n2, expected in [(3, 2, 12), (4, 5, 40)]:
        f1, f2 = zigzag(x, n1), zigzag(x, n2)
        assert (count_peaks(f1), count_peaks(f2)) == (n1, n2)
        assert count_peaks(zigzag(zigzag(x, n1), n2)) == 2 * n1 * n2 == expected
