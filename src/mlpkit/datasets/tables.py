"""Reading text tables (CSV, TSV, whitespace-separated TXT) cell by cell, so that every
problem names the file, the line (as an editor counts it) and the column.

Used by :func:`mlpkit.datasets.files.load_data`; everything here raises
:class:`ValueError` (:class:`DataSpecError` for a column that does not exist).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

__all__ = [
    "DataSpecError",
    "column_index",
    "column_label",
    "detect_header",
    "is_number",
    "numeric_columns",
    "read_table",
    "sniff_delimiter",
    "target_column",
]


class DataSpecError(ValueError):
    """``--data`` / ``--target`` name something that does not exist (a usage error)."""


def is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def column_label(names: list[str], c: int, header: bool) -> str:
    return f"column {names[c]!r}" if header else f"column {c + 1}"


def detect_header(path: Path, first: list[str], body: list[list[str]]) -> bool:
    """Whether line 1 names the columns.

    It does when some column holds numbers below a non-number on line 1. When only
    label columns have text on line 1, it is a header only if those words occur nowhere
    below while the labels do repeat (``species`` above ``setosa, setosa, ...``); a
    word that occurs again (``setosa``) is data. Anything else is ambiguous and refused.
    """
    sample = body[:200]
    numeric_col = [
        all(is_number(r[j]) or not r[j].strip() for r in sample) for j in range(len(first))
    ]
    if any(numeric_col[j] and first[j] and not is_number(first[j]) for j in range(len(first))):
        return True
    texts = [j for j, c in enumerate(first) if c and not is_number(c)]
    if not texts:
        return False
    below = [{r[j].strip() for r in body} for j in texts]
    if any(first[j] in vals for j, vals in zip(texts, below)):
        return False
    if all(len(vals) < len(body) for vals in below):
        return True
    raise ValueError(
        f"{path}: cannot tell whether line 1 ({', '.join(first[:6])}) names the columns or "
        "holds data: say which with --header or --no-header."
    )


def sniff_delimiter(path: Path, line: str) -> str | None:
    if path.suffix.lower() == ".tsv" or ("\t" in line and "," not in line):
        return "\t"
    if "," in line or path.suffix.lower() == ".csv":
        return ","
    return None  # whitespace-separated (np.savetxt's default)


def read_table(
    path: Path, header: bool | None
) -> tuple[list[str], list[list[str]], list[int], bool]:
    """(column names, rows of cells, each row's line number, whether there was a header)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a text CSV file (cannot decode it as UTF-8).") from None
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = sniff_delimiter(path, first_line)
    rows: list[list[str]] = []
    lines: list[int] = []
    if delimiter is None:
        for n, ln in enumerate(text.splitlines(), start=1):
            if ln.strip():
                rows.append(ln.split())
                lines.append(n)
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for r in reader:
            if r and any(c.strip() for c in r):
                rows.append(r)
                lines.append(reader.line_num)
    if not rows:
        raise ValueError(f"{path}: the file is empty; it needs rows of comma-separated numbers.")
    first = [c.strip() for c in rows[0]]
    for r, n in zip(rows, lines):
        if len(r) != len(first):
            raise ValueError(
                f"{path}: line {n} has {len(r)} cells but line {lines[0]} has {len(first)}. "
                "Every row needs one value per column."
            )
    if header is None:
        header = detect_header(path, first, rows[1:]) if len(rows) > 1 else False
    names = first if header else [str(i) for i in range(len(first))]
    body, body_lines = (rows[1:], lines[1:]) if header else (rows, lines)
    if not body:
        raise ValueError(f"{path}: the file has a header but no data rows.")
    return names, body, body_lines, header


def column_index(target: str, names: list[str], path: Path) -> int:
    if target in names:
        return names.index(target)
    try:
        i = int(target)
    except ValueError:
        i = None
    if i is not None and -len(names) <= i < len(names):
        return i % len(names)
    shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
    raise DataSpecError(
        f"{path}: no column {target!r} for --target; the columns are: {shown} "
        "(or give a 0-based column number)."
    )


def numeric_columns(
    cells: list[list[str]],
    cols: list[int],
    names: list[str],
    path: Path,
    header: bool,
    lines: list[int],
) -> np.ndarray:
    try:  # NumPy parses the strings in C; on failure, find the cell to name
        out = np.array([[row[c] for c in cols] for row in cells], dtype=np.float64)
    except ValueError:
        out = np.empty((len(cells), len(cols)), dtype=np.float64)
        for i, row in enumerate(cells):
            for j, c in enumerate(cols):
                cell = row[c].strip()
                try:
                    out[i, j] = float(cell)
                except ValueError:
                    what = "is empty" if not cell else f"holds {cell!r}, which is not a number"
                    where = column_label(names, c, header)
                    raise ValueError(
                        f"{path}: line {lines[i]}, {where} {what}. Feature columns must be "
                        "numeric: fix or remove that row (only the target column may hold "
                        "labels)."
                    ) from None
    bad = np.argwhere(~np.isfinite(out))
    if bad.size:
        i, j = bad[0]
        raise ValueError(
            f"{path}: line {lines[i]}, {column_label(names, cols[j], header)} holds {out[i, j]}: "
            "NaN and infinite values cannot be fed to a network. Fix or remove that row."
        )
    return out


def target_column(
    body: list[list[str]],
    col: int,
    names: list[str],
    path: Path,
    header: bool,
    lines: list[int],
    task: str,
) -> np.ndarray:
    cells = [r[col].strip() for r in body]
    where = column_label(names, col, header)
    for i, c in enumerate(cells):
        if not c:
            raise ValueError(
                f"{path}: line {lines[i]}, {where} (the target) is empty. Every row needs a "
                "target: fill it in or remove the row."
            )
    numeric = [is_number(c) for c in cells]
    if all(numeric):
        vals = np.array(cells, dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            i = bad[0]
            raise ValueError(
                f"{path}: line {lines[i]}, {where} (the target) holds {cells[i]!r}: NaN and "
                "infinite targets cannot be learned. Fix or remove that row."
            )
        if task != "regression" and np.all(vals == np.round(vals)) and np.all(np.abs(vals) < 2**53):
            return vals.astype(np.int64)
        return vals
    # Mostly numbers with a few words is a typo, not a set of labels: a price column with
    # one "n/a" must not turn into an 80-class classification.
    if task == "regression" or (task != "classification" and sum(numeric) * 2 >= len(cells)):
        i = numeric.index(False)
        raise ValueError(
            f"{path}: line {lines[i]}, {where} (the target) holds {cells[i]!r} among numbers. "
            "Fix that cell, or pass --task classification to treat every value as a label."
        )
    return np.array(cells)
