"""Permissions matrix, own-department edits, audit events, search, preview masking, lineage."""

from __future__ import annotations

import pytest

from zhongshu.accounts.permissions import allowed
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.models import AuditEvent
from zhongshu.catalog import crypto, services
from zhongshu.core.errors import Forbidden, InvalidInput
from zhongshu.ingest.dbsource import redact_url


@pytest.mark.parametrize("role,action,expected", [
    ("steward", "catalog.read", True), ("steward", "catalog.edit", True), ("steward", "catalog.ingest", True),
    ("steward", "quality.manage", True), ("analyst", "catalog.read", True), ("analyst", "catalog.edit", False),
    ("analyst", "catalog.ingest", False), ("leader", "catalog.read", True), ("leader", "quality.manage", False),
    ("sysadmin", "catalog.read", False), ("auditor", "catalog.read", False), ("operator", "catalog.read", False),
])
def test_role_matrix(make_user, role, action, expected):
    assert allowed(make_user(role), action) is expected


@pytest.mark.parametrize("steward_dept,expected", [("gaj", True), ("mzj", False), ("dsj", True)])
def test_steward_edits_only_own_department(make_user, steward_dept, expected):
    owner = make_user("steward", username="owner", department="gaj")
    ds = services.create_dataset(owner, name="户籍", department_code="gaj")
    other = make_user("steward", username=f"s_{steward_dept}", department=steward_dept)
    for action in ("catalog.edit", "catalog.ingest", "quality.manage"):
        assert allowed(other, action, ds) is expected
    if not expected:
        with pytest.raises(Forbidden, match="another department"):
            services.update_metadata(other, ds, description="x")
        assert AuditEvent.objects.filter(action="authz.denied", actor=other.username).exists()
    else:
        services.update_metadata(other, ds, description="由公安局提供")


def test_cross_department_create_denied(make_user):
    with pytest.raises(Forbidden):
        services.create_dataset(make_user("steward", department="mzj"), name="户籍", department_code="gaj")


def test_metadata_edit_is_audited_and_validated(steward, dataset):
    services.update_metadata(steward, dataset, sharing_type="unconditional", open_type="conditional",
                             update_cycle="daily", description="莒县常住人口")
    ev = AuditEvent.objects.filter(action="catalog.dataset.updated").latest("seq")
    assert ev.object_id == dataset.code and set(ev.details["changed"]) == {"sharing_type", "open_type", "update_cycle", "description"}
    with pytest.raises(InvalidInput, match="sharing_type"):
        services.update_metadata(steward, dataset, sharing_type="maybe")
    with pytest.raises(Forbidden):
        services.update_metadata(services.department and None or _analyst(steward), dataset, description="x")


def _analyst(steward):
    from support import TEST_PASSWORD
    from zhongshu.accounts.services import create_user

    return create_user(SYSTEM, username="ana", password=TEST_PASSWORD, role="analyst", department_code="dsj")


def test_chinese_search_and_filters(steward, make_user):
    services.create_dataset(steward, name="常住人口户籍信息", department_code="gaj", category="人口")
    services.create_dataset(steward, name="机动车登记信息", department_code="gaj", category="交通",
                            sharing_type="unconditional")
    mzj = make_user("steward", username="s_mzj", department="mzj")
    services.create_dataset(mzj, name="低保发放信息", department_code="mzj", category="社会救助",
                            description="城乡低保对象及发放金额")
    names = lambda **kw: [d.name for d in services.search_datasets(steward, **kw)]  # noqa: E731
    assert names(q="户籍") == ["常住人口户籍信息"]
    assert names(q="人口户籍") == ["常住人口户籍信息"]
    assert names(q="发放金额") == ["低保发放信息"]  # description is searched too
    assert names(department="mzj") == ["低保发放信息"]
    assert names(sharing_type="unconditional") == ["机动车登记信息"]
    assert names(category="人口", q="信息") == ["常住人口户籍信息"]
    assert names(q="不存在的东西") == []


def test_preview_masks_personal_data_and_lineage(steward, dataset, load, tmp_path, people_csv):
    load(steward, dataset, people_csv(tmp_path / "p.csv", extra_col=True))
    dataset.refresh_from_db()
    p = services.preview(steward, dataset)
    assert set(p["masked"]) >= {"身份证号", "姓名", "手机号", "住址"}
    row = dict(zip(p["columns"], p["rows"][0]))
    assert row["身份证号"].startswith("371122") and "*" in row["身份证号"]
    assert row["手机号"] == "138****0000" and row["姓名"].endswith("*")
    assert row["住址"] == "山东省日照市莒县城阳街道****"
    assert row["年龄"] == "20"  # not personal data: shown as is
    edges = services.lineage(steward, dataset)
    assert [(e.from_type, e.to_type, e.relation) for e in edges] == [("file", "version", "loaded_into")]


def test_label_confirmation_and_grade(steward, dataset, load, tmp_path, people_csv):
    load(steward, dataset, people_csv(tmp_path / "p.csv"))
    age = services.get_field(steward, dataset, "年龄")
    services.update_field(steward, age, label="", description="周岁")
    phone = services.get_field(steward, dataset, "手机号")
    assert phone.label_status == "suggested" and phone.label_share == 1.0
    services.update_field(steward, phone, label="landline")  # the steward corrects the label
    phone.refresh_from_db()
    assert (phone.label, phone.label_status) == ("landline", "confirmed")
    with pytest.raises(InvalidInput):
        services.update_field(steward, phone, label="colour")
    ev = AuditEvent.objects.filter(action="catalog.field.updated").latest("seq")
    assert ev.details["field"] == "手机号" and ev.details["label"] == "landline"


def test_credentials_encrypted_and_redacted(settings):
    token = crypto.encrypt("postgresql://gaj:s3cret@db:5432/huji")
    assert "s3cret" not in token
    assert crypto.decrypt(token).endswith("@db:5432/huji")
    key = crypto.key_path()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert redact_url("mysql://u:p@h/db") == "mysql://u:***@h/db"


def test_field_description_can_be_cleared(client, login, tmp_path, people_csv, load):
    user = login("steward", username="s_clear", department="gaj")
    ds = services.create_dataset(user, name="户籍", department_code="gaj")
    load(user, ds, people_csv(tmp_path / "p.csv", n=5))
    age = services.get_field(user, ds, "年龄")
    services.update_field(user, age, description="周岁")
    services.update_field(user, age, description="")
    age.refresh_from_db()
    assert age.description == ""
    services.update_field(user, age, description="周岁")
    r = client.post(f"/catalog/datasets/{ds.pk}/fields/{age.pk}", {"description": "", "label": "", "key_present": "1"})
    assert r.status_code == 302
    age.refresh_from_db()
    assert age.description == ""
    services.update_field(user, age, description="周岁")
    r = client.patch(f"/api/catalog/datasets/{ds.code}/fields/年龄", {"description": ""}, content_type="application/json")
    assert r.status_code == 200 and r.json()["description"] == ""
    ds.refresh_from_db()
    assert "周岁" not in ds.search_text
