"""Stream XLSX sheets and JSON/JSONL records into one staged form DuckDB reads in bulk.

The staged form is a Parquet file whose columns are the source's columns as text plus `__line`,
the 1-based row (XLSX) or line (JSON) in the original file, so rejects point at the right place.
Rows are written in batches of `BATCH` and never all held at once.

The load limits (`ingest.limits`) apply while staging: a workbook is checked from its zip
directory before openpyxl opens it, too many columns or rows stop the staging at once, and a row
with a value over the cell limit, a NUL byte, or (JSON) nesting deeper than allowed becomes a
reject with its line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pyarrow as pa
import pyarrow.parquet as pq

from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.containers import check_xlsx, sheet_names
from zhongshu.ingest.csvfile import check_names
from zhongshu.ingest.limits import LimitExceeded, Limits, refuse, setting_of, size_text
from zhongshu.ingest.model import Reject

LINE = "__line"
BATCH = 50_000


@dataclass
class Staged:
    """A staged Parquet file, its column names, and rows that could not even be staged."""

    path: str
    columns: list[str]
    rows: int
    rejects: list[Reject] = field(default_factory=list)


def cell_text(value: object) -> str | None:
    """Render a cell as text the way a person reads it (no float noise, ISO dates).

    >>> cell_text(3.0), cell_text(2.5), cell_text(dt.datetime(2024, 1, 2)), cell_text(True)
    ('3', '2.5', '2024-01-02', 'true')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        return value if value.strip() else None
    return json.dumps(value, ensure_ascii=False)


class _Writer:
    """Batches text rows into a Parquet file with a `__line` column."""

    def __init__(self, path: str, columns: list[str]) -> None:
        self.path = path
        self.columns = columns
        fields = [pa.field(LINE, pa.int64())] + [pa.field(c, pa.string()) for c in columns]
        self.schema = pa.schema(fields)
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.lines: list[int] = []
        self.cols: list[list[str | None]] = [[] for _ in columns]
        self.rows = 0

    def add(self, line: int, values: list[str | None]) -> None:
        self.lines.append(line)
        for col, v in zip(self.cols, values, strict=True):
            col.append(v)
        if len(self.lines) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        arrays = [pa.array(self.lines, pa.int64())] + [pa.array(c, pa.string()) for c in self.cols]
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.rows += len(self.lines)
        self.lines = []
        self.cols = [[] for _ in self.columns]

    def close(self) -> None:
        self.flush()
        self.writer.close()


def list_sheets(path: str | os.PathLike[str], limits: Limits | None = None) -> list[str]:
    """Names of the worksheets in an XLSX workbook, in workbook order (no cell is read)."""
    check_xlsx(path, limits or Limits())
    return sheet_names(path)


def _open_workbook(path: str | os.PathLike[str], limits: Limits):  # -> openpyxl Workbook
    import zipfile

    from openpyxl import load_workbook

    check_xlsx(path, limits)  # before openpyxl reads the shared strings into memory
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError) as exc:
        raise InvalidInput(
            "file",
            f"{Path(path).name} is not a readable XLSX workbook ({type(exc).__name__})",
            hint="open it in Excel or WPS and save it again as .xlsx (old .xls files must be re-saved)",
        ) from None


def _cell_problem(text: str | None, limits: Limits) -> str | None:
    """Why a staged cell cannot load (too large, a NUL byte), or None."""
    if text is None:
        return None
    if len(text) * 3 > limits.max_cell_bytes and len(text.encode("utf-8")) > limits.max_cell_bytes:
        return cell_too_large(len(text.encode("utf-8")), limits)
    if "\x00" in text:
        return NUL_REASON
    return None


NUL_REASON = "contains a NUL byte (\\0); rows with NUL bytes are not loaded"


def cell_too_large(size: int, limits: Limits) -> str:
    """The reject reason for a value over the cell limit.

    >>> cell_too_large(50 << 20, Limits())
    'value is 50.0 MB, over the limit of 1.0 MB (ZHONGSHU_LOAD_MAX_CELL_KB)'
    """
    return (f"value is {size_text(size)}, over the limit of {size_text(limits.max_cell_bytes)} "
            f"({setting_of('max_cell_bytes')})")


def _too_many_rows(name: str, limits: Limits) -> LimitExceeded:
    return refuse("file", f"{name}: the number of rows", None, str(limits.max_rows), "max_rows")


def _check_width(width: int, where: str, limits: Limits) -> None:
    if width > limits.max_columns:
        raise refuse("columns", f"{where}: the number of columns", str(width), str(limits.max_columns),
                     "max_columns", hint="load fewer columns per file (split the table by columns)")


