"""Shallow networks (seeds 000, 002, 003, 004): C1 joints, C2 universal approximation,
C3 convex polygons."""

from __future__ import annotations

import numpy as np

from ..analysis import count_linear_regions_1d
from ..network import MLP
from ._base import (
    Context,
    Outcome,
    fit_best,
    linear_pieces_1d,
    mse,
    set_params,
    torch_like_init,
    widen,
)

# Seed 000's example 1-3-1 network, with parameters chosen so the three joints fall
# inside [0, 1] (at x = 0.2, 0.5, 0.8), as in the lecture's pictures.
C1_THETA = (np.array([[1.0, 2.0, -2.0]]), np.array([-0.2, -1.0, 1.6]))
C1_PHI = (np.array([[2.0], [-1.5], [0.7]]), np.array([-0.3]))


def c1_joints(ctx: Context) -> Outcome:
    """C1: a 1-3-1 ReLU net has 10 parameters and is piecewise linear with 3 joints."""
    net = MLP([1, 3, 1], dtype=np.float64, random_state=0)
    set_params(net, [C1_THETA[0], C1_PHI[0]], [C1_THETA[1], C1_PHI[1]])
    x = np.linspace(0.0, 1.0, 20001)
    y = net.forward(x[:, None]).ravel()
    joints = linear_pieces_1d(y, x) - 1  # counted from samples of the output
    exact = count_linear_regions_1d(net, 0.0, 1.0, merge_equal_slopes=True) - 1  # analytic

    # Any 1-3-1 ReLU net, not just ours: random draws never show more than 3 joints.
    rng = ctx.rng(1)
    most = 0
    n_random = ctx.pick(200, 1000)
    for _ in range(n_random):
        r = MLP([1, 3, 1], dtype=np.float64, random_state=rng)
        r.params = rng.normal(size=r.n_params)
        knots = -r.biases[0] / np.where(r.weights[0][0] == 0, np.nan, r.weights[0][0])
        lo, hi = np.nanmin(knots) - 1.0, np.nanmax(knots) + 1.0
        xs = np.linspace(lo, hi, 4001)
        most = max(most, linear_pieces_1d(r.forward(xs[:, None]).ravel(), xs) - 1)

    # The four panels of seed 000/002: linear functions, ReLU, weighted, summed.
    W0, b0 = C1_THETA[0][0], C1_THETA[1]
    pre = x[:, None] * W0 + b0
    h = np.maximum(pre, 0.0)
    weighted = h * C1_PHI[0][:, 0]
    fig, axes = ctx.figure(4, 1, width=3.3, height=3.0)
    colours = ["#1b9e77", "#d95f02", "#7570b3"]
    titles = [
        "1. linear: θd0 + θd1·x",
        "2. ReLU: hd = a[·]",
        "3. weighted: φd·hd",
        "4. sum: y = φ0 + Σ φd·hd",
    ]
    for d in range(3):
        axes[0, 0].plot(x, pre[:, d], c=colours[d], label=f"unit {d + 1}")
        axes[0, 1].plot(x, h[:, d], c=colours[d])
        axes[0, 2].plot(x, weighted[:, d], c=colours[d])
    axes[0, 3].plot(x, y, c="k")
    for knot in -b0 / W0:
        axes[0, 3].axvline(knot, ls=":", c="grey", lw=0.8)
    for ax, t in zip(axes[0], titles):
        ax.set_title(t, fontsize=10)
        ax.set_xlabel("x")
        ax.axhline(0, c="grey", lw=0.5)
    axes[0, 0].legend(fontsize=8)
    fig_path = ctx.save(fig, "joints")

    ok = net.n_params == 10 and joints == 3 and exact == 3 and most <= 3
    return Outcome(
        values={
            "n_params": net.n_params,
            "joints": joints,
            "joints_analytic": exact,
            "joint_positions": (-b0 / W0),
            "max_joints_random_nets": most,
            "random_nets": n_random,
        },
        summary=f"{net.n_params} parameters, {joints} joints; at most {most} joints in "
        f"{n_random} random 1-3-1 nets",
        our_number=f"{net.n_params} params, {joints} joints",
        ok=ok,
        why=f"counted {net.n_params} parameters and {joints} joints (max {most} in random nets)",
        figures=[fig_path],
    )


