"""load_file on real files: encodings, rejects with line numbers, thresholds, clear errors."""

from __future__ import annotations

import json

import duckdb
import pytest

from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.encoding import detect_encoding, transcode_to_utf8
from zhongshu.ingest.formats import detect_format, list_sheets
from zhongshu.ingest.load import load_file, write_rejects_csv
from zhongshu.ingest.model import FieldSpec, LoadFailed

HEADER = "编号,姓名,年龄,出生日期,身份证号,电话\n"


def rows(n: int, start: int = 1) -> str:
    return "".join(
        f"{i},某{i},{i % 90},2020-01-05,37112219900101{i:04d},013912345{i % 100:02d}\n"
        for i in range(start, start + n)
    )


def read(result) -> list[tuple]:
    return duckdb.sql(f"SELECT * FROM read_parquet('{result.files[0].path}')").fetchall()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_detects_encoding_and_loads(tmp_path, encoding):
    src = tmp_path / "a.csv"
    src.write_text(
        HEADER + "1,张三,30,2020-01-02,11010519491231002X,013812345678\n" + rows(20, 2), encoding=encoding
    )
    expected = {"gbk": "gb18030", "gb18030": "gb18030", "utf-8-sig": "utf-8-sig", "utf-8": "utf-8"}[encoding]
    assert detect_encoding(src) == expected
    result = load_file(src, tmp_path / "out")
    assert result.encoding == expected and result.rows == 21 and not result.rejects
    first = read(result)[0]
    assert first[1] == "张三" and first[4] == "11010519491231002X" and first[5] == "013812345678"
    assert [f.name for f in result.fields][0] == "编号"  # no BOM in the header


def test_gbk_never_misdetected_as_utf8(tmp_path):
    src = tmp_path / "g.csv"
    src.write_bytes(("姓名,地址\n" + "张三,山东省日照市莒县城阳街道\n" * 50).encode("gbk"))
    assert detect_encoding(src) == "gb18030"


def test_ids_keep_leading_zeros_and_x(tmp_path):
    src = tmp_path / "ids.csv"
    src.write_text(
        "身份证号,户号,电话,数量\n"
        + "".join(f"0371221990010{i:05d},{i:06d},0633{i:07d},{i}\n" for i in range(1, 50))
        + "37112219900101001X,000050,06330000050,50\n"
    )
    result = load_file(src, tmp_path / "out")
    kinds = {f.name: f.type for f in result.fields}
    assert kinds == {"身份证号": "string", "户号": "string", "电话": "string", "数量": "integer"}
    data = read(result)
    assert data[0][:3] == ("037122199001000001", "000001", "06330000001")
    assert data[-1][0] == "37112219900101001X"


def test_bad_rows_report_original_lines(tmp_path):
    src = tmp_path / "bad.csv"
    body = (
        HEADER
        + "1,张三,30,2020-01-02,11010519491231002X,013812345678\n"
        + "2,李四,abc,2020-01-03,110105194912310021,13812345678\n"  # line 3: age
        + '3,"王\n五",40,2020-13-03,010105194912310021,13812345678\n'  # lines 4-5: date
        + "4,赵六,50,2020-01-04,010105194912310021\n"  # line 6: too few columns
        + "\n"  # line 7: blank, skipped
        + "5,孙七,60,2020-01-05,010105194912310021,1,extra\n"  # line 8: too many
        + rows(200, 6)
    )
    src.write_text(body, encoding="gbk")
    result = load_file(src, tmp_path / "out")
    got = [(r.line, r.column) for r in result.rejects]
    assert got == [(3, "年龄"), (4, "出生日期"), (6, ""), (8, "")]
    assert result.rows == 201 and result.total_rows == 205
    for r in result.rejects:
        assert "abc" not in r.reason and "2020-13-03" not in r.reason  # never values
    report = tmp_path / "rejects.csv"
    write_rejects_csv(result.rejects, report)
    assert report.read_text(encoding="utf-8-sig").splitlines()[:2] == [
        "line,column,reason",
        "3,年龄,not a whole number",
    ]


def test_declared_columns_required_and_types(tmp_path):
    src = tmp_path / "d.csv"
    src.write_text("id,name,born\n1,a,2020-01-02\n2,,2020/01/03\n3,c,20200104\n4,d,nope\n")
    cols = [FieldSpec("id", "integer", True), FieldSpec("name", "string", True), FieldSpec("born", "date")]
    result = load_file(src, tmp_path / "out", columns=cols, max_bad_rows_fraction=0.6)
    assert [(r.line, r.column, r.reason) for r in result.rejects] == [
        (3, "name", "required value is missing"),
        (5, "born", "not a date (use YYYY-MM-DD)"),
    ]
    assert [f.sql_type for f in result.fields] == ["BIGINT", "VARCHAR", "DATE"]
    assert [r[2].isoformat() for r in read(result)] == ["2020-01-02", "2020-01-04"]


def test_threshold_fails_with_rejects(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("a,b\n" + "".join(f"{i},x\n" for i in range(10)) + "1,2,3\n" * 3)
    with pytest.raises(LoadFailed) as info:
        load_file(src, tmp_path / "out", max_bad_rows_fraction=0.1)
    assert len(info.value.rejects) == 3 and info.value.rejects[0].line == 12
    assert isinstance(info.value, InvalidInput)
    assert not (tmp_path / "out" / "part-00000.parquet").exists()


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        (b"", "file", "empty"),
        (b"a,b\n", "file", "no data rows"),
        (b"a,b,A\n1,2,3\n", "header", "'A' (columns 1 and 3)"),
    ],
)
def test_clear_errors(tmp_path, content, field, words):
    src = tmp_path / "e.csv"
    src.write_bytes(content)
    with pytest.raises(InvalidInput) as info:
        load_file(src, tmp_path / "out")
    assert info.value.field == field and words in info.value.message and info.value.hint


