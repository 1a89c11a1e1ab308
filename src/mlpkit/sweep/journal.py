"""The sweep's journal: one JSON line per finished trial, appended as it finishes.

``OUT/sweep.json`` holds the sweep's configuration (written once, atomically);
``OUT/journal.jsonl`` one line per finished trial, each written with a single
``write`` and ``fsync`` so that a driver killed at any moment leaves every earlier line
intact. A torn last line (the kill hit mid-write) is ignored on reading: that trial is
simply run again. ``--resume`` reads the journal and skips the trials it holds.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

__all__ = ["Journal"]

CONFIG = "sweep.json"
JOURNAL = "journal.jsonl"


def _clean(v: Any) -> Any:
    """NaN and infinities as null: JSON has no NaN."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


class Journal:
    """Append-only record of finished trials in directory ``out``."""

    def __init__(self, out: str | os.PathLike[str]):
        self.dir = Path(out)
        self.config_path = self.dir / CONFIG
        self.path = self.dir / JOURNAL

    def exists(self) -> bool:
        return self.config_path.exists()

    def read_config(self) -> dict[str, Any]:
        return json.loads(self.config_path.read_text())

    def write_config(self, config: dict[str, Any]) -> None:
        from ..io import atomic_write_bytes

        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.config_path, json.dumps(config, indent=2).encode())

    def records(self) -> list[dict[str, Any]]:
        """Every complete trial record, in the order written (last one wins per id)."""
        if not self.path.exists():
            return []
        out: dict[int, dict[str, Any]] = {}
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                if not line.endswith("\n"):
                    break  # torn by a kill mid-write
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(rec, dict) and "id" in rec:
                    out[int(rec["id"])] = rec
        return list(out.values())

    def append(self, record: dict[str, Any]) -> None:
        """Write one trial's record durably (one write, then fsync)."""
        line = json.dumps(_clean(record), separators=(",", ":")) + "\n"
        # A torn line left by a killed driver would swallow this one: start a fresh line.
        prefix = ""
        if self.path.exists() and self.path.stat().st_size:
            with open(self.path, "rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    prefix = "\n"
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(prefix + line)
            fh.flush()
            os.fsync(fh.fileno())
