"""Helpers for the command-line tests: run ``mlpkit`` in this process or a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlpkit.cli import main

SRC = str(Path(__file__).resolve().parents[2] / "src")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys, monkeypatch) -> Callable[..., Result]:
    """``cli(*args, cwd=DIR)``: the real ``main`` in this process (fast), its exit code
    and what it printed."""

    def run(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["OPENBLAS_NUM_THREADS"] = "1"
    env.pop("MLPKIT_DEBUG", None)
    return env


@pytest.fixture
def cli_proc() -> Callable[..., subprocess.CompletedProcess]:
    """``cli_proc(*args, cwd=DIR)``: ``python -m mlpkit`` in a subprocess."""

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "mlpkit", *args],
            cwd=cwd,
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


def one_line_error(result, code: int, *needles: str) -> str:
    """Assert exit ``code``, no traceback and one ``mlpkit: error:`` line holding every
    needle; return that line."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlpkit: error: "), result.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]
