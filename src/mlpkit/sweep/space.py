"""Search spaces: which hyperparameters a sweep may vary and how ``--param`` specs read.

A spec is ``NAME=VALUES`` where VALUES is one of

* a list ``a,b,c`` (one value fixes the parameter): ``hidden=8,16,32x32``,
  ``alpha=0,1e-4,1e-2``, ``activation=relu,tanh``;
* ``log:LO:HI[:N]``: log-uniform between LO and HI (``lr=log:1e-4:1e-1``); a grid takes
  N points spaced evenly in log (default 5);
* ``uniform:LO:HI[:N]``: uniform between LO and HI; a grid takes N evenly spaced points;
* ``int:LO:HI``: the integers LO..HI (``batch_size=int:16:128``); a grid takes all of
  them (at most 100).

Hidden layers are written ``8`` (one layer of 8 units), ``32x32`` (two layers of 32) or
``0`` (no hidden layer). Every value is checked here, before any trial runs.

Values are kept in a canonical, JSON-able form (hidden sizes as the string ``"32x32"``)
so that the journal, ``results.csv`` and Optuna's categorical choices all hold the same
thing; :func:`estimator_params` turns them into ``MLPClassifier`` / ``MLPRegressor``
keyword arguments.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "PARAMETERS",
    "Param",
    "SweepError",
    "estimator_params",
    "grid_points",
    "parse_param",
    "parse_space",
    "random_point",
]


class SweepError(ValueError):
    """A sweep that cannot run as asked: the message says what is wrong and what to do."""


# ---------------------------------------------------------------------- value checks
def _hidden(v: Any) -> str:
    """Canonical hidden sizes: ``"8"``, ``"32x32"``, ``"0"`` (no hidden layer)."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        sizes = [int(v)] if v else []
    elif isinstance(v, (tuple, list)):
        sizes = [int(s) for s in v]
    else:
        text = str(v).strip().lower()
        if text in ("0", "none", ""):
            sizes = []
        else:
            try:
                sizes = [int(s) for s in text.split("x")]
            except ValueError:
                raise ValueError(
                    f"{v!r} is not a layout; write widths joined by 'x', e.g. 64 or 32x32"
                ) from None
    if any(s < 1 for s in sizes):
        raise ValueError(f"{v!r}: layer widths must be positive")
    return "x".join(str(s) for s in sizes) or "0"


def _float(lo: float | None = None, hi: float | None = None, lo_open: bool = False):
    def check(v: Any) -> float:
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{v!r} is not a number") from None
        if not math.isfinite(x):
            raise ValueError(f"{v!r} is not finite")
        if lo is not None and (x < lo or (lo_open and x == lo)):
            raise ValueError(f"{x:g} must be {'>' if lo_open else '>='} {lo:g}")
        if hi is not None and x > hi:
            raise ValueError(f"{x:g} must be <= {hi:g}")
        return x

    return check


def _int(lo: int = 1):
    def check(v: Any) -> int:
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{v!r} is not an integer") from None
        if x != round(x):
            raise ValueError(f"{v!r} is not an integer")
        if x < lo:
            raise ValueError(f"{int(x)} must be >= {lo}")
        return int(x)

    return check


def _choice(options: tuple[str, ...]):
    def check(v: Any) -> str:
        s = str(v).strip()
        if s not in options:
            raise ValueError(f"{s!r} is not one of {', '.join(options)}")
        return s

    return check


def _bool(v: Any) -> bool:
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "on"):
        return True
    if s in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{v!r} is not a boolean (true or false)")


def _activation(v: Any) -> str:
    from ..activations import ACTIVATIONS

    return _choice(tuple(sorted(ACTIVATIONS)))(v)


@dataclass(frozen=True)
class ParamInfo:
    """One hyperparameter a sweep may vary.

    ``estimator`` is the ``MLPClassifier`` / ``MLPRegressor`` keyword it sets, ``check``
    turns a raw value into its canonical form (or raises ValueError with the reason),
    ``numeric`` says whether ranges (``log:``, ``uniform:``, ``int:``) are allowed.
    """

    estimator: str
    check: Callable[[Any], Any]
    numeric: str = ""  # "", "float" or "int"
    help: str = ""


