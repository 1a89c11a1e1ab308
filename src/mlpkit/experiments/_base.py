"""Shared pieces of the experiments: the claim record, the run context, small helpers.

Every experiment is a function ``run(ctx) -> Outcome`` registered as a :class:`Claim`.
The verdict is computed from the measurement by the experiment's own rule (``ok`` and
``why``), never written by hand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "LECTURES",
    "Claim",
    "Context",
    "Outcome",
    "linear_pieces_1d",
    "standardise",
    "within_factor",
]

#: The lectures a claim cites, by number, as docs/lectures.md names them.
LECTURES = {"000": "L0", "001": "L1", "002": "L2", "003": "L3", "004": "L4"}


@dataclasses.dataclass
class Outcome:
    """What one experiment measured.

    Attributes
    ----------
    values : dict
        The numbers (JSON-able after :func:`jsonable`).
    summary : str
        One line, for the progress output and ``results.json``.
    our_number : str
        The short number shown beside the seed's in the summary table.
    ok : bool
        The claim's rule, applied to ``values``.
    why : str
        When ``ok`` is False: what differs, and why (data, randomness, a typo).
    figures : list of str
        PNG paths relative to the output directory.
    note : str
        Why our numbers differ from the seed's even when the claim holds (different
        data, a different loss scale, a seed typo).
    headline : dict of str to float
        The few numbers whose spread across seeds the report prints (min, median, max).
    """

    values: dict[str, Any]
    summary: str
    our_number: str
    ok: bool
    why: str = ""
    figures: list[str] = dataclasses.field(default_factory=list)
    note: str = ""
    headline: dict[str, float] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Claim:
    """One claim of SPEC.md section C: what the seed says, and the experiment testing it."""

    id: str
    title: str
    seeds: tuple[str, ...]
    seed_claim: str
    seed_number: str
    lecture: str
    run: Callable[[Context], Outcome]
    #: True when the verdict depends on training a network: such a claim must read
    #: "differs" when training is disabled or the forward pass returns noise
    #: (tests/experiments/test_verdicts_can_fail.py).
    trains: bool = False

    @property
    def lectures(self) -> str:
        """The lectures that state the claim, e.g. "L2, L4" (see docs/lectures.md)."""
        return ", ".join(LECTURES[s] for s in self.seeds)


class Context:
    """Where an experiment writes, how big it runs, and its seeded randomness.

    Parameters
    ----------
    out_dir : Path
        The run's output directory; figures go to ``out_dir / "figures"``.
    quick : bool
        Smaller data and fewer iterations (the CI budget), same substance.
    seed : int
        Base seed; each claim derives its own streams from ``(seed, claim number)``.
    claim_id : str
    """

    def __init__(
        self, out_dir: Path, quick: bool, seed: int, claim_id: str, save_figures: bool = True
    ):
        self.out_dir = Path(out_dir)
        self.quick = bool(quick)
        self.seed = int(seed)
        self.claim_id = claim_id
        self.save_figures = bool(save_figures)
        self.fig_dir = self.out_dir / "figures"
        self.fig_dir.mkdir(parents=True, exist_ok=True)
        # C claims keep their historical streams (salt = number); D claims are offset so
        # that "D2" and "C2" draw different numbers.
        number = int("".join(ch for ch in claim_id if ch.isdigit()) or 0)
        self._salt = number + (1000 if claim_id.startswith("D") else 0)

    def pick(self, quick: Any, full: Any) -> Any:
        """``quick`` in a quick run, ``full`` otherwise."""
        return quick if self.quick else full

    def rng(self, stream: int = 0) -> np.random.Generator:
        """An independent generator for this claim (stream numbers keep draws apart)."""
        return np.random.default_rng([self.seed, self._salt, stream])

    def state(self, stream: int = 0) -> int:
        """An integer ``random_state`` for this claim (for MLP and scikit-learn)."""
        return int(self.rng(stream).integers(2**31 - 1))

    def figure(self, ncols: int = 1, nrows: int = 1, width: float = 4.2, height: float = 3.6):
        """A matplotlib Figure (no pyplot state, Agg canvas) and its axes, always 2-D."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False)
        return fig, axes

    def save(self, fig: Any, name: str) -> str:
        """Write ``fig`` as ``figures/<claim>_<name>.png``; return the path relative to out_dir."""
        rel = f"figures/{self.claim_id}_{name}.png"
        if self.save_figures:  # the extra seeds of a multi-seed run draw nothing
            fig.savefig(self.out_dir / rel, dpi=90)
        return rel


def verdict(ok: bool, why: str) -> str:
    """``"reproduced"`` or ``"differs: <why>"``."""
    return "reproduced" if ok else f"differs: {why or 'the rule did not hold'}"


