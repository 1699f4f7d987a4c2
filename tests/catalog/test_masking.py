"""Masking decided at the source: labels, detection at load and content all mask; masks are joint, so a
masked identifier cannot be rebuilt from the other visible columns of any read path."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from zhongshu.audit.models import AuditEvent
from zhongshu.catalog import masking, services
from zhongshu.core.identifiers import is_valid_resident_id, make_resident_id, resident_id_check_char

PHONES = [f"139{i:08d}" for i in range(40)]


def residents_csv(path, n: int = 40):
    """身份证号 + 出生日期 + 性别 + 年龄 (each derivable from the ID), 手机号, 备注 with a phone in free text."""
    lines = ["身份证号,姓名,出生日期,性别,年龄,手机号,联系电话备注,金额"]
    for i in range(n):
        birth = dt.date(1950 + i, 1 + i % 12, 1 + (i * 7) % 28)
        rid = make_resident_id("371122", birth, 100 + i)
        gender = "男" if (100 + i) % 2 else "女"
        lines.append(f"{rid},王{'伟芳敏静'[i % 4]}{'强军'[i % 2]},{birth.isoformat()},{gender},{2026 - birth.year},"
                     f"{PHONES[i]},家属电话13912345678,{100 + i}.50")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def loaded(steward, dataset, load, tmp_path):
    load(steward, dataset, residents_csv(tmp_path / "r.csv"))
    dataset.refresh_from_db()
    return dataset


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", username="analyst_dsj", department="dsj")


def candidates(masked_id: str, visible: dict[str, str]) -> int:
    """How many valid ID numbers fit a masked one and every other visible value of its row (the attacker's view)."""
    m = re.fullmatch(r"(\d{6})(\*{8})(\d{3})([\dX])", masked_id)
    assert m, f"unexpected mask {masked_id!r}"
    area, _, seq, check = m.groups()
    years = range(1900, 2027)
    for value in visible.values():
        year = re.match(r"^((?:19|20)\d\d)", value or "")
        if year:
            years = [int(year.group(1))]
            break
    full_dates = {v for v in visible.values() if v and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)}
    n = 0
    for y in years:
        day = dt.date(y, 1, 1)
        while day.year == y:
            if not full_dates or day.isoformat() in full_dates:
                first17 = f"{area}{day:%Y%m%d}{seq}"
                if resident_id_check_char(first17) == check:
                    n += 1
            day += dt.timedelta(days=1)
    return n


def assert_not_rebuildable(columns: list[str], rows: list[list[str | None]]):
    id_col = columns.index("身份证号")
    for row in rows:
        assert not is_valid_resident_id(row[id_col] or "")
        visible = {c: v for c, v in zip(columns, row, strict=True) if c != "身份证号"}
        assert candidates(row[id_col], visible) >= 10, (row, "the masked ID can be rebuilt from the row")
        for value in row:
            assert "13912345678" not in (value or "") and not any(p in (value or "") for p in PHONES)


def test_every_read_path_keeps_ids_unrebuildable(loaded, analyst, client, login):
    preview = services.preview(analyst, loaded)
    assert preview["masked"]["出生日期"] == "birth_date" and preview["masked"]["身份证号"] == "id_number"
    assert_not_rebuildable(preview["columns"], preview["rows"])
    # the API and the page, as the analyst's browser gets them
    user = login("analyst", username="analyst_http", department="dsj")
    api = client.get(f"/api/catalog/datasets/{loaded.pk}/preview")
    assert api.status_code == 200, api.content[:300]
    body = api.json()
    assert_not_rebuildable(body["columns"], body["rows"])
    page = client.get(f"/catalog/datasets/{loaded.pk}/").content.decode()
    assert "13912345678" not in page and not any(p in page for p in PHONES)
    for rid in re.findall(r"\b\d{17}[\dX]\b", page):
        assert not is_valid_resident_id(rid)
    assert user.username == "analyst_http"


def test_page_shows_no_full_birth_date_beside_masked_ids(loaded, login, client):
    login("analyst", username="analyst_page", department="dsj")
    page = client.get(f"/catalog/datasets/{loaded.pk}/").content.decode()
    assert "1950-01-01" not in page and "1951-02-08" not in page


def test_a_cleared_label_does_not_unmask_and_the_override_is_audited(loaded, steward, analyst):
    phone = services.get_field(steward, loaded, "手机号")
    assert phone.label == "mobile"
    services.update_field(steward, phone, label="")
    phone.refresh_from_db()
    assert phone.label == ""
    ev = AuditEvent.objects.filter(action="catalog.field.updated").latest("seq")
    assert ev.details["detected"] == ["mobile"]
    preview = services.preview(analyst, loaded)
    col = preview["columns"].index("手机号")
    assert all(row[col].startswith("139****") for row in preview["rows"])
    assert preview["masked"]["手机号"] == "phone"


def test_content_masks_a_column_nobody_labelled(analyst):
    class F:
        def __init__(self, name):
            self.name, self.label, self.label_candidates = name, "", []

    columns = ["编号", "证件"]
    rows = [[str(i), make_resident_id("371122", dt.date(1980, 1, 1 + i), i)] for i in range(5)]
    plan = masking.plan([F("编号"), F("证件")], columns, rows)
    assert plan["证件"].why == "content" and "编号" not in plan
    out = masking.apply(columns, rows, plan)
    assert all("*" in r[1] for r in out) and [r[0] for r in out] == ["0", "1", "2", "3", "4"]


def test_identifiers_are_masked_even_in_an_unmasked_column():
    assert masking.mask_cell("13812345678", None) == "138****5678"
    assert masking.mask_cell("鲁L·12345", None) == "鲁L·***45"
    assert masking.mask_cell("2026-01-01", None) == "2026-01-01"
    assert masking.mask_cell(12345, None) == "12345"


def test_preview_is_an_audited_read(loaded, analyst):
    before = AuditEvent.objects.filter(action="catalog.preview.read").count()
    preview = services.preview(analyst, loaded, limit=7)
    ev = AuditEvent.objects.filter(action="catalog.preview.read").latest("seq")
    assert AuditEvent.objects.filter(action="catalog.preview.read").count() == before + 1
    assert (ev.actor, ev.object_id, ev.details["rows"]) == ("analyst_dsj", loaded.code, len(preview["rows"]) == 7 and 7)
    assert "身份证号" in ev.details["masked"] and ev.details["policy"]
    assert "371122" not in json.dumps(ev.details)
