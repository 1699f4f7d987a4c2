"""Quality rules → checks → incidents, deadlines in working days, freshness.

The rules run in `zhongshu.warehouse.quality` (its SQL check digits are compared with the Python
validators in tests/warehouse); these tests pin what the catalog adds around them."""

from __future__ import annotations

import pytest

from zhongshu.audit.models import AuditEvent
from zhongshu.catalog import quality, services
from zhongshu.catalog.models import Incident
from zhongshu.core import identifiers as ids
from zhongshu.core.errors import Forbidden, InvalidInput


def _file(tmp_path, rows):
    path = tmp_path / "e.csv"
    path.write_text("\n".join(["统一社会信用代码,企业名称,状态,注册资本"] + rows) + "\n", encoding="utf-8")
    return path


def test_rules_open_and_resolve_incidents(make_user, load, tmp_path):
    steward = make_user("steward", username="s_scj", department="scjgj")
    ds = services.create_dataset(steward, name="市场主体登记信息", department_code="scjgj")
    good = [ids.make_uscc("371122", f"MA{i:05d}X"[:8]) for i in range(30)]
    rows = [f"{u},莒县企业{i},存续,{100 + i}" for i, u in enumerate(good)]
    rows[3] = rows[3].replace(good[3], good[3][:17] + ("0" if good[3][17] != "0" else "1"))  # bad check character
    rows[5] = rows[5].replace("存续", "倒闭")
    load(steward, ds, _file(tmp_path, rows))
    ds.refresh_from_db()
    # a check-digit rule was proposed from the uscc label and failed on line 5 (row 4)
    rule = ds.rules.get(kind="check_digit")
    check = rule.checks.get(version=ds.current_version)
    assert (check.passed, check.failed, check.failing_rows) == (29, 1, [4])
    quality.add_rule(steward, ds, "allowed_values", "状态", {"values": "存续,注销,吊销"})
    quality.add_rule(steward, ds, "range", "注册资本", {"min": 0, "max": 120})
    quality.add_rule(steward, ds, "unique", "统一社会信用代码")
    quality.recheck(steward, ds)
    s = quality.scores(steward, ds)
    by_kind = {r["rule"].kind: r["check"] for r in s["rules"]}
    assert by_kind["allowed_values"].failed == 1 and by_kind["allowed_values"].failing_rows == [6]
    assert by_kind["range"].failed == 9  # 121..129
    assert by_kind["unique"].failed == 0
    assert 0 < s["score"] < 100 and s["fields"]["统一社会信用代码"] < 100
    incidents = list(quality.incidents(steward, dataset=ds))
    assert len(incidents) == 3 and all(i.assignee == steward and i.state == "open" for i in incidents)
    assert all(i.deadline > i.opened_at for i in incidents)
    assert AuditEvent.objects.filter(action="quality.incident.opened").count() == 3
    # visible to the data bureau and leaders, not to another department's steward
    assert quality.incidents(make_user("steward", username="s_dsj", department="dsj")).count() == 3
    assert quality.incidents(make_user("leader")).count() == 3
    assert quality.incidents(make_user("steward", username="s_mzj", department="mzj")).count() == 0
    with pytest.raises(Forbidden):
        quality.transition(make_user("steward", username="s_gaj", department="gaj"), incidents[0], "acknowledged")
    inc = incidents[0]
    quality.transition(steward, inc, "acknowledged")
    with pytest.raises(InvalidInput):
        quality.transition(steward, inc, "resolved")  # needs a note
    quality.transition(steward, inc, "resolved", "已在登记系统中更正")
    assert Incident.objects.get(pk=inc.pk).state == "resolved"
    # a fixed second version resolves the rest automatically and the trend shows both scores
    fixed = [f"{u},莒县企业{i},存续,{50 + i}" for i, u in enumerate(good)]
    load(steward, ds, _file(tmp_path, fixed))
    assert quality.incidents(steward, dataset=ds).exclude(state="resolved").count() == 0
    trend = quality.scores(steward, ds)["trend"]
    assert [t["version"] for t in trend] == [1, 2] and trend[1]["score"] == 100.0 > trend[0]["score"]


