"""The ``mlpkit`` command: train, evaluate, predict, info, export, reproduce, datasets.

Every failure a shell user can cause (a missing file, an unknown dataset, a wrong target
column, a model whose input width does not match the data, a CSV with a non-numeric cell)
prints ONE line, ``mlpkit: error: <what is wrong>. <what to do>``, and exits non-zero:
2 for usage errors (bad options, names), 1 for everything else. Set ``MLPKIT_DEBUG=1`` to
see the traceback instead.

Each command lives in its own module exposing ``add_parser(subparsers)`` (which sets the
parser's ``func`` default) and a ``run(args) -> int``; :data:`COMMANDS` lists the built-in
ones and :data:`EXTENSIONS` the optional ones, imported only when installed. A new command
is one module plus one line in one of these tuples.

Examples
--------
::

    mlpkit train                                  # digits, 64 hidden ReLU units
    mlpkit train --data rings --hidden 16,16 --activation tanh --out rings.mlpkit --plot plots
    mlpkit train --data houses.csv --target price --out price.mlpkit
    mlpkit evaluate rings.mlpkit --data rings
    mlpkit predict price.mlpkit --data new.csv --out preds.csv
    mlpkit info rings.mlpkit
    mlpkit export rings.mlpkit --onnx rings.onnx
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from types import ModuleType

from ..datasets.files import DataSpecError
from . import datasets, export, models, reproduce, train
from .common import CLIError, Parser

__all__ = ["COMMANDS", "EXTENSIONS", "CLIError", "build_parser", "main"]

#: Built-in command modules, in the order ``mlpkit --help`` lists them.
COMMANDS: tuple[ModuleType, ...] = (train, models, export, reproduce, datasets)

#: Optional command modules (same protocol); skipped when not installed.
EXTENSIONS: tuple[str, ...] = ("mlpkit.web.cli", "mlpkit.sweep.cli")


def _extension(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only "this extension is absent" is skipped; a missing dependency *inside* an
        # installed extension is a real error and propagates.
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def _unavailable(sub: argparse._SubParsersAction, name: str, exc: ImportError) -> None:
    """A stand-in for an extension that cannot be imported: ``mlpkit web`` then says why
    (and every other command still works)."""
    cmd = name.split(".")[-2]  # mlpkit.web.cli -> web
    p = sub.add_parser(cmd, help=f"(unavailable: {exc})", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)

    def fail(args: argparse.Namespace) -> int:
        raise CLIError(
            f"`mlpkit {cmd}` is unavailable: {exc}. Install what it needs, e.g. "
            f"pip install 'mlpkit[{cmd}]'."
        )

    p.set_defaults(func=fail)


def build_parser() -> argparse.ArgumentParser:
    """The ``mlpkit`` parser with every built-in and installed command."""
    from .. import __version__

    p = Parser(prog="mlpkit", description="Multi-layer perceptrons from the shell.")
    p.add_argument("--version", action="version", version=f"mlpkit {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    for name in EXTENSIONS:
        try:
            ext = _extension(name)
        except ImportError as exc:  # installed, but a package it needs is not
            _unavailable(sub, name, exc)
            continue
        if ext is None:
            continue
        before = set(sub.choices)
        ext.add_parser(sub)
        for cmd in set(sub.choices) - before:
            if sub.choices[cmd].get_default("func") is None:
                sub.choices[cmd].set_defaults(func=ext.run)
    return p


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:  # type: ignore[no-untyped-def]
    print(f"mlpkit: warning: {str(message).splitlines()[0]}", file=sys.stderr)


def _quiet_pipe() -> int:
    """The reader of standard output went away (``mlpkit predict ... | head``): stop
    without a traceback, and without a second error when Python flushes at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 128 + 13  # what a shell reports for a process ended by SIGPIPE, as `seq` is


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 error, 2 usage error,
    130 interrupted, 141 output pipe closed).

    Warnings print as one ``mlpkit: warning:`` line; NumPy's floating-point warnings
    (overflow in a matmul, ...) are not printed at all: the engine reports what they
    lead to (divergence, non-finite values) in words.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.showwarning = _one_line_warning
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    from ..io import ModelFileError

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = bool(os.environ.get("MLPKIT_DEBUG"))
    try:
        parser = build_parser()
        if not argv:
            parser.print_help()
            return 2
        if argv[0] == "reproduce":
            # Forwarded untouched: argparse's REMAINDER would swallow a leading --help.
            return reproduce.run(argparse.Namespace(rest=argv[1:]))
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        code = int(args.func(args))
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except BrokenPipeError:
        return _quiet_pipe()
    except CLIError as exc:
        if debug:
            raise
        print(f"mlpkit: error: {exc}", file=sys.stderr)
        return exc.code
    except DataSpecError as exc:  # a name that refers to nothing: a usage error
        if debug:
            raise
        print(f"mlpkit: error: {exc}", file=sys.stderr)
        return 2
    except (ModelFileError, ValueError, OSError) as exc:
        if debug:
            raise
        print(f"mlpkit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mlpkit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a last resort: one line, not a traceback
        if debug:
            raise
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"mlpkit: error: {msg} (set MLPKIT_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1
