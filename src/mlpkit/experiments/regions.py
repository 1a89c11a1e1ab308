"""Linear regions and parameter counts (lectures L0, L2, L4): C4 depth beats width per
parameter, C5 maximum numbers of regions, C6 parameter counts."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..analysis import count_linear_regions_1d, max_regions_deep, max_regions_shallow
from ..network import MLP, parameter_count
from ._base import Context, Outcome, linear_pieces_1d, set_params


def _net1() -> MLP:
    """Lecture L0's "network 1": a zig-zag y(x) with joints at 0, 1/3, 2/3 (slopes 3, -3, 3),
    mapping [0, 1] onto [0, 1] three times."""
    net = MLP([1, 3, 1], dtype=np.float64, random_state=0)
    return set_params(
        net, [[[1.0, 1.0, 1.0]], [[3.0], [-6.0], [6.0]]], [[0.0, -1 / 3, -2 / 3], [0.0]]
    )


def _net2() -> MLP:
    """ "Network 2": three pieces over y in [0, 1] (joints at 1/3, 2/3; the third unit's
    joint lies outside, at y = -1, so it acts linearly)."""
    net = MLP([1, 3, 1], dtype=np.float64, random_state=0)
    return set_params(
        net, [[[1.0, 1.0, 1.0]], [[1.0], [-2.0], [2.0]]], [[1.0, -1 / 3, -2 / 3], [-1.0]]
    )


def c4_depth(ctx: Context) -> Outcome:
    """C4: composed 1-3-1∘1-3-1 (20 params) has ≥ 9 regions; 1-6-1 (19 params) ≤ 7."""
    from .representation import compose

    f1, f2 = _net1(), _net2()
    x = np.linspace(0, 1, 30001)
    y1 = f1.forward(x[:, None])
    y2 = f2.forward(y1).ravel()
    composed = linear_pieces_1d(y2, x)  # counted from samples
    # The same function as one 1-3-3-1 network, counted exactly.
    exact = count_linear_regions_1d(compose(f1, f2), 0.0, 1.0, merge_equal_slopes=True)
    n_composed = f1.n_params + f2.n_params

    rng = ctx.rng(0)
    n_random = ctx.pick(300, 2000)
    counts = []
    shallow = MLP([1, 6, 1], dtype=np.float64, random_state=0)
    for _ in range(n_random):
        shallow.params = rng.normal(size=shallow.n_params)
        w, b = shallow.weights[0][0], shallow.biases[0]
        knots = -b / np.where(w == 0, np.nan, w)
        xs = np.linspace(np.nanmin(knots) - 1, np.nanmax(knots) + 1, 6001)
        counts.append(linear_pieces_1d(shallow.forward(xs[:, None]).ravel(), xs))
    most = max(counts)

    fig, axes = ctx.figure(4, 1, width=3.3, height=3.1)
    yy = np.linspace(0, 1, 1001)
    axes[0, 0].plot(x, y1, c="#1b9e77")
    axes[0, 0].set_title("network 1: y = f1(x), 3 pieces", fontsize=9)
    axes[0, 1].plot(yy, f2.forward(yy[:, None]), c="#d95f02")
    axes[0, 1].set_title("network 2: y' = f2(y), 3 pieces", fontsize=9)
    axes[0, 2].plot(x, y2, c="k")
    axes[0, 2].set_title(f"f2(f1(x)): {composed} pieces, {n_composed} params", fontsize=9)
    axes[0, 3].hist(counts, bins=np.arange(0.5, 9.5), color="#7570b3")
    axes[0, 3].axvline(composed, c="k", ls="--")
    axes[0, 3].set_title(f"{n_random} random 1-6-1 nets ({shallow.n_params} params)", fontsize=9)
    axes[0, 3].set_xlabel("linear regions")
    fig_path = ctx.save(fig, "composition")

    ok = (
        composed >= 9
        and exact == composed
        and most <= 7
        and n_composed == 20
        and shallow.n_params == 19
    )
    return Outcome(
        values={
            "composed_regions": composed,
            "composed_regions_analytic": exact,
            "composed_params": n_composed,
            "shallow_params": shallow.n_params,
            "shallow_max_regions_seen": most,
            "shallow_bound": 7,
            "random_shallow_nets": n_random,
        },
        summary=f"1-3-1∘1-3-1: {composed} regions with {n_composed} params; 1-6-1: at most "
        f"{most} regions in {n_random} random draws ({shallow.n_params} params)",
        our_number=f"{composed} vs ≤ {most} regions",
        ok=ok,
        why=f"composed {composed} regions, shallow max {most}",
        figures=[fig_path],
    )


def c5_max_regions(ctx: Context) -> Outcome:
    """C5: Zaslavsky's bound for shallow nets; (D+1)^K for one input; 5×10 → 161,051."""
    shallow, deep = max_regions_shallow, max_regions_deep
    r_1 = int(deep(1, 10, 5))
    r_10 = int(deep(10, 50, 5))
    p_1 = parameter_count([1] + [10] * 5 + [1])
    p_10 = parameter_count([10] + [50] * 5 + [1])
    zas = int(shallow(3, 2))

    # How many regions does a randomly initialised 1-(10×5)-1 net actually make?
    rng = ctx.rng(0)
    seen = []
    x = np.linspace(-3, 3, ctx.pick(60001, 300001))
    for _ in range(ctx.pick(5, 20)):
        net = MLP([1] + [10] * 5 + [1], dtype=np.float64, random_state=rng)
        for b in net.biases:  # He init zeroes the biases: every joint would sit at x = 0
            b[...] = rng.normal(0.0, 1.0, b.shape)
        seen.append(linear_pieces_1d(net.forward(x[:, None]).ravel(), x))

    fig, axes = ctx.figure(2, 1, width=4.6, height=3.6)
    ax = axes[0, 0]
    for d_in, c in ((1, "#1b9e77"), (10, "#d95f02")):
        widths = np.arange(1, 200)
        ax.semilogy(
            [parameter_count([d_in, int(w), 1]) for w in widths],
            [float(shallow(int(w), d_in)) for w in widths],
            c=c,
            ls="--",
            label=f"shallow, {d_in} input(s)",
        )
        for width in (10, 50):
            ks = np.arange(1, 6)
            ax.semilogy(
                [parameter_count([d_in] + [width] * int(k) + [1]) for k in ks],
                [float(deep(d_in, width, int(k))) for k in ks],
                "o-",
                c=c,
                ms=4,
                alpha=0.5 if width == 10 else 1.0,
                label=f"deep, width {width}, {d_in} input(s)",
            )
    ax.set_xscale("log")
    ax.set_xlabel("parameters")
    ax.set_ylabel("maximum linear regions")
    ax.legend(fontsize=7)
    ax.set_title("deep nets: more regions per parameter", fontsize=10)
    ax = axes[0, 1]
    ax.bar(range(len(seen)), seen, color="#7570b3")
    ax.set_yscale("log")
    ax.axhline(r_1, c="k", ls="--")
    ax.text(0, r_1 * 0.6, f"bound {r_1:,}", fontsize=8)
    ax.set_title("regions of random 1-10-10-10-10-10-1 nets", fontsize=10)
    ax.set_xlabel("draw")
    fig_path = ctx.save(fig, "max_regions")

    ok = r_1 == 161_051 and r_10 > 10**40 and p_1 == 471 and p_10 == 10_801 and zas == 7
    exp = len(str(r_10)) - 1
    return Outcome(
        values={
            "regions_5x10_1_input": r_1,
            "regions_5x50_10_inputs": str(r_10),
            "log10_regions_5x50_10_inputs": float(np.log10(float(r_10))),
            "params_5x10": p_1,
            "params_5x50_10_inputs": p_10,
            "zaslavsky_3_units_2_inputs": zas,
            "random_net_regions": seen,
        },
        summary=f"5×10, 1 input: {r_1:,} regions, {p_1} params; 5×50, 10 inputs: "
        f"≈10^{exp} > 10^40 regions, {p_10:,} params",
        our_number=f"{r_1:,}; > 10^40 (≈10^{exp})",
        ok=ok,
        why=f"bounds {r_1:,} and 10^{exp}; params {p_1}, {p_10}",
        figures=[fig_path],
        note="Lecture L2 prints 161,501 (a typo: (10+1)^5 = 161,051) and 10^134 (the "
        "textbook's errata: more than 10^40). Random networks make far fewer regions "
        "than the bound.",
    )