def test_reference_and_freshness(steward, dataset, load, tmp_path, people_csv, make_user):
    load(steward, dataset, people_csv(tmp_path / "p.csv", n=20))
    dataset.refresh_from_db()
    other = services.create_dataset(steward, name="补贴对象", department_code="gaj", update_cycle="daily")
    rids = [r.split(",")[0] for r in (tmp_path / "p.csv").read_text().splitlines()[1:6]]
    (tmp_path / "b.csv").write_text("身份证号,金额\n" + "\n".join(f"{r},100" for r in rids) + "\n371122190001011234,5\n")
    load(steward, other, tmp_path / "b.csv")
    other.refresh_from_db()
    quality.add_rule(steward, other, "reference", "身份证号", {"dataset": dataset.code, "field": "身份证号"})
    checks = {c.rule.kind: c for c in quality.recheck(steward, other)}
    assert checks["reference"].failed == 1 and checks["reference"].failing_rows == [6]
    assert checks["freshness"].failed == 0  # just loaded, daily cycle
    with pytest.raises(InvalidInput):
        quality.add_rule(steward, other, "format", "金额", {"pattern": "(["})


def test_incident_deadline_counts_working_days(settings):
    import datetime as dt

    from django.utils import timezone

    opened = dt.datetime(2026, 9, 30, 10, tzinfo=timezone.get_current_timezone())  # eve of 国庆
    # 10-01…10-07 are holidays, Saturday 10-10 is a make-up working day: 8, 9, 10, 12, 13
    assert timezone.localtime(quality.incident_deadline(opened)) == dt.datetime(
        2026, 10, 13, 23, 59, 59, tzinfo=timezone.get_current_timezone())
    settings.ZHONGSHU_QUALITY_DEADLINE_DAYS = 2
    assert timezone.localtime(quality.incident_deadline(opened)).date() == dt.date(2026, 10, 9)


def test_incident_is_due_at_the_end_of_a_working_day(steward, dataset, load, tmp_path, people_csv):
    from django.utils import timezone

    from zhongshu.core.calendar import default_calendar

    load(steward, dataset, people_csv(tmp_path / "p.csv", n=20))
    dataset.refresh_from_db()
    quality.add_rule(steward, dataset, "range", "年龄", {"min": "0", "max": "30"})  # strings, as a form sends
    checks = {c.rule.kind: c for c in quality.recheck(steward, dataset)}
    assert checks["range"].failed == 9  # ages are 20..39
    incident = dataset.incidents.get()
    local = timezone.localtime(incident.deadline)
    assert default_calendar().is_working_day(local.date()) and local.time().isoformat() == "23:59:59"
    assert default_calendar().working_days_between(timezone.localtime(incident.opened_at).date(), local.date()) == 5


def test_rule_values_must_fit_the_field(steward, dataset, load, tmp_path, people_csv):
    load(steward, dataset, people_csv(tmp_path / "p.csv", n=5))
    dataset.refresh_from_db()
    with pytest.raises(InvalidInput, match="holds numbers"):
        quality.add_rule(steward, dataset, "allowed_values", "年龄", {"values": "成年,未成年"})
    with pytest.raises(InvalidInput, match="holds numbers"):
        quality.add_rule(steward, dataset, "range", "年龄", {"min": "零"})
    quality.add_rule(steward, dataset, "allowed_values", "年龄", {"values": "20, 21,22"})
    checks = {c.rule.kind: c for c in quality.recheck(steward, dataset)}
    assert (checks["allowed_values"].passed, checks["allowed_values"].failed) == (3, 2)


