"""Demo county generator: valid identifiers, encodings, ground truth and determinism (N=2000)."""

import csv
import hashlib
import json
import sqlite3

import openpyxl
import pytest

from zhongshu.core.identifiers import is_mobile, is_valid_resident_id, is_valid_uscc
from zhongshu.demo.errors import KINDS
from zhongshu.demo.generator import FILES, generate

N = 2000


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return generate(out, residents=N, seed=11)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_table(out, file, table):
    """Rows of one table as lists of strings, header excluded (row k is at index k - 1)."""
    path = out / file
    if file.endswith(".csv"):
        encoding = "gbk" if file == FILES["mzj"] else "utf-8"
        with path.open(encoding=encoding, newline="") as f:
            rows = list(csv.reader(f))
        return rows[0], rows[1:]
    if file.endswith(".xlsx"):
        wb = openpyxl.load_workbook(path, read_only=True)
        rows = [["" if v is None else str(v) for v in r] for r in wb[table].iter_rows(values_only=True)]
        return rows[0], rows[1:]
    records = json.loads(path.read_text(encoding="utf-8"))
    header = list(records[0])
    return header, [[str(r[h]) for h in header] for r in records]


def test_registry_ids_are_valid_and_unique(demo):
    con = sqlite3.connect(demo.files["gaj"])
    ids = [r[0] for r in con.execute("SELECT id_number FROM persons")]
    assert len(ids) == N == len(set(ids))
    assert all(is_valid_resident_id(i) and i.startswith("371122") for i in ids)
    genders = con.execute("SELECT gender, substr(id_number, 17, 1) FROM persons").fetchall()
    assert all((int(d) % 2 == 1) == (g == "男") for g, d in genders)
    statuses = {s for (s,) in con.execute("SELECT DISTINCT status FROM persons")}
    assert statuses == {"正常", "死亡", "迁出"}
    village_ok = con.execute(
        "SELECT count(*) FROM persons WHERE length(village_code) = 12 AND village_code LIKE township_code || '%'"
    ).fetchone()[0]
    assert village_ok == N
    assert (
        con.execute("SELECT count(*) FROM persons WHERE address NOT LIKE '山东省日照市莒县%'").fetchone()[0]
        == 0
    )
    phones = [p for (p,) in con.execute("SELECT phone FROM persons WHERE phone IS NOT NULL")]
    assert phones and all(is_mobile(p) for p in phones)
    heads = con.execute(
        "SELECT count(*) FROM households h JOIN persons p ON p.id_number = h.head_id_number "
        "WHERE p.relation = '户主'"
    ).fetchone()[0]
    assert heads == con.execute("SELECT count(*) FROM households").fetchone()[0]


def test_enterprise_usccs_are_valid(demo):
    header, rows = _read_table(demo.out_dir, FILES["scjgj"], "")
    assert header[0] == "统一社会信用代码"
    assert N // 12 <= len(rows)
    assert all(is_valid_uscc(r[0]) and r[0][2:8] == "371122" for r in rows)
    assert {r[header.index("登记状态")] for r in rows} >= {"存续", "注销"}
    con = sqlite3.connect(demo.files["gaj"])
    registry = {i for (i,) in con.execute("SELECT id_number FROM persons")}
    id_col = header.index("法定代表人身份证号")
    assert sum(r[id_col] in registry for r in rows) >= 0.95 * len(rows)


def test_subsidy_file_is_gbk_not_utf8(demo):
    raw = demo.files["mzj"].read_bytes()
    assert raw.decode("gbk").startswith("身份证号,")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_xlsx_sheets_readable(demo):
    wb = openpyxl.load_workbook(demo.files["rsj"], read_only=True)
    assert wb.sheetnames == ["参保人员", "缴费记录"]
    assert demo.counts["rsj_shebao.xlsx:缴费记录"] == wb["缴费记录"].max_row - 1


def test_every_ground_truth_row_is_in_its_file(demo):
    with demo.files["ground_truth"].open(encoding="utf-8", newline="") as f:
        truth = list(csv.DictReader(f))
    assert len(truth) == sum(demo.errors.values())
    cache = {}
    for e in truth:
        key = (e["file"], e["table"])
        if key not in cache:
            cache[key] = _read_table(demo.out_dir, *key)
        header, rows = cache[key]
        row = rows[int(e["row"]) - 1]
        assert row[header.index(e["field"])] == e["recorded_value"], e
        assert e["true_value"] != e["recorded_value"] or e["kind"] == "duplicate_record", e
        if e["kind"] == "id_transposed":
            assert sorted(e["true_value"]) == sorted(e["recorded_value"])


def test_error_kinds_all_present_and_rates_sane(demo):
    assert set(demo.errors) == set(KINDS)
    assert all(count > 0 for count in demo.errors.values()), demo.errors
    department_rows = sum(v for k, v in demo.counts.items() if ":" in k and not k.startswith("gaj"))
    assert 0.005 < sum(demo.errors.values()) / department_rows < 0.05


def test_deceased_subsidy_errors_match_registry(demo):
    con = sqlite3.connect(demo.files["gaj"])
    with demo.files["ground_truth"].open(encoding="utf-8", newline="") as f:
        rows = [e for e in csv.DictReader(f) if e["kind"] == "deceased_receiving_subsidy"]
    for e in rows:
        status, death = con.execute(
            "SELECT status, death_date FROM persons WHERE person_id = ?", (e["entity_key"],)
        ).fetchone()
        assert status == "死亡" and death


def test_manifest_lists_files_with_sha256(demo):
    manifest = json.loads(demo.manifest.read_text(encoding="utf-8"))
    assert manifest["seed"] == 11 and manifest["residents"] == N
    assert "generated_at" not in manifest
    for entry in manifest["files"]:
        assert entry["sha256"] == _sha(demo.out_dir / entry["name"])


def test_same_seed_is_byte_identical_and_other_seed_differs(demo, tmp_path):
    again = generate(tmp_path / "again", residents=N, seed=11)
    other = generate(tmp_path / "other", residents=N, seed=12)
    for key, path in demo.files.items():
        assert _sha(path) == _sha(again.files[key]), key
        assert _sha(path) != _sha(other.files[key]), key
    assert _sha(demo.manifest) == _sha(again.manifest)


def test_progress_is_reported(tmp_path):
    seen = []
    generate(tmp_path, residents=300, seed=1, progress=lambda stage, done, total: seen.append(stage))
    assert seen[0] == "start" and FILES["gaj"] in seen and FILES["rsj"] in seen
