"""Figures the way the lectures draw them (matplotlib, imported on first use).

(One concept, kept whole: every figure shares the lazy matplotlib import, the axes
helpers and the Playground colours.)

Every function takes an optional ``ax`` (an Axes, or a sequence of Axes for the
multi-panel figures) and returns the :class:`matplotlib.figure.Figure`. Without
``ax`` a new Figure is made *without* pyplot, so nothing accumulates in pyplot's
global state and any backend (Agg included) works: save it with ``fig.savefig``, or
let Jupyter display it.

Colours follow TensorFlow Playground (orange for the negative class / values, blue
for the positive) and *Understanding Deep Learning*'s figures (one colour per hidden
unit, pastel regions).

Requires the ``plot`` extra: ``pip install 'mlpkit[plot]'``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "PLAYGROUND_BLUE",
    "PLAYGROUND_ORANGE",
    "plot_activation_table",
    "plot_decision_boundary",
    "plot_function_fit",
    "plot_gradient_norms",
    "plot_hidden_units",
    "plot_loss_curves",
    "plot_regions",
    "plot_surface",
    "plot_warped_grid",
]

Array = np.ndarray

#: TensorFlow Playground's colours for negative and positive values.
PLAYGROUND_ORANGE = "#f59322"
PLAYGROUND_BLUE = "#0877bd"
# One colour per hidden unit, as UDL's figures 3.3-3.5 (cyan, orange, grey, ...).
_UNIT_COLOURS = ["#1f9bd1", "#f08a24", "#7f7f7f", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#bcbd22", "#17becf"]  # fmt: skip


# ---------------------------------------------------------------------------- helpers
def _mpl() -> Any:
    """Import matplotlib, or explain how to install it."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            "mlpkit's plots need matplotlib, which is not installed. Install it with "
            "pip install 'mlpkit[plot]' (or pip install matplotlib)."
        ) from None
    return matplotlib


