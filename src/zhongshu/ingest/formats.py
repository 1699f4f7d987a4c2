"""Which reader a file needs: by extension first, then by its first bytes."""

from __future__ import annotations

import os
from pathlib import Path

from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.model import Format
from zhongshu.ingest.staging import list_sheets

__all__ = ["detect_format", "list_sheets", "check_readable"]

_BY_SUFFIX: dict[str, Format] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def check_readable(path: str | os.PathLike[str]) -> Path:
    """Return the path if it is a readable regular file, else a clear InvalidInput."""
    p = Path(path)
    name = p.name or str(p)
    if not p.exists():
        raise InvalidInput("path", f"{name} does not exist", hint="check the file name and upload it again")
    if not p.is_file():
        raise InvalidInput("path", f"{name} is not a regular file", hint="choose a file, not a folder")
    try:
        with open(p, "rb") as f:
            f.read(1)
    except OSError as exc:
        raise InvalidInput(
            "path",
            f"{name} cannot be read ({exc.strerror or type(exc).__name__})",
            hint="check the file's permissions",
        ) from None
    return p


def detect_format(path: str | os.PathLike[str]) -> Format:
    """Guess the file format: csv, tsv, xlsx, json, jsonl or parquet."""
    p = check_readable(path)
    suffix = p.suffix.lower()
    if suffix == ".xls":
        raise InvalidInput(
            "format",
            f"{p.name} is an old Excel 97–2003 workbook",
            hint="open it in Excel or WPS and save as .xlsx",
        )
    with open(p, "rb") as f:
        head = f.read(64 << 10)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        first, _, rest = text.partition(b"\n")
        return "jsonl" if first.rstrip().endswith(b"}") or rest.lstrip().startswith(b"{") else "json"
    if b"\t" in head.split(b"\n", 1)[0] and b"," not in head.split(b"\n", 1)[0]:
        return "tsv"
    return "csv"
