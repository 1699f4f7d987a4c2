"""A minimal streaming, deterministic XLSX writer (inline strings, numbers, no styles).

Why not openpyxl's write-only mode: measured at 5,500 rows/s for 9 columns on this project's
machine (10,500 with lxml), so the 人社 workbook of a 1,000,000-resident county alone would take
minutes. Writing SpreadsheetML rows with f-strings runs ~30x faster. openpyxl stays the reader
(tests load these files with it). Zip entries carry a fixed timestamp so equal input gives
byte-identical files.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["MAX_ROWS", "write_xlsx"]

MAX_ROWS = 1_048_576  # Excel's sheet limit, header row included
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _cell(value: object) -> str:
    # Hot path (one call per cell): exact type checks and str.replace beat isinstance/translate.
    t = type(value)
    if t is str:
        if not value:
            return "<c/>"
        if "&" in value or "<" in value or ">" in value:
            value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return '<c t="inlineStr"><is><t>' + value + "</t></is></c>"
    if t is int or t is float:
        return f"<c><v>{value}</v></c>"
    if value is None:
        return "<c/>"
    if t is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    return _cell(str(value))


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]]) -> None:
    """Write ``(title, header, rows)`` sheets to ``path``; each sheet must fit MAX_ROWS."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        n = len(sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        zf.writestr(
            _entry("[Content_Types].xml"),
            _XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' + overrides + "</Types>",
        )
        zf.writestr(
            _entry("_rels/.rels"),
            _XML_HEAD + f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        sheet_list = "".join(
            f'<sheet name="{title.translate(_ESCAPE)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (title, _, _) in enumerate(sheets, start=1)
        )
        zf.writestr(
            _entry("xl/workbook.xml"),
            _XML_HEAD
            + f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>{sheet_list}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        zf.writestr(
            _entry("xl/_rels/workbook.xml.rels"),
            _XML_HEAD + f'<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>',
        )
        zf.writestr(
            _entry("xl/styles.xml"),
            _XML_HEAD + f'<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/>'
            '<name val="等线"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/>'
            '</fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
            '</cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs><cellStyles count="1">'
            '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
        )
        for i, (_, header, rows) in enumerate(sheets, start=1):
            if len(rows) + 1 > MAX_ROWS:
                raise ValueError(f"sheet {i} has {len(rows) + 1} rows; Excel allows {MAX_ROWS}")
            ref = f"A1:{_column(len(header))}{len(rows) + 1}"
            with zf.open(_entry(f"xl/worksheets/sheet{i}.xml"), "w", force_zip64=True) as out:
                out.write(
                    (_XML_HEAD + f'<worksheet xmlns="{_NS}"><dimension ref="{ref}"/><sheetData>').encode()
                )
                _write_rows(out, header, rows)
                out.write(b"</sheetData></worksheet>")


def _column(n: int) -> str:
    """Spreadsheet column letters of the 1-based column ``n``.

    >>> _column(1), _column(13), _column(27)
    ('A', 'M', 'AA')
    """
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _write_rows(out, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    buf = ['<row r="1">' + "".join(_cell(h) for h in header) + "</row>"]
    r = 1
    for row in rows:
        r += 1
        buf.append(f'<row r="{r}">' + "".join(map(_cell, row)) + "</row>")
        if len(buf) >= 20_000:
            out.write("".join(buf).encode())
            buf.clear()
    out.write("".join(buf).encode())