def _grow_1d(prev: MLP | None, width: int, X, y, iters: int, rng) -> MLP:
    """Fit a 1-width-1 ReLU net that starts from ``prev``'s units plus new ones with zero
    output weight: a wider net can do anything a narrower one can, so starting there
    measures what the extra units add rather than the luck of a fresh start (a fresh
    L-BFGS run often leaves ReLU units dead outside the data)."""
    import warnings

    net = torch_like_init(MLP([1, width, 1], dtype=np.float64, random_state=0), rng)
    widen(net, prev)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(X, y, optimizer="lbfgs", epochs=iters, metric=False)
    return net


def c2_universal(ctx: Context) -> Outcome:
    """C2: more hidden units, smaller error (1-D; Rosenbrock regression with 2/3/4 nodes)."""
    import mlpkit.datasets as ds

    # Part 1: a 1-D function approximated by shallow ReLU nets of growing width.
    fname = "bumps"
    f = ds.FUNCTIONS_1D[fname]
    X, y = ds.make_function_1d(
        fname, n_samples=ctx.pick(200, 400), x_range=(-1, 1), random_state=ctx.state(0)
    )
    xg = np.linspace(-1, 1, 1001)
    widths = ctx.pick([1, 2, 4, 8, 16, 32], [1, 2, 4, 8, 16, 32, 64])
    iters = ctx.pick(2000, 5000)
    errors, fits = [], {}
    prev = None
    for D in widths:
        net = _grow_1d(prev, D, X.reshape(-1, 1), y, iters, ctx.rng(100 + D))
        prev = net
        pred = net.forward(xg[:, None]).ravel()
        errors.append(mse(pred, f(xg)))
        fits[D] = pred

    # Part 2: seed 004's Rosenbrock regression with 2, 3, 4 sigmoid-like (tanh) nodes.
    Xr, yr = ds.make_rosenbrock_regression(ctx.pick(400, 1000), random_state=ctx.state(1))
    lo, hi = Xr.min(axis=0), Xr.max(axis=0)
    Xs = 2 * (Xr - lo) / (hi - lo) - 1
    ys = (yr - yr.min()) / (yr.max() - yr.min())  # loss on targets scaled to [0, 1]
    nodes = [2, 3, 4]
    ros = []
    for n in nodes:

        def make(s: int, n: int = n) -> MLP:
            return MLP([2, n, 1], "tanh", dtype=np.float64, random_state=s)

        net = fit_best(
            make,
            Xs,
            ys,
            restarts=ctx.pick(4, 8),
            rng_state=ctx.state(10 + n),
            optimizer="lbfgs",
            epochs=ctx.pick(800, 4000),
            metric=False,
        )
        ros.append(mse(net.forward(Xs).ravel(), ys))

    fig, axes = ctx.figure(3, 1, width=4.0, height=3.4)
    ax = axes[0, 0]
    ax.plot(xg, f(xg), c="k", lw=2, label="true f(x)")
    for D in widths[1::2]:
        ax.plot(xg, fits[D], lw=1, label=f"D = {D}")
    ax.scatter(X, y, s=4, c="grey")
    ax.set_title(f"shallow ReLU nets fit '{fname}'", fontsize=10)
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    ax.loglog(widths, errors, "o-")
    ax.set_xlabel("hidden units D")
    ax.set_ylabel("mean squared error vs f")
    ax.set_title("1-D: error falls as D grows", fontsize=10)
    ax = axes[0, 2]
    ax.semilogy(nodes, ros, "o-", label="ours (targets scaled to [0, 1])")
    ax.semilogy(nodes, [3.02e-01, 2.08e-02, 8.27e-03], "s--", c="grey", label="seed 004")
    ax.set_xticks(nodes)
    ax.set_xlabel("hidden nodes")
    ax.set_ylabel("loss")
    ax.set_title("Rosenbrock regression", fontsize=10)
    ax.legend(fontsize=7)
    fig_path = ctx.save(fig, "universal")

    mono_1d = all(b <= a * 1.05 for a, b in zip(errors, errors[1:])) and errors[-1] < errors[0] / 10
    mono_ros = ros[0] > ros[1] > ros[2]
    why = []
    if not mono_1d:
        why.append(f"1-D error not decreasing with width: {np.round(errors, 5).tolist()}")
    if not mono_ros:
        why.append(
            "Rosenbrock loss not falling 2 → 3 → 4 nodes (a local minimum: "
            "randomness of the initialisation)"
        )
    return Outcome(
        values={
            "function": fname,
            "widths": widths,
            "mse_1d": errors,
            "rosenbrock_nodes": nodes,
            "rosenbrock_loss": ros,
        },
        summary="1-D MSE "
        + " → ".join(f"{e:.1e}" for e in (errors[0], errors[-1]))
        + f" (D {widths[0]} → {widths[-1]}); Rosenbrock 2/3/4 nodes: "
        + ", ".join(f"{v:.2e}" for v in ros),
        our_number="Rosenbrock " + ", ".join(f"{v:.2e}" for v in ros),
        ok=mono_1d and mono_ros,
        why="; ".join(why),
        figures=[fig_path],
        note="The seed does not say how its Rosenbrock loss is scaled; ours is the mean "
        "squared error on targets scaled to [0, 1], so only the trend compares. In 1-D each "
        "wider net starts from the narrower one's units (new units get zero output "
        "weight), so the curve shows what extra units add.",
    )


