"""How training behaves (lectures L0, L1, L4): C15 BMI regression, C16 mini-batches,
C17 weight decay, C18 interpolation vs extrapolation, C19 vanishing gradients; D9
exploding gradients, D14 optimiser paths, D15 linear collapse.

(One concept, kept whole: like every experiments module, one group of lecture claims,
each claim a self-contained function.)
"""

from __future__ import annotations

import warnings

import numpy as np

from ..network import MLP
from ._base import Context, Outcome, draw_boundary, fit_best, mse, scaled_predict


def _quiet_fit(net: MLP, X, Y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return net.fit(X, Y, **kw)


def c15_bmi(ctx: Context) -> Outcome:
    """C15: BMI from (height, weight) with a 2-8-1 ReLU MLP (lecture L1)."""
    from sklearn.linear_model import LinearRegression

    import mlpkit.datasets as ds

    X, y = ds.make_bmi(ctx.pick(600, 2000), random_state=ctx.state(0))
    Xt, yt = ds.make_bmi(2000, random_state=ctx.state(1))
    mx, sx, my, sy = X.mean(0), X.std(0), y.mean(), y.std()
    net = fit_best(
        lambda s: MLP([2, 8, 1], "relu", dtype=np.float64, random_state=s),
        (X - mx) / sx,
        (y - my) / sy,
        restarts=ctx.pick(3, 5),
        rng_state=ctx.state(2),
        optimizer="lbfgs",
        epochs=ctx.pick(1000, 3000),
        metric=False,
    )
    pred = net.forward((Xt - mx) / sx).ravel() * sy + my
    r2 = 1 - mse(pred, yt) / float(np.var(yt))
    rmse = float(np.sqrt(mse(pred, yt)))
    lin = LinearRegression().fit(X, y)
    r2_lin = float(lin.score(Xt, yt))

    fig, axes = ctx.figure(2, 1, width=4.3, height=3.8)
    ax = axes[0, 0]
    ax.scatter(yt, pred, s=3, label=f"2-8-1 ReLU MLP, R² {r2:.3f}")
    ax.scatter(yt, lin.predict(Xt), s=3, alpha=0.4, label=f"linear regression, R² {r2_lin:.3f}")
    ax.plot([yt.min(), yt.max()], [yt.min(), yt.max()], c="k", lw=0.8)
    ax.set_xlabel("true BMI")
    ax.set_ylabel("predicted BMI")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    hh, ww = np.meshgrid(np.linspace(1.5, 2.0, 120), np.linspace(45, 120, 120))
    grid = np.column_stack([hh.ravel(), ww.ravel()])
    surf = net.forward((grid - mx) / sx).ravel() * sy + my
    cs = ax.contour(hh, ww, surf.reshape(hh.shape), levels=[18.5, 25, 30, 35], colors="k")
    ax.clabel(cs, fontsize=7)
    ax.contour(hh, ww, ww / hh**2, levels=[18.5, 25, 30, 35], colors="r", linestyles=":")
    ax.set_xlabel("height (m)")
    ax.set_ylabel("weight (kg)")
    ax.set_title("learned BMI contours (black) vs w/h² (red)", fontsize=9)
    fig_path = ctx.save(fig, "bmi")

    ok = r2 >= 0.97 and r2 > r2_lin
    return Outcome(
        values={"r2_mlp": r2, "rmse_mlp": rmse, "r2_linear": r2_lin, "params": net.n_params},
        summary=f"2-8-1 ReLU MLP: test R² {r2:.3f} (RMSE {rmse:.2f} BMI units); linear "
        f"regression R² {r2_lin:.3f}",
        our_number=f"R² {r2:.3f} (linear {r2_lin:.3f})",
        ok=ok,
        why=f"R² {r2:.3f} vs linear {r2_lin:.3f}",
        figures=[fig_path],
        note="The seed gives no number; our heights and weights are synthetic (BMI = w/h²).",
    )


def _noisy_sine(ctx: Context, n: int, noise: float, stream: int):
    rng = ctx.rng(stream)
    x = np.sort(rng.uniform(-1, 1, n))
    return x[:, None], np.sin(3 * x) + rng.normal(0, noise, n)


def _flip_labels(y, rate: float, rng) -> np.ndarray:
    """``y`` with a random ``rate`` share of the labels flipped: the "noisy data"."""
    y = np.asarray(y).copy()
    idx = rng.choice(len(y), int(round(rate * len(y))), replace=False)
    y[idx] = 1 - y[idx]
    return y


def c16_minibatch(ctx: Context) -> Outcome:
    """C16 (and the lecture's three mini-batch panels): one hidden layer n=10 on clean data;
    n=10 on noisy data with batches; 10/10 on noisy data with batches. One optimiser
    (Adam) throughout; each noisy-data net is also trained on the full batch for the same
    number of steps, to see what the batches' randomness changes."""
    import mlpkit.datasets as ds

    from .classification import boundary_quality

    n, bs = 200, 10
    X, y = ds.make_banana(n, random_state=ctx.state(0))
    Xt, yt = ds.make_banana(2000, random_state=ctx.state(1))
    (a0, a1), (b0, b1) = ds.BANANA_BOUNDS
    c = np.array([(a0 + a1) / 2, (b0 + b1) / 2])
    h = np.array([(a1 - a0) / 2, (b1 - b0) / 2])
    Xs, Xts = (X - c) / h, (Xt - c) / h
    noisy = _flip_labels(y, 0.1, ctx.rng(2))
    epochs = ctx.pick(150, 400)
    steps = epochs * (n // bs)

    def train(sizes, labels, batch, stream):
        net = MLP(sizes, "tanh", output="logistic", dtype=np.float64,
                  random_state=ctx.state(10 + stream))  # fmt: skip
        # Equal numbers of optimiser steps: full-batch runs as many epochs as the
        # mini-batch runs steps.
        hist = _quiet_fit(net, Xs, labels, optimizer="adam", lr=0.01,
                          batch_size=batch, epochs=epochs if batch else steps, metric=False,
                          random_state=ctx.state(20 + stream))  # fmt: skip
        return net, [float(v) for v in hist.loss]

    runs = {
        "n=10, clean, full batch": train([2, 10, 1], y, None, 0),
        "n=10, noisy, batches": train([2, 10, 1], noisy, bs, 1),
        "10/10, noisy, batches": train([2, 10, 10, 1], noisy, bs, 2),
        "n=10, noisy, full batch": train([2, 10, 1], noisy, None, 1),
        "10/10, noisy, full batch": train([2, 10, 10, 1], noisy, None, 2),
    }
    acc = {k: float(net.score(Xts, yt)) for k, (net, _) in runs.items()}  # clean labels
    qual = {
        k: boundary_quality(scaled_predict(net, c, h),
                            lambda P: ds.rosenbrock(P) < 0.5, ds.BANANA_BOUNDS)
        for k, (net, _) in runs.items()
    }  # fmt: skip
    curve = np.asarray(runs["n=10, noisy, batches"][1])
    ups = float(np.mean(np.diff(curve) > 0))

    fig, axes = ctx.figure(4, 1, width=3.6, height=3.6)
    for ax, k in zip(axes[0, :3], list(runs)[:3]):
        net = runs[k][0]
        lab = y if "clean" in k else noisy
        draw_boundary(ax, scaled_predict(net, c, h), X, lab, ds.BANANA_BOUNDS,
                      f"{k}\nclean test {acc[k]:.1%}")  # fmt: skip
    ax = axes[0, 3]
    ax.semilogy(curve, lw=0.8, label="n=10, noisy, batches of 10")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (epoch mean)")
    ax.set_title(f"loss falls, not monotonically: {ups:.0%} of epochs go up", fontsize=9)
    ax.legend(fontsize=7)
    fig_path = ctx.save(fig, "minibatch")

    decreasing = curve[-10:].mean() < 0.7 * curve[:10].mean()
    noisy_descent = ups >= 0.1
    floor = min(acc[k] for k in list(runs)[:3]) >= 0.9
    less_overfit = {
        arch: acc[f"{arch}, noisy, batches"] > acc[f"{arch}, noisy, full batch"]
        for arch in ("n=10", "10/10")
    }
    ok = decreasing and noisy_descent and floor and all(less_overfit.values())
    why = []
    if not (decreasing and noisy_descent):
        why.append(f"loss {curve[:10].mean():.3f} → {curve[-10:].mean():.3f}, {ups:.0%} of "
                   "epochs up (needs a 30 % fall with >= 10 % of epochs up)")  # fmt: skip
    if not floor:
        why.append("a panel's net below 90 % on clean test labels")
    for arch, v in less_overfit.items():
        if not v:
            why.append(
                f"{arch}: batches {acc[f'{arch}, noisy, batches']:.1%} not above full batch "
                f"{acc[f'{arch}, noisy, full batch']:.1%} on clean test labels (same Adam, "
                "same number of steps)"
            )
    return Outcome(
        values={
            "clean_test_accuracy": acc,
            "boundary_quality": qual,
            "fraction_of_epochs_up": ups,
            "loss_first10": float(curve[:10].mean()),
            "loss_last10": float(curve[-10:].mean()),
            "n_train": n,
            "label_noise": 0.1,
            "batch_size": bs,
            "epochs": epochs,
            "steps": steps,
        },
        summary="clean test accuracy: "
        + ", ".join(f"{k} {v:.1%}" for k, v in acc.items())
        + f"; {ups:.0%} of mini-batch epochs raise the loss",
        our_number=f"{ups:.0%} epochs up; batches {acc['10/10, noisy, batches']:.1%} vs full "
        f"{acc['10/10, noisy, full batch']:.1%}",
        ok=ok,
        why="; ".join(why),
        figures=[fig_path],
        headline=acc,
        note="The lecture's three panels, with one optimiser (Adam, lr 0.01) for all: the "
        f"banana with {n} training points, 10 % of the labels flipped for 'noisy data', "
        f"batches of {bs}. The full-batch runs take the same number of steps. The lecture "
        "gives no numbers; the judgement is on clean test labels.",
    )


def c17_weight_decay(ctx: Context) -> Outcome:
    """C17: E(w) + λ‖w‖², λ chosen on validation data, against overfitting."""
    X, y = _noisy_sine(ctx, 20, 0.25, 0)
    Xv, yv = _noisy_sine(ctx, 100, 0.25, 1)
    Xt = np.linspace(-1, 1, 500)[:, None]
    yt = np.sin(3 * Xt).ravel()
    lambdas = [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
    val, test, fits = {}, {}, {}
    for lam in lambdas:
        net = MLP([1, 50, 50, 1], "tanh", dtype=np.float64, random_state=ctx.state(2))
        _quiet_fit(
            net,
            X,
            y,
            optimizer="lbfgs",
            epochs=ctx.pick(2000, 6000),
            weight_decay=lam,
            metric=False,
        )
        val[lam] = mse(net.forward(Xv).ravel(), yv)
        test[lam] = mse(net.forward(Xt).ravel(), yt)
        fits[lam] = net.forward(Xt).ravel()
    best = min(lambdas, key=lambda lam: val[lam])

    fig, axes = ctx.figure(2, 1, width=4.4, height=3.7)
    ax = axes[0, 0]
    ax.scatter(X, y, s=12, c="k", label="training data (20)")
    for lam in (0.0, best, lambdas[-1]):
        ax.plot(Xt, fits[lam], label=f"λ = {lam:g}")
    ax.legend(fontsize=7)
    ax.set_title("1-50-50-1 tanh fits", fontsize=10)
    ax = axes[0, 1]
    xs = [max(lam, 1e-6) for lam in lambdas]
    ax.semilogx(xs, list(val.values()), "o-", label="validation")
    ax.semilogx(xs, list(test.values()), "s--", label="test (clean sin 3x)")
    ax.axvline(max(best, 1e-6), c="grey", ls=":")
    ax.set_xlabel("λ (0 drawn at 1e-6)")
    ax.set_ylabel("MSE")
    ax.legend(fontsize=7)
    ax.set_title(f"validation picks λ = {best:g}", fontsize=10)
    fig_path = ctx.save(fig, "weight_decay")

    # Floor: the chosen fit explains >= 80 % of the clean curve's variance (about 0.5).
    ok = best > 0 and test[best] < test[0.0] and test[best] < 0.1
    return Outcome(
        values={
            "lambdas": lambdas,
            "val_mse": list(val.values()),
            "test_mse": list(test.values()),
            "chosen_lambda": best,
        },
        summary=f"validation picks λ = {best:g}: test MSE {test[best]:.4f} vs {test[0.0]:.4f} "
        "without decay",
        our_number=f"λ* = {best:g}: {test[best]:.3f} vs {test[0.0]:.3f}",
        ok=ok,
        why=f"chosen λ {best:g}, test {test[best]:.4f} vs {test[0.0]:.4f}",
        figures=[fig_path],
        note="The seed gives no number.",
    )


def c18_extrapolation(ctx: Context) -> Outcome:
    """C18: MLPs interpolate but do not extrapolate."""
    X, y = _noisy_sine(ctx, 200, 0.05, 0)
    inside = np.linspace(-1, 1, 400)[:, None]
    outside = np.concatenate([np.linspace(-2, -1.2, 200), np.linspace(1.2, 2, 200)])[:, None]
    xs = np.linspace(-2.2, 2.2, 600)[:, None]
    res, curves = {}, {}
    for act in ("tanh", "relu"):

        def make(s: int, a: str = act) -> MLP:
            return MLP([1, 32, 32, 1], a, dtype=np.float64, random_state=s)

        net = fit_best(
            make,
            X,
            y,
            restarts=1,
            rng_state=ctx.state(1),
            optimizer="lbfgs",
            epochs=ctx.pick(1000, 3000),
            metric=False,
        )
        res[act] = {
            "inside": mse(net.forward(inside).ravel(), np.sin(3 * inside).ravel()),
            "outside": mse(net.forward(outside).ravel(), np.sin(3 * outside).ravel()),
        }
        curves[act] = net.forward(xs).ravel()

    fig, axes = ctx.figure(1, 1, width=7.0, height=3.8)
    ax = axes[0, 0]
    ax.axvspan(-1, 1, color="#eeeeee", label="training range")
    ax.plot(xs, np.sin(3 * xs), c="k", ls=":", label="sin 3x")
    for act, c in curves.items():
        ax.plot(
            xs, c, label=f"{act}: MSE in {res[act]['inside']:.1e}, out {res[act]['outside']:.1e}"
        )
    ax.set_ylim(-3, 3)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title("interpolation works, extrapolation does not", fontsize=10)
    fig_path = ctx.save(fig, "extrapolation")

    ratio = min(r["outside"] / max(r["inside"], 1e-12) for r in res.values())
    # Interpolation must work (floor: inside MSE < 0.01, 2 % of the variance) for the
    # failure outside to mean anything.
    ok = ratio > 10 and max(r["inside"] for r in res.values()) < 0.01
    return Outcome(
        values={"mse": res, "min_ratio_outside_inside": ratio},
        summary=f"MSE outside the training range is ≥ {ratio:,.0f}× the MSE inside",
        our_number=f"outside/inside MSE ≥ {ratio:,.0f}×",
        ok=ok,
        why=f"ratio only {ratio:.1f}",
        figures=[fig_path],
        note="The seed gives no number.",
    )


def _layer_grad_norms(net: MLP, X, y) -> list[float]:
    _, g = net.loss_and_grad(X, y)
    return [
        float(np.linalg.norm(g[s])) for name, s, shape in net.param_slices() if len(shape) == 2
    ]  # weight matrices, input layer first


def c19_vanishing(ctx: Context) -> Outcome:
    """C19: sigmoid saturates and gradients vanish in deep nets; ReLU and residual
    connections keep them alive."""
    import mlpkit.datasets as ds

    X, y = ds.make_rings(ctx.pick(500, 1000), random_state=ctx.state(0))
    depth, width = 10, 32
    sizes = [2, *([width] * depth), 1]
    cases = {
        "sigmoid": ("logistic", False),
        "tanh": ("tanh", False),
        "ReLU": ("relu", False),
        "ReLU + residual": ("relu", True),
    }
    norms, ratio, trained = {}, {}, {}
    epochs = ctx.pick(30, 100)
    for label, (act, res) in cases.items():
        per_seed = []
        for s in range(3):
            net = MLP(
                sizes,
                act,
                output="logistic",
                residual=res,
                dtype=np.float64,
                random_state=ctx.state(10 + s),
            )
            per_seed.append(_layer_grad_norms(net, X, y))
        norms[label] = np.exp(np.mean(np.log(np.asarray(per_seed) + 1e-300), axis=0)).tolist()
        # First and last hidden-to-hidden matrices: both 32×32, so their norms compare.
        ratio[label] = norms[label][1] / norms[label][-2]
        net = MLP(sizes, act, output="logistic", residual=res, random_state=ctx.state(20))
        hist = _quiet_fit(net, X, y, optimizer="adam", lr=1e-3, epochs=epochs, batch_size=32)
        trained[label] = {
            "loss_first": hist.loss[0],
            "loss_last": hist.loss[-1],
            "accuracy": float(net.score(X, y)),
        }

    fig, axes = ctx.figure(2, 1, width=4.4, height=3.7)
    ax = axes[0, 0]
    for label, v in norms.items():
        ax.semilogy(np.arange(1, len(v) + 1), v, "o-", ms=3, label=label)
    ax.set_xlabel("weight matrix (1 = input layer)")
    ax.set_ylabel("‖∂L/∂W‖ at initialisation")
    ax.set_title(f"{depth} hidden layers × {width} units", fontsize=10)
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    names = list(trained)
    ax.bar(names, [trained[k]["accuracy"] for k in names], color="#1b9e77")
    ax.axhline(0.5, c="grey", ls=":")
    ax.set_ylabel(f"training accuracy after {epochs} epochs (rings)")
    ax.tick_params(axis="x", labelsize=7)
    fig_path = ctx.save(fig, "vanishing")

    # "Vanished": the first layer gets less than 1/1000 of the last hidden layer's gradient;
    # "alive": more than 1/100.
    # And in training: the ReLU nets fit the rings, the sigmoid net stays near chance.
    trains = all(trained[k]["accuracy"] >= 0.95 for k in ("ReLU", "ReLU + residual"))
    stuck = trained["sigmoid"]["accuracy"] <= 0.6
    ok = (
        ratio["sigmoid"] < 1e-3
        and ratio["ReLU"] > 1e-2
        and ratio["ReLU + residual"] > 1e-2
        and trains
        and stuck
    )
    return Outcome(
        values={"grad_norms": norms, "first_to_last_hidden_ratio": ratio, "trained": trained},
        summary=f"gradient at layer 2 / layer {depth}: sigmoid {ratio['sigmoid']:.1e}, "
        f"ReLU {ratio['ReLU']:.2f}, residual {ratio['ReLU + residual']:.2f}",
        our_number=f"sigmoid {ratio['sigmoid']:.0e}, ReLU {ratio['ReLU']:.2f}",
        ok=ok,
        why=f"ratios {', '.join(f'{k} {v:.2e}' for k, v in ratio.items())}; training "
        "accuracy " + ", ".join(f"{k} {v['accuracy']:.0%}" for k, v in trained.items()),
        figures=[fig_path],
        note="The seed gives no number.",
    )


def _scaled_relu_net(depth: int, gain: float, seed: int) -> MLP:
    """A ReLU net of ``depth`` hidden layers of 32 with He initialisation times ``gain``:
    with gain > 1 every layer multiplies the backward signal by about ``gain``."""
    net = MLP([2, *([32] * depth), 1], "relu", output="logistic", init="he_normal",
              dtype=np.float64, random_state=seed)  # fmt: skip
    for W in net.weights:
        W *= gain
    return net


def d9_exploding(ctx: Context) -> Outcome:
    """D9: exploding gradients, and gradient clipping as a remedy (lectures: L4 "Vanishing
    and exploding gradients")."""
    import mlpkit.datasets as ds

    X, y = ds.make_rings(ctx.pick(400, 1000), random_state=ctx.state(0))
    depths = [2, 4, 6, 8]
    norms = {
        f"gain {g:g}": [
            float(np.linalg.norm(_scaled_relu_net(d, g, ctx.state(1)).loss_and_grad(X, y)[1]))
            for d in depths
        ]
        for g in (1.0, 2.0)
    }
    runs = {}
    for label, clip in (("no clipping", None), ("clip_norm = 1", 1.0)):
        net = _scaled_relu_net(8, 2.0, ctx.state(1))
        hist = _quiet_fit(net, X, y, optimizer="sgd", lr=0.05, batch_size=32,
                          epochs=ctx.pick(20, 50), clip_norm=clip, metric=False,
                          random_state=ctx.state(2))  # fmt: skip
        runs[label] = {
            "stop_reason": hist.stop_reason,
            "epochs_run": len(hist.loss),
            "final_loss": float(hist.loss[-1]) if len(hist.loss) else float("nan"),
            "accuracy": float(net.score(X, y)),
        }

    fig, axes = ctx.figure(2, 1, width=4.2, height=3.6)
    ax = axes[0, 0]
    for label, v in norms.items():
        ax.semilogy(depths, v, "o-", label=f"He init × {label.split()[-1]}")
    ax.set_xlabel("hidden layers (32 ReLU units each)")
    ax.set_ylabel("‖∂L/∂w‖ at initialisation")
    ax.set_title("exploding gradients", fontsize=10)
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    names = list(runs)
    ax.bar(names, [runs[k]["accuracy"] for k in names], color=["#c2452d", "#1b9e77"])
    for i, k in enumerate(names):
        ax.text(i, runs[k]["accuracy"] + 0.01, runs[k]["stop_reason"], ha="center", fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("training accuracy (rings)")
    ax.set_title("8 layers, gain 2, SGD lr 0.05", fontsize=10)
    fig_path = ctx.save(fig, "exploding")

    g1, g2 = norms["gain 1"], norms["gain 2"]
    free, clipped = runs["no clipping"], runs["clip_norm = 1"]
    checks = {
        "gain 2: the gradient grows >= 10x from 2 to 8 layers": g2[-1] >= 10 * g2[0],
        "He init (gain 1) grows at least 10x less": 10 * g1[-1] / g1[0] <= g2[-1] / g2[0],
        "without clipping training blows up (diverges or ends at chance)": free["stop_reason"]
        == "diverged"
        or not np.isfinite(free["final_loss"])
        or free["accuracy"] <= 0.6,
        "with clipping it fits the rings (>= 95 % training accuracy)": clipped["accuracy"] >= 0.95,
    }
    failed = [k for k, v in checks.items() if not v]
    return Outcome(
        values={
            "depths": depths,
            "grad_norm_at_init": norms,
            "training": runs,
            "checks": checks,
        },  # fmt: skip
        summary=f"‖∇‖ at init, 2 → 8 layers: gain 1 {g1[0]:.2g} → {g1[-1]:.2g}, gain 2 "
        f"{g2[0]:.2g} → {g2[-1]:.2g}; training without clipping: {free['stop_reason']} "
        f"({free['accuracy']:.0%}), with clip_norm 1: {clipped['accuracy']:.0%}",
        our_number=f"‖∇‖ ×{g2[-1] / g2[0]:.0f}; clipped {clipped['accuracy']:.0%}",
        ok=not failed,
        why="not: " + "; ".join(failed) if failed else "",
        figures=[fig_path],
        headline={
            "gradient growth gain 2": g2[-1] / g2[0],
            "clipped accuracy": clipped["accuracy"],
        },
        note="The lecture states the mechanism without an experiment; ours scales He "
        "initialisation by 2 so each layer amplifies the backward signal, then trains the "
        "8-layer net with and without rescaling the gradient to norm 1.",
    )


def d15_linear_collapse(ctx: Context) -> Outcome:
    """D15: linear layers collapse — a deep net without activations has exactly the capacity
    of one linear layer (lectures: L1), shown by training."""
    from sklearn.linear_model import LogisticRegression

    import mlpkit.datasets as ds

    X, y = ds.make_banana(ctx.pick(600, 2000), random_state=ctx.state(0))
    Xt, yt = ds.make_banana(2000, random_state=ctx.state(1))
    mu, sd = X.mean(0), X.std(0)
    Xs, Xts = (X - mu) / sd, (Xt - mu) / sd
    deep = fit_best(
        lambda s: MLP([2, 10, 10, 10, 1], "identity", output="logistic", dtype=np.float64,
                      random_state=s),
        Xs, y, restarts=2, rng_state=ctx.state(2), optimizer="lbfgs",
        epochs=ctx.pick(500, 1500), metric=False,
    )  # fmt: skip
    shallow = fit_best(
        lambda s: MLP([2, 10, 1], "tanh", output="logistic", dtype=np.float64, random_state=s),
        Xs, y, restarts=2, rng_state=ctx.state(3), optimizer="lbfgs",
        epochs=ctx.pick(500, 1500), metric=False,
    )  # fmt: skip
    logreg = float(LogisticRegression(C=1e4).fit(Xs, y).score(Xts, yt))
    acc_deep, acc_tanh = float(deep.score(Xts, yt)), float(shallow.score(Xts, yt))
    # The algebra (lectures: L1): W = W1 W2 W3 W4, b = ((b1 W2 + b2) W3 + b3) W4 + b4 in
    # mlpkit's row convention; the collapsed layer must give the deep net's logits.
    W, b = np.eye(2), np.zeros(2)
    for Wk, bk in zip(deep.weights, deep.biases):
        W, b = W @ Wk, b @ Wk + bk
    collapsed = 1 / (1 + np.exp(-(Xts @ W + b)))
    gap = float(np.max(np.abs(collapsed - deep.forward(Xts))))

    fig, axes = ctx.figure(2, 1, width=3.9, height=3.9)
    bounds = ds.BANANA_BOUNDS
    draw_boundary(axes[0, 0], lambda P: deep.predict((P - mu) / sd), X, y, bounds,
                  f"2-10-10-10-1, no activation: {acc_deep:.1%}")  # fmt: skip
    draw_boundary(axes[0, 1], lambda P: shallow.predict((P - mu) / sd), X, y, bounds,
                  f"2-10-1 tanh: {acc_tanh:.1%}")  # fmt: skip
    fig_path = ctx.save(fig, "linear_collapse")

    checks = {
        "the collapsed layer gives the deep net's outputs (to 1e-9)": gap < 1e-9,
        "the deep linear net is no better than logistic regression (+1 point)": acc_deep
        <= logreg + 0.01,
        "one tanh layer of 10 beats both by >= 20 points": acc_tanh >= max(acc_deep, logreg) + 0.2,
        "the tanh net >= 95 %": acc_tanh >= 0.95,
    }
    failed = [k for k, v in checks.items() if not v]
    return Outcome(
        values={
            "accuracy_deep_linear": acc_deep,
            "accuracy_logistic_regression": logreg,
            "accuracy_tanh_2_10_1": acc_tanh,
            "collapse_max_abs_difference": gap,
            "checks": checks,
        },  # fmt: skip
        summary=f"banana test accuracy: 4 linear layers {acc_deep:.1%}, logistic regression "
        f"{logreg:.1%}, one tanh layer of 10 {acc_tanh:.1%}; collapsed layer matches to "
        f"{gap:.1e}",
        our_number=f"linear {acc_deep:.1%} = logreg {logreg:.1%}; tanh {acc_tanh:.1%}",
        ok=not failed,
        why="not: " + "; ".join(failed) if failed else "",
        figures=[fig_path],
        headline={"deep linear": acc_deep, "logistic regression": logreg, "tanh": acc_tanh},
    )


def d14_optimiser_paths(ctx: Context) -> Outcome:
    """D14: paths of SGD, momentum, Nesterov, RMSProp and Adam on a long narrow valley
    (lectures: L3 "Modern SGD variants"), each step taken by mlpkit's optimizer objects."""
    from ..optimizers import SGD, Adam, RMSProp

    # f(w) = ½ (w1² + 25 w2²): curvature 25x larger across the valley than along it, the
    # shape that makes plain gradient descent zig-zag and crawl.
    curv = np.array([1.0, 25.0])

    def f(w):
        return float(0.5 * np.sum(curv * w * w))

    start = np.array([-4.0, 1.0]) + ctx.rng(0).uniform(-0.2, 0.2, 2)
    steps = 100
    opts = {
        "SGD": SGD(lr=0.035),
        "momentum 0.9": SGD(lr=0.035, momentum=0.9),
        "Nesterov 0.9": SGD(lr=0.035, momentum=0.9, nesterov=True),
        "RMSProp": RMSProp(lr=0.1),
        "Adam": Adam(lr=0.3),
    }
    paths, values = {}, {}
    for name, opt in opts.items():
        w = start.copy()
        path, vals = [w.copy()], [f(w)]
        for _ in range(steps):
            opt.step(w, curv * w)  # ∇f = (w1, 25 w2)
            path.append(w.copy())
            vals.append(f(w))
        paths[name], values[name] = np.asarray(path), vals

    fig, axes = ctx.figure(2, 1, width=4.6, height=3.6)
    ax = axes[0, 0]
    gx, gy = np.meshgrid(np.linspace(-4.5, 1.5, 200), np.linspace(-1.5, 1.5, 200))
    ax.contour(gx, gy, 0.5 * (gx**2 + 25 * gy**2), levels=np.geomspace(0.01, 30, 12),
               colors="grey", linewidths=0.5)  # fmt: skip
    for name, p in paths.items():
        ax.plot(p[:40, 0], p[:40, 1], ".-", ms=2, lw=0.8, label=name)
    ax.set_title("first 40 steps on ½(w1² + 25 w2²)", fontsize=10)
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    for name, v in values.items():
        ax.semilogy(v, label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("f(w)")
    ax.legend(fontsize=7)
    fig_path = ctx.save(fig, "optimiser_paths")

    at = 50
    f0 = values["SGD"][0]
    checks = {
        "every optimiser lowers f by >= 99 % in 100 steps": all(
            v[-1] < 0.01 * f0 for v in values.values()
        ),
        "momentum ahead of plain SGD (same lr) after 50 steps": values["momentum 0.9"][at]
        < values["SGD"][at],
        "Nesterov ahead of plain SGD (same lr) after 50 steps": values["Nesterov 0.9"][at]
        < values["SGD"][at],
        "plain SGD still far from the minimum after 50 steps (> 1e-3 of f0)": values["SGD"][at]
        > 1e-3 * f0,
    }
    failed = [k for k, v in checks.items() if not v]
    return Outcome(
        values={
            "f_after_50": {k: v[at] for k, v in values.items()},
            "f_after_100": {k: v[-1] for k, v in values.items()},
            "f_start": f0,
            "checks": checks,
        },  # fmt: skip
        summary="f after 50 steps (start "
        + f"{f0:.2f}): "
        + ", ".join(f"{k} {v[at]:.1e}" for k, v in values.items()),
        our_number=f"SGD {values['SGD'][at]:.0e} vs momentum {values['momentum 0.9'][at]:.0e}",
        ok=not failed,
        why="not: " + "; ".join(failed) if failed else "",
        figures=[fig_path],
        headline={k: v[at] for k, v in values.items()},
        note="The lecture shows animations without numbers. A quadratic valley with "
        "condition number 25; SGD, momentum and Nesterov share lr 0.035 (stable below "
        "2/25); RMSProp lr 0.1, Adam lr 0.3.",
    )