#: The parameters ``--param`` accepts (``epochs`` is an alias of ``max_iter``).
PARAMETERS: dict[str, ParamInfo] = {
    "hidden": ParamInfo("hidden_layer_sizes", _hidden, "", "hidden widths: 8, 32x32, 0"),
    "lr": ParamInfo("learning_rate_init", _float(0, lo_open=True), "float", "learning rate"),
    "alpha": ParamInfo("alpha", _float(0), "float", "L2 penalty"),
    "activation": ParamInfo("activation", _activation, "", "hidden activation"),
    "solver": ParamInfo(
        "solver", _choice(("adam", "sgd", "lbfgs", "rmsprop", "adamw")), "", "optimizer"
    ),
    "batch_size": ParamInfo("batch_size", _int(1), "int", "mini-batch size"),
    "max_iter": ParamInfo("max_iter", _int(1), "int", "epochs (L-BFGS: iterations)"),
    "epochs": ParamInfo("max_iter", _int(1), "int", "alias of max_iter"),
    "momentum": ParamInfo("momentum", _float(0, 1), "float", "SGD momentum"),
    "dropout": ParamInfo("dropout", _float(0, 0.999), "float", "dropout probability"),
    "beta_1": ParamInfo("beta_1", _float(0, 0.999999), "float", "Adam β1"),
    "beta_2": ParamInfo("beta_2", _float(0, 0.999999), "float", "Adam β2"),
    "learning_rate": ParamInfo(
        "learning_rate", _choice(("constant", "invscaling", "adaptive")), "", "SGD schedule"
    ),
    "lr_schedule": ParamInfo(
        "lr_schedule",
        _choice(("constant", "step", "exponential", "cosine", "plateau")),
        "",
        "per-epoch schedule",
    ),
    "init": ParamInfo(
        "init",
        _choice(
            (
                "sklearn",
                "auto",
                "glorot_uniform",
                "glorot_normal",
                "he_uniform",
                "he_normal",
                "lecun_uniform",
                "lecun_normal",
            )
        ),  # fmt: skip
        "",
        "weight initialisation",
    ),
    "early_stopping": ParamInfo("early_stopping", _bool, "", "stop on a held-out 10 %"),
    "layer_norm": ParamInfo("layer_norm", _bool, "", "layer normalisation"),
    "residual": ParamInfo("residual", _bool, "", "residual blocks (equal widths)"),
    "clip_norm": ParamInfo("clip_norm", _float(0, lo_open=True), "float", "gradient clipping"),
    "tol": ParamInfo("tol", _float(0), "float", "improvement tolerance"),
    "n_iter_no_change": ParamInfo("n_iter_no_change", _int(1), "int", "patience in epochs"),
}


def _known() -> str:
    return ", ".join(PARAMETERS)


# ---------------------------------------------------------------------- one parameter
@dataclass(frozen=True)
class Param:
    """A parameter's search range: a list of ``choices``, or a range ``kind`` in
    ``{"log", "uniform", "int"}`` from ``low`` to ``high`` (``n`` grid points)."""

    name: str
    kind: str  # "choice", "log", "uniform", "int"
    choices: tuple[Any, ...] = ()
    low: float = 0.0
    high: float = 0.0
    n: int = 5

    @property
    def spec(self) -> str:
        """The spec this parameter reads back from (stored in the sweep's config)."""
        if self.kind == "choice":
            return ",".join(_fmt(c) for c in self.choices)
        if self.kind == "int":
            return f"int:{int(self.low)}:{int(self.high)}"
        return f"{self.kind}:{_fmt(self.low)}:{_fmt(self.high)}:{self.n}"

    def grid(self) -> list[Any]:
        """The values a grid search visits."""
        if self.kind == "choice":
            return list(self.choices)
        if self.kind == "int":
            return list(range(int(self.low), int(self.high) + 1))
        if self.kind == "log":
            pts = np.geomspace(self.low, self.high, self.n)
        else:
            pts = np.linspace(self.low, self.high, self.n)
        return [float(f"{p:.6g}") for p in pts]  # 1e-4, not 9.999999999999999e-05

    def sample(self, rng: np.random.Generator) -> Any:
        """One random value (log-uniform for ``log``)."""
        if self.kind == "choice":
            return self.choices[int(rng.integers(len(self.choices)))]
        if self.kind == "int":
            return int(rng.integers(int(self.low), int(self.high) + 1))
        if self.kind == "log":
            return float(math.exp(rng.uniform(math.log(self.low), math.log(self.high))))
        return float(rng.uniform(self.low, self.high))

    def distribution(self) -> Any:
        """The matching Optuna distribution (for TPE)."""
        import optuna.distributions as od

        if self.kind == "choice":
            return od.CategoricalDistribution(list(self.choices))
        if self.kind == "int":
            return od.IntDistribution(int(self.low), int(self.high))
        return od.FloatDistribution(self.low, self.high, log=self.kind == "log")


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.10g}"
    return str(v)


def _bad(name: str, spec: str, why: str) -> SweepError:
    return SweepError(f"--param {name}={spec}: {why}.")


