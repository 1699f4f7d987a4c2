"""Delimited text files: dialect, header and the mapping from parsed rows back to physical lines.

We read the header ourselves (to name duplicates precisely and to give DuckDB an explicit
dialect: its sniffer gives up on small messy files), then DuckDB parses the body in bulk.
DuckDB numbers rejected rows by record, not by physical line, and keeps no row positions for rows
it accepts, so physical lines are recovered here from byte offsets and record ordinals.
"""

from __future__ import annotations

import bisect
import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from zhongshu.core.errors import InvalidInput

_DELIMITERS = (",", "\t", ";", "|")
_SAMPLE = 256 << 10


@dataclass(frozen=True)
class Header:
    """The header row of a delimited file and the delimiter it uses."""

    names: list[str]
    delimiter: str


def _rows(text: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    out: list[list[str]] = []
    try:
        for row in reader:
            if row:
                out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def sniff_delimiter(sample: str, candidates: tuple[str, ...] = _DELIMITERS) -> str:
    """Pick the delimiter whose header has most fields and whose rows agree with it.

    >>> sniff_delimiter("a;b;c\\n1;2;3\\n")
    ';'
    >>> sniff_delimiter("姓名,年龄\\n张三,30\\n")
    ','
    """
    if "\n" in sample:  # the last line of a sample may be cut short
        sample = sample[: sample.rindex("\n") + 1]
    best, best_score = ",", (-1.0, 0)
    for d in candidates:
        rows = _rows(sample, d)
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:] or rows
        agree = sum(1 for r in body if len(r) == width) / len(body)
        score = (agree, width)
        if score > best_score:
            best, best_score = d, score
    return best


def read_header(path: str | os.PathLike[str], delimiter: str | None = None) -> Header:
    """Read and check the header of a UTF-8 delimited file: no empty file, no duplicate names."""
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        sample = f.read(_SAMPLE)
    if not sample.strip().strip("\ufeff"):
        raise InvalidInput(
            "file",
            f"{Path(path).name} is empty",
            hint="choose the file that holds the data, with a header row",
        )
    if delimiter is None:
        delimiter = sniff_delimiter(sample)
    rows = _rows(sample, delimiter, limit=1)
    raw = rows[0] if rows else []
    names = [n.strip().lstrip("\ufeff").strip() for n in raw]
    return Header(check_names(names, where=f"{Path(path).name} line 1"), delimiter)


def check_names(names: list[str], *, where: str) -> list[str]:
    """Name blank header cells `column_N` and refuse duplicate names, saying which.

    >>> check_names(["a", "", "b"], where="x")
    ['a', 'column_2', 'b']
    """
    names = [n if n else f"column_{i + 1}" for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    dups: list[str] = []
    for i, name in enumerate(names):
        key = name.casefold()  # DuckDB column names are case-insensitive
        if key in seen:
            dups.append(f"{name!r} (columns {seen[key] + 1} and {i + 1})")
        else:
            seen[key] = i
    if dups:
        raise InvalidInput(
            "header",
            f"{where}: duplicate column names: {', '.join(dups)}",
            hint="rename the columns so that each name appears once, then load again",
        )
    return names


def lines_at_offsets(
    path: str | os.PathLike[str], offsets: list[int], chunk: int = 8 << 20
) -> dict[int, int]:
    """Map byte offsets to 1-based line numbers by counting newlines in one streaming pass."""
    wanted = sorted(set(offsets))
    out: dict[int, int] = {}
    if not wanted:
        return out
    newlines = pos = 0
    i = 0
    with open(path, "rb") as f:
        while i < len(wanted):
            block = f.read(chunk)
            if not block:
                break
            end = pos + len(block)
            while i < len(wanted) and wanted[i] <= end:
                out[wanted[i]] = newlines + block.count(b"\n", 0, wanted[i] - pos) + 1
                i += 1
            newlines += block.count(b"\n")
            pos = end
    for off in wanted[i:]:
        out[off] = newlines + 1
    return out


def lines_for_ordinals(
    path: str | os.PathLike[str],
    ordinals: list[int],
    rejected_lines: list[int],
    *,
    regular: bool,
    delimiter: str,
) -> dict[int, int]:
    """Physical start line of the accepted rows with these 0-based ordinals.

    `regular` says every line after the header is one record (no blank lines, no quoted line
    breaks): then line numbers follow from the ordinals and the rejected lines alone. Otherwise a
    csv-module pass over the file finds where each record starts.
    """
    wanted = sorted(set(ordinals))
    if not wanted:
        return {}
    rejected = sorted(set(rejected_lines))
    out: dict[int, int] = {}
    if regular:
        # The k-th accepted row is the k-th data line (from line 2) that is not rejected.
        for k in wanted:
            line = k + 2
            while True:
                skipped = bisect.bisect_right(rejected, line)
                candidate = k + 2 + skipped
                if candidate == line:
                    break
                line = candidate
            out[k] = line
        return out
    rejected_set = set(rejected)
    targets = iter(wanted)
    target = next(targets, None)
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        next(reader, None)  # header
        start = reader.line_num + 1
        ordinal = 0
        for row in reader:
            if row and start not in rejected_set:
                if ordinal == target:
                    out[ordinal] = start
                    target = next(targets, None)
                    if target is None:
                        break
                ordinal += 1
            start = reader.line_num + 1
    return out