# (description, layer sizes, residual, number printed in the seed, correct number)
C6_CASES = [
    ("1 layer, n=100 (lecture L4)", [2, 100, 1], False, 401, 401),
    ("2 layers 10/10 (lecture L4)", [2, 10, 10, 1], False, 151, 151),
    ("1 layer, 125 nodes", [2, 125, 1], False, 501, 501),
    ("2 layers, 20 nodes", [2, 20, 20, 1], False, 501, 501),
    ("3 layers, 14 nodes", [2, 14, 14, 14, 1], False, 477, 477),
    ("3 layers, 15 nodes", [2, 15, 15, 15, 1], False, 541, 541),
    ("3 layers, 19 nodes", [2, 19, 19, 19, 1], False, 837, 837),
    ("MLP 10/20/10", [2, 10, 20, 10, 1], False, 471, 471),
    ("ResNet 10/20/10/10", [2, 10, 20, 10, 10, 1], True, 581, 581),
    ("MNIST-1D 1×298", [40, 298, 10], False, 15208, 15208),
    ("MNIST-1D 2×100", [40, 100, 100, 10], False, 15210, 15210),
    ("MNIST-1D 3×75", [40, 75, 75, 75, 10], False, 15235, 15235),
    ("MNIST-1D 4×63", [40, 63, 63, 63, 63, 10], False, 15139, 15319),
    ("5 layers × 10, 1 input", [1, 10, 10, 10, 10, 10, 1], False, 471, 471),
    ("5 layers × 50, 10 inputs", [10, 50, 50, 50, 50, 50, 1], False, 10801, 10801),
    ("1-3-1 (lecture L0)", [1, 3, 1], False, 10, 10),
]


