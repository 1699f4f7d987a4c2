"""The one CSV writer for files people open in Excel or WPS: no cell runs as a formula.

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read by spreadsheets
as a formula (CSV injection: `=HYPERLINK(...)` in a column name comes back as a live link), so such
a cell is written with a leading apostrophe, which spreadsheets show as text and do not display.
Numbers stay numbers. Every CSV the hub hands out — the catalog's rejects report, the appeal
import's rejects, the audit export — is written here.

`bom=True` starts the output with a UTF-8 byte-order mark, which Excel needs to read UTF-8 Chinese
text correctly; use it where the file is meant for Excel.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell as written: text that a spreadsheet would run as a formula gets a leading apostrophe.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-2"), safe_cell("@SUM(A1)"), safe_cell("\\tx")
    ('\\'=HYPERLINK("http://x")', "'-2", "'@SUM(A1)", "'\\tx")
    >>> safe_cell(-2), safe_cell(None), safe_cell("身份证号"), safe_cell(True)
    (-2, '', '身份证号', 'True')
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Line:
    """A file-like sink that hands back what csv.writer writes, one row at a time."""

    def write(self, value: str) -> str:
        return value


def lines(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = False) -> Iterator[str]:
    """The CSV text of `header` then `rows`, one line at a time (for streaming responses)."""
    writer = csv.writer(_Line())
    yield (BOM if bom else "") + writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def text(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = False) -> str:
    """The whole CSV as one string.

    >>> text(["line", "column"], [[2, "=1+1"]])
    "line,column\\r\\n2,'=1+1\\r\\n"
    """
    out = io.StringIO()
    for line in lines(header, rows, bom=bom):
        out.write(line)
    return out.getvalue()


def write(path: str | os.PathLike[str], header: Sequence[Any], rows: Iterable[Sequence[Any]], *,
          bom: bool = True) -> None:
    """Write a CSV file (UTF-8, with a BOM for Excel unless `bom=False`)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        for line in lines(header, rows, bom=bom):
            f.write(line)
