"""How the driver proposes trials: grid, random, or TPE (Optuna).

A proposer has ``ask()`` (the next ``(trial_id, params)``, or None when there is nothing
to propose right now), ``tell(trial_id, record)`` and ``done`` (nothing left to
propose). Only the driver holds one; workers never see it, so a seeded sampler is never
copied into several processes (which would propose duplicate trials).

* Grid and random trials are a pure function of ``(seed, trial index)``: the same on
  every backend, and ``--resume`` just skips the indices already in the journal.
* TPE asks Optuna in rounds of ``round_size`` trials: a round is proposed at once, from
  the results of all earlier rounds and nothing else, so which trial finishes first (the
  one thing that differs between backends) cannot change what is proposed. The study
  lives in ``OUT/optuna.journal``, Optuna's ``JournalStorage`` with a file backend (never
  SQLite shared between processes).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .space import Param, SweepError, grid_points, random_point

__all__ = ["GridSearch", "RandomSearch", "TPESearch", "make_search"]


class _Listed:
    """Trials known in advance; the finished ones are skipped."""

    def __init__(self, trials: list[dict[str, Any]], finished: Iterable[int]):
        done = set(finished)
        self._todo = [(i, p) for i, p in enumerate(trials) if i not in done]
        self._todo.reverse()  # pop() from the end = lowest id first

    @property
    def done(self) -> bool:
        return not self._todo

    def ask(self) -> tuple[int, dict[str, Any]] | None:
        return self._todo.pop() if self._todo else None

    def tell(self, trial_id: int, record: dict[str, Any]) -> None:
        pass

    def close(self) -> None:
        pass


class GridSearch(_Listed):
    """Every combination (the first ``n_trials`` of them when given)."""

    def __init__(self, space: list[Param], n_trials: int, finished: Iterable[int] = ()):
        pts = []
        for i, p in enumerate(grid_points(space)):
            if i >= n_trials:
                break
            pts.append(p)
        super().__init__(pts, finished)


class RandomSearch(_Listed):
    """``n_trials`` independent draws; trial i from the random stream ``(seed, i)``."""

    def __init__(self, space: list[Param], n_trials: int, seed: int, finished: Iterable[int] = ()):
        super().__init__([random_point(space, seed, i) for i in range(n_trials)], finished)


class TPESearch:
    """Optuna's TPE sampler, asked by the driver in rounds (see the module docstring)."""

    def __init__(
        self,
        space: list[Param],
        n_trials: int,
        seed: int,
        path: str | Path,
        records: Iterable[dict[str, Any]] = (),
        round_size: int = 8,
    ):
        try:
            import optuna
            from optuna.storages import JournalStorage
            from optuna.storages.journal import JournalFileBackend
        except ImportError:
            raise SweepError("--search tpe needs Optuna: pip install 'mlpkit[tune]'") from None
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self._optuna = optuna
        self.n_trials = int(n_trials)
        self.round_size = max(1, int(round_size))
        self.dists = {p.name: p.distribution() for p in space}
        storage = JournalStorage(JournalFileBackend(str(path)))
        existing = len(storage.get_all_studies())
        sampler = optuna.samplers.TPESampler(seed=seed)
        self.study = optuna.create_study(
            study_name="mlpkit-sweep",
            storage=storage,
            sampler=sampler,
            direction="maximize",
            load_if_exists=True,
        )
        self._queue: list[tuple[int, dict[str, Any]]] = []
        finished = {int(r["id"]): r for r in records}
        running = optuna.trial.TrialState.RUNNING
        for t in self.study.get_trials(deepcopy=False):
            if t.state != running:
                continue
            if t.number in finished:  # recorded by us, but the driver died before tell
                self.tell(t.number, finished[t.number])
            else:  # asked and never finished: run it again with the same parameters
                self._queue.append((t.number, dict(t.params)))
        if existing:
            # After a resume the sampler starts a new random stream (seeded by how far
            # the study got), so it does not replay the draws it made before.
            n_asked = len(self.study.get_trials(deepcopy=False))
            self.study.sampler = optuna.samplers.TPESampler(seed=seed + n_asked)

    def _n(self, *states: Any) -> int:
        return len(self.study.get_trials(deepcopy=False, states=states))

    @property
    def done(self) -> bool:
        asked = len(self.study.get_trials(deepcopy=False))
        return not self._queue and asked >= self.n_trials

    def ask(self) -> tuple[int, dict[str, Any]] | None:
        if not self._queue:
            states = self._optuna.trial.TrialState
            asked = len(self.study.get_trials(deepcopy=False))
            if asked >= self.n_trials or self._n(states.RUNNING):
                return None  # finished, or the current round is still running
            for _ in range(min(self.round_size, self.n_trials - asked)):
                t = self.study.ask(self.dists)
                self._queue.append((t.number, dict(t.params)))
        return self._queue.pop(0)

    def tell(self, trial_id: int, record: dict[str, Any]) -> None:
        states = self._optuna.trial.TrialState
        score = record.get("score")
        if record.get("status") == "ok" and score is not None and math.isfinite(score):
            self.study.tell(trial_id, float(score), skip_if_finished=True)
        else:
            self.study.tell(trial_id, state=states.FAIL, skip_if_finished=True)

    def close(self) -> None:
        pass


def make_search(
    search: str,
    space: list[Param],
    n_trials: int,
    seed: int,
    out: Path,
    records: list[dict[str, Any]],
    round_size: int = 8,
) -> Any:
    finished = [int(r["id"]) for r in records]
    if search == "grid":
        return GridSearch(space, n_trials, finished)
    if search == "random":
        return RandomSearch(space, n_trials, seed, finished)
    if search == "tpe":
        return TPESearch(space, n_trials, seed, out / "optuna.journal", records, round_size)
    raise SweepError(f"unknown --search {search!r}; use grid, random or tpe.")