def parse_param(text: str) -> Param:
    """Parse one ``--param NAME=VALUES`` spec (see the module docstring).

    Raises
    ------
    SweepError
        For an unknown name or a value the parameter cannot take, naming both.

    Examples
    --------
    >>> parse_param("hidden=8,32x32").choices
    ('8', '32x32')
    >>> parse_param("lr=log:1e-4:1e-1:4").grid()
    [0.0001, 0.001, 0.01, 0.1]
    """
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise SweepError(
            f"--param {text!r}: write NAME=VALUES, e.g. hidden=8,16,32x32 or lr=log:1e-4:1e-1."
        )
    return make_param(name, spec.strip())


def make_param(name: str, values: Any) -> Param:
    """A :class:`Param` from a spec string or a list of values (the Python API)."""
    info = PARAMETERS.get(name)
    if info is None:
        raise SweepError(f"unknown parameter {name!r}; sweepable parameters: {_known()}.")
    if isinstance(values, str):
        head, _, rest = values.partition(":")
        if head in ("log", "uniform", "int") and rest:
            return _range(name, info, head, rest, values)
        raw: list[Any] = [v.strip() for v in values.split(",")]
    elif isinstance(values, (list, tuple)) and not (
        name == "hidden" and values and all(isinstance(v, (int, np.integer)) for v in values)
        and isinstance(values, tuple)
    ):  # fmt: skip
        raw = list(values)
    else:  # one fixed value (a tuple of ints is one hidden layout)
        raw = [values]
    if not raw or any(isinstance(v, str) and not v for v in raw):
        raise _bad(name, str(values), "an empty value; give comma-separated values")
    out = []
    for v in raw:
        try:
            c = info.check(v)
        except (ValueError, TypeError) as exc:
            raise _bad(name, _spec_text(values), str(exc)) from None
        if c not in out:
            out.append(c)
    return Param(name, "choice", tuple(out))


def _spec_text(values: Any) -> str:
    return values if isinstance(values, str) else ",".join(_fmt(v) for v in values)


def _range(name: str, info: ParamInfo, kind: str, rest: str, spec: str) -> Param:
    if not info.numeric:
        raise _bad(name, spec, f"{name} takes a list of values, not a {kind}: range")
    parts = rest.split(":")
    want = "int:LO:HI" if kind == "int" else f"{kind}:LO:HI[:N]"
    if len(parts) not in ((2,) if kind == "int" else (2, 3)):
        raise _bad(name, spec, f"write {want}")
    try:
        lo, hi = info.check(parts[0]), info.check(parts[1])
        n = int(parts[2]) if len(parts) == 3 else 5
    except ValueError as exc:
        raise _bad(name, spec, f"{exc} (write {want})") from None
    if kind == "int" and info.numeric != "int":
        raise _bad(name, spec, f"{name} is not an integer; use log: or uniform:")
    if not lo < hi:
        raise _bad(name, spec, f"the low end {lo:g} must be below the high end {hi:g}")
    if kind == "log" and lo <= 0:
        raise _bad(name, spec, "a log range needs a positive low end")
    if n < 2:
        raise _bad(name, spec, "a grid needs at least 2 points")
    if kind == "int" and hi - lo >= 100:
        raise _bad(name, spec, "more than 100 integers; use log: or list the values")
    return Param(name, kind, (), float(lo), float(hi), n)


def parse_space(params: Mapping[str, Any] | list[str]) -> list[Param]:
    """Parameters from ``--param`` strings or a ``{name: values}`` mapping, in order."""
    if isinstance(params, Mapping):
        space = [make_param(str(k), v) for k, v in params.items()]
    else:
        space = [parse_param(p) for p in params]
    if not space:
        raise SweepError(
            "no parameters to sweep; give at least one --param, e.g. --param hidden=8,16,32."
        )
    seen: set[str] = set()
    for p in space:
        key = PARAMETERS[p.name].estimator
        if key in seen:
            raise SweepError(f"--param {p.name} is given twice (or also as its alias).")
        seen.add(key)
    return space


# ---------------------------------------------------------------------- proposals
def grid_points(space: list[Param]) -> Iterator[dict[str, Any]]:
    """Every combination, the last parameter varying fastest."""
    for combo in itertools.product(*(p.grid() for p in space)):
        yield {p.name: v for p, v in zip(space, combo)}


def grid_size(space: list[Param]) -> int:
    return math.prod(len(p.grid()) for p in space)


def random_point(space: list[Param], seed: int, index: int) -> dict[str, Any]:
    """Trial ``index`` of a random search: drawn from its own stream ``(seed, index)``,
    so it is the same whatever ran before it, on any backend and after a resume."""
    rng = np.random.default_rng([seed, index])
    return {p.name: p.sample(rng) for p in space}


def estimator_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``MLPClassifier`` / ``MLPRegressor`` keyword arguments for canonical values."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        info = PARAMETERS[name]
        if name == "hidden":
            value = tuple(int(s) for s in value.split("x")) if value != "0" else ()
        out[info.estimator] = value
    return out