def jsonable(obj: Any) -> Any:
    """Numpy scalars and arrays to plain Python, recursively (NaN and inf become None)."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if np.isfinite(f) else None
    return obj


def linear_pieces_1d(y: np.ndarray, x: np.ndarray, rtol: float = 1e-6) -> int:
    """Number of linear pieces of a piecewise-linear function sampled on a fine grid.

    Slopes between neighbouring samples are grouped into runs of equal slope; an
    interval that contains a joint has a slope of its own (a run of length one) and is
    not a piece. So a piece must span at least two grid intervals: sample finely.

    Parameters
    ----------
    y : ndarray of shape (n,)
        Values of the function at ``x``.
    x : ndarray of shape (n,)
        Increasing, evenly spaced sample points.

    Returns
    -------
    int
        The number of linear pieces (joints + 1).
    """
    s = np.diff(np.asarray(y, dtype=np.float64)) / np.diff(np.asarray(x, dtype=np.float64))
    tol = rtol * max(1.0, float(np.max(np.abs(s))))
    same = np.abs(np.diff(s)) <= tol  # same[i]: intervals i and i+1 on one line
    # A piece is a maximal run of True in `same` (>= 2 intervals sharing a slope).
    starts = same & ~np.concatenate(([False], same[:-1]))
    return int(np.count_nonzero(starts))


def set_params(net: Any, weights: list[Any], biases: list[Any]) -> Any:
    """Write hand-chosen weights into a network; W of shape (n_in, n_out), b of (n_out,)."""
    for W, b, Wn, bn in zip(net.weights, net.biases, weights, biases):
        W[...] = np.asarray(Wn, dtype=net.dtype).reshape(W.shape)
        b[...] = np.asarray(bn, dtype=net.dtype).reshape(b.shape)
    return net


def fit_best(
    make: Callable[[int], Any], X: Any, Y: Any, restarts: int, rng_state: int, **fit_kw: Any
) -> Any:
    """Train ``restarts`` networks from different initialisations; keep the lowest
    training loss (as a practitioner would: the optimisation is non-convex)."""
    import warnings

    best, best_loss = None, np.inf
    for r in range(restarts):
        net = make(rng_state + 7919 * r)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net.fit(X, Y, **fit_kw)
        loss = float(net.loss_and_grad(X, Y)[0])
        if np.isfinite(loss) and loss < best_loss:
            best, best_loss = net, loss
    return best if best is not None else net


def torch_like_init(net: Any, rng: np.random.Generator) -> Any:
    """PyTorch's ``nn.Linear`` default, which lecture L4's code uses: W and b uniform in
    ±1/√fan_in. Unlike He or Glorot with zero biases (every 1-D joint starts at x = 0,
    every 2-D hyperplane through the origin), it spreads the units over the input."""
    for W, b in zip(net.weights, net.biases):
        bound = 1.0 / np.sqrt(W.shape[0])
        W[...] = rng.uniform(-bound, bound, W.shape)
        b[...] = rng.uniform(-bound, bound, b.shape)
    return net


def widen(net: Any, prev: Any | None) -> Any:
    """Copy the narrower shallow net ``prev``'s units into ``net`` (same inputs and
    outputs, more hidden units) and zero the new units' output weights: ``net`` then
    computes exactly ``prev``'s function, so training it from there measures what the
    extra units add rather than the luck of a fresh initialisation."""
    if prev is not None:
        old = prev.layer_sizes[1]
        net.weights[0][:, :old] = prev.weights[0]
        net.biases[0][:old] = prev.biases[0]
        net.weights[1][:old] = prev.weights[1]
        net.weights[1][old:] = 0.0
        net.biases[1][...] = prev.biases[1]
    return net


def within_factor(ours: float, lecture: float, factor: float) -> bool:
    """``lecture / factor <= ours <= lecture * factor`` (both positive)."""
    return bool(ours > 0 and lecture / factor <= ours <= lecture * factor)


def standardise(y: Any) -> tuple[np.ndarray, float, float]:
    """``(y - mean) / std`` and the two constants: on these targets a constant predictor
    has mean squared error 1, so a loss reads as a fraction of the target's variance."""
    y = np.asarray(y, dtype=np.float64)
    mu, sd = float(y.mean()), float(y.std())
    return (y - mu) / sd, mu, sd


def mse(a: Any, b: Any) -> float:
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    return float(np.mean((a - b) ** 2))


def scaled_predict(net: Any, centre: Any, half: Any) -> Callable[[Any], Any]:
    """``P -> net.predict((P - centre) / half)``: a net trained on scaled inputs, queried
    in the data's own coordinates (for pictures and boundary measures)."""
    return lambda P: net.predict((np.asarray(P) - centre) / half)


def decision_grid(bounds: tuple[tuple[float, float], tuple[float, float]], n: int = 200):
    """A grid over ``bounds`` for decision-boundary pictures: (xx, yy, points (n*n, 2))."""
    (x0, x1), (y0, y1) = bounds
    xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def draw_boundary(
    ax: Any, predict: Callable[[Any], Any], X: Any, y: Any, bounds: Any, title: str, n: int = 200
) -> None:
    """Shade the two predicted classes over ``bounds`` and scatter the points."""
    xx, yy, P = decision_grid(bounds, n)
    Z = np.asarray(predict(P), dtype=np.float64).reshape(xx.shape)
    ax.contourf(xx, yy, Z, levels=[-0.5, 0.5, 1.5], colors=["#cfe0f3", "#f7d4c6"])
    ax.contour(xx, yy, Z, levels=[0.5], colors="k", linewidths=0.8)
    y = np.asarray(y)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=5, c="#1f5fa8", label="class 0")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=5, c="#c2452d", label="class 1")
    ax.set_title(title, fontsize=10)
    ax.set_xlim(bounds[0])
    ax.set_ylim(bounds[1])
    ax.set_aspect("equal", adjustable="box")