def c3_polygons(ctx: Context) -> Outcome:
    """C3: 2 inputs, 3 hidden ReLU units: the linear regions are convex polygons."""
    rng = ctx.rng(0)
    net = MLP([2, 3, 1], dtype=np.float64, random_state=0)
    # Three lines through the square [-1, 1]² (random directions, offsets inside).
    angles = rng.uniform(0, np.pi, 3) + np.array([0, np.pi / 3, 2 * np.pi / 3])
    W0 = np.vstack([np.cos(angles), np.sin(angles)])
    b0 = -np.einsum("ij,ij->j", W0, rng.uniform(-0.5, 0.5, (2, 3)))
    set_params(net, [W0, rng.normal(size=(3, 1))], [b0, rng.normal(size=1)])

    n = ctx.pick(200, 400)
    g = np.linspace(-1, 1, n)
    xx, yy = np.meshgrid(g, g)
    P = np.column_stack([xx.ravel(), yy.ravel()])

    def pattern(Q):
        return ((Q @ W0 + b0) > 0).astype(int) @ np.array([1, 2, 4])

    pat = pattern(P)
    ids = np.unique(pat)
    out = net.forward(P).ravel()
    convex, planar = True, 0.0
    for k in ids:
        inside = P[pat == k]
        i, j = rng.integers(0, len(inside), (2, 300))
        mid = (inside[i] + inside[j]) / 2
        convex &= bool(np.all(pattern(mid) == k))  # a convex set contains its midpoints
        A = np.column_stack([inside, np.ones(len(inside))])
        coef, *_ = np.linalg.lstsq(A, out[pat == k], rcond=None)
        planar = max(planar, float(np.max(np.abs(A @ coef - out[pat == k]))))

    fig, axes = ctx.figure(2, 1, width=4.2, height=3.9)
    ax = axes[0, 0]
    _, inv = np.unique(pat, return_inverse=True)
    ax.imshow(inv.reshape(n, n), origin="lower", extent=(-1, 1, -1, 1), cmap="Pastel1")
    for d in range(3):
        ax.contour(
            xx, yy, (P @ W0[:, d] + b0[d]).reshape(n, n), levels=[0], colors="k", linewidths=1
        )
    for k in ids:
        c = P[pat == k].mean(axis=0)
        ax.text(c[0], c[1], format(int(k), "03b")[::-1], ha="center", fontsize=8)
    ax.set_title(f"{len(ids)} regions (activation patterns h1h2h3)", fontsize=10)
    ax = axes[0, 1]
    im = ax.imshow(out.reshape(n, n), origin="lower", extent=(-1, 1, -1, 1), cmap="viridis")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title("output y: one plane per region", fontsize=10)
    fig_path = ctx.save(fig, "polygons")

    ok = convex and len(ids) <= 7 and planar < 1e-8
    return Outcome(
        values={
            "regions": len(ids),
            "max_regions_zaslavsky": 7,
            "all_convex": convex,
            "max_plane_residual": planar,
        },
        summary=f"{len(ids)} regions, all convex (midpoint test), planar to {planar:.1e}",
        our_number=f"{len(ids)} convex regions",
        ok=ok,
        why=f"{len(ids)} regions, convex={convex}, plane residual {planar:.1e}",
        figures=[fig_path],
    )
