"""Hyperparameter sweeps: ``mlpkit sweep`` and :class:`Sweep`.

On one machine the trials run in local worker processes; on a Dask cluster (the
``[dist]`` extra) with ``backend="dask"``. Every finished trial is journalled in the
output directory, so an interrupted sweep resumes where it stopped. See docs/sweep.md.

>>> from mlpkit.sweep import Sweep
>>> Sweep({"hidden": [8, "32x32"], "lr": "log:1e-4:1e-1"}, search="random", trials=4)
Sweep(hidden=8,32x32, lr=log:0.0001:0.1:5; random, 4 trials, local)
"""

from __future__ import annotations

from .driver import Sweep, SweepResult, sweep
from .space import PARAMETERS, SweepError, parse_param

__all__ = ["PARAMETERS", "Sweep", "SweepError", "SweepResult", "parse_param", "sweep"]
