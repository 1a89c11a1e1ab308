"""Linear regions of piecewise-linear networks, activation patterns, and their bounds.

(One concept, kept whole: the 1-D, pattern and 2-D region finders share one layer
program, and the theoretical maxima they are compared with close the module.)

A network whose hidden activations are all piecewise linear (ReLU, leaky ReLU,
PReLU, identity) computes a continuous piecewise-linear function of its input
(lecture L0: "piecewise linear functions with three joints"; lecture L4: "each region
created by a layer is split into smaller regions"). This module finds those pieces
exactly:

- in 1-D, :func:`breakpoints_1d` propagates the affine map of every piece through the
  network layer by layer and solves each unit's pre-activation for its zero crossing
  inside each piece;
- in 2-D, :func:`linear_regions_2d` does the same with convex polygons: each hidden
  unit's zero set is a straight line inside a polygon on which the layer's input is
  affine, so the polygon is cut in two (at most) along it.

The regions counted are **activation regions**: maximal sets on which the activation
pattern (which hidden units are active, lecture L0) is constant. On each one the network
is affine. Two neighbouring activation regions can carry the same affine map (a unit
whose outgoing weights are zero, say); ``merge_equal_slopes=True`` merges them in 1-D.
For generic (e.g. trained or random) weights the two counts agree. The output head
(logistic, softmax) is ignored: regions are those of the logits.

The theoretical maxima are :func:`max_regions_shallow` (Zaslavsky 1975) and
:func:`max_regions_deep` (Montúfar et al. 2014, as stated by Prince 2023, ch. 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb
from typing import Any

import numpy as np

from ..layers import ActivationLayer, Dense, Dropout, Layer, LayerNorm, PReLU, Residual
from ..network import MLP

__all__ = [
    "Region",
    "activation_patterns",
    "breakpoints_1d",
    "count_linear_regions_1d",
    "count_linear_regions_2d",
    "count_peaks",
    "linear_regions_2d",
    "max_regions_deep",
    "max_regions_shallow",
    "region_map",
]

Array = np.ndarray
Bounds2D = tuple[tuple[float, float], tuple[float, float]]

_PIECEWISE_LINEAR = ("relu", "leaky_relu", "prelu", "identity")


# ---------------------------------------------------------------------------- helpers
def as_mlp(model: Any) -> MLP:
    """Return the :class:`~mlpkit.MLP` behind ``model`` (an MLP, or an estimator with a
    fitted ``net_`` attribute)."""
    if isinstance(model, MLP):
        return model
    net = getattr(model, "net_", None)
    if isinstance(net, MLP):
        return net
    raise TypeError(
        f"Expected an mlpkit.MLP (or a fitted mlpkit estimator); got {type(model).__name__}."
    )


def _program(layers: list[Layer]) -> list[tuple[Any, ...]]:
    """Translate layers into a list of piecewise-linear operations, in float64:
    ``("dense", W, b)``, ``("act", negative_slope)`` and ``("residual", program)``."""
    ops: list[tuple[Any, ...]] = []
    for layer in layers:
        if isinstance(layer, Dense):
            ops.append(("dense", layer.W.astype(np.float64), layer.b.astype(np.float64)))
        elif isinstance(layer, PReLU):
            ops.append(("act", layer.alpha.astype(np.float64)))
        elif isinstance(layer, ActivationLayer):
            name = layer.act.name
            if name == "relu":
                ops.append(("act", np.zeros(layer.n_out)))
            elif name == "leaky_relu":
                slope = float(layer.act.params.get("alpha", 0.01))
                ops.append(("act", np.full(layer.n_out, slope)))
            elif name != "identity":
                raise ValueError(
                    f"Linear regions are defined for piecewise-linear activations "
                    f"({', '.join(_PIECEWISE_LINEAR)}); this network uses {name!r}, whose "
                    "output is curved everywhere. Use activation='relu' (or leaky_relu, "
                    "prelu), or sample the function on a grid instead."
                )
        elif isinstance(layer, Residual):
            ops.append(("residual", _program(layer.layers)))
        elif isinstance(layer, Dropout):
            continue  # the identity at prediction time
        elif isinstance(layer, LayerNorm):
            raise ValueError(
                "Linear regions are not defined for a network with layer normalisation: "
                "dividing by each sample's standard deviation makes the function curved. "
                "Build the network with layer_norm=False to analyse its regions."
            )
        else:
            raise ValueError(f"Cannot analyse layer {layer!r}: not piecewise linear.")
    return ops


def _check_interval(x_min: float, x_max: float) -> tuple[float, float]:
    lo, hi = float(x_min), float(x_max)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"Need finite x_min < x_max; got x_min={x_min!r}, x_max={x_max!r}.")
    return lo, hi


def _check_bounds(bounds: Any) -> Bounds2D:
    try:
        (x0, x1), (y0, y1) = bounds
        x0, x1 = _check_interval(x0, x1)
        y0, y1 = _check_interval(y0, y1)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"bounds must be ((x_min, x_max), (y_min, y_max)) with min < max; got {bounds!r}."
        ) from exc
    return (x0, x1), (y0, y1)


def _parents(t_old: Array, t_new: Array) -> Array:
    """Index of the old piece containing each new piece (new breaks refine old ones)."""
    mid = 0.5 * (t_new[:-1] + t_new[1:])
    return np.clip(np.searchsorted(t_old, mid, side="right") - 1, 0, len(t_old) - 2)


# ---------------------------------------------------------------------------- 1-D
def _propagate_1d(
    ops: list[tuple[Any, ...]], t: Array, A: Array, B: Array, tol: float
) -> tuple[Array, Array, Array]:
    """Push pieces through ``ops``. On piece i, ``[t[i], t[i+1]]``, the current layer's
    output is ``A[i] + B[i] x`` (rows of width n)."""
    for op in ops:
        if op[0] == "dense":
            _, W, b = op
            A, B = A @ W + b, B @ W
        elif op[0] == "residual":
            t2, A2, B2 = _propagate_1d(op[1], t, A, B, tol)
            p = _parents(t, t2)
            t, A, B = t2, A2 + A[p], B2 + B[p]
        else:  # activation: split every piece where a unit's pre-activation crosses zero
            slope = op[1]
            with np.errstate(divide="ignore", invalid="ignore"):
                xs = -A / B
            inside = (xs > t[:-1, None] + tol) & (xs < t[1:, None] - tol)
            if inside.any():
                t_new = np.sort(np.concatenate([t, xs[inside]]))
                # Crossings lie > tol inside their piece; only coincident crossings of
                # two units can be closer than tol: keep one of them.
                t_new = t_new[np.concatenate([[True], np.diff(t_new) > tol])]
                p = _parents(t, t_new)
                t, A, B = t_new, A[p], B[p]
            mid = 0.5 * (t[:-1] + t[1:])
            Z = A + B * mid[:, None]
            s = np.where(Z > 0, 1.0, slope)  # constant on each piece: no crossing inside
            A, B = A * s, B * s
    return t, A, B


def _pieces_1d(net: Any, x_min: float, x_max: float) -> tuple[Array, Array, Array]:
    net = as_mlp(net)
    if net.n_inputs != 1:
        raise ValueError(
            f"breakpoints_1d needs a network with 1 input; this one has {net.n_inputs}. "
            "For 2 inputs use count_linear_regions_2d."
        )
    lo, hi = _check_interval(x_min, x_max)
    ops = _program(net.layers)
    t = np.array([lo, hi])
    A = np.zeros((1, 1))
    B = np.ones((1, 1))
    tol = 1e-12 * max(hi - lo, abs(lo), abs(hi))
    return _propagate_1d(ops, t, A, B, tol)


def breakpoints_1d(
    net: Any, x_min: float, x_max: float, *, merge_equal_slopes: bool = False
) -> Array:
    """The joints of a 1-input piecewise-linear network inside ``(x_min, x_max)``, exactly.

    Layer by layer, every hidden unit's pre-activation is affine on each piece between
    the joints found so far, so its zero crossing there is ``x = -a / b``; the pieces
    are split at these crossings and the next layer is processed (residual blocks add
    their input's affine map back).

    Parameters
    ----------
    net : MLP
        One input, hidden activations relu, leaky_relu, prelu or identity (residual
        connections and dropout allowed).
    x_min, x_max : float
        The interval.
    merge_equal_slopes : bool, default=False
        False: every point where the activation pattern changes. True: only points
        where the slope of some output actually changes (a joint a unit with zero
        outgoing weight would add is dropped).

    Returns
    -------
    ndarray of shape (n_joints,)
        Sorted, strictly inside the interval.

    Raises
    ------
    ValueError
        For a network with another activation (tanh, ...), layer norm, or ≠ 1 input.

    Examples
    --------
    >>> import numpy as np, mlpkit
    >>> from mlpkit.analysis import breakpoints_1d
    >>> net = mlpkit.MLP([1, 3, 1], dtype=np.float64)
    >>> net.params = [1, 1, -1,  0.5, -0.5, 1,  1, 1, 1,  0]   # W0, b0, W1, b1
    >>> breakpoints_1d(net, -2, 2)
    array([-0.5,  0.5,  1. ])
    """
    t, _, B = _pieces_1d(net, x_min, x_max)
    if merge_equal_slopes and len(t) > 2:
        scale = max(float(np.abs(B).max()), 1e-300)
        same = np.all(np.abs(np.diff(B, axis=0)) <= 1e-9 * scale, axis=1)
        t = np.concatenate([t[:1], t[1:-1][~same], t[-1:]])
    return t[1:-1].copy()


def count_linear_regions_1d(
    net: Any, x_min: float, x_max: float, *, merge_equal_slopes: bool = False
) -> int:
    """Number of linear pieces of a 1-input network on ``[x_min, x_max]``: joints + 1.

    A 1-3-1 ReLU network with its 3 joints inside the interval has 4 regions (seed
    000). See :func:`breakpoints_1d` for the parameters.
    """
    return len(breakpoints_1d(net, x_min, x_max, merge_equal_slopes=merge_equal_slopes)) + 1


# ---------------------------------------------------------------------------- patterns
def _hidden_units(layers: list[Layer]) -> int:
    total = 0
    for layer in layers:
        if isinstance(layer, (ActivationLayer, PReLU)):
            total += layer.n_out
        elif isinstance(layer, Residual):
            total += _hidden_units(layer.layers)
    return total


def _walk_activations(layers: list[Layer], H: Array, out: list[tuple[Layer, Array, Array]]):
    """Forward ``H`` through ``layers`` in prediction mode, recording (layer, Z, A) for
    every activation layer (inside residual blocks too). Returns the output."""
    for layer in layers:
        if isinstance(layer, Residual):
            H = H + _walk_activations(layer.layers, H, out)
        elif isinstance(layer, (ActivationLayer, PReLU)):
            Z = H
            H = layer(Z)
            out.append((layer, Z, H))
        else:
            H = layer(H)
    return H


def _activation_records(net: Any, X: Any) -> list[tuple[Layer, Array, Array]]:
    """(layer, Z, A) for every activation layer, in forward order."""
    net = as_mlp(net)
    records: list[tuple[Layer, Array, Array]] = []
    _walk_activations(net.layers, net.check_input(X), records)
    return records


def hidden_activations(net: Any, X: Any) -> list[tuple[str, Array, Array]]:
    """Pre-activations and activations of every hidden activation layer.

    Returns
    -------
    list of (name, Z, A)
        ``name`` is the activation's name; ``Z`` and ``A`` have shape (n_samples, D_k).
        Hidden layers with the identity activation have no activation layer and are
        not listed.
    """
    out = []
    for layer, Z, A in _activation_records(net, X):
        name = layer.act.name if isinstance(layer, ActivationLayer) else "prelu"
        out.append((name, Z, A))
    return out


def activation_patterns(net: Any, X: Any) -> Array:
    """Which hidden units are active (pre-activation > 0) for each sample (lecture L0,
    002: "activation pattern = which hidden units are activated").

    Parameters
    ----------
    net : MLP
    X : array-like of shape (n_samples, n_inputs)

    Returns
    -------
    ndarray of bool, shape (n_samples, total_hidden_units)
        Columns are the hidden units of every activation layer, first layer first.
    """
    acts = hidden_activations(net, X)
    n = np.asarray(X).shape[0]
    if not acts:
        return np.zeros((n, 0), dtype=bool)
    return np.concatenate([Z > 0 for _, Z, _ in acts], axis=1)


def _grid(bounds: Bounds2D, resolution: int) -> tuple[Array, Array, Array]:
    (x0, x1), (y0, y1) = bounds
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    XX, YY = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([XX.ravel(), YY.ravel()])


def region_map(
    net: Any,
    bounds: Any = ((-1.0, 1.0), (-1.0, 1.0)),
    resolution: int = 300,
) -> tuple[Array, tuple[float, float, float, float]]:
    """Activation-pattern ids on a regular grid over a 2-D box, ready for ``imshow``.

    Parameters
    ----------
    net : MLP with 2 inputs
    bounds : ((x_min, x_max), (y_min, y_max))
    resolution : int
        Grid points per axis.

    Returns
    -------
    ids : ndarray of int, shape (resolution, resolution)
        ``ids[i, j]`` is the pattern id at ``(x_j, y_i)``; equal ids, equal pattern.
        Row 0 is ``y_min`` (use ``origin="lower"``).
    extent : (x_min, x_max, y_min, y_max)
    """
    net = as_mlp(net)
    if net.n_inputs != 2:
        raise ValueError(f"region_map needs a network with 2 inputs; this one has {net.n_inputs}.")
    b = _check_bounds(bounds)
    resolution = int(resolution)
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2; got {resolution}.")
    _, _, P = _grid(b, resolution)
    pats = activation_patterns(net, P)
    if pats.shape[1] == 0:
        ids = np.zeros(len(P), dtype=np.int64)
    else:
        packed = np.packbits(pats, axis=1)
        _, ids = np.unique(packed, axis=0, return_inverse=True)
    extent = (b[0][0], b[0][1], b[1][0], b[1][1])
    return ids.reshape(resolution, resolution).astype(np.int64), extent


# ---------------------------------------------------------------------------- 2-D exact
@dataclass
class Region:
    """One linear region of a 2-input network.

    Attributes
    ----------
    vertices : ndarray of shape (n_vertices, 2)
        A convex polygon, counter-clockwise.
    pattern : ndarray of bool, shape (total_hidden_units,)
        The activation pattern inside it.
    offset : ndarray of shape (n_outputs,)
    jacobian : ndarray of shape (2, n_outputs)
        Inside the region the logits are ``offset + x @ jacobian``.
    """

    vertices: Array
    pattern: Array
    offset: Array
    jacobian: Array

    @property
    def area(self) -> float:
        x, y = self.vertices[:, 0], self.vertices[:, 1]
        return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))

    @property
    def centroid(self) -> Array:
        return self.vertices.mean(axis=0)


def _split(V: Array, z: Array, eps: float) -> tuple[Array | None, Array | None]:
    """Cut a convex polygon ``V`` along the line where the affine function with vertex
    values ``z`` is zero; return the parts with z ≥ 0 and z ≤ 0."""
    pos, neg = [], []
    k = len(V)
    for i in range(k):
        j = (i + 1) % k
        zi, zj = z[i], z[j]
        if zi >= -eps:
            pos.append(V[i])
        if zi <= eps:
            neg.append(V[i])
        if (zi > eps and zj < -eps) or (zi < -eps and zj > eps):
            p = V[i] + (zi / (zi - zj)) * (V[j] - V[i])
            pos.append(p)
            neg.append(p)
    P = np.array(pos) if len(pos) >= 3 else None
    N = np.array(neg) if len(neg) >= 3 else None
    return P, N


def _area(V: Array) -> float:
    x, y = V[:, 0], V[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _propagate_2d(
    ops: list[tuple[Any, ...]],
    polys: list[Array],
    C: Array,
    J: Array,
    pats: list[list[Array]],
    min_area: float,
) -> tuple[list[Array], Array, Array, list[list[Array]], Array]:
    """Push convex polygons through ``ops``. On polygon p the current output is
    ``C[p] + x @ J[p]`` (C: (P, n), J: (P, 2, n)); ``pats[p]`` collects its pattern.
    Also returns, for each output polygon, the index of the input polygon it came from."""
    origin = np.arange(len(polys))
    for op in ops:
        if op[0] == "dense":
            _, W, b = op
            C, J = C @ W + b, J @ W
        elif op[0] == "residual":
            polys, C2, J2, pats, sub = _propagate_2d(op[1], polys, C, J, pats, min_area)
            C, J, origin = C2 + C[sub], J2 + J[sub], origin[sub]  # h + f(h)
        else:
            slope = op[1]
            for u in range(C.shape[1]):
                lengths = np.array([len(V) for V in polys])
                starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
                pid = np.repeat(np.arange(len(polys)), lengths)
                Vall = np.concatenate(polys)
                # Unit u's pre-activation at every vertex of every polygon.
                z = C[pid, u] + np.einsum("ij,ij->i", Vall, J[pid, :, u])
                zmin = np.minimum.reduceat(z, starts)
                zmax = np.maximum.reduceat(z, starts)
                eps = 1e-10 * np.maximum.reduceat(np.abs(z), starts)
                cut = set(np.flatnonzero((zmin < -eps) & (zmax > eps)).tolist())
                if not cut:
                    continue
                new_polys: list[Array] = []
                rows: list[int] = []
                for p, V in enumerate(polys):
                    if p not in cut:
                        new_polys.append(V)
                        rows.append(p)
                        continue
                    zp = z[starts[p] : starts[p] + lengths[p]]
                    for part in _split(V, zp, float(eps[p])):
                        if part is not None and _area(part) > min_area:
                            new_polys.append(part)
                            rows.append(p)
                r = np.array(rows)
                polys, C, J, origin = new_polys, C[r], J[r], origin[r]
                pats = [list(pats[i]) for i in r]
            # No zero crossing inside any polygon now: its centroid gives its pattern.
            cent = np.array([V.mean(axis=0) for V in polys])
            Z = C + np.einsum("pi,pin->pn", cent, J)
            active = Z > 0
            s = np.where(active, 1.0, slope)
            C, J = C * s, J * s[:, None, :]
            for i in range(len(polys)):
                pats[i].append(active[i])
    return polys, C, J, pats, origin


def linear_regions_2d(net: Any, bounds: Any = ((-1.0, 1.0), (-1.0, 1.0))) -> list[Region]:
    """Every activation region of a 2-input piecewise-linear network inside a box, exactly.

    Starting from the box, each hidden unit's zero set — a straight line inside any
    polygon on which its layer's input is affine — cuts the current convex polygons in
    two; after each layer the polygons' patterns fix the next affine maps. The result
    is exact up to floating-point rounding (slivers below 1e-14 of the box's area are
    dropped).

    Parameters
    ----------
    net : MLP with 2 inputs and piecewise-linear activations
    bounds : ((x_min, x_max), (y_min, y_max))

    Returns
    -------
    list of Region
        Convex polygons that tile the box, one per activation pattern.
    """
    net = as_mlp(net)
    if net.n_inputs != 2:
        raise ValueError(
            f"linear_regions_2d needs a network with 2 inputs; this one has {net.n_inputs}. "
            "For 1 input use breakpoints_1d."
        )
    (x0, x1), (y0, y1) = _check_bounds(bounds)
    ops = _program(net.layers)
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    C = np.zeros((1, 2))
    J = np.eye(2)[None]
    min_area = 1e-14 * (x1 - x0) * (y1 - y0)
    polys, C, J, pats, _ = _propagate_2d(ops, [box], C, J, [[]], min_area)
    regions = []
    for i, V in enumerate(polys):
        pattern = np.concatenate(pats[i]) if pats[i] else np.zeros(0, dtype=bool)
        regions.append(Region(V, pattern, C[i].copy(), J[i].copy()))
    return regions


def count_linear_regions_2d(
    net: Any,
    bounds: Any = ((-1.0, 1.0), (-1.0, 1.0)),
    resolution: int | None = None,
    *,
    method: str = "exact",
) -> int:
    """Number of activation regions of a 2-input network inside a box.

    Parameters
    ----------
    net : MLP with 2 inputs
    bounds : ((x_min, x_max), (y_min, y_max))
    resolution : int, optional
        Grid points per axis for ``method="grid"`` (default 400).
    method : {"exact", "grid"}
        ``"exact"``: the polygons of :func:`linear_regions_2d` (piecewise-linear
        activations only). ``"grid"``: the number of distinct activation patterns on a
        ``resolution × resolution`` grid — a lower bound that misses regions smaller
        than a grid cell; it works for any activation (counting sign patterns).

    Returns
    -------
    int
    """
    if method == "exact":
        return len(linear_regions_2d(net, bounds))
    if method == "grid":
        ids, _ = region_map(net, bounds, 400 if resolution is None else resolution)
        return int(ids.max()) + 1
    raise ValueError(f"method must be 'exact' or 'grid'; got {method!r}.")


# ---------------------------------------------------------------------------- bounds
def _check_positive(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}; got {value!r}.")
    return int(value)


def max_regions_shallow(n_hidden: int, n_inputs: int = 1) -> int:
    """Maximum number of linear regions of a shallow ReLU network (Zaslavsky 1975).

    ``D`` hidden units cut the ``D_i``-dimensional input space with ``D`` hyperplanes;
    in general position they make

    .. math:: N = \\sum_{j=0}^{D_i} \\binom{D}{j}

    regions (Prince 2023, *Understanding Deep Learning*, eq. 3.13; for one input,
    ``D + 1``). Exact Python integer.

    Examples
    --------
    >>> max_regions_shallow(3, 1), max_regions_shallow(3, 2), max_regions_shallow(6, 2)
    (4, 7, 22)
    """
    D = _check_positive(n_hidden, "n_hidden", 0)
    Di = _check_positive(n_inputs, "n_inputs")
    return sum(comb(D, j) for j in range(min(Di, D) + 1))


def max_regions_deep(n_inputs: int, width: int, n_layers: int) -> int:
    """Maximum number of linear regions of a deep ReLU network (Montúfar et al. 2014).

    For ``D_i`` inputs and ``K`` hidden layers of ``D ≥ D_i`` units each, Prince
    (2023), *Understanding Deep Learning*, notes to chapter 4 (p. 53), gives

    .. math:: N = \\left(\\frac{D}{D_i} + 1\\right)^{D_i (K-1)}
              \\sum_{j=0}^{D_i} \\binom{D}{j}

    as the exact maximum when ``D`` is an integer multiple of ``D_i``. Otherwise
    ``D / D_i`` is rounded down, which gives a lower bound on the maximum (Montúfar et
    al.'s construction still reaches it). For one input it is ``(D + 1)^K``: 5 layers
    of 10 units give 11⁵ = **161,051** regions (lecture L2 misprints 161,501); 5 layers
    of 50 units with 10 inputs give 6⁴⁰ · Σ_{j≤10} C(50, j) ≈ 1.8 × 10⁴¹, i.e. **more
    than 10⁴⁰** (the book's errata corrects figure 4.9's original "10¹³⁴", which seed
    002 repeats). Exact Python integer.

    References
    ----------
    Montúfar, Pascanu, Cho & Bengio (2014), "On the number of linear regions of deep
    neural networks", NeurIPS. Prince (2023), *Understanding Deep Learning*, ch. 4.

    Examples
    --------
    >>> max_regions_deep(1, 10, 5)
    161051
    >>> max_regions_deep(10, 50, 5) > 10**40
    True
    """
    Di = _check_positive(n_inputs, "n_inputs")
    D = _check_positive(width, "width")
    K = _check_positive(n_layers, "n_layers")
    return (D // Di + 1) ** (Di * (K - 1)) * max_regions_shallow(D, Di)


# ---------------------------------------------------------------------------- peaks
def count_peaks(y: Any) -> int:
    """Number of local maxima of a sampled 1-D function (plateaus count once; the
    endpoints never count).

    Lecture L4's composition claim: if ``f1`` has ``n1`` peaks and ``f2`` has ``n2``,
    ``f2(f1(x))`` can have ``2 n1 n2`` peaks.

    Examples
    --------
    >>> count_peaks([0, 1, 0, 2, 2, 0, 3])
    2
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    d = np.sign(np.diff(y))
    d = d[d != 0]
    return int(np.sum((d[:-1] > 0) & (d[1:] < 0)))