def c6_counts(ctx: Context) -> Outcome:
    """C6: every parameter count the seeds print, from live networks."""
    rows: list[dict[str, Any]] = []
    for name, sizes, residual, printed, correct in C6_CASES:
        net = MLP(sizes, residual=residual, random_state=0)
        counted = net.n_params
        formula = parameter_count(sizes, residual=residual)
        rows.append(
            {
                "network": name,
                "layer_sizes": sizes,
                "residual": residual,
                "seed_prints": printed,
                "counted": counted,
                "formula": formula,
                "typo_in_seed": printed != correct,
            }
        )
    mismatches = [
        r
        for r in rows
        if r["counted"] != r["formula"]
        or (r["counted"] != r["seed_prints"] and not r["typo_in_seed"])
    ]
    typos = [r for r in rows if r["counted"] != r["seed_prints"]]

    fig, axes = ctx.figure(1, 1, width=9.5, height=4.6)
    ax = axes[0, 0]
    names = [r["network"] for r in rows]
    ax.barh(names, [r["counted"] for r in rows], color="#1b9e77", label="counted")
    ax.scatter(
        [r["seed_prints"] for r in rows],
        names,
        marker="|",
        s=200,
        c="k",
        label="printed in the seed",
    )
    ax.set_xscale("log")
    for i, r in enumerate(rows):
        mark = "  ← seed prints " + f"{r['seed_prints']:,}" if r["typo_in_seed"] else ""
        ax.text(r["counted"] * 1.05, i, f"{r['counted']:,}{mark}", va="center", fontsize=7)
    ax.invert_yaxis()
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("parameter counts: live networks vs the seeds", fontsize=10)
    fig_path = ctx.save(fig, "counts")

    ok = not mismatches
    typo_txt = "; ".join(
        f"{r['network']}: {r['counted']:,} (seed prints {r['seed_prints']:,})" for r in typos
    )
    return Outcome(
        values={"rows": rows, "errata": typo_txt},
        summary=f"{len(rows)} counts match the seeds; erratum: {typo_txt}",
        our_number="401/151, 501/501/477/541/837, 471/581, 15208/15210/15235/15319, 10,801",
        ok=ok,
        why="; ".join(
            f"{r['network']}: counted {r['counted']}, seed {r['seed_prints']}" for r in mismatches
        ),
        figures=[fig_path],
        note="Lecture L2 prints 15,139 for the 4-layer MNIST-1D net; "
        "40·63+63 + 3·(63·63+63) + 63·10+10 = 15,319.",
    )


