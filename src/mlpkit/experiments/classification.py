"""Non-linear classification (lectures L3, L4): C7 the Rosenbrock banana against AdaBoost,
C8 the checkerboard, C9 concentric rings, C10 one wide layer vs two narrow ones.

Baselines run live on the same data. AdaBoost is run for the lecture's 100 rounds with
two linear weak learners: a logistic regression fitted to the sample weights (one
hyperplane of any orientation, the "linear classifier" of the slides) in a discrete
AdaBoost written here that never stops early, and decision stumps (axis-aligned
hyperplanes) in scikit-learn's AdaBoost. scikit-learn's SAMME stops as soon as a weak
learner's weighted error reaches 0.5, which the logistic learner does within ~20 rounds;
discrete AdaBoost with a signed weight α = ½ ln((1 − ε)/ε) simply keeps going (a learner
at ε = 0.5 gets α = 0 and changes nothing), so its accuracy-vs-learners curve exists for
all 100 rounds.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..network import MLP
from ._base import Context, Outcome, decision_grid, draw_boundary, fit_best, scaled_predict


def _adaboost(X, y, n_estimators: int, random_state: int, stumps: bool = False):
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    weak = DecisionTreeClassifier(max_depth=1) if stumps else LogisticRegression()
    ada = AdaBoostClassifier(weak, n_estimators=n_estimators, random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ada.fit(X, y)


def linear_adaboost(X, y, Xt, yt, rounds: int = 100):
    """Discrete AdaBoost (Freund & Schapire 1997) with a weighted logistic regression as
    the weak learner, run for all ``rounds``.

    Each round fits ``LogisticRegression`` to the sample weights w, takes its weighted
    error ε, gives it the vote α = ½ ln((1 − ε)/ε) (negative when ε > 0.5: the flipped
    learner), and reweights w ← w · exp(−α y h(x)) with labels in {−1, +1}.

    Returns
    -------
    staged : list of float
        Test accuracy of the ensemble after 1, 2, …, ``rounds`` learners.
    errors : list of float
        The weighted training error ε of each round's learner.
    predict : callable
        ``predict(P)`` → 0/1 labels of the final ensemble for points ``P``.
    """
    from sklearn.linear_model import LogisticRegression

    ys, yts = 2 * np.asarray(y) - 1, 2 * np.asarray(yt) - 1
    w = np.full(len(ys), 1.0 / len(ys))
    F = np.zeros(len(yts))
    staged, errors, learners, alphas = [], [], [], []
    for _ in range(rounds):
        lr = LogisticRegression().fit(X, y, sample_weight=w * len(w))
        h, ht = 2 * lr.predict(X) - 1, 2 * lr.predict(Xt) - 1
        eps = float(np.clip(np.sum(w[h != ys]), 1e-10, 1 - 1e-10))
        alpha = 0.5 * np.log((1 - eps) / eps)
        w = w * np.exp(-alpha * ys * h)
        w /= w.sum()
        F += alpha * ht
        staged.append(float(np.mean(np.where(F >= 0, 1, -1) == yts)))
        errors.append(eps)
        learners.append(lr)
        alphas.append(alpha)

    def predict(P):
        votes = sum(a * (2 * m.predict(P) - 1) for a, m in zip(alphas, learners))
        return (np.asarray(votes) >= 0).astype(int)

    return staged, errors, predict


def majority_rate(y) -> float:
    """Accuracy of always predicting the more frequent class."""
    y = np.asarray(y)
    return float(max(np.mean(y == 0), np.mean(y == 1)))


def _banana(ctx: Context):
    import mlpkit.datasets as ds

    n_train = ctx.pick(600, 2000)
    X, y = ds.make_banana(n_train, random_state=ctx.state(0))
    Xt, yt = ds.make_banana(2000, random_state=ctx.state(1))
    (a0, a1), (b0, b1) = ds.BANANA_BOUNDS
    centre = np.array([(a0 + a1) / 2, (b0 + b1) / 2])
    half = np.array([(a1 - a0) / 2, (b1 - b0) / 2])
    return X, y, Xt, yt, centre, half, ds.BANANA_BOUNDS


def _classifier(sizes, act="tanh"):
    return lambda s: MLP(sizes, act, output="logistic", dtype=np.float64, random_state=s)


def c7_banana(ctx: Context) -> Outcome:
    """C7: banana accuracy vs hidden units 3…100, beside AdaBoost's accuracy vs number of
    linear learners (100 rounds)."""
    from sklearn.linear_model import LogisticRegression

    X, y, Xt, yt, c, h, bounds = _banana(ctx)
    Xs, Xts = (X - c) / h, (Xt - c) / h
    units = ctx.pick([3, 5, 10, 30, 100], [3, 5, 10, 20, 50, 100])
    accs, nets = [], {}
    for n in units:
        net = fit_best(
            _classifier([2, n, 1]),
            Xs,
            y,
            restarts=ctx.pick(2, 4),
            rng_state=ctx.state(n),
            optimizer="lbfgs",
            epochs=ctx.pick(400, 1500),
            metric=False,
        )
        accs.append(net.score(Xts, yt))
        nets[n] = net
    rounds = 100  # the lecture's "Training (100 iterations)"
    ada_lr, eps_lr, _ = linear_adaboost(Xs, y, Xts, yt, rounds)
    stumps = _adaboost(Xs, y, rounds, ctx.state(2), stumps=True)
    ada_st = [float(np.mean(p == yt)) for p in stumps.staged_predict(Xts)]
    logreg = LogisticRegression().fit(Xs, y).score(Xts, yt)
    majority = majority_rate(yt)

    fig, axes = ctx.figure(3, 1, width=4.0, height=3.7)
    ax = axes[0, 0]
    ax.semilogx(units, accs, "o-", label="MLP, one hidden layer (n units)")
    ax.semilogx(np.arange(1, rounds + 1), ada_st, "-", label="AdaBoost, n stumps")
    ax.semilogx(np.arange(1, rounds + 1), ada_lr, "-", label="AdaBoost, n logistic learners")
    ax.axhline(logreg, c="grey", ls=":", label="logistic regression")
    ax.set_xlabel("n (hyperplanes)")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize=7)
    ax.set_title("Rosenbrock banana: accuracy vs n", fontsize=10)
    small = units[0]
    draw_boundary(axes[0, 1], lambda P: nets[small].predict((P - c) / h), X, y, bounds,
                  f"MLP, n = {small}: {accs[0]:.1%}")  # fmt: skip
    draw_boundary(axes[0, 2], lambda P: stumps.predict((P - c) / h), X, y, bounds,
                  f"AdaBoost, {rounds} stumps: {ada_st[-1]:.1%}")  # fmt: skip
    fig_path = ctx.save(fig, "banana")

    best_ada = [max(a, b) for a, b in zip(ada_st, ada_lr)]
    best = max(accs)
    # Strict orderings and a floor: the MLP with n units beats the better AdaBoost with n
    # learners at every n, its best is >= 95 %, and at 100 it leads AdaBoost by 5 points.
    per_n = {n: (a, best_ada[n - 1]) for n, a in zip(units, accs)}
    beats_each = all(a > b for a, b in per_n.values())
    floor = best >= 0.95
    margin = accs[-1] - best_ada[-1] >= 0.05
    why = []
    if not floor:
        why.append(f"best MLP {best:.1%} below 95 %")
    if not beats_each:
        why.append("MLP not above AdaBoost at every n: " + ", ".join(
            f"n={n}: {a:.1%} vs {b:.1%}" for n, (a, b) in per_n.items()))  # fmt: skip
    if not margin:
        why.append(f"at n=100 MLP {accs[-1]:.1%} vs AdaBoost {best_ada[-1]:.1%}: < 5 points")
    return Outcome(
        values={
            "hidden_units": units,
            "mlp_accuracy": accs,
            "adaboost_stumps_accuracy_by_round": ada_st,
            "adaboost_logistic_accuracy_by_round": ada_lr,
            "adaboost_logistic_weighted_error_by_round": eps_lr,
            "adaboost_rounds": rounds,
            "logistic_regression_accuracy": logreg,
            "majority_rate": majority,
            "n_train": len(y),
        },
        summary=f"MLP {accs[0]:.1%} (n={units[0]}) → {accs[-1]:.1%} (n={units[-1]}); AdaBoost "
        f"after {rounds} rounds: stumps {ada_st[-1]:.1%}, logistic learners {ada_lr[-1]:.1%} "
        f"(weighted error of the last learner {eps_lr[-1]:.3f}); logistic regression "
        f"{logreg:.1%}",
        our_number=f"MLP {best:.1%}, AdaBoost {max(best_ada):.1%}",
        ok=floor and beats_each and margin,
        why="; ".join(why),
        figures=[fig_path],
        headline={
            "MLP best": best,
            "MLP n=3": accs[0],
            "AdaBoost stumps 100": ada_st[-1],
            "AdaBoost logistic 100": ada_lr[-1],
        },  # fmt: skip
        note="The lecture shows curves, not numbers. AdaBoost runs all 100 rounds with two "
        "linear weak learners: decision stumps (scikit-learn) and a weighted logistic "
        "regression in a discrete AdaBoost that does not stop at weighted error 0.5 "
        "(scikit-learn's SAMME would stop after ~20 rounds). Our data are 'balanced' "
        "samples of the banana (half inside r < 0.5).",
    )


def c8_checkerboard(ctx: Context) -> Outcome:
    """C8: AdaBoost with linear weak learners ≈ chance (56 %); a 10-unit MLP solves it."""
    import mlpkit.datasets as ds

    # A 3×3 board: 5 tiles of one colour, 4 of the other, so predicting the majority
    # class scores 5/9 = 55.6 % — the lecture's "56 %" (the board size is our inference).
    tiles = 3
    X, y = ds.make_checkerboard(ctx.pick(800, 2000), n_tiles=tiles, random_state=ctx.state(0))
    Xt, yt = ds.make_checkerboard(2000, n_tiles=tiles, random_state=ctx.state(1))
    Xs, Xts = 2 * X - 1, 2 * Xt - 1
    majority = majority_rate(yt)
    rounds = 100  # "Training (100 iterations)"
    ada_lr, eps_lr, ada_predict = linear_adaboost(Xs, y, Xts, yt, rounds)
    stumps = _adaboost(Xs, y, rounds, ctx.state(3), stumps=True)
    stump_acc = float(stumps.score(Xts, yt))
    net = fit_best(
        _classifier([2, 10, 1]),
        Xs,
        y,
        restarts=ctx.pick(3, 6),
        rng_state=ctx.state(4),
        optimizer="lbfgs",
        epochs=ctx.pick(1000, 3000),
        metric=False,
    )
    mlp_acc = float(net.score(Xts, yt))
    ada_acc = ada_lr[-1]

    fig, axes = ctx.figure(4, 1, width=3.4, height=3.4)
    b = ((0, 1), (0, 1))
    ax = axes[0, 0]
    ax.plot(np.arange(1, rounds + 1), ada_lr, label="AdaBoost, logistic learners")
    ax.plot(np.arange(1, rounds + 1), [float(np.mean(p == yt)) for p in
            stumps.staged_predict(Xts)], label="AdaBoost, stumps")  # fmt: skip
    ax.axhline(majority, c="grey", ls=":", label=f"majority class {majority:.1%}")
    ax.axhline(mlp_acc, c="k", ls="--", label=f"MLP, 10 units {mlp_acc:.1%}")
    ax.set_xlabel("learners")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0.3, 1.02)
    ax.legend(fontsize=7)
    ax.set_title(f"{tiles}×{tiles} board, {rounds} rounds", fontsize=10)
    draw_boundary(axes[0, 1], lambda P: ada_predict(2 * P - 1), X, y, b,
                  f"AdaBoost, logistic learners: {ada_acc:.0%}")  # fmt: skip
    draw_boundary(axes[0, 2], lambda P: stumps.predict(2 * P - 1), X, y, b,
                  f"AdaBoost, {rounds} stumps: {stump_acc:.0%}")  # fmt: skip
    draw_boundary(axes[0, 3], lambda P: net.predict(2 * P - 1), X, y, b,
                  f"MLP, 10 hidden units: {mlp_acc:.0%}")  # fmt: skip
    fig_path = ctx.save(fig, "checkerboard")

    ada_near_chance = ada_acc <= majority + 0.05
    mlp_floor = mlp_acc >= 0.9
    gap = mlp_acc - max(ada_acc, majority) >= 0.25
    ok = ada_near_chance and mlp_floor and gap
    why = []
    if not ada_near_chance:
        why.append(f"AdaBoost {ada_acc:.1%} more than 5 points above the majority {majority:.1%}")
    if not mlp_floor:
        why.append(f"MLP {mlp_acc:.1%} below 90 %")
    if not gap:
        why.append("MLP not 25 points above AdaBoost and the majority rate")
    return Outcome(
        values={
            "tiles": tiles,
            "n_train": len(y),
            "n_test": len(yt),
            "majority_rate": majority,
            "adaboost_rounds": rounds,
            "adaboost_linear_accuracy": ada_acc,
            "adaboost_linear_accuracy_by_round": ada_lr,
            "adaboost_linear_weighted_error_by_round": eps_lr,
            "adaboost_stumps_accuracy": stump_acc,
            "mlp10_accuracy": mlp_acc,
            "lecture_adaboost_accuracy": 0.56,
        },
        summary=f"{tiles}×{tiles} board ({len(y)} training, {len(yt)} test points; majority "
        f"class {majority:.1%}): AdaBoost (logistic learners, {rounds} rounds) {ada_acc:.1%}, "
        f"stumps {stump_acc:.1%}, MLP-10 {mlp_acc:.1%} (lecture: AdaBoost 56 %)",
        our_number=f"AdaBoost {ada_acc:.0%} (majority {majority:.0%}), MLP {mlp_acc:.0%}",
        ok=ok,
        why="; ".join(why),
        figures=[fig_path],
        headline={
            "AdaBoost logistic": ada_acc,
            "AdaBoost stumps": stump_acc,
            "MLP 10": mlp_acc,
            "majority": majority,
        },  # fmt: skip
        note="The lecture's 56 % is what always predicting the majority colour of a 3×3 "
        "board scores (5/9 = 55.6 %), which is how we infer the board size. Boosted stumps "
        "form an additive model f1(x1) + f2(x2), which cannot express a checkerboard either.",
    )


def c9_rings(ctx: Context) -> Outcome:
    """C9: rings A = {d < 1/3}, B = {2/3 < d < 1}: no net with layers ≤ 2 units; 3 units do."""
    import mlpkit.datasets as ds

    # Dense enough that the thin sliver a width-2 net must misclassify holds some points.
    X, y = ds.make_rings(ctx.pick(1000, 2000), random_state=ctx.state(0))
    Xt, yt = ds.make_rings(2000, random_state=ctx.state(1))
    # A dense polar grid over the two sets themselves: a width-2 net must misclassify a
    # sliver of A or B, and a finite training sample can miss a thin sliver (it happened:
    # one seed of the full run fitted all 2,000 training points with a 2-2-2-2-1 net).
    r = np.concatenate([np.linspace(0, 1 / 3, 80, endpoint=False)[1:],
                        np.linspace(2 / 3, 1, 80, endpoint=False)[1:]])  # fmt: skip
    t = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    rr, tt = np.meshgrid(r, t)
    Xd = np.column_stack([(rr * np.cos(tt)).ravel(), (rr * np.sin(tt)).ravel()])
    yd = (rr.ravel() > 0.5).astype(np.int64)  # ring B is class 1, as in make_rings
    archs = [[2, 2, 1], [2, 2, 2, 1], [2, 2, 2, 2, 1], [2, 3, 1]]
    restarts = ctx.pick(10, 20)
    acc, train, nets, errors, dense = {}, {}, {}, {}, {}
    for sizes in archs:
        name = "-".join(map(str, sizes))
        net = fit_best(
            _classifier(sizes),
            X,
            y,
            restarts=restarts,
            rng_state=ctx.state(5),
            optimizer="lbfgs",
            epochs=ctx.pick(500, 2000),
            metric=False,
        )
        acc[name], nets[name] = float(net.score(Xt, yt)), net
        train[name] = float(net.score(X, y))
        errors[name] = int(np.sum(net.predict(X).ravel() != y))
        dense[name] = int(np.sum(net.predict(Xd).ravel() != yd))
    # The claim is about what a net can represent: a width-2 net cannot classify every
    # point of A and B (read on the training set and the dense grid together), a width-3
    # net can classify every training point.
    narrow = {k: v for k, v in train.items() if k != "2-3-1"}

    fig, axes = ctx.figure(3, 1, width=3.6, height=3.6)
    b = ((-1.1, 1.1), (-1.1, 1.1))
    best2 = max(narrow, key=lambda k: narrow[k])
    draw_boundary(
        axes[0, 0], nets[best2].predict, Xt, yt, b, f"best width-2 net ({best2}): {acc[best2]:.1%}"
    )
    draw_boundary(axes[0, 1], nets["2-3-1"].predict, Xt, yt, b, f"2-3-1: {acc['2-3-1']:.1%}")
    ax = axes[0, 2]
    names = list(errors)
    ax.bar(
        names,
        [max(e, 0.3) for e in errors.values()],
        color=["#c2452d" if k != "2-3-1" else "#1b9e77" for k in names],
    )
    for i, k in enumerate(names):
        ax.text(i, max(errors[k], 0.3) * 1.1, str(errors[k]), ha="center", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel(f"misclassified training points (of {len(y)})")
    ax.set_title("width 2 always errs; width 3 does not", fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    fig_path = ctx.save(fig, "rings")

    fewest_narrow = min(v + dense[k] for k, v in errors.items() if k != "2-3-1")
    majority = majority_rate(y)
    best_narrow = max(narrow.values())
    # The width-2 half must be a statement about trained nets: each is wrong somewhere, yet
    # the best of them is trained well (>= 5 points above always guessing the majority
    # class), so its errors are the topology's, not a lack of training.
    narrow_trained = best_narrow >= majority + 0.05
    ok = fewest_narrow >= 1 and narrow_trained and errors["2-3-1"] == 0
    return Outcome(
        values={
            "train_errors": errors,
            "dense_grid_errors": dense,
            "dense_grid_points": len(yd),
            "train_accuracy": train,
            "test_accuracy": acc,
            "restarts": restarts,
            "majority_rate": majority,
            "activation": "tanh",
            "n_train": len(y),
        },
        summary=f"best of {restarts} restarts, training errors (of {len(y)}): "
        + ", ".join(f"{k} {v}" for k, v in errors.items())
        + f"; on a dense grid of A and B ({len(yd):,} points): "
        + ", ".join(f"{k} {v}" for k, v in dense.items())
        + f" (test: 2-3-1 {acc['2-3-1']:.1%})",
        our_number=f"width 2: ≥ {fewest_narrow} errors; width 3: {errors['2-3-1']}",
        ok=ok,
        why=f"width 2: at least {fewest_narrow} error(s) on training set + dense grid, best "
        f"width-2 training accuracy "
        f"{best_narrow:.1%} (needs >= majority {majority:.1%} + 5 points); width 3: "
        f"{errors['2-3-1']} error(s)",
        figures=[fig_path],
        note="A deep width-2 tanh net can come close (saturated units squeeze part of the "
        "ring onto the disc's side), but never classifies every point; 100 % needs a "
        "layer of 3.",
    )


def boundary_quality(predict, truth, bounds, n: int = 200) -> dict[str, float]:
    """How well a predicted region matches the true one over ``bounds``.

    Returns the misclassified fraction of a uniform n×n grid (``area_error``: the whole box
    counts, not only where data lie) and the number of connected pieces of the predicted
    positive region (``pieces``; the banana is one piece, so every extra piece is a
    spurious island)."""
    from scipy import ndimage

    xx, _, P = decision_grid(bounds, n)
    pred = np.asarray(predict(P)).reshape(xx.shape).astype(bool)
    true = np.asarray(truth(P)).reshape(xx.shape).astype(bool)
    _, pieces = ndimage.label(pred)
    return {"area_error": float(np.mean(pred != true)), "pieces": int(pieces)}


def c10_two_layers(ctx: Context) -> Outcome:
    """C10: one hidden layer (n=100, 401 weights) vs two (10/10, 151 weights) on the banana,
    and one hidden layer at the two-layer net's weight count (n=37, 149 weights)."""
    import mlpkit.datasets as ds

    X, y, Xt, yt, c, h, bounds = _banana(ctx)
    Xs, Xts = (X - c) / h, (Xt - c) / h
    iters = ctx.pick(500, 2000)
    archs = {"1 layer, n=100": [2, 100, 1], "1 layer, n=37": [2, 37, 1],
             "2 layers, 10/10": [2, 10, 10, 1]}  # fmt: skip
    nets, acc, quality = {}, {}, {}
    for i, (label, sizes) in enumerate(archs.items()):
        net = fit_best(_classifier(sizes), Xs, y, restarts=ctx.pick(2, 3),
                       rng_state=ctx.state(2 + i), optimizer="lbfgs", epochs=iters,
                       metric=False)  # fmt: skip
        nets[label], acc[label] = net, float(net.score(Xts, yt))
        quality[label] = boundary_quality(
            scaled_predict(net, c, h), lambda P: ds.rosenbrock(P) < 0.5, bounds
        )
    weights = {k: n.n_params for k, n in nets.items()}

    fig, axes = ctx.figure(3, 1, width=3.9, height=3.9)
    for ax, (label, net) in zip(axes[0], nets.items()):
        q = quality[label]
        draw_boundary(ax, scaled_predict(net, c, h), X, y, bounds,
                      f"{label} ({weights[label]} w): {acc[label]:.1%}\nbox error "
                      f"{q['area_error']:.2%}, {q['pieces']} piece(s)")  # fmt: skip
    fig_path = ctx.save(fig, "two_layers")

    one, eq, two = (quality[k]["area_error"] for k in archs)
    a1, a_eq, a2 = (acc[k] for k in archs)
    checks = {
        "401 and 151 weights": weights["1 layer, n=100"] == 401
        and weights["2 layers, 10/10"] == 151,
        "two layers >= 95 % test accuracy": a2 >= 0.95,
        "two layers strictly cleaner than one layer at equal weights": two < eq,
        "two layers (151 w) no worse than one layer (401 w) by > 0.5 % of the box": two
        <= one + 0.005,
        "two layers' region in no more pieces (spurious islands) than either one-layer "
        "net's": quality["2 layers, 10/10"]["pieces"]
        <= min(quality["1 layer, n=37"]["pieces"], quality["1 layer, n=100"]["pieces"]),
    }
    failed = [k for k, v in checks.items() if not v]
    return Outcome(
        values={
            "one_layer_weights": weights["1 layer, n=100"],
            "two_layer_weights": weights["2 layers, 10/10"],
            "equal_weights_one_layer_weights": weights["1 layer, n=37"],
            "one_layer_accuracy": a1,
            "two_layer_accuracy": a2,
            "equal_weights_one_layer_accuracy": a_eq,
            "boundary_quality": quality,
            "checks": checks,
        },
        summary=f"test accuracy / box error / pieces: 1 layer 100 (401 w) {a1:.1%} / {one:.2%} "
        f"/ {quality['1 layer, n=100']['pieces']}; 1 layer 37 (149 w) {a_eq:.1%} / {eq:.2%} / "
        f"{quality['1 layer, n=37']['pieces']}; 2 layers 10/10 (151 w) {a2:.1%} / {two:.2%} / "
        f"{quality['2 layers, 10/10']['pieces']}",
        our_number=f"box error {one:.2%} (401 w), {eq:.2%} (149 w) vs {two:.2%} (151 w)",
        ok=not failed,
        why="not: " + "; ".join(failed) if failed else "",
        figures=[fig_path],
        headline={
            "box error 1 layer 401 w": one,
            "box error 1 layer 149 w": eq,
            "box error 2 layers 151 w": two,
            "accuracy 2 layers": a2,
        },  # fmt: skip
        note="'Better defined boundaries' is measured as the misclassified share of the "
        "whole plotted box against the true banana r(x) < 0.5 (spurious islands away from "
        "the data count) and the number of separate pieces of the predicted region.",
    )
