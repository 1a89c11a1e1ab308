"""Finite-difference gradient checks, layer by layer.

The engine's gradients are hand-derived (lectures L1, L3, L4); this module checks them
against central differences in float64:
``∂L/∂w_i ≈ (L(w + ε e_i) - L(w - ε e_i)) / 2ε``, with error O(ε²).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["GradCheckResult", "check_gradients", "numerical_gradient", "relative_error"]


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``‖a - b‖ / max(‖a‖ + ‖b‖, tiny)``: 0 for equal vectors, 1 for opposite ones."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    denom = max(float(np.linalg.norm(a) + np.linalg.norm(b)), 1e-300)
    return float(np.linalg.norm(a - b)) / denom


def numerical_gradient(f: Any, w: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at the flat vector ``w``.

    ``w`` (any shape, contiguous) is perturbed in place and restored entry by entry;
    the result has ``w``'s shape.
    """
    g = np.zeros(w.size, dtype=np.float64)
    flat = w.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        fp = f()
        flat[i] = old - eps
        fm = f()
        flat[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g.reshape(w.shape)


@dataclass
class GradCheckResult:
    """Relative errors between analytic and numerical gradients.

    Attributes
    ----------
    max_error : float
        The worst relative error over all parameter arrays.
    per_param : dict of str to float
        Relative error for every parameter array (``"0.W"``, ``"0.b"``, ...).
    analytic, numeric : ndarray of shape (n_params,)
    """

    max_error: float
    per_param: dict[str, float]
    analytic: np.ndarray
    numeric: np.ndarray

    def __repr__(self) -> str:
        rows = "\n".join(f"  {k:<16} {v:.2e}" for k, v in self.per_param.items())
        return f"GradCheckResult(max relative error {self.max_error:.2e})\n{rows}"

    def __bool__(self) -> bool:
        return self.max_error < 1e-6


def check_gradients(
    net: Any,
    X: Any,
    Y: Any,
    *,
    eps: float = 1e-6,
    weight_decay: float = 0.0,
    sample_weight: Any = None,
) -> GradCheckResult:
    """Compare ``net.loss_and_grad`` with central differences, parameter by parameter.

    The network must be float64 (float32 round-off swamps the differences); build it
    with ``dtype=np.float64``. Dropout must be off (the check is deterministic).

    Returns
    -------
    GradCheckResult
        ``bool(result)`` is True when every relative error is below 1e-6.

    Examples
    --------
    >>> import numpy as np, mlpkit
    >>> from mlpkit.analysis import check_gradients
    >>> net = mlpkit.MLP([3, 5, 2], activation="tanh", dtype=np.float64, random_state=0)
    >>> X = np.random.default_rng(0).normal(size=(4, 3)); Y = np.ones((4, 2))
    >>> check_gradients(net, X, Y).max_error < 1e-7
    True
    """
    if net.dtype != np.float64:
        raise ValueError(
            "Gradient checks need a float64 network: build it with dtype=np.float64 "
            "(float32 round-off is larger than the finite-difference signal)."
        )
    _, analytic = net.loss_and_grad(X, Y, sample_weight=sample_weight, weight_decay=weight_decay)
    w = net.params

    def f() -> float:
        return net.loss_and_grad(X, Y, sample_weight=sample_weight, weight_decay=weight_decay)[0]

    numeric = numerical_gradient(f, w, eps)
    per = {name: relative_error(analytic[sl], numeric[sl]) for name, sl, _ in net.param_slices()}
    return GradCheckResult(max(per.values(), default=0.0), per, analytic, numeric)
