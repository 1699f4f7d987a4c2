"""Quality rules → checks → incidents; SQL check digits agree with the Python validators."""

from __future__ import annotations

import datetime
import random

import pytest

from zhongshu.audit.models import AuditEvent
from zhongshu.catalog import checkdigits, quality, services
from zhongshu.catalog.models import Incident
from zhongshu.core import identifiers as ids
from zhongshu.core.errors import Forbidden, InvalidInput
from zhongshu.warehouse.engine import DuckDBEngine


def test_sql_check_digits_match_python():
    rng = random.Random(3)
    rids = [ids.make_resident_id("371122", datetime.date(1950 + i, 1 + i % 12, 1 + i % 28), i + 1) for i in range(40)]
    rids += [r[:17] + ("0" if r[17] != "0" else "1") for r in rids[:20]] + ["371122199002301236", "12345", "37112219900101123X"]
    usccs = ["91350100M000100Y43", "91350100M000100Y44", "91371122MA3C4XYZ1", "91350100M000100Y4"]
    usccs += [ids.make_uscc("371122", "".join(rng.choice("0123456789ABCDEFGH") for _ in range(8))) for _ in range(30)]
    cards = ["4111111111111111", "4111111111111112", "6222020200112233445", "79927398713", "6225880137006429"]
    cards += ["".join(rng.choice("0123456789") for _ in range(rng.choice((16, 19)))) for _ in range(40)]
    with DuckDBEngine() as eng:
        for scheme, values, py in (("resident_id", rids, ids.is_valid_resident_id), ("uscc", usccs, ids.is_valid_uscc),
                                   ("bank_card", cards, ids.is_bank_card)):
            got = eng.con.execute(f"SELECT v, {checkdigits.SQL[scheme]('v')} FROM (SELECT unnest(?) AS v)", [values]).fetchall()
            assert {v: ok for v, ok in got} == {v: py(v) for v in values}, scheme


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