def stage_xlsx(
    path: str | os.PathLike[str], dst: str, sheet: str | None = None, limits: Limits | None = None
) -> Staged:
    """Stream one sheet (the first when `sheet` is None) to a staged Parquet file."""
    limits = limits or Limits()
    wb = _open_workbook(path, limits)
    try:
        return _stage_sheet(wb, path, dst, sheet, limits)
    except (ElementTree.ParseError, ValueError, KeyError) as exc:
        # openpyxl parses the sheet lazily, while we stream it: a damaged part shows up here
        raise InvalidInput(
            "file",
            f"{Path(path).name}: the workbook is damaged ({type(exc).__name__} while reading its cells)",
            hint="open it in Excel or WPS and save it again as .xlsx",
        ) from None
    finally:
        wb.close()


def _stage_sheet(wb, path: str | os.PathLike[str], dst: str, sheet: str | None, limits: Limits) -> Staged:
    """Stage one sheet of an open workbook (the caller closes it)."""
    if sheet is None:
        ws = wb.worksheets[0]
    elif sheet in wb.sheetnames:
        ws = wb[sheet]
    else:
        raise InvalidInput(
            "sheet",
            f"{Path(path).name} has no sheet {sheet!r}",
            hint=f"choose one of: {', '.join(wb.sheetnames)}",
        )
    rows = ws.iter_rows(values_only=True)
    header: list[str] | None = None
    header_line = 0
    for line, values in enumerate(rows, start=1):
        texts = [cell_text(v) for v in values]
        if any(t is not None for t in texts):
            header, header_line = [t.strip() if t else "" for t in texts], line
            break
    if header is None:
        raise InvalidInput(
            "file",
            f"sheet {ws.title!r} of {Path(path).name} is empty",
            hint="choose the sheet that holds the data",
        )
    while header and not header[-1]:
        header.pop()
    where = f"{Path(path).name} sheet {ws.title!r} row {header_line}"
    _check_width(len(header), where, limits)
    names = check_names(header, where=where)
    width = len(names)
    writer = _Writer(dst, names)
    rejects: list[Reject] = []
    try:
        for line, values in enumerate(rows, start=header_line + 1):
            texts = [cell_text(v) for v in values]
            if not any(t is not None for t in texts):
                continue  # blank rows are layout, not data
            if len(texts) > width and any(t is not None for t in texts[width:]):
                rejects.append(
                    Reject(line, "", f"expected {width} columns, found values beyond column {width}")
                )
                continue
            texts = (texts + [None] * width)[:width]
            bad = [(names[i], why) for i, t in enumerate(texts) if (why := _cell_problem(t, limits))]
            if bad:
                rejects += [Reject(line, col, why) for col, why in bad]
                continue
            if writer.rows + len(writer.lines) >= limits.max_rows:
                raise _too_many_rows(Path(path).name, limits)
            writer.add(line, texts)
    finally:
        writer.close()
    return Staged(dst, names, writer.rows, rejects)


# What a JSON record that could not be read becomes (a reject reason), besides invalid JSON.
_TOO_DEEP = "nested deeper than the limit"
_TOO_BIG = "record larger than the limit"


def _depth_ok(value: object, limit: int) -> bool:
    """True when `value` nests lists/objects at most `limit` deep, the record itself being 1
    (checked iteratively: a deep value must not exhaust the stack here too).

    >>> _depth_ok({"a": [1]}, 2), _depth_ok({"a": [[1]]}, 2)
    (True, False)
    """
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            v = list(v.values())
        elif not isinstance(v, list):
            continue
        if d > limit:
            return False
        stack.extend((x, d + 1) for x in v if isinstance(x, (dict, list)))
    return True


