"""Looking inside a network: hidden units, warped space, gradients per layer.

- :func:`hidden_unit_decomposition` — lecture L0's figure for a shallow 1-input
  network: 1. compute the linear functions, 2. pass them through the activation,
  3. weight the hidden units, 4. sum.
- :func:`warp_grid` and :func:`layer_svd` — lecture L2's *representation* view: a
  grid of lines carried through each layer, and a linear layer as rotation × scale ×
  reflection.
- :func:`gradient_norms`, :func:`dead_units`, :func:`saturated_units` — lecture L4's
  vanishing gradients, dead ReLUs and saturated tanh / logistic units.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..layers import ActivationLayer, Dense, Layer, PReLU, Residual
from .regions import (
    Bounds2D,
    _activation_records,
    _check_bounds,
    activation_patterns,
    as_mlp,
)

__all__ = [
    "dead_units",
    "default_grid",
    "gradient_norms",
    "hidden_unit_decomposition",
    "layer_svd",
    "saturated_units",
    "warp_grid",
]

Array = np.ndarray


# ---------------------------------------------------------------------------- lecture L0
def hidden_unit_decomposition(net: Any, x: Any) -> dict[str, Array]:
    """Split a shallow 1-input network's output into its hidden units (lecture L0).

    For ``y = φ_0 + Σ_d φ_d a[θ_d0 + θ_d1 x]``:

    1. ``pre_activations[:, d] = θ_d0 + θ_d1 x`` — the D linear functions,
    2. ``activations[:, d] = a[...] = h_d`` — after the activation,
    3. ``weighted[:, d] = φ_d h_d`` — weighted by the output weights,
    4. ``output = φ_0 + Σ_d weighted[:, d]`` — summed: the network's logit.

    Parameters
    ----------
    net : MLP
        Layer sizes ``[1, D, 1]`` (any activation, no layer norm or residual).
    x : array-like of shape (n_samples,) or (n_samples, 1)

    Returns
    -------
    dict
        ``x`` (n,), ``pre_activations``, ``activations``, ``weighted`` (each (n, D)),
        ``bias`` (float φ_0), ``output`` (n,). ``output`` equals
        ``net.decision_function(x)[:, 0]`` (and ``net.forward`` for a regression net).
    """
    net = as_mlp(net)
    if net.layer_sizes[0] != 1 or net.layer_sizes[-1] != 1 or len(net.layer_sizes) != 3:
        raise ValueError(
            "hidden_unit_decomposition needs a shallow network with 1 input and 1 output, "
            f"layer sizes [1, D, 1]; got {net.layer_sizes}."
        )
    layers = net.layers
    middle = layers[1:-1]
    ok = (
        isinstance(layers[0], Dense)
        and isinstance(layers[-1], Dense)
        and len(middle) <= 1
        and all(isinstance(m, (ActivationLayer, PReLU)) for m in middle)
    )
    if not ok:
        raise ValueError(
            "hidden_unit_decomposition needs Dense → activation → Dense (no layer norm, "
            f"dropout or residual); got layers {layers}."
        )
    xs = np.asarray(x, dtype=np.float64).reshape(-1)
    W0, b0 = layers[0].W.astype(np.float64), layers[0].b.astype(np.float64)  # type: ignore[attr-defined]
    W1, b1 = layers[-1].W.astype(np.float64), layers[-1].b.astype(np.float64)  # type: ignore[attr-defined]
    pre = xs[:, None] * W0[0] + b0
    if middle:
        act = np.asarray(middle[0](pre.astype(net.dtype)), dtype=np.float64)
    else:
        act = pre.copy()
    weighted = act * W1[:, 0]
    output = float(b1[0]) + weighted.sum(axis=1)
    return {
        "x": xs,
        "pre_activations": pre,
        "activations": act,
        "weighted": weighted,
        "bias": np.float64(b1[0]),
        "output": output,
    }


# ---------------------------------------------------------------------------- lecture L2
def _blocks(layers: list[Layer]) -> list[list[Layer]]:
    """Group top-level layers into blocks that each end in a hidden representation:
    a Dense layer with what follows it up to the next Dense, or a Residual block."""
    blocks: list[list[Layer]] = []
    for layer in layers:
        if isinstance(layer, (Dense, Residual)) or not blocks:
            blocks.append([layer])
        else:
            blocks[-1].append(layer)
    return blocks


def default_grid(
    bounds: Bounds2D = ((-1.0, 1.0), (-1.0, 1.0)), n_lines: int = 11, n_points: int = 101
) -> Array:
    """Horizontal and vertical lines over a box.

    Returns
    -------
    ndarray of shape (2 * n_lines, n_points, 2)
        The first ``n_lines`` are vertical (constant x), the rest horizontal.
    """
    (x0, x1), (y0, y1) = _check_bounds(bounds)
    t = np.linspace(0.0, 1.0, n_points)
    lines = []
    for x in np.linspace(x0, x1, n_lines):
        lines.append(np.column_stack([np.full(n_points, x), y0 + (y1 - y0) * t]))
    for y in np.linspace(y0, y1, n_lines):
        lines.append(np.column_stack([x0 + (x1 - x0) * t, np.full(n_points, y)]))
    return np.array(lines)


def warp_grid(
    net: Any,
    n_layers: int | None = None,
    grid: Any = None,
    bounds: Any = ((-1.0, 1.0), (-1.0, 1.0)),
    n_lines: int = 11,
    n_points: int = 101,
) -> list[Array]:
    """Carry a grid of lines through the first layers (lecture L2's representation view).

    Parameters
    ----------
    net : MLP
    n_layers : int, optional
        How many blocks (Dense + activation, or a residual block) to pass through;
        default all of them, the output layer included.
    grid : array-like of shape (n_lines, n_points, n_inputs), optional
        Polylines in input space; default :func:`default_grid` over ``bounds``
        (2 inputs only).
    bounds, n_lines, n_points
        The default grid.

    Returns
    -------
    list of ndarray
        ``warped[0]`` is the grid itself; ``warped[k]`` of shape
        (n_lines, n_points, D_k) is its image after k blocks. A block with the identity
        activation maps the grid to ``grid @ W + b``.
    """
    net = as_mlp(net)
    if grid is None:
        if net.n_inputs != 2:
            raise ValueError(
                f"The default grid is 2-D but the network has {net.n_inputs} inputs; pass "
                "grid= an array of shape (n_lines, n_points, n_inputs)."
            )
        G = default_grid(_check_bounds(bounds), n_lines, n_points)
    else:
        G = np.asarray(grid, dtype=np.float64)
        if G.ndim != 3 or G.shape[2] != net.n_inputs:
            raise ValueError(
                f"grid must have shape (n_lines, n_points, {net.n_inputs}); got {G.shape}."
            )
    blocks = _blocks(net.layers)
    k = len(blocks) if n_layers is None else int(n_layers)
    if not 0 <= k <= len(blocks):
        raise ValueError(f"n_layers must be between 0 and {len(blocks)}; got {n_layers}.")
    shape = G.shape[:2]
    H = G.reshape(-1, G.shape[2]).astype(net.dtype)
    out = [G.copy()]
    for block in blocks[:k]:
        for layer in block:
            H = layer(H)
        out.append(H.astype(np.float64).reshape(*shape, H.shape[1]))
    return out


def layer_svd(W: Any) -> tuple[Array, Array, Array]:
    """Singular value decomposition ``W = U diag(S) Vt`` with a fixed sign convention.

    Lecture L2 writes a linear layer as ``y = Θ x`` (column vectors) and decomposes Θ
    into rotation × scale × reflection. mlpkit's Dense layers compute ``Z = X W``
    with ``W`` of shape (n_in, n_out), so the seed's Θ is ``net.weights[k].T``.

    Signs: each row of ``Vt`` has its largest-magnitude entry positive (the
    convention of scikit-learn's ``svd_flip``), and ``U`` follows. For lecture L2's
    example this reproduces the printed factors.

    Parameters
    ----------
    W : array-like of shape (m, n)

    Returns
    -------
    U : ndarray of shape (m, k)
    S : ndarray of shape (k,), descending
    Vt : ndarray of shape (k, n)

    Examples
    --------
    >>> U, S, Vt = layer_svd([[0.19, 1.84], [-0.97, -0.93]])
    >>> np.round(S, 2)   # the seed prints 2.17 from the unrounded matrix
    array([2.16, 0.74])
    >>> np.round(Vt, 2)
    array([[ 0.32,  0.95],
           [ 0.95, -0.32]])
    """
    M = np.asarray(W, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"layer_svd needs a 2-D matrix; got shape {M.shape}.")
    U, S, Vt = np.linalg.svd(M, full_matrices=False)
    idx = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(len(S)), idx])
    signs[signs == 0] = 1
    return U * signs, S, Vt * signs[:, None]


# ---------------------------------------------------------------------------- lecture L4
def _dense_slices(layers: list[Layer], offset: int, out: list[tuple[Dense, slice, slice]]) -> int:
    """Walk layers in parameter order, recording each Dense layer's W and b slices."""
    for layer in layers:
        if isinstance(layer, Residual):
            offset = _dense_slices(layer.layers, offset, out)
            continue
        if isinstance(layer, Dense):
            nw = layer.n_in * layer.n_out
            out.append(
                (layer, slice(offset, offset + nw), slice(offset + nw, offset + nw + layer.n_out))
            )
        offset += layer.n_params
    return offset


def gradient_norms(net: Any, X: Any, Y: Any) -> dict[str, Any]:
    """Euclidean norm of the loss gradient for each Dense layer (lecture L4, "Vanishing
    and exploding gradients").

    Parameters
    ----------
    net : MLP
    X : array-like of shape (n_samples, n_inputs)
    Y : array-like, targets as accepted by ``net.loss_and_grad``

    Returns
    -------
    dict
        ``names`` (list of str, "layer 1 (2 → 10)", ...), ``weight_grad`` and
        ``bias_grad`` (ndarray of shape (n_dense,), ‖∂L/∂W_k‖ and ‖∂L/∂b_k‖),
        ``weight_norm`` (‖W_k‖), ``loss`` (float) and ``total`` (‖∂L/∂w‖).
        Layer 1 is the first; vanishing gradients show as ``weight_grad`` shrinking
        towards layer 1.
    """
    net = as_mlp(net)
    loss, grad = net.loss_and_grad(X, Y)
    grad = grad.astype(np.float64)
    slices: list[tuple[Dense, slice, slice]] = []
    _dense_slices(net.layers, 0, slices)
    names, wg, bg, wn = [], [], [], []
    for k, (layer, sw, sb) in enumerate(slices, start=1):
        names.append(f"layer {k} ({layer.n_in} → {layer.n_out})")
        wg.append(np.linalg.norm(grad[sw]))
        bg.append(np.linalg.norm(grad[sb]))
        wn.append(np.linalg.norm(net.params[sw].astype(np.float64)))
    return {
        "names": names,
        "weight_grad": np.array(wg),
        "bias_grad": np.array(bg),
        "weight_norm": np.array(wn),
        "loss": float(loss),
        "total": float(np.linalg.norm(grad)),
    }


def dead_units(net: Any, X: Any) -> Array:
    """Hidden units that are never active on ``X`` (pre-activation ≤ 0 for every
    sample): dead ReLUs, whose gradient is zero everywhere on the data.

    Returns
    -------
    ndarray of bool, shape (total_hidden_units,)
        Same columns as :func:`activation_patterns`.
    """
    return np.logical_not(activation_patterns(net, X).any(axis=0))


# Sup of |f| for the saturating rows of lecture L3's table (logistic is handled apart).
_ASYMPTOTE = {"tanh": 1.0, "softsign": 1.0, "arctan": np.pi / 2}


def saturated_units(net: Any, X: Any, threshold: float = 0.99, fraction: float = 0.9) -> Array:
    """Hidden units stuck near an asymptote, where their derivative vanishes.

    A tanh / softsign / arctan / ISRU unit is saturated on a sample when ``|a|`` is
    above ``threshold`` times its asymptote; a logistic unit when ``a > threshold``
    or ``a < 1 - threshold``. A unit is reported when it is saturated on at least
    ``fraction`` of the samples. Other activations (ReLU family, ...) have no
    asymptote to saturate against and are never reported.

    Returns
    -------
    ndarray of bool, shape (total_hidden_units,)
        Same columns as :func:`activation_patterns`.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1); got {threshold}.")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1]; got {fraction}.")
    cols = []
    for layer, _Z, A in _activation_records(net, X):
        name = layer.act.name if isinstance(layer, ActivationLayer) else "prelu"
        if name == "logistic":
            sat = (A > threshold) | (A < 1 - threshold)
        elif name in _ASYMPTOTE:
            sat = np.abs(A) > threshold * _ASYMPTOTE[name]
        elif name == "isru":  # range ±1 / sqrt(alpha)
            alpha = float(layer.act.params.get("alpha", 1.0))  # type: ignore[attr-defined]
            sat = np.abs(A) > threshold / np.sqrt(alpha)
        else:
            sat = np.zeros(A.shape, dtype=bool)
        cols.append(sat.mean(axis=0) >= fraction)
    if not cols:
        return np.zeros(0, dtype=bool)
    return np.concatenate(cols)
