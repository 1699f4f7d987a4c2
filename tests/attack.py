"""The attack corpus: malformed and bomb files, generated on demand (no binaries are committed).

Each `make_*` writes one file into a folder and returns its path. XLSX files are assembled part by
part with `zipfile`, so a test can put a bomb exactly where a real one hides (the shared-strings
part, a sheet) and stream it without ever holding the expanded text in memory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _static_parts(z: zipfile.ZipFile) -> None:
    z.writestr("[Content_Types].xml", (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        "</Types>"))
    z.writestr("_rels/.rels", (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
    z.writestr("xl/workbook.xml", (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'))
    z.writestr("xl/_rels/workbook.xml.rels", (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"))


def _sheet_xml(rows: list[list[str]]) -> bytes:
    """A sheet whose cells are shared-string references, numbered in row order."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>']
    k = 0
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, _ in enumerate(row):
            out.append(f'<c r="{_col(c)}{r}" t="s"><v>{k}</v></c>')
            k += 1
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out).encode()


def make_xlsx(path: Path, rows: list[list[str]], *, padding_strings: int = 0, padding: str = "") -> Path:
    """A minimal real workbook (one sheet, shared strings); `padding_strings` unused entries of
    `padding` are streamed into the shared-strings part after the used ones (the bomb)."""
    cells = [v for row in rows for v in row]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        _static_parts(z)
        z.writestr("xl/worksheets/sheet1.xml", _sheet_xml(rows))
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode())
            f.write("".join(f"<si><t>{escape(v)}</t></si>" for v in cells).encode())
            if padding_strings:
                item = f"<si><t>{escape(padding)}</t></si>".encode()
                block = item * 10_000
                for _ in range(padding_strings // 10_000):
                    f.write(block)
                f.write(item * (padding_strings % 10_000))
            f.write(b"</sst>")
    return path


def make_broken_sheet_xlsx(path: Path) -> Path:
    """A workbook whose directory and shared strings are fine but whose sheet XML breaks off."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        _static_parts(z)
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{_MAIN}"><si><t>a</t></si></sst>')
        sheet = _sheet_xml([["a"]] + [["a"]] * 50).decode()
        z.writestr("xl/worksheets/sheet1.xml", sheet[: len(sheet) // 2] + "<c <<")
    return path


def make_shared_strings_bomb(path: Path, expanded_mb: int = 200) -> Path:
    """A ~200 KB workbook whose shared-strings part expands to `expanded_mb` MB (issue #7 item 2)."""
    item = len("<si><t>aaaaaaaaaaaaaaaaaaaa</t></si>")
    return make_xlsx(path, [["姓名", "年龄"], ["张三", "30"]],
                     padding_strings=(expanded_mb << 20) // item, padding="a" * 20)


def make_wide_csv(path: Path, columns: int = 10_000, rows: int = 10) -> Path:
    header = ",".join(f"c{i}" for i in range(columns))
    body = "\n".join(",".join(str((i * j) % 10) for j in range(columns)) for i in range(rows))
    path.write_text(header + "\n" + body + "\n", encoding="utf-8")
    return path


def make_big_field_csv(path: Path, field_mb: int = 50) -> Path:
    """Two data rows; line 2 carries one `field_mb` MB value (written in blocks)."""
    with open(path, "wb") as f:
        f.write("编号,备注\n1,".encode())
        block = b"x" * (1 << 20)
        for _ in range(field_mb):
            f.write(block)
        f.write("\n2,正常\n".encode())
    return path


def make_deep_json(path: Path, depth: int = 100_000) -> Path:
    path.write_text('[{"a": ' + "[" * depth + "]" * depth + "}]", encoding="utf-8")
    return path


def make_huge_json_record(path: Path, mb: int = 60) -> Path:
    with open(path, "wb") as f:
        f.write(b'[{"a": "')
        block = b"x" * (1 << 20)
        for _ in range(mb):
            f.write(block)
        f.write(b'"}]')
    return path


def make_truncated(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])
    return dst


def make_garbage(path: Path, size: int = 64 << 10, seed: int = 7) -> Path:
    import random

    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def make_parquet(path: Path, rows: int = 1000) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"编号": list(range(rows)), "名称": [f"企业{i}" for i in range(rows)]}), path)
    return path

