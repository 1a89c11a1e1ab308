"""The sweep driver: propose trials, hand them to a backend, record every result.

The lectures choose depth, width, learning rate and weight decay by retraining and
comparing on validation data (lectures: L4 "MLPs in practice"); a sweep does exactly that,
many times, in parallel. The driver is the only process that proposes trials (grid,
random or TPE) and the only one that writes: each finished trial is appended to
``OUT/journal.jsonl`` the moment it comes back, so nothing finished is lost to a crash,
and ``resume=True`` picks up from the journal.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .journal import Journal
from .report import Progress, plot_sweep, ranked, top_table, write_csv
from .search import make_search
from .space import Param, SweepError, grid_size, parse_space
from .trial import build_estimator, check_metric, make_task, standardizer

__all__ = ["Sweep", "SweepResult", "sweep"]

SEARCHES = ("grid", "random", "tpe")
#: Attempts of one trial whose worker process keeps dying before it is recorded failed.
MAX_ATTEMPTS = 3
# Keys of the sweep's configuration that must match for --resume.
_SAME_ON_RESUME = (
    "params", "search", "trials", "cv", "val_split", "metric", "seed", "task",
    "standardize", "threads", "round_size", "n_samples", "n_features", "data_sha1",
)  # fmt: skip


@dataclass
class SweepResult:
    """What a finished sweep returns.

    Attributes
    ----------
    records : list of dict
        One per trial, sorted by trial number (the rows of ``results.csv``).
    best : dict or None
        The best successful trial's record.
    out : Path
        The output directory (``results.csv``, ``journal.jsonl``, ``best.mlpkit``,
        ``sweep.png``).
    model : mlpkit.io.Model or None
        The best parameters refitted on all the data.
    """

    records: list[dict[str, Any]]
    best: dict[str, Any] | None
    out: Path
    metric: str
    space: list[Param]
    model: Any = None
    files: dict[str, Path] = field(default_factory=dict)
    refitted: int = 0

    @property
    def best_params(self) -> dict[str, Any] | None:
        return None if self.best is None else dict(self.best["params"])

    @property
    def best_score(self) -> float | None:
        return None if self.best is None else float(self.best["score"])

    @property
    def n_failed(self) -> int:
        return sum(r.get("status") != "ok" for r in self.records)

    def table(self, k: int = 5) -> str:
        """The ``k`` best trials as text."""
        return top_table(self.records, self.space, self.metric, k)

    def __repr__(self) -> str:
        best = "none" if self.best is None else f"{self.best_score:.4f} (trial {self.best['id']})"
        return (
            f"SweepResult({len(self.records)} trials, {self.n_failed} failed, best {self.metric}"
            f" {best}, out={str(self.out)!r})"
        )


def _infer_task(X: np.ndarray, y: np.ndarray, task: str, known: str | None) -> str:
    # The CLI's rule, so that `mlpkit train` and `mlpkit sweep` agree on a file.
    from ..datasets.files import Data, infer_task

    return infer_task(Data(X, y, "data", [], task=known), task)


class Sweep:
    """A hyperparameter sweep of ``MLPClassifier`` / ``MLPRegressor``.

    Parameters
    ----------
    params : dict or list of str
        ``{"hidden": [8, (32, 32)], "lr": "log:1e-4:1e-1", "alpha": [0, 1e-4]}`` or
        ``--param`` strings ``["hidden=8,32x32", "lr=log:1e-4:1e-1"]``
        (:mod:`mlpkit.sweep.space` lists the parameters and the range syntax).
    search : {"grid", "random", "tpe"}, default="random"
        ``"tpe"`` needs Optuna (``pip install 'mlpkit[tune]'``).
    trials : int, optional
        Number of trials (random / TPE: default 20; grid: the whole grid, or its first
        ``trials`` points).
    cv : int, optional
        K-fold cross-validation (stratified for classifiers). Default 3 unless
        ``val_split`` is given.
    val_split : float, optional
        Hold out this fraction of the rows instead of cross-validating.
    metric : str, optional
        A scikit-learn scorer name (greater is better), or ``mse``, ``rmse``, ``mae``,
        ``log_loss``. Default: accuracy (classification), r2 (regression).
    seed : int, default=0
        Seeds the proposals, the folds and every fit.
    out : str or Path, optional
        Output directory (default: a new temporary directory).
    backend : {"local", "dask"}, optional
        Default: ``"dask"`` when ``scheduler`` is given, else ``"local"``.
    workers : int, optional
        Local worker processes, or the size of the Dask ``LocalCluster`` to start.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler.
    resume : bool, default=False
        Continue the sweep in ``out``: finished trials are not run again.
    task : {"auto", "classification", "regression"}, default="auto"
    threads : int, default=1
        BLAS threads per trial (never more than a worker allows).
    standardize : bool, default=True
        Standardise the inputs with each training fold's mean and std.
    round_size : int, default=8
        TPE proposes this many trials at a time.
    plot : bool, default=True
        Write ``sweep.png`` (needs matplotlib; skipped with a note without it).
    refit : bool, default=True
        Refit the best trial on all the data and save ``best.mlpkit``.
    verbose : bool, default=True
        Print the progress line, notes and the top-trials table.
    top : int, default=5
        Rows of the top-trials table.
    stream : file, default: sys.stderr
        Where progress and notes go.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> s = Sweep({"hidden": [4, 8], "lr": [0.01], "max_iter": [50]}, search="grid",
    ...           cv=2, workers=1, plot=False, verbose=False)
    >>> res = s.run(X, y)  # doctest: +SKIP
    >>> len(res.records)  # doctest: +SKIP
    2
    """

    def __init__(
        self,
        params: Mapping[str, Any] | Sequence[str],
        *,
        search: str = "random",
        trials: int | None = None,
        cv: int | None = None,
        val_split: float | None = None,
        metric: str | None = None,
        seed: int = 0,
        out: str | os.PathLike[str] | None = None,
        backend: str | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
        resume: bool = False,
        task: str = "auto",
        threads: int = 1,
        standardize: bool = True,
        round_size: int = 8,
        plot: bool = True,
        refit: bool = True,
        verbose: bool = True,
        stream: TextIO | None = None,
        top: int = 5,
    ):
        self.space = parse_space(params if isinstance(params, Mapping) else list(params))
        if search not in SEARCHES:
            raise SweepError(f"unknown search {search!r}; use one of {', '.join(SEARCHES)}.")
        if search == "tpe":
            try:
                import optuna  # noqa: F401
            except ImportError:
                raise SweepError(
                    "--search tpe needs Optuna, which is not installed: pip install 'mlpkit[tune]'"
                ) from None
        if trials is not None and int(trials) < 1:
            raise SweepError(f"--trials must be at least 1; got {trials}.")
        if cv is not None and val_split is not None:
            raise SweepError("give either --cv K or --val-split F, not both.")
        if cv is not None and int(cv) < 2:
            raise SweepError(f"--cv needs at least 2 folds; got {cv} (or use --val-split).")
        if val_split is not None and not 0 < float(val_split) < 1:
            raise SweepError(f"--val-split must be between 0 and 1; got {val_split}.")
        if task not in ("auto", "classification", "regression"):
            raise SweepError(f"task must be auto, classification or regression; got {task!r}.")
        if backend is None:
            backend = "dask" if scheduler else "local"
        if backend not in ("local", "dask"):
            raise SweepError(f"unknown --backend {backend!r}; use local or dask.")
        if scheduler and backend != "dask":
            raise SweepError("--scheduler is a Dask address; it needs --backend dask.")
        if scheduler and workers:
            raise SweepError(
                "give either --workers N (start a local cluster) or --scheduler ADDRESS "
                "(use a running one), not both."
            )
        if scheduler and not str(scheduler).startswith(("tcp://", "tls://", "inproc://")):
            raise SweepError(
                f"--scheduler {scheduler!r}: give the address `dask scheduler` prints, "
                "e.g. tcp://10.0.0.5:8786."
            )
        if workers is not None and int(workers) < 1:
            raise SweepError(f"--workers must be at least 1; got {workers}.")
        if int(threads) < 1:
            raise SweepError(f"--threads must be at least 1; got {threads}.")
        if backend == "dask":
            try:
                import distributed  # noqa: F401
            except ImportError:
                raise SweepError(
                    "--backend dask needs Dask's distributed scheduler, which is not "
                    "installed: pip install 'mlpkit[dist]'"
                ) from None
        if search == "grid":
            size = grid_size(self.space)
            trials = size if trials is None else min(int(trials), size)
        elif trials is None:
            trials = 20
        self.search = search
        self.trials = int(trials)
        self.cv = None if val_split is not None else int(cv or 3)
        self.val_split = None if val_split is None else float(val_split)
        self.metric = metric
        self.seed = int(seed)
        self.out = Path(out) if out is not None else None
        self.backend = backend
        self.workers = None if workers is None else int(workers)
        self.scheduler = scheduler
        self.resume = bool(resume)
        self.task = task
        self.threads = int(threads)
        self.standardize = bool(standardize)
        self.round_size = int(round_size)
        self.plot = bool(plot)
        self.refit = bool(refit)
        self.verbose = bool(verbose)
        self.stream = stream
        self.top = int(top)

    def __repr__(self) -> str:
        params = ", ".join(f"{p.name}={p.spec}" for p in self.space)
        return f"Sweep({params}; {self.search}, {self.trials} trials, {self.backend})"

    # ------------------------------------------------------------------ helpers
    def _say(self, text: str) -> None:
        if self.verbose:
            print(text, file=self.stream if self.stream is not None else sys.stderr)

    def _config(self, X: np.ndarray, y: np.ndarray, task: str, metric: str) -> dict[str, Any]:
        h = hashlib.sha1(np.ascontiguousarray(X).tobytes())
        h.update(np.ascontiguousarray(y).astype(str).tobytes())
        return {
            "format": 1,
            "params": {p.name: p.spec for p in self.space},
            "search": self.search,
            "trials": self.trials,
            "cv": self.cv,
            "val_split": self.val_split,
            "metric": metric,
            "seed": self.seed,
            "task": task,
            "standardize": self.standardize,
            "threads": self.threads,
            "round_size": self.round_size if self.search == "tpe" else None,
            "n_samples": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "data_sha1": h.hexdigest(),
        }

    def _open_journal(self, out: Path, config: dict[str, Any]) -> tuple[Journal, list[dict]]:
        journal = Journal(out)
        if journal.exists():
            if not self.resume:
                n = len(journal.records())
                raise SweepError(
                    f"{out} already holds a sweep ({n} trials finished): pass --resume to "
                    "continue it, or choose another --out."
                )
            old = journal.read_config()
            diff = [k for k in _SAME_ON_RESUME if old.get(k) != config.get(k)]
            if diff:
                what = "; ".join(f"{k}: {old.get(k)!r} then, {config.get(k)!r} now" for k in diff)
                raise SweepError(
                    f"--resume: {out} holds a different sweep ({what}). Resume with the same "
                    "data and options, or choose another --out."
                )
            return journal, journal.records()
        if out.exists() and not out.is_dir():
            raise SweepError(f"--out {out} is a file; give a directory.")
        if self.search == "tpe" and (out / "optuna.journal").exists():
            raise SweepError(f"{out} holds an Optuna journal but no sweep.json; remove it.")
        journal.write_config(config)
        return journal, []

    # ------------------------------------------------------------------ run
    def run(
        self,
        X: Any,
        y: Any,
        *,
        feature_names: Sequence[str] | None = None,
        target_name: str | None = None,
        known_task: str | None = None,
    ) -> SweepResult:
        """Run (or resume) the sweep on ``X`` of shape (n_samples, n_features) and ``y``
        of shape (n_samples,).

        Returns
        -------
        SweepResult
        """
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
            raise SweepError(
                f"X must be 2-D and y 1-D with one row each; got X {X.shape} and y {y.shape}."
            )
        if not np.all(np.isfinite(X)):
            raise SweepError("X holds NaN or infinite values; clean or impute them first.")
        task = _infer_task(X, y, self.task, known_task)
        if task == "regression" and y.dtype.kind not in "fiub":
            raise SweepError("the target is not numeric, so it cannot be regressed.")
        try:
            metric = check_metric(self.metric, task)
        except ValueError as exc:
            raise SweepError(str(exc)) from None
        if self.cv and self.cv > len(y):
            raise SweepError(f"--cv {self.cv} needs at least {self.cv} rows; got {len(y)}.")
        out = self.out or Path(tempfile.mkdtemp(prefix="mlpkit-sweep-"))
        config = self._config(X, y, task, metric)
        journal, records = self._open_journal(out, config)
        search = make_search(
            self.search, self.space, self.trials, self.seed, out, records, self.round_size
        )
        n_folds = self.cv or 1
        if records:
            self._say(
                f"resuming {out}: {len(records)} of {self.trials} trials already finished; "
                "they are not run again."
            )
        by_id = {int(r["id"]): r for r in records}
        t0 = time.perf_counter()
        if not search.done:
            self._loop(search, journal, by_id, X, y, task, metric)
        search.close()
        result = self._finish(
            out, list(by_id.values()), metric, n_folds, X, y, task, feature_names, target_name
        )
        self._say(f"sweep took {time.perf_counter() - t0:.1f} s; results in {out}")
        return result

    def _loop(
        self,
        search: Any,
        journal: Journal,
        by_id: dict[int, dict[str, Any]],
        X: np.ndarray,
        y: np.ndarray,
        task: str,
        metric: str,
    ) -> None:
        from .backends import make_backend

        ok = [r["score"] for r in by_id.values() if r.get("status") == "ok"]
        progress = Progress(
            self.trials,
            done=len(by_id),
            failed=sum(r.get("status") != "ok" for r in by_id.values()),
            best=max(ok) if ok else None,
            stream=self.stream,
            enabled=self.verbose,
        )
        backend = make_backend(self.backend, self.workers, self.scheduler, self.threads)
        try:
            backend.start(X, y)
        except OSError as exc:
            raise SweepError(str(exc)) from None
        self._say(f"sweep: {self.trials} {self.search} trials on {backend.description}")
        running: dict[Any, tuple[int, dict[str, Any], int, float]] = {}
        retry: list[tuple[int, dict[str, Any], int]] = []
        capacity, checked = backend.capacity, time.perf_counter()
        try:
            while True:
                if time.perf_counter() - checked > 2.0:  # workers may join or leave
                    capacity, checked = backend.capacity, time.perf_counter()
                while len(running) < capacity:
                    if retry:
                        tid, params, attempts = retry.pop(0)
                    else:
                        nxt = search.ask()
                        if nxt is None:
                            break
                        (tid, params), attempts = nxt, 1
                    task_ = make_task(
                        tid, params, task=task, metric=metric, cv=self.cv,
                        val_split=self.val_split, seed=self.seed, threads=self.threads,
                        standardize=self.standardize,
                    )  # fmt: skip
                    running[backend.submit(task_)] = (tid, params, attempts, time.time())
                progress.update(running=len(running))  # after the new submissions
                if not running:
                    break
                for h in backend.wait(list(running), timeout=0.5 if progress.tty else 2.0):
                    tid, params, attempts, started = running.pop(h)
                    kind, value = backend.outcome(h)
                    if kind == "lost" and attempts < MAX_ATTEMPTS:
                        # Its worker died: run it again (in a fresh process).
                        retry.append((tid, params, attempts + 1))
                        continue
                    if kind == "done":
                        rec = dict(value)
                    else:
                        rec = {"id": tid, "status": "failed", "error": str(value)}
                    rec.update(params=params, attempts=attempts, submitted=started,
                               finished=time.time())  # fmt: skip
                    journal.append(rec)  # first the journal, then Optuna: see search.py
                    search.tell(tid, rec)
                    by_id[tid] = rec
                    progress.update(finished=rec, running=len(running), draw=False)
        except KeyboardInterrupt:
            progress.close()
            self._say(
                f"interrupted: {len(by_id)} trials are in the journal; run again with "
                "--resume to finish the sweep."
            )
            raise
        finally:
            backend.close()
        progress.close()

    def _finish(
        self,
        out: Path,
        records: list[dict[str, Any]],
        metric: str,
        n_folds: int,
        X: np.ndarray,
        y: np.ndarray,
        task: str,
        feature_names: Sequence[str] | None,
        target_name: str | None,
    ) -> SweepResult:
        records = sorted(records, key=lambda r: int(r["id"]))
        files = {"results": write_csv(out / "results.csv", records, self.space, n_folds),
                 "journal": out / "journal.jsonl"}  # fmt: skip
        best_list = ranked(records)
        best = best_list[0] if best_list else None
        result = SweepResult(records, best, out, metric, self.space, files=files)
        n_failed = result.n_failed
        if self.verbose:
            print(f"top trials ({metric}, mean ± std over {n_folds} fold"
                  f"{'s' if n_folds > 1 else ''}):")  # fmt: skip
            print(result.table(self.top))
            if n_failed:
                first = next(r for r in records if r.get("status") != "ok")
                self._say(
                    f"{n_failed} trial(s) failed; e.g. trial {first['id']}: {first.get('error')}"
                    " (all errors are in results.csv)"
                )
        if best is None:
            self._say("no trial succeeded, so there is no best model to save.")
            return result
        if self.refit:
            result.model = self._refit(best, X, y, task, feature_names, target_name, metric)
            from ..io import save

            files["model"] = save(result.model, out / "best.mlpkit")
        if self.plot:
            try:
                files["figure"] = plot_sweep(
                    out / "sweep.png", records, self.space, metric,
                    classifier=task == "classification",
                )  # fmt: skip
            except ImportError:
                self._say("note: no figure (matplotlib is missing): pip install 'mlpkit[plot]'")
        self._say("wrote " + ", ".join(str(p.name) for p in files.values()) + f" in {out}")
        return result

    def _refit(
        self,
        best: dict[str, Any],
        X: np.ndarray,
        y: np.ndarray,
        task: str,
        feature_names: Sequence[str] | None,
        target_name: str | None,
        metric: str,
    ) -> Any:
        """The best parameters fitted on all the rows, as a model file's Model."""
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        from ..io import Model, as_model

        spec = {"task": task, "seed": self.seed, "params": best["params"]}
        est = build_estimator(spec, self.threads)
        mean = scale = None
        Xfit = X
        if self.standardize:
            mean, scale = standardizer(X)
            Xfit = (X - mean) / scale
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(Xfit, y)
        m = as_model(est)
        info = dict(m.info)
        info["sweep"] = {
            "trial": int(best["id"]),
            "params": best["params"],
            "metric": metric,
            "score": best["score"],
            "cv": self.cv,
            "val_split": self.val_split,
        }
        return Model(
            m.net,
            task=m.task,
            classes=m.classes,
            x_mean=mean,
            x_scale=scale,
            feature_names=list(feature_names) if feature_names else None,
            target_name=target_name,
            history=m.history,
            info=info,
            ravel=m.ravel,
        )


def sweep(X: Any, y: Any, params: Mapping[str, Any] | Sequence[str], **options: Any) -> SweepResult:
    """Run a sweep in one call: ``Sweep(params, **options).run(X, y)``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from mlpkit.sweep import sweep
    >>> X, y = load_iris(return_X_y=True)
    >>> res = sweep(X, y, {"hidden": [4, 8], "max_iter": 50}, search="grid", cv=2,
    ...             workers=1, verbose=False, plot=False)  # doctest: +SKIP
    >>> res.best_params["hidden"] in ("4", "8")  # doctest: +SKIP
    True
    """
    return Sweep(params, **options).run(X, y)