def test_unreadable_and_wrong_encoding(tmp_path):
    with pytest.raises(InvalidInput, match="does not exist"):
        load_file(tmp_path / "missing.csv", tmp_path / "out")
    src = tmp_path / "g.csv"
    src.write_bytes("a,b\n1,张三\n".encode("gbk"))
    with pytest.raises(InvalidInput) as info:
        load_file(src, tmp_path / "out", encoding="utf-8")
    assert "line 2" in info.value.message and "gb18030" in info.value.hint
    # a GBK header forced to UTF-8 names the encoding, not duplicate (mangled) column names
    src.write_bytes("身份证号,姓名,年龄,手机号\n1,张三,3,4\n".encode("gbk"))
    with pytest.raises(InvalidInput) as info:
        load_file(src, tmp_path / "out2", encoding="utf-8")
    assert info.value.field == "encoding"
    assert "not valid UTF-8 at line 1" in info.value.message and "try --encoding gb18030" in info.value.message


def test_utf8_head_then_gbk_falls_back(tmp_path):
    src = tmp_path / "late.csv"
    src.write_bytes(b"a,b\n" + b"1,x\n" * 400_000 + "2,张三\n".encode("gbk"))
    result = load_file(src, tmp_path / "out")
    assert result.encoding == "gb18030" and result.rows == 400_001


def test_transcode_reports_line(tmp_path):
    src = tmp_path / "x.txt"
    src.write_bytes("一\n二\n".encode("gbk") + b"\xff\xff\n")
    with pytest.raises(InvalidInput, match="line 3"):
        transcode_to_utf8(src, tmp_path / "y.txt", "gb18030", chunk_bytes=3)


def test_xlsx_sheet_choice(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["这是说明"])
    ws = wb.create_sheet("人口")
    ws.append(["身份证号", "姓名", "年龄"])
    ws.append(["11010519491231002X", "张三", 30])
    ws.append([])
    ws.append(["110105194912310021", "李四", "未知"])
    for i in range(200):
        ws.append([f"37112219900101{i:04d}", f"某{i}", i % 90])
    path = tmp_path / "w.xlsx"
    wb.save(path)
    assert detect_format(path) == "xlsx"
    assert list_sheets(path) == ["说明", "人口"]
    result = load_file(path, tmp_path / "out", sheet="人口")
    assert [(r.line, r.column) for r in result.rejects] == [(4, "年龄")]
    assert {f.name: f.type for f in result.fields} == {
        "身份证号": "string",
        "姓名": "string",
        "年龄": "integer",
    }
    with pytest.raises(InvalidInput, match="no sheet"):
        load_file(path, tmp_path / "out2", sheet="nope")


def test_jsonl_and_json_array(tmp_path):
    lines = [
        json.dumps({"id": i, "name": f"某{i}", "pid": f"37112219900101{i:04d}"}, ensure_ascii=False)
        for i in range(100)
    ]
    lines.insert(5, "{broken")
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert detect_format(src) == "jsonl"
    result = load_file(src, tmp_path / "out")
    assert [(r.line, r.reason) for r in result.rejects] == [(6, "not valid JSON")]
    assert result.rows == 100 and {f.name: f.type for f in result.fields}["id"] == "integer"
    arr = tmp_path / "b.json"
    arr.write_text("[\n" + ",\n".join(lines[:5] + lines[6:]) + "\n]", encoding="utf-8")
    assert detect_format(arr) == "json"
    assert load_file(arr, tmp_path / "out2").rows == 100


def test_parquet_passthrough(tmp_path):
    src = tmp_path / "in.parquet"
    duckdb.sql(
        f"COPY (SELECT range AS n, '0' || range::VARCHAR AS code, DATE '2024-01-01' + range::INT AS d FROM range(1000)) TO '{src}'"
    )
    assert detect_format(src) == "parquet"
    result = load_file(src, tmp_path / "out")
    assert result.rows == 1000 and [f.sql_type for f in result.fields] == ["BIGINT", "VARCHAR", "DATE"]
    assert read(result)[1] == (1, "01", __import__("datetime").date(2024, 1, 2))


def test_result_files_and_digests(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text(HEADER + rows(10))
    out = tmp_path / "out"
    result = load_file(src, out)
    import hashlib

    assert [p.name for p in out.iterdir()] == ["part-00000.parquet"]
    f = result.files[0]
    assert f.size == out.joinpath("part-00000.parquet").stat().st_size
    assert f.sha256 == hashlib.sha256(out.joinpath("part-00000.parquet").read_bytes()).hexdigest()
    assert result.source_sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    with pytest.raises(InvalidInput, match="already holds"):
        load_file(src, out)


def test_crlf_and_mixed_line_endings(tmp_path):
    src = tmp_path / "m.csv"
    src.write_bytes(b"a,b\r\n1,x\r\n2,y\n3,z\r\n4,w,extra\n")
    result = load_file(src, tmp_path / "out", max_bad_rows_fraction=0.5)
    assert result.rows == 3 and [r.line for r in result.rejects] == [5]