def test_stale_version_fails_freshness(steward, dataset, load, tmp_path, people_csv):
    import datetime as dt

    from django.utils import timezone

    load(steward, dataset, people_csv(tmp_path / "p.csv", n=5))  # monthly: freshness proposed
    dataset.refresh_from_db()
    version = dataset.current_version
    assert {c.rule.kind: c for c in version.checks.all()}["freshness"].failed == 0
    type(version).objects.filter(pk=version.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    dataset.refresh_from_db()
    checks = {c.rule.kind: c for c in quality.recheck(steward, dataset)}
    assert (checks["freshness"].passed, checks["freshness"].failed) == (0, 1)
    assert dataset.incidents.get(rule=checks["freshness"].rule).state == "open"


def _gbk_people_with_a_bad_id(path, n: int = 501, bad_row: int = 250):
    import datetime

    ids_ = [ids.make_resident_id("371122", datetime.date(1960 + i % 50, 1 + i % 12, 1 + i % 28), i % 999 + 1)
            for i in range(n)]
    lines = ["身份证号,姓名,年龄"] + [f"{'坏行' if i == bad_row else ids_[i]},张伟,{20 + i % 50}" for i in range(n)]
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return path


def test_a_bad_value_fails_its_row_instead_of_crashing_the_rule(steward, dataset, load, tmp_path, caplog):
    """Issue #12: the ID-number rule died with ConversionException on 坏行 and no incident was raised."""
    attempt = load(steward, dataset, _gbk_people_with_a_bad_id(tmp_path / "p.csv"))
    assert attempt.state == "succeeded" and attempt.rows_loaded == 501
    dataset.refresh_from_db()
    check = dataset.rules.get(kind="check_digit").checks.get(version=dataset.current_version)
    assert (check.passed, check.failed, check.failing_rows) == (500, 1, [251])
    incident = dataset.incidents.get()
    assert incident.state == "open" and incident.summary.endswith("1 of 501 failed")
    assert not any(r.exc_info for r in caplog.records), "a quality rule logged a traceback"
    quality.add_rule(steward, dataset, "range", "身份证号", {"min": "1"})  # text compared as text: no crash
    quality.add_rule(steward, dataset, "allowed_values", "年龄", {"values": "20,21"})
    checks = {c.rule.kind: c for c in quality.recheck(steward, dataset)}
    assert checks["allowed_values"].failed == 501 - 21  # age 20: 11 rows, age 21: 10


def test_a_rule_that_cannot_run_is_reported_on_that_rule(steward, dataset, load, tmp_path, people_csv):
    load(steward, dataset, people_csv(tmp_path / "p.csv", n=20))
    dataset.refresh_from_db()
    # Python's re takes a look-ahead, DuckDB's RE2 does not: the rule passes validation, then cannot run
    rule = quality.add_rule(steward, dataset, "format", "手机号", {"pattern": r"(?=1)\d{11}"})
    checks = {c.rule_id: c for c in quality.recheck(steward, dataset)}
    assert checks[rule.pk].passed == 0 and checks[rule.pk].failed == 20  # nothing verified
    others = [c for pk, c in checks.items() if pk != rule.pk]
    assert others and all(c.failed == 0 for c in others if c.rule.kind != "freshness")  # the rest still ran
    incident = dataset.incidents.get(rule=rule)
    assert "could not run: the rule could not be evaluated on this version" in incident.summary
    assert "RE2" in incident.summary
    event = AuditEvent.objects.filter(action="quality.checked").order_by("-seq").first()
    assert event.details["errors"] == 1


def test_cli_load_with_a_bad_id_exits_zero_without_a_traceback(tmp_path, departments, capsys, caplog):
    from django.core.management import call_command

    call_command("ingest", str(_gbk_people_with_a_bad_id(tmp_path / "p.csv")), "--dataset", "人口",
                 "--department", "gaj", "--no-progress")
    out = capsys.readouterr()
    assert "501 rows loaded" in out.out and "Traceback" not in out.out + out.err
    assert not any(r.exc_info for r in caplog.records)
    assert Incident.objects.count() == 1
