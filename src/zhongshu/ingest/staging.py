"""Stream XLSX sheets and JSON/JSONL records into one staged form DuckDB reads in bulk.

The staged form is a Parquet file whose columns are the source's columns as text plus `__line`,
the 1-based row (XLSX) or line (JSON) in the original file, so rejects point at the right place.
Rows are written in batches of `BATCH` and never all held at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.csvfile import check_names
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


def list_sheets(path: str | os.PathLike[str]) -> list[str]:
    """Names of the worksheets in an XLSX workbook, in workbook order."""
    wb = _open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _open_workbook(path: str | os.PathLike[str]):  # -> openpyxl Workbook
    import zipfile

    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(
            "file",
            f"{Path(path).name} is not a readable XLSX workbook ({type(exc).__name__})",
            hint="open it in Excel or WPS and save it again as .xlsx (old .xls files must be re-saved)",
        ) from None


def stage_xlsx(path: str | os.PathLike[str], dst: str, sheet: str | None = None) -> Staged:
    """Stream one sheet (the first when `sheet` is None) to a staged Parquet file."""
    wb = _open_workbook(path)
    try:
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
        names = check_names(header, where=f"{Path(path).name} sheet {ws.title!r} row {header_line}")
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
                writer.add(line, texts)
        finally:
            writer.close()
        return Staged(dst, names, writer.rows, rejects)
    finally:
        wb.close()


def _jsonl_records(path: str | os.PathLike[str]) -> Iterator[tuple[int, object | None]]:
    with open(path, encoding="utf-8-sig") as f:
        for line, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                yield line, json.loads(text)
            except json.JSONDecodeError:
                yield line, None


def _json_array_records(
    path: str | os.PathLike[str], chunk: int = 1 << 20
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
            try:
                value, end = decoder.raw_decode(buf, pos)
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
            yield line, value
            line += buf.count("\n", pos, end)
            pos = end


def stage_json(path: str | os.PathLike[str], dst: str, *, lines: bool) -> Staged:
    """Stream JSON lines or a JSON array of objects to a staged Parquet file.

    Columns are the keys in first-seen order among the first records; later new keys are
    reported as rejects rather than silently dropped.
    """
    records = _jsonl_records(path) if lines else _json_array_records(path)
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
    names = check_names([k.strip() for k in keys], where=name)
    index = {k: i for i, k in enumerate(keys)}
    writer = _Writer(dst, names)
    rejects: list[Reject] = []

    def handle(line: int, rec: object | None) -> None:
        if rec is None:
            rejects.append(Reject(line, "", "not valid JSON"))
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