def _decode_record(text: str, limits: Limits) -> object | None:
    """One JSON record, a `_Bad` reason when it nests too deep, or None when it is not JSON."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    except RecursionError:
        return _Bad(_TOO_DEEP)
    return value if _depth_ok(value, limits.max_json_depth) else _Bad(_TOO_DEEP)


class _Bad(str):
    """A reject reason standing in for a record that was read but cannot load."""


def _jsonl_records(path: str | os.PathLike[str], limits: Limits) -> Iterator[tuple[int, object | None]]:
    with open(path, encoding="utf-8-sig") as f:
        line = 0
        while True:
            text = f.readline(limits.max_json_record_bytes + 1)
            if not text:
                return
            line += 1
            if len(text) > limits.max_json_record_bytes and not text.endswith("\n"):
                while (rest := f.readline(1 << 20)) and not rest.endswith("\n"):
                    pass  # skip the rest of the over-long line without holding it
                yield line, _Bad(_TOO_BIG)
                continue
            if not text.strip():
                continue
            yield line, _decode_record(text, limits)


def _json_array_records(
    path: str | os.PathLike[str], limits: Limits, chunk: int = 1 << 20
) -> Iterator[tuple[int, object | None]]:
    """Stream the elements of a top-level JSON array with the line each starts on."""
    decoder = json.JSONDecoder()
    name = Path(path).name
    with open(path, encoding="utf-8-sig") as f:
        buf = f.read(chunk)
        pos, line, eof = 0, 1, False
        start = len(buf) - len(buf.lstrip())
        line += buf.count("\n", 0, start)
        pos = start
        if buf[pos : pos + 1] != "[":
            raise InvalidInput(
                "file",
                f"{name}: JSON must be an array of objects or one object per line",
                hint="export the data as a JSON array or as JSON lines",
            )
        pos += 1
        while True:
            # Skip whitespace and one comma between elements.
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n,":
                    if buf[pos] == "\n":
                        line += 1
                    pos += 1
                if pos < len(buf) or eof:
                    break
                buf, pos = f.read(chunk), 0
                eof = not buf
            if pos >= len(buf):
                raise InvalidInput(
                    "file",
                    f"{name}: the JSON array is not closed (line {line})",
                    hint="the file may be cut short; export it again",
                )
            if buf[pos] == "]":
                return
            if len(buf) - pos > limits.max_json_record_bytes:
                raise refuse("file", f"{name}: the JSON record starting at line {line}", None,
                             size_text(limits.max_json_record_bytes), "max_json_record_bytes",
                             hint="write one record per line (JSON lines), or split the record")
            try:
                value, end = decoder.raw_decode(buf, pos)
            except RecursionError:
                raise refuse("file", f"{name}: the nesting of the JSON record starting at line {line}", None,
                             f"{limits.max_json_depth} levels", "max_json_depth",
                             hint="flatten the records into columns") from None
            except json.JSONDecodeError as exc:
                if not eof:
                    more = f.read(chunk)
                    eof = not more
                    buf = buf[pos:] + more
                    pos = 0
                    continue
                raise InvalidInput(
                    "file",
                    f"{name}: invalid JSON at line {line + buf.count(chr(10), pos, exc.pos)}, column {exc.colno}",
                    hint="fix the JSON syntax there, or export the data again",
                ) from None
            if end == len(buf) and not eof:
                # A number may continue in the next chunk: decode again with more text.
                more = f.read(chunk)
                eof = not more
                buf = buf[pos:] + more
                pos = 0
                continue
            yield line, (value if _depth_ok(value, limits.max_json_depth) else _Bad(_TOO_DEEP))
            line += buf.count("\n", pos, end)
            pos = end


def stage_json(path: str | os.PathLike[str], dst: str, *, lines: bool, limits: Limits | None = None) -> Staged:
    """Stream JSON lines or a JSON array of objects to a staged Parquet file.

    Columns are the keys in first-seen order among the first records; later new keys are
    reported as rejects rather than silently dropped.
    """
    limits = limits or Limits()
    records = _jsonl_records(path, limits) if lines else _json_array_records(path, limits)
    name = Path(path).name
    pending: list[tuple[int, object | None]] = []
    keys: dict[str, None] = {}
    for item in records:
        pending.append(item)
        if isinstance(item[1], dict):
            keys.update(dict.fromkeys(str(k) for k in item[1]))
        if len(pending) >= 1000:
            break
    if not pending:
        raise InvalidInput("file", f"{name} holds no records", hint="choose the file that holds the data")
    if not keys:
        raise InvalidInput(
            "file", f"{name}: records must be JSON objects", hint='write each record as {"column": value, …}'
        )
    _check_width(len(keys), f"{name}: the first records", limits)
    names = check_names([k.strip() for k in keys], where=name)
    index = {k: i for i, k in enumerate(keys)}
    writer = _Writer(dst, names)
    rejects: list[Reject] = []
    depth, size = setting_of("max_json_depth"), setting_of("max_json_record_bytes")
    bad_record = {
        _TOO_DEEP: f"nested deeper than {limits.max_json_depth} levels ({depth})",
        _TOO_BIG: f"record larger than {size_text(limits.max_json_record_bytes)} ({size})",
    }

    def handle(line: int, rec: object | None) -> None:
        if rec is None:
            rejects.append(Reject(line, "", "not valid JSON"))
            return
        if isinstance(rec, _Bad):
            rejects.append(Reject(line, "", bad_record[str(rec)]))
            return
        if not isinstance(rec, dict):
            rejects.append(Reject(line, "", "not a JSON object"))
            return
        row: list[str | None] = [None] * len(names)
        for k, v in rec.items():
            i = index.get(str(k))
            if i is None:
                rejects.append(Reject(line, str(k), "key not present in the first records"))
                return
            row[i] = cell_text(v)
        bad = [(names[i], why) for i, t in enumerate(row) if (why := _cell_problem(t, limits))]
        if bad:
            rejects.extend(Reject(line, col, why) for col, why in bad)
            return
        if writer.rows + len(writer.lines) >= limits.max_rows:
            raise _too_many_rows(name, limits)
        writer.add(line, row)

    try:
        for line, rec in pending:
            handle(line, rec)
        del pending
        for line, rec in records:
            handle(line, rec)
    finally:
        writer.close()
    return Staged(dst, names, writer.rows, rejects)
