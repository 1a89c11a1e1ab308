"""docs/cli.md's shown sessions are reproducible: each ``$ command`` is run and its
output compared line by line (elapsed times masked)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from .conftest import cli_env

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
TIME = re.compile(r"\(\d+\.\ds\)")


def _sessions(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every ``$ `` line of a fenced block."""
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^```\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out and block.lstrip().startswith("$ "):
                out[-1][1].append(line)
    return out


def test_cli_md_sessions_reproduce(tmp_path):
    sessions = _sessions(DOC.read_text())
    assert len(sessions) >= 5  # train, evaluate, predict...
    shim = tmp_path / "bin" / "mlpkit"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mlpkit "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = cli_env()
    env["PATH"] = str(shim.parent) + os.pathsep + env["PATH"]
    work = tmp_path / "work"
    work.mkdir()
    for command, expected in sessions:
        proc = subprocess.run(["bash", "-c", command + " 2>&1"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        # "loading ..." appears only when loading takes over half a second (a busy machine).
        got = [TIME.sub("(T)", ln) for ln in proc.stdout.splitlines()
               if not ln.startswith("loading   ")]  # fmt: skip
        assert got == [TIME.sub("(T)", ln) for ln in expected], command
