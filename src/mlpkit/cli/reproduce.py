"""``mlpkit reproduce``: forwarded to :func:`mlpkit.experiments.cli_main`."""

from __future__ import annotations

import argparse

from .common import CLIError

__all__ = ["add_parser", "run"]


def run(args: argparse.Namespace) -> int:
    """Forward ``args.rest`` to the lecture experiments' own command line."""
    try:
        from ..experiments import cli_main
    except ImportError as exc:
        raise CLIError(
            f"`mlpkit reproduce` is not available in this installation ({exc}); it needs "
            "mlpkit.experiments.cli_main. Reinstall mlpkit."
        ) from None
    result = cli_main(list(args.rest))
    return int(result or 0)


def add_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "reproduce", help="reproduce a lecture experiment (mlpkit.experiments)", add_help=False
    )
    r.add_argument("rest", nargs=argparse.REMAINDER)
    r.set_defaults(func=run)
