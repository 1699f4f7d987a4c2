"""Loading each format into versions: rejects, threshold, drift, rollback, bad input."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhongshu.audit.models import AuditEvent
from zhongshu.catalog import ingestion, services, storage
from zhongshu.catalog.models import LoadAttempt, Version
from zhongshu.core.files import sha256_file


def test_csv_utf8_loads_a_version_with_labels(steward, dataset, load, tmp_path, people_csv):
    attempt = load(steward, dataset, people_csv(tmp_path / "p.csv"))
    assert attempt.state == "succeeded", attempt.error
    dataset.refresh_from_db()
    v = dataset.current_version
    assert v.number == 1 and v.rows == 50
    f = v.files.get()
    assert sha256_file(storage.absolute(f.path)) == f.sha256 and f.rows == 50
    labels = {fl.name: (fl.label, fl.label_status) for fl in dataset.fields.all()}
    assert labels["身份证号"] == ("resident_id", "suggested")
    assert labels["手机号"][0] == "mobile"
    assert labels["姓名"][0] == "name"
    assert dataset.grade == "important"  # an ID number field raises the dataset's grade
    assert AuditEvent.objects.filter(action="catalog.version.published", object_id=dataset.code).exists()


def test_gbk_csv_is_detected(steward, dataset, load, tmp_path, people_csv):
    attempt = load(steward, dataset, people_csv(tmp_path / "gbk.csv", encoding="gbk"))
    assert attempt.state == "succeeded", attempt.error
    assert attempt.encoding == "gb18030"
    dataset.refresh_from_db()
    assert services.preview(steward, dataset)["columns"][:2] == ["身份证号", "姓名"]


def test_xlsx_sheet_json_jsonl_parquet(steward, dataset, load, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表说明"])
    ws = wb.create_sheet("数据")
    ws.append(["机构名称", "床位数"])
    for i in range(10):
        ws.append([f"莒县第{i}卫生院", 10 + i])
    wb.save(tmp_path / "w.xlsx")
    ds2 = services.create_dataset(steward, name="医疗机构", department_code="gaj")
    draft = ingestion.new_attempt(steward, ds2, path=tmp_path / "w.xlsx")
    assert ingestion.sheets_of(draft) == ["说明", "数据"]
    attempt = ingestion.start(steward, draft, sheet="数据", inline=True)
    assert attempt.state == "succeeded", attempt.error
    assert attempt.rows_loaded == 10

    recs = [{"name": f"机构{i}", "beds": i} for i in range(7)]
    (tmp_path / "a.json").write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"name": [r["name"] for r in recs], "beds": [r["beds"] for r in recs]}), tmp_path / "a.parquet")
    for name in ("a.json", "a.jsonl", "a.parquet"):
        ds = services.create_dataset(steward, name=f"机构-{name}", department_code="gaj")
        attempt = load(steward, ds, tmp_path / name)
        assert attempt.state == "succeeded", (name, attempt.error)
        assert attempt.rows_loaded == 7


def test_bad_rows_go_to_rejects_report_and_rest_loads(steward, dataset, load, tmp_path, client, people_csv):
    first = load(steward, dataset, people_csv(tmp_path / "p.csv", n=300, bad_lines=(5,)))
    assert first.state == "succeeded", first.error
    assert (first.rows_loaded, first.reject_count) == (299, 1)  # one bad value does not make the column text
    # the next version keeps the declared types: every bad value is a reject with its line
    attempt = load(steward, dataset, people_csv(tmp_path / "p2.csv", n=100, bad_lines=(7, 9)))
    assert attempt.state == "succeeded", attempt.error
    assert attempt.rows_loaded == 98 and attempt.reject_count == 2
    report = ingestion.rejects_file(steward, attempt).read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "line,column,reason"
    assert report[1].startswith("7,年龄,") and report[2].startswith("9,年龄,")
    assert "未知" not in "".join(report)  # the report names the place, not the value


def test_threshold_fails_the_load_and_keeps_the_current_version(steward, dataset, load, tmp_path, people_csv):
    ok = load(steward, dataset, people_csv(tmp_path / "ok.csv"))
    assert ok.state == "succeeded"
    bad = load(steward, dataset, people_csv(tmp_path / "bad.csv", n=20, bad_lines=tuple(range(2, 12))),
               max_bad_fraction=0.1)
    assert bad.state == "failed"
    assert "rows rejected" in bad.error and bad.rejects_path
    dataset.refresh_from_db()
    assert dataset.current_version == ok.version and dataset.versions.count() == 1
    assert AuditEvent.objects.filter(action="catalog.load.failed", object_id=str(bad.pk)).exists()
    assert not list((storage.warehouse_root() / str(dataset.pk)).glob(f"v-{bad.pk}"))


def test_schema_drift_diff_and_rollback(steward, dataset, load, tmp_path, people_csv):
    load(steward, dataset, people_csv(tmp_path / "v1.csv", n=30))
    v2 = load(steward, dataset, people_csv(tmp_path / "v2.csv", n=40, extra_col=True)).version
    assert v2.number == 2 and v2.schema_changes["added"] == ["住址"]
    key = services.get_field(steward, dataset, "身份证号")
    services.update_field(steward, key, is_key=True)
    d = ingestion.diff(steward, dataset, 1, 2)
    assert (d["rows_a"], d["rows_b"], d["added"], d["removed"], d["changed"]) == (30, 40, 10, 0, 0)
    assert d["schema"]["added"] == ["住址"]
    assert all("*" in k["key"] for k in d["keys"])  # sample keys are masked ID numbers
    ingestion.rollback(steward, dataset, 1, reason="v2 has wrong addresses")
    dataset.refresh_from_db()
    assert dataset.current_version.number == 1
    ev = AuditEvent.objects.get(action="catalog.version.rollback")
    assert ev.details == {"from": 2, "to": 1} and ev.reason == "v2 has wrong addresses"


@pytest.mark.parametrize("name,content,expect", [
    ("empty.csv", b"", "empty"),
    ("dup.csv", b"a,b,a\n1,2,3\n", "duplicate column"),
    ("header.csv", b"a,b\n", "no data rows"),
    ("old.xls", b"\xd0\xcf\x11\xe0junk", "Excel 97"),
    ("broken.xlsx", b"PK\x03\x04garbage", "not a readable XLSX"),
])
def test_bad_files_fail_clearly_and_are_recorded(steward, dataset, load, tmp_path, name, content, expect):
    (tmp_path / name).write_bytes(content)
    try:
        attempt = load(steward, dataset, tmp_path / name)
    except Exception as exc:  # detection-time failures raise and are recorded
        assert expect in str(exc)
        attempt = LoadAttempt.objects.latest("id")
    assert attempt.state == "failed" and expect in attempt.error
    assert attempt.error_hint
    assert Version.objects.count() == 0


def test_wrong_encoding_says_where(steward, dataset, load, tmp_path, people_csv):
    path = people_csv(tmp_path / "gbk.csv", encoding="gbk")
    attempt = load(steward, dataset, path, encoding="utf-8")
    assert attempt.state == "failed"
    assert "not valid UTF-8 at line 1" in attempt.error and "try --encoding gb18030" in attempt.error and "line" in attempt.error
    assert attempt.error_hint


def test_mixed_types_keep_a_text_column(steward, dataset, load, tmp_path):
    rows = ["编号,数值"] + [f"{i},{i if i % 2 else '文字' + str(i)}" for i in range(40)]
    (tmp_path / "mixed.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    attempt = load(steward, dataset, tmp_path / "mixed.csv")
    assert attempt.state == "succeeded", attempt.error
    types = {f.name: f.type for f in dataset.fields.all()}
    assert types["数值"] == "string" and types["编号"] == "integer"


def test_reap_marks_dead_running_attempts_failed(steward, dataset):
    a = LoadAttempt.objects.create(dataset=dataset, state="running", pid=2 ** 22 + 7, host=__import__("socket").gethostname())
    assert ingestion.reap_interrupted() == 1
    a.refresh_from_db()
    assert a.state == "failed" and "interrupted" in a.error


def test_diff_without_keys_and_with_masked_keys(steward, dataset, load, tmp_path, people_csv):
    load(steward, dataset, people_csv(tmp_path / "v1.csv", n=30))
    load(steward, dataset, people_csv(tmp_path / "v2.csv", n=40, bad_lines=(3,)))  # row 2 loses its age
    d = ingestion.diff(steward, dataset, 1, 2)
    # whole rows: 10 new ones; the row rejected in v2 counts as removed
    assert (d["added"], d["removed"], d["changed"], d["key_fields"], d["keys"]) == (10, 1, None, [], [])
    services.update_field(steward, services.get_field(steward, dataset, "身份证号"), is_key=True)
    services.update_field(steward, services.get_field(steward, dataset, "年龄"), is_key=True)
    d = ingestion.diff(steward, dataset, 1, 2, samples=3)
    assert (d["added"], d["removed"], d["changed"]) == (10, 1, 0)
    assert len(d["keys"]) == 3 and [k["change"] for k in d["keys"]] == ["added"] * 3
    for k in d["keys"]:
        rid, age = k["key"].split(" / ")
        assert rid.startswith("371122") and "*" in rid and age.isdigit()  # only the ID number is masked
