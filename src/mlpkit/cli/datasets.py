"""``mlpkit datasets``: the built-in datasets, one line each."""

from __future__ import annotations

import argparse

from ..datasets import registry

__all__ = ["add_parser", "run"]


def run(args: argparse.Namespace) -> int:
    for name in registry.available():
        spec = registry.DATASETS[name]
        print(f"{name:<14} {spec.task:<15} {spec.description}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("datasets", help="list the built-in datasets")
    d.set_defaults(func=run)
