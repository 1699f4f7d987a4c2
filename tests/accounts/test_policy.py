"""One policy model: "may I act on this object" and "is it in my list" never disagree; no actor is None;
the audit log's vocabulary is closed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db.models import Q
from django.utils import timezone

from zhongshu.accounts import permissions
from zhongshu.accounts.permissions import SCOPE_RULES, decide, restrict
from zhongshu.accounts.roles import ROLE_ACTIONS, Role
from zhongshu.accounts.system import SYSTEM
from zhongshu.appeals import intake, services
from zhongshu.appeals.models import Appeal
from zhongshu.audit import events
from zhongshu.audit.models import AuditEvent
from zhongshu.audit.services import Event, UnregisteredEvent, record
from zhongshu.catalog.models import Incident

SRC = Path(__file__).resolve().parents[2] / "src" / "zhongshu"

# every model a scope rule covers, and how to build a few rows of it
ROLES_AND_DEPARTMENTS = [("sysadmin", None), ("secadmin", None), ("auditor", None), ("steward", "gaj"),
                         ("steward", "dsj"), ("analyst", "dsj"), ("operator", "rx12345"), ("handler", "zjj"),
                         ("handler", "sthj"), ("handler", "dsj"), ("leader", "gov")]


@pytest.fixture
def appeals(make_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from zhongshu.accounts.models import Department

    operator = make_user("operator", username="op_policy")
    made = []
    for i, (lead, co, need) in enumerate([("zjj", None, False), ("zjj", "sthj", True), ("sthj", None, False),
                                         ("sthj", "zjj", False), (None, None, False), ("gaj", None, True)]):
        appeal, _ = intake.submit(operator, intake.AppealInput(text=f"第{i}件：小区楼道路灯坏了，请尽快维修",
                                                                 citizen_phone="13812345678"), "hotline")
        appeal.department = Department.objects.get(code=lead) if lead else None
        appeal.identity_needed = need
        appeal.save()
        if co:
            appeal.co_departments.add(Department.objects.get(code=co))
        made.append(appeal)
    return made


@pytest.fixture
def incidents(departments):
    from zhongshu.accounts.models import Department
    from zhongshu.catalog.models import Dataset, QualityRule, Version

    out = []
    for code in ("gaj", "mzj", "dsj"):
        dept = Department.objects.get(code=code)
        ds = Dataset.objects.create(name=f"{code} 数据", department=dept, code=f"{code.upper()}-9001")
        rule = QualityRule.objects.create(dataset=ds, kind="freshness")
        version = Version.objects.create(dataset=ds, number=1, path="x", rows=0)
        out.append(Incident.objects.create(dataset=ds, rule=rule, version=version, department=dept, summary="x", failed=1,
                                           deadline=timezone.now()))
    return out


def _actions_for(model_label: str) -> set[str]:
    return {a for r in SCOPE_RULES if r.model == model_label for a in r.actions}


@pytest.mark.parametrize("role,dept", ROLES_AND_DEPARTMENTS)
def test_detail_and_list_agree_on_appeals(make_user, appeals, role, dept):
    user = make_user(role, username=f"{role}_{dept}_p", department=dept)
    for action in sorted(_actions_for("appeals.Appeal") | {"appeals.read"}):
        may_list = decide(user, action).allowed
        listed = set(restrict(user, action, Appeal.objects.all()).values_list("pk", flat=True)) if may_list else set()
        for appeal in Appeal.objects.all():
            assert decide(user, action, appeal).allowed == (appeal.pk in listed), (role, dept, action, appeal.pk)


@pytest.mark.parametrize("role,dept", ROLES_AND_DEPARTMENTS)
def test_detail_and_list_agree_on_incidents(make_user, incidents, role, dept):
    user = make_user(role, username=f"{role}_{dept}_i", department=dept)
    for action in sorted(_actions_for("catalog.Incident")):
        may = decide(user, action).allowed
        listed = set(restrict(user, action, Incident.objects.all()).values_list("pk", flat=True)) if may else set()
        for incident in Incident.objects.all():
            assert decide(user, action, incident).allowed == (incident.pk in listed), (role, dept, action)


def test_handler_scope_is_lead_or_co_handling_everywhere(make_user, appeals):
    handler = make_user("handler", username="h_zjj", department="zjj")
    mine = {a.pk for a in appeals if (a.department and a.department.code == "zjj")
            or a.co_departments.filter(code="zjj").exists()}
    assert set(services.scoped(handler).values_list("pk", flat=True)) == mine
    from zhongshu.appeals import analytics_filters

    assert set(analytics_filters.scope(handler).values_list("pk", flat=True)) == mine
    assert not analytics_filters.county_wide(handler)
    # handling is for the lead department only; identity only where the case needs it
    assert {a.pk for a in restrict(handler, "appeals.handle", Appeal.objects.all())} == {
        a.pk for a in appeals if a.department and a.department.code == "zjj"}
    assert {a.pk for a in restrict(handler, "appeals.identity", Appeal.objects.all())} == {appeals[1].pk}


def test_restrict_refuses_and_audits_a_role_without_the_action(make_user):
    auditor = make_user("auditor")
    with pytest.raises(permissions.Forbidden):
        restrict(auditor, "appeals.read", Appeal.objects.all())
    last = AuditEvent.objects.order_by("-seq").first()
    assert (last.action, last.details["requested"]) == ("authz.denied", "appeals.read")


def test_the_system_actor_may_act_and_is_audited_as_system(db):
    assert decide(SYSTEM, "accounts.manage").allowed
    assert decide(SYSTEM, "no.such.action").allowed is False  # default deny holds for the system too
    record(SYSTEM, Event("logout"))
    assert AuditEvent.objects.order_by("-seq").first().actor == "system"


def test_none_is_never_an_actor(db):
    assert not decide(None, "home.view").allowed
    with pytest.raises(TypeError, match="needs an actor"):
        record(None, Event("logout"))
    from zhongshu.accounts.services import create_user

    with pytest.raises(permissions.Forbidden):
        create_user(None, username="x", password="Zx9!long-enough", role="analyst", department_code="dsj")


def test_no_service_skips_its_check_for_none():
    offenders = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"if actor is not None:\s*\n\s*(ensure|_check)\(", text):
            offenders.append(f"{path.relative_to(SRC)}:{text[:m.start()].count(chr(10)) + 1}")
    assert not offenders, "services must not treat a missing actor as the system: " + ", ".join(offenders)


def test_unregistered_events_and_fields_are_refused(db):
    with pytest.raises(UnregisteredEvent, match="not registered"):
        record(SYSTEM, Event("made.up"))
    with pytest.raises(UnregisteredEvent, match="does not declare"):
        record(SYSTEM, Event("logout", details={"password": "x"}))


def test_every_event_the_code_writes_is_registered():
    literal = re.compile(r"""Event\(\s*(f?)["']([a-z0-9_.{}]+)["']""")
    unknown = []
    for path in SRC.rglob("*.py"):
        for m in literal.finditer(path.read_text(encoding="utf-8")):
            name = m.group(2)
            if m.group(1):  # an f-string: every registered name must match the pattern
                pattern = re.escape(name).replace(r"\{", "{").replace(r"\}", "}")
                pattern = re.sub(r"{[^}]*}", r"[a-z_]+", pattern)
                if not any(re.fullmatch(pattern, n) for n in events.EVENT_TYPES):
                    unknown.append(f"{path.name}: {name}")
            elif name not in events.EVENT_TYPES:
                unknown.append(f"{path.name}: {name}")
    assert not unknown, unknown


def test_every_event_has_a_label_and_description():
    for et in events.EVENT_TYPES.values():
        assert str(et.label) and et.description, et.name


def test_scope_rules_name_real_actions_and_roles_hold_them():
    every = set().union(*ROLE_ACTIONS.values())
    for rule in SCOPE_RULES:
        assert rule.actions <= every
        assert isinstance(rule.scope, type(lambda: None))
    assert Role.HANDLER in ROLE_ACTIONS and isinstance(Q(), Q)
