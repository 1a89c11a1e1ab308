"""The activation table of lecture L3, with f and f' side by side.

Each activation is one small object that holds its function ``f``, its derivative
``df`` and the columns of the lecture's table: range, monotonic, and whether it
approximates the identity near the origin. They are sorted as in the table, then
the modern additions (ELU, GELU, SiLU, softplus).

Contract
--------
``act.f(Z)`` maps pre-activations ``Z`` (any shape) to activations ``A``.
``act.df(Z, A)`` returns f'(Z); it receives both ``Z`` and ``A = f(Z)`` because for
several rows the derivative is cheapest from the output (logistic: ``A (1 - A)``,
tanh: ``1 - A**2``, ReLU: ``A > 0``). Backpropagation through an activation is
``dZ = dA * f'(Z)`` (lecture L3: ``G_{l-1} = (1 - A ⊙ A) ⊙ (G_l W_lᵀ)`` for tanh).

PReLU has a learnable slope and therefore lives in :mod:`mlpkit.layers` as a layer;
its row is listed here too so the table is complete.

Examples
--------
>>> import numpy as np
>>> from mlpkit.activations import get_activation
>>> relu = get_activation("relu")
>>> relu
Activation('relu', range=[0, inf), monotonic=True, identity_near_0=False)
>>> relu.f(np.array([-1.0, 2.0]))
array([0., 2.])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import special

__all__ = ["ACTIVATIONS", "Activation", "activation_names", "get_activation"]

Array = np.ndarray


@dataclass(frozen=True, repr=False)
class Activation:
    """One row of the activation table.

    Parameters
    ----------
    name : str
        The name used everywhere in mlpkit (``"relu"``, ``"tanh"``, ...).
    f : callable
        ``f(Z) -> A``, elementwise, dtype-preserving.
    df : callable
        ``df(Z, A) -> f'(Z)``, elementwise; ``A`` is ``f(Z)``.
    formula, derivative : str
        The seed's formulas, for documentation and plots.
    range : str
        The output range, as in lecture L3's table.
    monotonic : bool
        Whether f is monotonic.
    identity_near_0 : bool
        Whether f(z) ≈ z near z = 0 (f(0) = 0 and f'(0) = 1).
    params : dict
        Hyper-parameters such as ISRU's ``alpha`` (fixed, not learned).
    """

    name: str
    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array]
    formula: str
    derivative: str
    range: str
    monotonic: bool
    identity_near_0: bool
    params: dict[str, float] = field(default_factory=dict)

    def __call__(self, Z: Array) -> Array:
        return self.f(Z)

    def __reduce__(self) -> tuple[Any, ...]:
        # f and df are closures: pickle by name and rebuild from the table.
        return (_rebuild, (self.name, dict(self.params)))

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v}" for k, v in self.params.items())
        return (
            f"Activation({self.name!r}{extra}, range={self.range}, "
            f"monotonic={self.monotonic}, identity_near_0={self.identity_near_0})"
        )


def _one(Z: Array) -> Array:
    return np.ones_like(Z)


# --- identity: f(x) = x, f'(x) = 1 ------------------------------------------------
def _identity(Z: Array) -> Array:
    return Z


# --- binary step: f(x) = [x >= 0], f'(x) = 0 (undefined at 0; we use 0) ------------
def _step(Z: Array) -> Array:
    return (Z >= 0).astype(Z.dtype)


def _dstep(Z: Array, A: Array) -> Array:
    return np.zeros_like(Z)


# --- logistic: f(x) = 1 / (1 + e^-x), f'(x) = f(x) (1 - f(x)) ---------------------
def _logistic(Z: Array) -> Array:
    return special.expit(Z)


def _dlogistic(Z: Array, A: Array) -> Array:
    return A * (1 - A)


# --- tanh: f(x) = tanh(x), f'(x) = 1 - f(x)^2 -------------------------------------
def _dtanh(Z: Array, A: Array) -> Array:
    return 1 - A * A


# --- arctan: f(x) = atan(x), f'(x) = 1 / (x^2 + 1) --------------------------------
def _darctan(Z: Array, A: Array) -> Array:
    return 1 / (Z * Z + 1)


# --- softsign: f(x) = x / (1 + |x|), f'(x) = 1 / (1 + |x|)^2 ----------------------
def _softsign(Z: Array) -> Array:
    return Z / (1 + np.abs(Z))


def _dsoftsign(Z: Array, A: Array) -> Array:
    d = 1 + np.abs(Z)
    return 1 / (d * d)


# --- ISRU: f(x) = x / sqrt(1 + a x^2), f'(x) = (1 / sqrt(1 + a x^2))^3 ------------
def _make_isru(alpha: float) -> tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]:
    def f(Z: Array) -> Array:
        return Z / np.sqrt(1 + alpha * Z * Z)

    def df(Z: Array, A: Array) -> Array:
        r = 1 / np.sqrt(1 + alpha * Z * Z)
        return r * r * r

    return f, df


# --- ReLU: f(x) = max(0, x), f'(x) = [x >= 0] (lecture L1: ReLU'(0) = 1) -------------
def _relu(Z: Array) -> Array:
    return np.maximum(Z, 0)


def _drelu(Z: Array, A: Array) -> Array:
    # Lecture L1 defines ReLU'(z) = 1 for z >= 0 (its gradient_descent_step uses H_ >= 0).
    return (Z >= 0).astype(Z.dtype)


# --- leaky ReLU: f(x) = x if x >= 0 else slope x ----------------------------------
def _make_leaky(slope: float) -> tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]:
    def f(Z: Array) -> Array:
        return np.where(Z >= 0, Z, Z * slope)

    def df(Z: Array, A: Array) -> Array:
        return np.where(Z >= 0, 1, slope).astype(Z.dtype)

    return f, df


# --- ELU: f(x) = x if x > 0 else a (e^x - 1) --------------------------------------
def _make_elu(alpha: float) -> tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]:
    def f(Z: Array) -> Array:
        return np.where(Z > 0, Z, alpha * np.expm1(np.minimum(Z, 0)))

    def df(Z: Array, A: Array) -> Array:
        return np.where(Z > 0, 1, A + alpha).astype(Z.dtype)

    return f, df


# --- GELU (exact): f(x) = x Φ(x), f'(x) = Φ(x) + x φ(x) ---------------------------
_SQRT2 = np.sqrt(2.0)
_INV_SQRT_2PI = 1 / np.sqrt(2 * np.pi)


def _gelu(Z: Array) -> Array:
    return (Z * 0.5 * (1 + special.erf(Z / _SQRT2))).astype(Z.dtype, copy=False)


def _dgelu(Z: Array, A: Array) -> Array:
    cdf = 0.5 * (1 + special.erf(Z / _SQRT2))
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * Z * Z)
    return (cdf + Z * pdf).astype(Z.dtype, copy=False)


# --- SiLU / swish: f(x) = x σ(x), f'(x) = σ(x) (1 + x (1 - σ(x))) -----------------
def _silu(Z: Array) -> Array:
    return Z * special.expit(Z)


def _dsilu(Z: Array, A: Array) -> Array:
    s = special.expit(Z)
    return s * (1 + Z * (1 - s))


# --- softplus: f(x) = log(1 + e^x), f'(x) = σ(x) ----------------------------------
def _softplus(Z: Array) -> Array:
    return np.logaddexp(0, Z).astype(Z.dtype, copy=False)


def _dsoftplus(Z: Array, A: Array) -> Array:
    return special.expit(Z)


def _isru(alpha: float = 1.0) -> Activation:
    if not alpha > 0:
        raise ValueError(f"ISRU needs alpha > 0 (its range is ±1/sqrt(alpha)); got {alpha}.")
    f, df = _make_isru(alpha)
    return Activation(
        "isru", f, df, "x / sqrt(1 + α x²)", "(1 / sqrt(1 + α x²))³",
        f"(-1/sqrt({alpha}), 1/sqrt({alpha}))", True, True, {"alpha": alpha},
    )  # fmt: skip


def _leaky_relu(alpha: float = 0.01) -> Activation:
    f, df = _make_leaky(alpha)
    return Activation(
        "leaky_relu", f, df, "x if x ≥ 0 else α x", "1 if x ≥ 0 else α",
        "(-inf, inf)", alpha >= 0, False, {"alpha": alpha},
    )  # fmt: skip


def _elu(alpha: float = 1.0) -> Activation:
    f, df = _make_elu(alpha)
    return Activation(
        "elu", f, df, "x if x > 0 else α (eˣ - 1)", "1 if x > 0 else f(x) + α",
        f"(-{alpha}, inf)", alpha >= 0, alpha == 1, {"alpha": alpha},
    )  # fmt: skip


# name -> factory(**params) -> Activation. Order: lecture L3's table, then modern rows.
_FACTORIES: dict[str, Callable[..., Activation]] = {
    "identity": lambda: Activation(
        "identity", _identity, lambda Z, A: _one(Z), "x", "1", "(-inf, inf)", True, True
    ),
    "binary_step": lambda: Activation(
        "binary_step",
        _step,
        _dstep,
        "0 if x < 0 else 1",
        "0 (undefined at 0)",
        "{0, 1}",
        True,
        False,
    ),
    "logistic": lambda: Activation(
        "logistic",
        _logistic,
        _dlogistic,
        "1 / (1 + e⁻ˣ)",
        "f(x) (1 - f(x))",
        "(0, 1)",
        True,
        False,
    ),
    "tanh": lambda: Activation(
        "tanh", np.tanh, _dtanh, "tanh(x)", "1 - f(x)²", "(-1, 1)", True, True
    ),
    "arctan": lambda: Activation(
        "arctan", np.arctan, _darctan, "tan⁻¹(x)", "1 / (x² + 1)", "(-π/2, π/2)", True, True
    ),
    "softsign": lambda: Activation(
        "softsign",
        _softsign,
        _dsoftsign,
        "x / (1 + |x|)",
        "1 / (1 + |x|)²",
        "(-1, 1)",
        True,
        True,
    ),
    "isru": _isru,
    "relu": lambda: Activation(
        "relu", _relu, _drelu, "max(0, x)", "1 if x ≥ 0 else 0", "[0, inf)", True, False
    ),
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "gelu": lambda: Activation(
        "gelu", _gelu, _dgelu, "x Φ(x)", "Φ(x) + x φ(x)", "(-0.17, inf)", False, False
    ),
    "silu": lambda: Activation(
        "silu", _silu, _dsilu, "x σ(x)", "σ(x) (1 + x (1 - σ(x)))", "(-0.28, inf)", False, False
    ),
    "softplus": lambda: Activation(
        "softplus", _softplus, _dsoftplus, "ln(1 + eˣ)", "σ(x)", "(0, inf)", True, False
    ),
}

#: Every activation name mlpkit accepts. ``"prelu"`` is a layer (learnable slope).
ACTIVATIONS: tuple[str, ...] = (*_FACTORIES, "prelu")

# Aliases people type, mapped to the table's names (scikit-learn says "logistic").
_ALIASES = {"sigmoid": "logistic", "linear": "identity", "step": "binary_step", "swish": "silu"}


def activation_names() -> tuple[str, ...]:
    """All activation names, in the order of lecture L3's table."""
    return ACTIVATIONS


def canonical_name(name: str) -> str:
    """Return the table name for ``name`` (resolving aliases), or raise a clear error."""
    if not isinstance(name, str):
        raise TypeError(f"An activation is named by a string; got {type(name).__name__}.")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {name!r}. Choose one of: {', '.join(ACTIVATIONS)}.")
    return key


def _rebuild(name: str, params: dict[str, float]) -> Activation:
    return get_activation(name, **params)


def get_activation(name: str | Activation, **params: Any) -> Activation:
    """Look up an activation by name.

    Parameters
    ----------
    name : str or Activation
        A name from :data:`ACTIVATIONS` (or an alias such as ``"sigmoid"``), or an
        :class:`Activation`, returned unchanged.
    **params
        Hyper-parameters: ``alpha`` for ``isru``, ``leaky_relu`` (default 0.01) and
        ``elu``.

    Raises
    ------
    ValueError
        For an unknown name, or for ``"prelu"``, which is a layer with a learnable
        slope (use :class:`mlpkit.layers.PReLU` or ``MLP(..., activation="prelu")``).
    """
    if isinstance(name, Activation):
        return name
    key = canonical_name(name)
    if key == "prelu":
        raise ValueError(
            "'prelu' has a learnable slope, so it is a layer, not a fixed function: "
            "use MLP(..., activation='prelu') or mlpkit.layers.PReLU(n_units)."
        )
    try:
        return _FACTORIES[key](**params)
    except TypeError as exc:
        raise ValueError(f"Activation {key!r} does not take parameters {params}.") from exc