def _new_axes(ax: Any, figsize: tuple[float, float] = (5.0, 4.0)) -> tuple[Any, Any]:
    """Return (figure, axes): the given axes, or a new pyplot-free figure."""
    _mpl()
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _new_grid(ax: Any, n: int, ncols: int, size: float = 2.6) -> tuple[Any, list[Any]]:
    """Return (figure, n axes): from a sequence of ``n`` given axes, or a new figure."""
    _mpl()
    if ax is not None:
        axes = list(np.ravel(ax))
        if len(axes) < n:
            raise ValueError(f"This figure needs {n} axes; got {len(axes)}.")
        return axes[0].figure, axes[:n]
    from matplotlib.figure import Figure

    nrows = -(-n // ncols)
    fig = Figure(figsize=(size * ncols, size * nrows * 0.9), layout="constrained")
    grid = fig.subplots(nrows, ncols, squeeze=False)
    axes = list(grid.ravel())
    for extra in axes[n:]:
        extra.set_visible(False)
    return fig, axes[:n]


def playground_cmap() -> Any:
    """TensorFlow Playground's diverging colour map: orange → white → blue."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(
        "playground", [PLAYGROUND_ORANGE, "#e8eaeb", PLAYGROUND_BLUE]
    )


def _as_net(model: Any) -> Any:
    """The network behind ``model``, or None for a model of another library."""
    from .network import as_network

    try:
        return as_network(model)
    except TypeError:
        return None


def _scores(model: Any, P: Array) -> tuple[Array, bool]:
    """Class-1 probability (binary), class probabilities (multi-class) or the first
    output (regression) on the points ``P``; and whether they are probabilities."""
    net = _as_net(model)
    if net is not None and not net.head.is_classifier:
        return net.forward(P)[:, 0], False
    if hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(P), dtype=np.float64)
        if proba.ndim == 1:
            return proba, True
        if proba.shape[1] == 1:
            return proba[:, 0], True
        if proba.shape[1] == 2:
            return proba[:, 1], True
        return proba, True
    if hasattr(model, "predict"):
        return np.asarray(model.predict(P), dtype=np.float64).reshape(len(P), -1)[:, 0], False
    raise TypeError(
        f"Cannot plot {type(model).__name__}: expected an mlpkit.MLP or an object with "
        "predict_proba or predict."
    )


# ---------------------------------------------------------------------------- 2-D data
def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    ax: Any = None,
    resolution: int = 200,
    title: str | None = None,
) -> Any:
    """A classifier's decision regions over 2-D data, TensorFlow-Playground style.

    Parameters
    ----------
    model : MLP or estimator
        Anything with ``predict_proba`` (or ``predict``) on 2 features; an mlpkit
        regression network is shaded by its output.
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
        Labels (or one-hot rows), used to colour the points.
    resolution : int
        Grid points per axis.

    Returns
    -------
    matplotlib.figure.Figure
        Binary: the class-1 probability from orange (0) to blue (1) with the 0.5
        contour in black. Several classes: the most probable class, paler where the
        model is less sure.
    """
    fig, ax = _new_axes(ax)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"plot_decision_boundary needs 2-D inputs X of shape (n, 2); got {X.shape}."
        )
    y = np.asarray(y)
    labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], int(resolution))
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], int(resolution))
    XX, YY = np.meshgrid(xs, ys)
    S, is_proba = _scores(model, np.column_stack([XX.ravel(), YY.ravel()]))
    classes = np.unique(labels)
    if S.ndim == 1:
        Z = S.reshape(XX.shape)
        if is_proba:
            levels = np.linspace(0, 1, 21)
            cs = ax.contourf(XX, YY, Z, levels=levels, cmap=playground_cmap(), alpha=0.85)
            ax.contour(XX, YY, Z, levels=[0.5], colors="k", linewidths=1.2)
            fig.colorbar(cs, ax=ax, label="P(class 1)", ticks=[0, 0.25, 0.5, 0.75, 1])
        else:
            cs = ax.contourf(XX, YY, Z, levels=21, cmap=playground_cmap(), alpha=0.85)
            fig.colorbar(cs, ax=ax, label="output")
        colours = [PLAYGROUND_ORANGE, PLAYGROUND_BLUE]
        for i, c in enumerate(classes):
            m = labels == c
            ax.scatter(X[m, 0], X[m, 1], s=14, c=colours[min(i, 1)], edgecolors="white",
                       linewidths=0.5, label=str(c))  # fmt: skip
    else:
        from matplotlib.colors import ListedColormap, to_rgb

        k = S.shape[1]
        base = np.array([to_rgb(c) for c in (_UNIT_COLOURS * (k // 10 + 1))[:k]])
        top = S.argmax(axis=1)
        conf = (S.max(axis=1) - 1 / k) / (1 - 1 / k)  # 0 at chance, 1 when certain
        rgb = base[top] * conf[:, None] + (1 - conf[:, None]) * 1.0
        ax.imshow(rgb.reshape(*XX.shape, 3), origin="lower", aspect="auto",
                  extent=(xs[0], xs[-1], ys[0], ys[-1]), interpolation="nearest")  # fmt: skip
        ax.contour(XX, YY, top.reshape(XX.shape), levels=np.arange(k) + 0.5, colors="k",
                   linewidths=0.8)  # fmt: skip
        for i, c in enumerate(classes):
            m = labels == c
            ax.scatter(X[m, 0], X[m, 1], s=14, color=base[i % k], edgecolors="k",
                       linewidths=0.4, label=str(c))  # fmt: skip
        fig.colorbar(_mappable(ListedColormap(base), k), ax=ax, label="class", ticks=np.arange(k))
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", fontsize=7, framealpha=0.7, title="label", title_fontsize=7)
    ax.set_title(title if title is not None else "Decision boundary")
    return fig


def _mappable(cmap: Any, k: int) -> Any:
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    sm = ScalarMappable(norm=Normalize(-0.5, k - 0.5), cmap=cmap)
    sm.set_array([])
    return sm


def plot_surface(
    X: Any,
    y: Any,
    shape: tuple[int, int] | None = None,
    ax: Any = None,
    cmap: str = "viridis",
    title: str | None = None,
    origin: str = "upper",
) -> Any:
    """Values on a regular 2-D grid — an image as a surface ``I = f(x, y)`` (lecture L4)
    — shown as an image in false colour.

    Parameters
    ----------
    X : array-like of shape (n, 2)
        Grid coordinates (any order), e.g. from
        :func:`mlpkit.datasets.load_image_surface`.
    y : array-like of shape (n,)
        Values (intensities, a network's predictions).
    shape : (n_rows, n_cols), optional
        Checked against the grid found in ``X``.
    origin : {"upper", "lower"}
        "upper": y grows downwards, as in an image (and ``load_image_surface``).
    """
    fig, ax = _new_axes(ax, (4.6, 4.0))
    X = np.asarray(X, dtype=np.float64)
    v = np.asarray(y, dtype=np.float64).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(v):
        raise ValueError(
            f"plot_surface needs X of shape (n, 2) and y of shape (n,); got {X.shape} and "
            f"{np.shape(y)}."
        )
    xs, ix = np.unique(X[:, 0], return_inverse=True)
    ys, iy = np.unique(X[:, 1], return_inverse=True)
    if len(xs) * len(ys) != len(v):
        raise ValueError(
            f"X is not a full regular grid: {len(xs)} x-values × {len(ys)} y-values ≠ "
            f"{len(v)} points."
        )
    if shape is not None and tuple(shape) != (len(ys), len(xs)):
        raise ValueError(f"shape {tuple(shape)} does not match the grid ({len(ys)}, {len(xs)}).")
    Z = np.full((len(ys), len(xs)), np.nan)
    Z[iy, ix] = v
    if origin == "upper":
        extent = (xs[0], xs[-1], ys[-1], ys[0])
    elif origin == "lower":
        extent = (xs[0], xs[-1], ys[0], ys[-1])
    else:
        raise ValueError(f"origin must be 'upper' or 'lower'; got {origin!r}.")
    im = ax.imshow(Z, cmap=cmap, origin=origin, extent=extent, interpolation="nearest")
    fig.colorbar(im, ax=ax, label="value")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title if title is not None else f"Surface ({len(ys)}×{len(xs)})")
    return fig


# ---------------------------------------------------------------------------- 1-D fits
def _joints(net: Any, lo: float, hi: float) -> Array:
    from .analysis.regions import breakpoints_1d

    try:
        return breakpoints_1d(net, lo, hi, merge_equal_slopes=True)
    except (ValueError, TypeError):  # not piecewise linear: no joints to mark
        return np.zeros(0)


def plot_function_fit(
    net: Any,
    X: Any,
    y: Any,
    ax: Any = None,
    show_hidden: bool = False,
    true_fn: Callable[[Array], Array] | None = None,
    title: str | None = None,
) -> Any:
    """A 1-input regression network's function over its training data.

    Parameters
    ----------
    net : MLP or regressor with 1 input
    X : array-like of shape (n_samples, 1) or (n_samples,)
    y : array-like of shape (n_samples,)
    show_hidden : bool
        Also draw each weighted hidden unit ``φ_d h_d(x)`` (shallow MLPs only; seed
        000), thin and coloured.
    true_fn : callable, optional
        The target function, dashed.

    Joints of a piecewise-linear network are marked with dotted vertical lines.
    """
    fig, ax = _new_axes(ax, (5.5, 3.8))
    x = np.asarray(X, dtype=np.float64).reshape(-1)
    t = np.asarray(y, dtype=np.float64).reshape(-1)
    lo, hi = float(x.min()), float(x.max())
    pad = 0.05 * max(hi - lo, 1e-9)
    grid = np.linspace(lo - pad, hi + pad, 600)
    ax.scatter(x, t, s=12, c="#444444", alpha=0.6, label="data", zorder=3)
    if true_fn is not None:
        ax.plot(grid, np.asarray(true_fn(grid)).reshape(-1), "--", c="#2ca02c", lw=1.5,
                label="true function")  # fmt: skip
    mlp = _as_net(net)
    pred = mlp.forward(grid[:, None]) if mlp is not None else np.asarray(net.predict(grid[:, None]))
    ax.plot(grid, np.asarray(pred, dtype=np.float64).reshape(len(grid), -1)[:, 0],
            c=PLAYGROUND_BLUE, lw=2.2, label="network", zorder=4)  # fmt: skip
    if show_hidden:
        from .analysis.inspect import hidden_unit_decomposition

        if mlp is None:
            raise TypeError("show_hidden needs an mlpkit.MLP (or a fitted mlpkit estimator).")
        d = hidden_unit_decomposition(mlp, grid)
        for k in range(d["weighted"].shape[1]):
            ax.plot(grid, d["weighted"][:, k], lw=0.9, alpha=0.8,
                    c=_UNIT_COLOURS[k % len(_UNIT_COLOURS)],
                    label=r"$\phi_d h_d$" if k == 0 else None)  # fmt: skip
    if mlp is not None:
        for j in _joints(mlp, grid[0], grid[-1]):
            ax.axvline(j, c="#999999", ls=":", lw=0.8, zorder=1)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("output $y$")
    ax.legend(fontsize=8, loc="best")
    ax.set_title(title if title is not None else "Function fit")
    return fig


def plot_hidden_units(net: Any, x_range: Sequence[float] = (-1.0, 1.0), ax: Any = None) -> Any:
    """Lecture L0's four panels for a shallow 1-input network.

    1. the linear functions ``θ_d0 + θ_d1 x``, 2. through the activation ``h_d``,
    3. weighted ``φ_d h_d``, 4. summed ``y = φ_0 + Σ φ_d h_d`` (with its joints).

    Parameters
    ----------
    net : MLP with layer sizes [1, D, 1]
    x_range : (x_min, x_max)
    ax : sequence of 4 Axes, optional
    """
    from .analysis.inspect import hidden_unit_decomposition
    from .analysis.regions import as_mlp

    mlp = as_mlp(net)
    lo, hi = float(x_range[0]), float(x_range[1])
    if not lo < hi:
        raise ValueError(f"x_range must be (x_min, x_max) with x_min < x_max; got {x_range}.")
    x = np.linspace(lo, hi, 801)
    d = hidden_unit_decomposition(mlp, x)
    fig, axes = _new_grid(ax, 4, 4)
    act = mlp.activations[0] if mlp.activations else "identity"
    panels = [
        ("pre_activations", r"1. linear functions $\theta_{d0} + \theta_{d1} x$"),
        ("activations", f"2. {act}: $h_d$"),
        ("weighted", r"3. weighted: $\phi_d h_d$"),
    ]
    for a, (key, label) in zip(axes, panels):
        for k in range(d[key].shape[1]):
            a.plot(x, d[key][:, k], c=_UNIT_COLOURS[k % len(_UNIT_COLOURS)], lw=1.6,
                   label=f"unit {k + 1}")  # fmt: skip
        a.axhline(0, c="k", lw=0.5)
        a.set_title(label, fontsize=9)
        a.set_xlabel("$x$")
    axes[0].legend(fontsize=7, loc="best")
    a = axes[3]
    a.plot(x, d["output"], c="k", lw=2)
    for j in _joints(mlp, lo, hi):
        a.axvline(j, c="#999999", ls=":", lw=0.8)
    a.axhline(0, c="k", lw=0.5)
    a.set_title(r"4. sum: $y = \phi_0 + \sum_d \phi_d h_d$", fontsize=9)
    a.set_xlabel("$x$")
    ylim = [min(b.get_ylim()[0] for b in axes), max(b.get_ylim()[1] for b in axes)]
    for b in axes:
        b.set_xlim(lo, hi)
        b.set_ylim(*ylim)
    return fig


# ---------------------------------------------------------------------------- regions
def plot_regions(
    net: Any,
    bounds: Any = ((-1.0, 1.0), (-1.0, 1.0)),
    resolution: int = 300,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """A 2-input network's linear regions, coloured by activation pattern.

    For piecewise-linear networks the count in the title is exact (and the region
    edges are drawn); otherwise it is the number of distinct sign patterns on the
    grid. Colours are shuffled so that neighbouring regions differ.
    """
    from .analysis.regions import as_mlp, linear_regions_2d, region_map

    mlp = as_mlp(net)
    fig, ax = _new_axes(ax, (4.6, 4.2))
    ids, extent = region_map(mlp, bounds, resolution)
    n_grid = int(ids.max()) + 1
    try:
        regions = linear_regions_2d(mlp, bounds)
    except ValueError:
        regions = None
    import matplotlib

    pastel = matplotlib.colormaps["tab20"](np.arange(20))[:, :3] * 0.55 + 0.45
    order = np.random.default_rng(0).permutation(max(n_grid, 1))
    ax.imshow(pastel[order[ids] % 20], origin="lower", extent=extent, aspect="auto",
              interpolation="nearest")  # fmt: skip
    if regions is not None:
        for r in regions:
            V = np.vstack([r.vertices, r.vertices[:1]])
            ax.plot(V[:, 0], V[:, 1], c="white", lw=0.6)
        count, how = len(regions), "linear regions"
    else:
        count, how = n_grid, "activation patterns on the grid"
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title if title is not None else f"{count:,} {how}")
    return fig


def plot_warped_grid(
    warped: Sequence[Any],
    ax: Any = None,
    titles: Sequence[str] | None = None,
    dims: tuple[int, int] = (0, 1),
) -> Any:
    """Lecture L2's representation view: the grid from :func:`mlpkit.analysis.warp_grid`,
    one panel per layer.

    The first half of the lines (vertical in the input) are blue, the rest orange.
    Layers wider than 2 are shown on the units ``dims``; a 1-unit layer is drawn as
    each line's value against its position along the line.
    """
    n = len(warped)
    if n == 0:
        raise ValueError("warped is empty; pass the list returned by warp_grid.")
    fig, axes = _new_grid(ax, n, min(n, 4), size=3.0)
    for k, (a, G) in enumerate(zip(axes, warped)):
        G = np.asarray(G, dtype=np.float64)
        if G.ndim != 3:
            raise ValueError(
                f"warped[{k}] must have shape (n_lines, n_points, width); got {G.shape}."
            )
        half = G.shape[0] // 2
        for i, line in enumerate(G):
            c = PLAYGROUND_BLUE if i < half else PLAYGROUND_ORANGE
            if G.shape[2] == 1:
                a.plot(np.linspace(0, 1, len(line)), line[:, 0], c=c, lw=0.8)
            else:
                a.plot(line[:, dims[0]], line[:, dims[1]], c=c, lw=0.8)
        if G.shape[2] == 1:
            a.set_xlabel("position along line")
            a.set_ylabel("$h_1$")
        else:
            a.set_xlabel(f"$h_{{{dims[0] + 1}}}$" if k else "$x_1$")
            a.set_ylabel(f"$h_{{{dims[1] + 1}}}$" if k else "$x_2$")
            a.set_aspect("equal", adjustable="datalim")
        default = "input" if k == 0 else f"after layer {k} (width {G.shape[2]})"
        a.set_title(titles[k] if titles is not None else default, fontsize=9)
    return fig


# ---------------------------------------------------------------------------- training
def _curve(obj: Any, *names: str) -> Array | None:
    for name in names:
        v = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if v is not None:
            arr = np.asarray(v, dtype=np.float64).reshape(-1)
            if arr.size and not np.all(np.isnan(arr)):
                return arr
    return None


def plot_loss_curves(
    history: Any, ax: Any = None, log: bool = True, title: str | None = None
) -> Any:
    """Training and validation loss per epoch.

    Parameters
    ----------
    history : History, dict, estimator or sequence of float
        A :class:`mlpkit.History` (``loss``, ``val_loss``, ``best_epoch``), a dict
        with those keys, an estimator with ``loss_curve_`` (and
        ``validation_loss_curve_``), or the training losses themselves.
    log : bool
        Logarithmic loss axis.
    """
    train: Array | None
    val: Array | None
    if isinstance(history, (list, tuple, np.ndarray)):
        train, val, best = np.asarray(history, dtype=np.float64), None, None
    else:
        train = _curve(history, "loss", "loss_curve_")
        val = _curve(history, "val_loss", "validation_loss_curve_")
        best = history.get("best_epoch") if isinstance(history, dict) else getattr(
            history, "best_epoch", None)  # fmt: skip
        hist = getattr(history, "history_", None)  # an estimator's History
        if train is None and hist is not None:
            return plot_loss_curves(hist, ax=ax, log=log, title=title)
    if train is None or train.size == 0:
        raise ValueError(
            "No training loss to plot: pass a History, a dict with 'loss', an estimator "
            "with loss_curve_, or a list of losses."
        )
    fig, ax = _new_axes(ax, (5.0, 3.6))
    epochs = np.arange(1, train.size + 1)
    ax.plot(epochs, train, c=PLAYGROUND_BLUE, lw=1.8, label="training")
    if val is not None:
        ax.plot(np.arange(1, val.size + 1), val, c=PLAYGROUND_ORANGE, lw=1.8, label="validation")
    if best is not None:
        ax.axvline(best, c="#777777", ls=":", lw=1, label=f"best epoch ({best})")
    if log and np.all(train[np.isfinite(train)] > 0):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title if title is not None else "Loss curves")
    return fig


def plot_gradient_norms(
    norms: Any, ax: Any = None, log: bool = True, title: str | None = None
) -> Any:
    """Gradient norm per layer (lecture L4's vanishing gradients), input layer first.

    Parameters
    ----------
    norms : dict or sequence of float
        The dict from :func:`mlpkit.analysis.gradient_norms` (``weight_grad``,
        ``bias_grad``, ``names``) or one norm per layer.
    """
    if isinstance(norms, dict):
        wg = np.asarray(norms["weight_grad"], dtype=np.float64)
        bg = norms.get("bias_grad")
        names = list(norms.get("names", []))
    else:
        wg, bg, names = np.asarray(norms, dtype=np.float64).reshape(-1), None, []
    if wg.size == 0:
        raise ValueError("No gradient norms to plot.")
    fig, ax = _new_axes(ax, (5.0, 3.6))
    k = np.arange(1, wg.size + 1)
    width = 0.4 if bg is not None else 0.7
    ax.bar(k - (width / 2 if bg is not None else 0), wg, width=width, color=PLAYGROUND_BLUE,
           label=r"$\|\partial L / \partial W_k\|$")  # fmt: skip
    if bg is not None:
        ax.bar(k + width / 2, np.asarray(bg, dtype=np.float64), width=width,
               color=PLAYGROUND_ORANGE, label=r"$\|\partial L / \partial b_k\|$")  # fmt: skip
    if log and np.all(wg > 0):
        ax.set_yscale("log")
    ax.set_xticks(k)
    ax.set_xticklabels([str(i) for i in k])
    ax.set_xlabel("layer (1 = input side)")
    ax.set_ylabel("gradient norm")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    if title is None and names:
        title = f"Gradient norms ({len(names)} layers)"
    ax.set_title(title if title is not None else "Gradient norms")
    return fig


# ---------------------------------------------------------------------------- activations
def plot_activation_table(names: Sequence[str] | None = None, ax: Any = None) -> Any:
    """Lecture L4's activation table: every activation (solid) and its derivative
    (dashed) on [-4, 4], one small panel each, titled with its range, whether it is
    monotonic, and whether it approximates the identity near 0.

    Parameters
    ----------
    names : sequence of str, optional
        Default: every name of :data:`mlpkit.activations.ACTIVATIONS` (PReLU drawn
        with its initial slope 0.25).
    ax : sequence of Axes, optional
    """
    from .activations import ACTIVATIONS, Activation, get_activation

    chosen = list(ACTIVATIONS if names is None else names)
    fig, axes = _new_grid(ax, len(chosen), 4, size=2.7)
    z = np.linspace(-4, 4, 801)
    for a, name in zip(axes, chosen):
        if name == "prelu":  # a layer with a learnable slope: draw it at α = 0.25
            leaky = get_activation("leaky_relu", alpha=0.25)
            act = Activation("prelu", leaky.f, leaky.df, leaky.formula, leaky.derivative,
                             "(-inf, inf)", True, False, {"alpha": 0.25})  # fmt: skip
        else:
            act = get_activation(name)
        f = act.f(z)
        a.plot(z, f, c=PLAYGROUND_BLUE, lw=1.8, label="f")
        a.plot(z, act.df(z, f), c=PLAYGROUND_ORANGE, lw=1.4, ls="--", label="f′")
        a.axhline(0, c="k", lw=0.4)
        a.axvline(0, c="k", lw=0.4)
        a.set_ylim(-2.2, 4.2)
        mono = "monotonic" if act.monotonic else "not monotonic"
        ident = "≈ identity at 0" if act.identity_near_0 else "≉ identity at 0"
        a.set_title(f"{act.name}\nrange {act.range}; {mono}; {ident}", fontsize=7)
        a.tick_params(labelsize=6)
    axes[0].legend(fontsize=7, loc="upper left")
    return fig
