"""``mlpkit sweep``: a hyperparameter sweep from the shell.

Examples
--------
::

    mlpkit sweep --data digits --param hidden=8,16,32x32 --param lr=log:1e-4:1e-1 \\
        --param alpha=0,1e-4,1e-2 --search random --trials 30 --cv 3 --out runs/digits
    mlpkit sweep ... --out runs/digits --resume             # after an interruption
    mlpkit sweep ... --backend dask --workers 4             # a local Dask cluster
    mlpkit sweep ... --scheduler tcp://10.0.0.5:8786        # a running Dask cluster
"""

from __future__ import annotations

import argparse
from typing import Any

from .space import PARAMETERS

__all__ = ["add_parser", "run"]

_EPILOG = (
    "parameters: "
    + ", ".join(PARAMETERS)
    + ". Values: a list a,b,c; log:LO:HI[:N]; uniform:LO:HI[:N]; int:LO:HI "
    "(N = grid points, default 5). Hidden layouts: 8, 32x32, 0 (none). Output in --out: "
    "results.csv, journal.jsonl, best.mlpkit, sweep.png. See docs/sweep.md."
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sweep`` command to the ``mlpkit`` parser's subparsers."""
    s = subparsers.add_parser(
        "sweep",
        help="hyperparameter search (grid, random, TPE) locally or on a Dask cluster",
        description="Fit MLPClassifier / MLPRegressor for each trial, score it by "
        "cross-validation, journal every result, and save the best model.",
        epilog=_EPILOG,
    )
    s.add_argument(
        "--data",
        required=True,
        help="built-in dataset name (see `mlpkit datasets`) or a .csv/.npy/.npz file",
    )
    s.add_argument("--target", help="target column of a file (default: the last column)")
    s.add_argument("--task", choices=["auto", "classification", "regression"], default="auto")
    s.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="NAME=VALUES",
        help="a parameter and its values, e.g. hidden=8,16,32x32 or lr=log:1e-4:1e-1 "
        "(repeat for each parameter)",
    )
    s.add_argument("--search", choices=["grid", "random", "tpe"], default="random")
    s.add_argument("--trials", type=int, help="number of trials (default 20; grid: the whole grid)")
    split = s.add_mutually_exclusive_group()
    split.add_argument("--cv", type=int, metavar="K", help="K-fold cross-validation (default 3)")
    split.add_argument(
        "--val-split", type=float, metavar="F", help="hold out this fraction instead of CV"
    )
    s.add_argument(
        "--metric",
        help="scikit-learn scorer name, or mse, rmse, mae, log_loss (default: accuracy / r2)",
    )
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", required=True, metavar="DIR", help="output directory")
    s.add_argument(
        "--backend",
        choices=["local", "dask"],
        help="local worker processes (default) or Dask (needs mlpkit[dist])",
    )
    where = s.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes (local), or the size of a local Dask cluster to start",
    )
    where.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler (implies dask)"
    )
    s.add_argument("--resume", action="store_true", help="continue the sweep in --out")
    s.add_argument("--threads", type=int, default=1, help="BLAS threads per trial (default 1)")
    s.add_argument(
        "--round-size", type=int, default=8, help="TPE: trials proposed at a time (default 8)"
    )
    s.add_argument(
        "--no-standardize",
        dest="standardize",
        action="store_false",
        help="feed raw inputs (default: standardise with each training fold's mean and std)",
    )
    s.add_argument("--top", type=int, default=5, help="rows of the top-trials table")
    s.add_argument("--no-plot", dest="plot", action="store_false", help="skip sweep.png")
    s.add_argument("--quiet", action="store_true", help="no progress line")
    s.set_defaults(func=run)
    return s


def run(args: argparse.Namespace) -> int:
    """Run ``mlpkit sweep``; errors are the CLI's one-line ``CLIError``."""
    from ..cli.common import as_cli_error, importable
    from ..datasets.files import load_data
    from .driver import Sweep
    from .space import SweepError

    with as_cli_error(SweepError):
        # Without matplotlib the sweep runs all the same, with no sweep.png.
        plot = args.plot and importable("matplotlib")
        sweep = Sweep(
            args.param,
            search=args.search,
            trials=args.trials,
            cv=args.cv,
            val_split=args.val_split,
            metric=args.metric,
            seed=args.seed,
            out=args.out,
            backend=args.backend,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            task=args.task,
            threads=args.threads,
            standardize=args.standardize,
            round_size=args.round_size,
            plot=plot,
            verbose=not args.quiet,
            top=args.top,
        )
        data = load_data(args.data, args.target, need_target=True)
        assert data.y is not None
        result = sweep.run(
            data.X,
            data.y,
            feature_names=data.feature_names,
            target_name=data.target_name,
            known_task=data.task,
        )
    if args.quiet:
        print(result.table(args.top))
    return 0 if result.best is not None else 1