def d11_parameter_counts(ctx: Context) -> Outcome:
    """D11: 3 inputs, 3 hidden units, 2 outputs = 20 parameters; a 784-16-16-10 net has
    13,002 (lectures: L0 "Shallow neural networks", L4)."""
    rows = []
    for sizes, lecture in (([3, 3, 2], 20), ([784, 16, 16, 10], 13_002)):
        net = MLP(sizes, random_state=0)
        by_hand = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
        flat = int(net.params.size)
        rows.append(
            {"network": "-".join(map(str, sizes)), "lecture": lecture, "n_params": net.n_params,
             "flat_vector": flat, "by_hand": by_hand}
        )  # fmt: skip
    fig, axes = ctx.figure(1, 1, width=5.0, height=1.6)
    ax = axes[0, 0]
    ax.set_axis_off()
    ax.table(
        cellText=[[r["network"], f"{r['lecture']:,}", f"{r['n_params']:,}"] for r in rows],
        colLabels=["network", "lecture", "mlpkit"],
        loc="center",
    )
    fig_path = ctx.save(fig, "counts")
    ok = all(r["lecture"] == r["n_params"] == r["flat_vector"] == r["by_hand"] for r in rows)
    return Outcome(
        values={"rows": rows},
        summary="; ".join(
            f"{r['network']}: {r['n_params']:,} (lecture {r['lecture']:,})" for r in rows
        ),  # fmt: skip
        our_number=" and ".join(f"{r['n_params']:,}" for r in rows),
        ok=ok,
        why="; ".join(f"{r['network']}: {r['n_params']} vs {r['lecture']}" for r in rows),
        figures=[fig_path],
    )


