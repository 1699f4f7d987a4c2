"""Compressed inputs checked from their directories before anything is parsed.

An XLSX workbook is a zip: its central directory states each part's compressed and uncompressed
size, and Python's zipfile never inflates a part beyond the size stated there, so checking the
directory bounds what parsing can expand to. A 200 KB workbook whose shared-strings part
inflates to 200 MB (a ratio of 1000:1) is refused here in milliseconds instead of taking the
loader to tens of gigabytes. A Parquet file states its row count, columns and per-column sizes in
its footer; the same limits are checked there, and a file cut short is named as such.

Sheet names are read from `xl/workbook.xml` alone (`sheet_names`), so the upload page never makes
openpyxl read the shared strings just to offer a choice of sheets.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.limits import Limits, refuse, size_text

# Parts smaller than this are not held to the compression ratio: small XML compresses very well
# and cannot expand to anything harmful.
RATIO_FLOOR = 10 << 20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _not_xlsx(name: str, why: str) -> InvalidInput:
    return InvalidInput(
        "file",
        f"{name} is not a readable XLSX workbook ({why})",
        hint="open it in Excel or WPS and save it again as .xlsx (old .xls files must be re-saved)",
    )


def check_xlsx(path: str | os.PathLike[str], limits: Limits) -> None:
    """Refuse a workbook whose parts would inflate past the limits, or that is not a zip at all."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise _not_xlsx(name, "the file is damaged or cut short") from None
    except OSError as exc:
        raise _not_xlsx(name, exc.strerror or type(exc).__name__) from None
    total = 0
    for info in infos:
        part = info.filename
        if info.file_size > limits.max_uncompressed_bytes:
            raise refuse("file", f"{name}: the uncompressed size of part {part}", size_text(info.file_size),
                         size_text(limits.max_uncompressed_bytes), "max_uncompressed_bytes")
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise refuse(
                    "file",
                    f"{name}: the compression ratio of part {part} ({size_text(info.compress_size)} "
                    f"expanding to {size_text(info.file_size)})",
                    f"{ratio:.0f}:1", f"{limits.max_compression_ratio}:1", "max_compression_ratio",
                    hint="a genuine workbook rarely compresses this well: check where the file came from, "
                    "re-save it in Excel or WPS, or split it",
                )
        total += info.file_size
    if total > limits.max_uncompressed_bytes:
        raise refuse("file", f"{name}: the uncompressed size of all parts together", size_text(total),
                     size_text(limits.max_uncompressed_bytes), "max_uncompressed_bytes")
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise _not_xlsx(name, "it has no xl/workbook.xml part")


def sheet_names(path: str | os.PathLike[str]) -> list[str]:
    """Worksheet names in workbook order, read from `xl/workbook.xml` only (call `check_xlsx` first)."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as z, z.open("xl/workbook.xml") as f:
            root = ElementTree.parse(f).getroot()
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        raise _not_xlsx(name, "its list of sheets cannot be read") from None
    return [s.get("name", "") for s in root.iter(f"{_MAIN}sheet")]


def check_parquet(path: str | os.PathLike[str], limits: Limits) -> int:
    """Check a Parquet file's footer against the limits; returns its row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = Path(path).name
    try:
        meta = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError):
        raise InvalidInput(
            "file",
            f"{name} is not a readable Parquet file (it is damaged or cut short)",
            hint="export the Parquet file again (the copy may have been cut short)",
        ) from None
    if meta.num_columns > limits.max_columns:
        raise refuse("columns", f"{name}: the number of columns", str(meta.num_columns),
                     str(limits.max_columns), "max_columns", hint="load fewer columns per file")
    if meta.num_rows > limits.max_rows:
        raise refuse("file", f"{name}: the number of rows", str(meta.num_rows), str(limits.max_rows),
                     "max_rows")
    for g in range(meta.num_row_groups):
        rg = meta.row_group(g)
        for c in range(rg.num_columns):
            col = rg.column(c)
            if col.total_uncompressed_size > RATIO_FLOOR:
                ratio = col.total_uncompressed_size / max(col.total_compressed_size, 1)
                if ratio > limits.max_compression_ratio:
                    raise refuse(
                        "file",
                        f"{name}: the compression ratio of column {col.path_in_schema} in row group {g + 1} "
                        f"({size_text(col.total_compressed_size)} expanding to "
                        f"{size_text(col.total_uncompressed_size)})",
                        f"{ratio:.0f}:1", f"{limits.max_compression_ratio}:1", "max_compression_ratio",
                    )
    return meta.num_rows
