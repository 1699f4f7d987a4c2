"""Delimited text files: dialect, header and the mapping from parsed rows back to physical lines.

We read the header ourselves (to name duplicates precisely and to give DuckDB an explicit
dialect: its sniffer gives up on small messy files), then DuckDB parses the body in bulk.
DuckDB numbers rejected rows by record, not by physical line, and keeps no row positions for rows
it accepts, so physical lines are recovered here from byte offsets and record ordinals.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.limits import refuse

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


def read_header(
    path: str | os.PathLike[str], delimiter: str | None = None, *, max_columns: int | None = None
) -> Header:
    """Read and check the header of a UTF-8 delimited file: not empty, quotes that close, no more
    than `max_columns` names, no duplicate names."""
    name = Path(path).name
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        sample = f.read(_SAMPLE)
        truncated = bool(f.read(1))
    return _header(sample, truncated, name, delimiter, max_columns)


def peek_header(
    path: str | os.PathLike[str], encoding: str, delimiter: str | None = None, *, max_columns: int | None = None
) -> Header | None:
    """`read_header` on the start of a file in any encoding, without transcoding it first (the upload
    page's check: a header that cannot load is refused before anything is kept), and also refuse a
    small file that holds the header alone. None when the start does not decode: the loader then
    says where and how to fix that (`encoding.decode_error`), better than a garbled header would."""
    name = Path(path).name
    with open(path, "rb") as f:
        raw = f.read(_SAMPLE)
        truncated = bool(f.read(1))
    try:
        sample = codecs.getincrementaldecoder(encoding)("strict").decode(raw, final=not truncated)
    except (UnicodeDecodeError, LookupError):
        return None
    sample = sample.replace("\r\n", "\n").replace("\r", "\n")
    header = _header(sample, truncated, name, delimiter, max_columns)
    if not truncated and not any(r and any(v.strip() for v in r) for r in _rows(sample, header.delimiter)[1:]):
        raise InvalidInput("file", f"{name} has a header row but no data rows",
                           hint="add data rows below the header, or choose another file")
    return header


def _header(sample: str, truncated: bool, name: str, delimiter: str | None, max_columns: int | None) -> Header:
    if not sample.strip().strip("\ufeff"):
        raise InvalidInput(
            "file",
            f"{name} is empty",
            hint="choose the file that holds the data, with a header row",
        )
    if truncated and "\n" not in sample:
        raise InvalidInput(
            "header",
            f"{name} line 1: the header line is longer than {_SAMPLE >> 10} KB",
            hint="check that line 1 holds the column names (a header with a huge name or thousands of "
            "columns is not a table the hub can load); split or re-export the file",
        )
    if delimiter is None:
        delimiter = sniff_delimiter(sample)
    raw = _header_record(sample, delimiter, name)
    if max_columns is not None and len(raw) > max_columns:
        raise refuse("columns", f"{name} line 1: the number of columns", str(len(raw)), str(max_columns),
                     "max_columns", hint="load fewer columns per file (split the table by columns)")
    names = [n.strip().lstrip("\ufeff").strip() for n in raw]
    return Header(check_names(names, where=f"{name} line 1"), delimiter)


def _stray_quote(first_line: str, delimiter: str, name: str, index: int | None = None) -> InvalidInput:
    """The error for a header whose quotes do not close: which column, and how to fix it."""
    pos = first_line.find('"') if index is None else index
    column = first_line.count(delimiter, 0, max(pos, 0)) + 1
    return InvalidInput(
        "header",
        f"{name} line 1, column {column}: a stray double quote (\") in the header; the reader would take "
        "the rest of the file as one value",
        hint='remove the quote from the column name, or write the whole name in double quotes with the inner '
        'quote doubled (e.g. "a""b"), then load again',
    )


def _header_record(sample: str, delimiter: str, name: str) -> list[str]:
    """The first record of the sample, parsed strictly: a quote that does not close is an error here,
    not a file that silently has no data rows."""
    first_line = sample.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
    try:
        record = next(reader, [])
    except csv.Error:
        raise _stray_quote(first_line, delimiter, name) from None
    if reader.line_num > 1:
        # A quoted name may hold a line break; one that also holds a delimiter swallowed whole rows.
        for i, value in enumerate(record):
            if "\n" in value and delimiter in value:
                raise _stray_quote(first_line, delimiter, name, index=_nth_field_start(first_line, delimiter, i))
    return record


def _nth_field_start(line: str, delimiter: str, n: int) -> int:
    pos = 0
    for _ in range(n):
        nxt = line.find(delimiter, pos)
        if nxt < 0:
            break
        pos = nxt + 1
    return pos


def check_names(names: list[str], *, where: str) -> list[str]:
    """Name blank header cells `column_N` and refuse duplicate names or NUL bytes, saying which.

    >>> check_names(["a", "", "b"], where="x")
    ['a', 'column_2', 'b']
    """
    names = [n if n else f"column_{i + 1}" for i, n in enumerate(names)]
    nul = [str(i + 1) for i, n in enumerate(names) if "\x00" in n]
    if nul:
        raise InvalidInput(
            "header",
            f"{where}: the names of columns {', '.join(nul)} hold NUL bytes (\\0)",
            hint="the file may be UTF-16 text or not a table at all: save it as UTF-8 CSV and load again",
        )
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