def _layers_2d(net: MLP, P: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First-layer and second-layer on/off patterns (an integer per point) and the second
    layer's pre-activation, computed from the net's weights: h1 = ReLU(P W1 + b1),
    z2 = h1 W2 + b2."""
    (W1, W2, _), (b1, b2, _) = net.weights, net.biases
    H1 = np.maximum(P @ W1 + b1, 0)
    Z2 = H1 @ W2 + b2
    bits = 1 << np.arange(2)
    return (H1 > 0).astype(np.int64) @ bits, (Z2 > 0).astype(np.int64) @ bits, Z2


def _regions(pattern: np.ndarray, min_pixels: int = 20) -> int:
    """Connected regions of equal activation pattern on a grid (8-connected; slivers of
    fewer than ``min_pixels`` grid points, where two lines meet at a grid's resolution,
    are not counted)."""
    from scipy import ndimage

    count = 0
    for k in np.unique(pattern):
        lab, m = ndimage.label(pattern == k, structure=np.ones((3, 3)))
        sizes = np.bincount(lab.ravel())[1:]
        count += int(np.sum(sizes >= min_pixels))
    return count


def d12_region_splitting(ctx: Context) -> Outcome:
    """D12: in 2-D, one ReLU layer of two units draws two lines (at most 4 regions); a
    second layer splits those regions along lines that bend only where they cross the
    first layer's lines (lectures: L4 "Two layers: two hyperplanes", "Multi layer
    perceptrons")."""
    n = ctx.pick(300, 500)
    g = np.linspace(-1, 1, n)
    xx, yy = np.meshgrid(g, g)
    P = np.column_stack([xx.ravel(), yy.ravel()])
    rng = ctx.rng(0)
    rows = []
    example = None
    for _ in range(ctx.pick(20, 60)):
        net = MLP([2, 2, 2, 1], "relu", dtype=np.float64, random_state=0)
        net.params = rng.normal(0, 1, net.n_params)
        for b in net.biases:
            b *= 0.5
        p1, p2, Z2 = _layers_2d(net, P)
        both = p1 * 4 + p2
        one_layer = _regions(p1.reshape(n, n))
        two_layers = _regions(both.reshape(n, n))
        # Inside each first-layer region the second layer is affine in x: its
        # pre-activation fits a plane there (so its zero set is a straight piece).
        resid = 0.0
        for k in np.unique(p1):
            m = p1 == k
            if m.sum() < 10:
                continue
            A = np.column_stack([P[m], np.ones(m.sum())])
            coef, *_ = np.linalg.lstsq(A, Z2[m], rcond=None)
            resid = max(resid, float(np.max(np.abs(A @ coef - Z2[m]))))
        rows.append({"one_layer_regions": one_layer, "two_layer_regions": two_layers,
                     "plane_residual": resid})  # fmt: skip
        if example is None or two_layers > example[1]:
            example = (net, two_layers, p1, both)

    assert example is not None  # the loop ran at least once
    net, _, p1, both = example
    fig, axes = ctx.figure(2, 1, width=3.9, height=3.9)
    for ax, pat, title in ((axes[0, 0], p1, "layer 1: two lines"),
                           (axes[0, 1], both, "layer 2 splits each region")):  # fmt: skip
        _, inv = np.unique(pat, return_inverse=True)
        ax.imshow(inv.reshape(n, n), origin="lower", extent=(-1, 1, -1, 1), cmap="Pastel1")
        ax.contour(xx, yy, p1.reshape(n, n), levels=np.unique(p1)[:-1] + 0.5, colors="k",
                   linewidths=0.8)  # fmt: skip
        ax.set_title(title, fontsize=10)
    fig_path = ctx.save(fig, "region_splitting")

    most1 = max(r["one_layer_regions"] for r in rows)
    most2 = max(r["two_layer_regions"] for r in rows)
    split = sum(r["two_layer_regions"] > r["one_layer_regions"] for r in rows)
    resid = max(r["plane_residual"] for r in rows)
    checks = {
        "one layer of 2 units: at most 4 regions": most1 <= 4,
        "a second layer splits regions in some nets (more than 4)": most2 > 4,
        "never fewer regions with the second layer": all(
            r["two_layer_regions"] >= r["one_layer_regions"] for r in rows
        ),
        "layer 2 is affine inside each layer-1 region (to 1e-9)": resid < 1e-9,
    }
    failed = [k for k, v in checks.items() if not v]
    return Outcome(
        values={
            "nets": len(rows),
            "max_one_layer_regions": most1,
            "max_two_layer_regions": most2,
            "nets_with_split_regions": split,
            "max_plane_residual": resid,
            "checks": checks,
        },  # fmt: skip
        summary=f"{len(rows)} random 2-2-2-1 ReLU nets: layer 1 makes at most {most1} regions, "
        f"layers 1+2 up to {most2} ({split} nets split some region); layer 2 affine inside "
        f"each layer-1 region to {resid:.1e}",
        our_number=f"≤ {most1} → up to {most2} regions",
        ok=not failed,
        why="not: " + "; ".join(failed) if failed else "",
        figures=[fig_path],
    )
