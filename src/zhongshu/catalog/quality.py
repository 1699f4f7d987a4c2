"""Quality: rules per field or dataset, checks per version, scores and trends, incidents.

Rules are stored here and run by `zhongshu.warehouse.quality.run_rules` over every row of a
version; only freshness (the version's age against the dataset's 更新周期) is the catalog's own.
A failing rule opens an incident assigned to the providing department's steward, due after
`ZHONGSHU_QUALITY_DEADLINE_DAYS` working days on the holiday calendar; a later version on which
the rule passes resolves it. Checks record counts and failing row numbers, never values.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhongshu.accounts.models import User
from zhongshu.accounts.permissions import ensure, restrict
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.services import Event, record
from zhongshu.catalog.models import (
    CYCLE_DAYS,
    Dataset,
    DatasetField,
    Incident,
    QualityCheck,
    QualityRule,
    Version,
)
from zhongshu.catalog.services import version_files
from zhongshu.core.calendar import WorkCalendar, default_calendar
from zhongshu.core.errors import InvalidInput, NotFound
from zhongshu.warehouse import quality as wq

Kind = QualityRule.Kind
NUMERIC = ("integer", "decimal")


def deadline_days() -> int:
    """Working days a steward has to handle a quality incident."""
    return int(getattr(settings, "ZHONGSHU_QUALITY_DEADLINE_DAYS", 5))


def incident_deadline(opened: dt.datetime, calendar: WorkCalendar | None = None) -> dt.datetime:
    """The end (23:59:59 local time) of the `deadline_days()`-th working day after `opened`.

    >>> import zoneinfo
    >>> opened = dt.datetime(2026, 9, 30, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    >>> incident_deadline(opened, WorkCalendar()).date()  # Wednesday + 5, weekends only
    datetime.date(2026, 10, 7)
    """
    cal = calendar or default_calendar()
    day = cal.add_working_days(timezone.localtime(opened).date(), deadline_days())
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


# --- rules ---------------------------------------------------------------------------------


def _validate(kind: str, params: dict, field: DatasetField | None) -> dict:
    if kind not in Kind.values:
        raise InvalidInput("kind", f"unknown rule kind {kind!r}", hint="one of: " + ", ".join(Kind.values))
    if kind != Kind.FRESHNESS and field is None:
        raise InvalidInput("field", f"a {kind} rule needs a field", hint="choose the field it checks")
    params = dict(params or {})
    if kind == Kind.FORMAT:
        try:
            re.compile(params.get("pattern") or "")
        except re.error:
            raise InvalidInput("pattern", "not a valid regular expression", hint=r"e.g. 1[3-9]\d{9}") from None
        if not params.get("pattern"):
            raise InvalidInput("pattern", "a format rule needs a pattern", hint=r"e.g. 1[3-9]\d{9}")
    elif kind == Kind.CHECK_DIGIT and params.get("scheme") not in wq.CHECK_SCHEMES:
        raise InvalidInput("scheme", "unknown check-digit scheme", hint="one of: " + ", ".join(wq.CHECK_SCHEMES))
    elif kind == Kind.RANGE:
        if params.get("min") in (None, "") and params.get("max") in (None, ""):
            raise InvalidInput("range", "give a minimum, a maximum or both", hint="e.g. min 0, max 150")
        for bound in ("min", "max"):
            _typed(field, params.get(bound), bound)
    elif kind == Kind.ALLOWED_VALUES:
        values = params.get("values")
        if isinstance(values, str):
            values = [v.strip() for v in re.split(r"[,，\n]", values) if v.strip()]
        if not values:
            raise InvalidInput("values", "list the allowed values", hint="comma separated, e.g. 存续,注销,吊销")
        params["values"] = [str(v) for v in values]
        for v in params["values"]:
            _typed(field, v, "values")
    elif kind == Kind.REFERENCE:
        target = Dataset.objects.filter(code=params.get("dataset", "")).first()
        if target is None:
            raise InvalidInput("dataset", "the referenced dataset does not exist", hint="give its code, e.g. GAJ-0001")
        if not target.fields.filter(name=params.get("field", "")).exists():
            raise InvalidInput("field", f"{target.code} has no field {params.get('field')!r}")
    return params


def add_rule(actor: Any, dataset: Dataset, kind: str, field_name: str = "", params: dict | None = None) -> QualityRule:
    """Add a quality rule (owning department's steward; audited)."""
    ensure(actor, "quality.manage", dataset)
    field = dataset.fields.filter(name=field_name).first() if field_name else None
    if field_name and field is None:
        raise NotFound("field", field_name)
    params = _validate(kind, params or {}, field)
    with transaction.atomic():
        rule = QualityRule.objects.create(dataset=dataset, field=field, kind=kind, params=params)
        record(actor, Event("quality.rule.created", "dataset", dataset.code,
                            details={"rule": rule.pk, "kind": kind, "field": field_name}))
    return rule


def set_rule_enabled(actor: Any, rule: QualityRule, enabled: bool) -> QualityRule:
    ensure(actor, "quality.manage", rule)
    with transaction.atomic():
        rule.enabled = enabled
        rule.save(update_fields=["enabled"])
        record(actor, Event("quality.rule.enabled" if enabled else "quality.rule.disabled", "dataset",
                            rule.dataset.code, details={"rule": rule.pk}))
    return rule


def get_rule(actor: Any, pk: int) -> QualityRule:
    ensure(actor, "quality.read")
    rule = QualityRule.objects.select_related("dataset", "field").filter(pk=pk).first()
    if rule is None:
        raise NotFound("quality rule", pk)
    return rule


def propose_defaults(dataset: Dataset) -> list[QualityRule]:
    """Rules suggested by labels and keys (`warehouse.quality.propose_rules`) and by the update
    cycle (freshness); each is created once, stewards edit or disable them."""
    made = []
    existing = {(r.field_id, r.kind) for r in dataset.rules.all()}
    fields = {f.name: f for f in dataset.fields.filter(present=True)}
    # null_share=None: "no empty values in one version" is too weak a reason to require a field.
    profiles = [_Labelled(f.name, f.label or None) for f in fields.values()]
    for proposal in wq.propose_rules(profiles, [f.name for f in fields.values() if f.is_key]):
        f = fields[proposal.column]
        if (f.pk, proposal.kind) not in existing:
            made.append(QualityRule.objects.create(dataset=dataset, field=f, kind=proposal.kind,
                                                   params=proposal.params, proposed=True))
            existing.add((f.pk, proposal.kind))
    if dataset.update_cycle in CYCLE_DAYS and (None, Kind.FRESHNESS) not in existing:
        made.append(QualityRule.objects.create(dataset=dataset, kind=Kind.FRESHNESS, proposed=True))
    return made


class _Labelled:
    """What `propose_rules` reads of a field profile."""

    def __init__(self, name: str, label: str | None) -> None:
        self.name, self.label, self.null_share = name, label, None


# --- checks --------------------------------------------------------------------------------


def _typed(field: DatasetField | None, value: Any, name: str) -> Any:
    """A bound or allowed value as the engine compares it: a number for numeric fields."""
    if value in (None, ""):
        return None
    if field is not None and field.type in NUMERIC:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise InvalidInput(name, f"{field.name} holds numbers; {value!r} is not one",
                               hint="e.g. 0 or 12.5") from None
    return str(value)


def _engine_rule(rule: QualityRule) -> wq.Rule | None:
    """The warehouse rule for a stored rule; None when there is nothing to check against."""
    p, field = dict(rule.params), rule.field
    if rule.kind == Kind.RANGE:
        p = {"min": _typed(field, p.get("min"), "min"), "max": _typed(field, p.get("max"), "max")}
    elif rule.kind == Kind.ALLOWED_VALUES:
        p = {"values": [_typed(field, v, "values") for v in p["values"]]}
    elif rule.kind == Kind.REFERENCE:
        target = Dataset.objects.select_related("current_version").get(code=p["dataset"])
        if target.current_version is None:
            return None
        p = {"files": version_files(target.current_version), "column": p["field"]}
    return wq.Rule(rule.kind, field.name, p)


def _fresh(rule: QualityRule, version: Version) -> tuple[int, int, list[int]]:
    """Freshness: the version is younger than the dataset's 更新周期 allows."""
    days = CYCLE_DAYS.get(rule.dataset.update_cycle)
    ok = days is None or timezone.now() - version.created_at <= dt.timedelta(days=days)
    return (1, 0, []) if ok else (0, 1, [])


def run_checks(actor: Any, version: Version) -> list[QualityCheck]:
    """Check every enabled rule of the dataset against a version; open and resolve incidents."""
    dataset = version.dataset
    ensure(actor, "quality.manage", dataset)
    rules = [r for r in dataset.rules.filter(enabled=True).select_related("field", "dataset")
             if r.field is None or r.field.present]
    to_run = {r.pk: e for r in rules if r.kind != Kind.FRESHNESS and (e := _engine_rule(r)) is not None}
    ran = dict(zip(to_run, wq.run_rules(version_files(version), list(to_run.values())), strict=True)) if to_run else {}
    # a rule that could not run counts every row as unverified and opens an incident saying why
    errors = {pk: r.error for pk, r in ran.items() if r.error}
    results = [(r, _fresh(r, version)) if r.kind == Kind.FRESHNESS else
               (r, (ran[r.pk].passed, ran[r.pk].failed, ran[r.pk].failing_rows))
               for r in rules if r.kind == Kind.FRESHNESS or r.pk in ran]
    checks = []
    with transaction.atomic():
        for rule, (passed, failed, rows) in results:
            check, _ = QualityCheck.objects.update_or_create(
                rule=rule, version=version, defaults={"passed": passed, "failed": failed, "failing_rows": rows})
            checks.append(check)
        version.quality_score = round(sum(c.score for c in checks) / len(checks), 2) if checks else None
        Version.objects.filter(pk=version.pk).update(quality_score=version.quality_score)
        opened, resolved = _incidents(dataset, version, checks, errors)
        record(actor, Event("quality.checked", "dataset", dataset.code, details={
            "version": version.number, "rules": len(checks), "failing": sum(1 for c in checks if c.failed),
            "score": version.quality_score, "incidents_opened": opened, "incidents_resolved": resolved,
            "errors": len(errors)}))
    return checks


def _incidents(dataset: Dataset, version: Version, checks: list[QualityCheck],
               errors: dict[int, str] | None = None) -> tuple[int, int]:
    current = Dataset.objects.filter(pk=dataset.pk).values_list("current_version_id", flat=True).first()
    if current not in (None, version.pk):
        return 0, 0  # checking an old version does not open or close today's incidents
    active = {i.rule_id: i for i in dataset.incidents.exclude(state=Incident.State.RESOLVED)}
    steward = (User.objects.filter(role="steward", department=dataset.department, is_active=True).order_by("id").first())
    opened = resolved = 0
    for check in checks:
        rule = check.rule
        incident = active.get(rule.pk)
        if check.failed and incident is None:
            what = f"{rule.get_kind_display()} · {rule.field.name if rule.field else dataset.name}"
            error = (errors or {}).get(rule.pk)
            outcome = f"could not run: {error}" if error else f"{check.failed} of {check.passed + check.failed} failed"
            incident = Incident.objects.create(
                dataset=dataset, rule=rule, version=version, department=dataset.department, assignee=steward,
                failed=check.failed, summary=f"{what}: {outcome}"[:300],
                deadline=incident_deadline(timezone.now()))
            record(SYSTEM, Event("quality.incident.opened", "incident", incident.pk, details={
                "dataset": dataset.code, "rule": rule.pk, "failed": check.failed,
                "assignee": steward.username if steward else ""}))
            opened += 1
        elif check.failed and incident is not None:
            Incident.objects.filter(pk=incident.pk).update(failed=check.failed, version=version)
        elif not check.failed and incident is not None:
            Incident.objects.filter(pk=incident.pk).update(state=Incident.State.RESOLVED, resolved_at=timezone.now(),
                                                           note=f"rule passes on v{version.number}")
            record(SYSTEM, Event("quality.incident.resolved", "incident", incident.pk,
                                   reason=f"rule passes on v{version.number}", details={"dataset": dataset.code}))
            resolved += 1
    return opened, resolved


def after_version(version: Version) -> None:
    """Propose default rules and check the new version (called by the loader after publishing)."""
    with transaction.atomic():
        propose_defaults(version.dataset)
    run_checks(SYSTEM, version)


def recheck(actor: Any, dataset: Dataset) -> list[QualityCheck]:
    """Run the rules again on the current version (steward)."""
    ensure(actor, "quality.manage", dataset)
    if dataset.current_version is None:
        raise InvalidInput("dataset", "there is no version to check yet", hint="load data first")
    return run_checks(actor, dataset.current_version)


# --- scores --------------------------------------------------------------------------------


def scores(actor: Any, dataset: Dataset) -> dict:
    """Dataset and per-field scores on the current version, the trend across versions, rule results."""
    ensure(actor, "quality.read")
    trend = [{"version": v.number, "score": v.quality_score} for v in dataset.versions.order_by("number")]
    current = dataset.current_version
    rules = []
    fields: dict[str, list[float]] = {}
    checks = {c.rule_id: c for c in QualityCheck.objects.filter(version=current)} if current else {}
    for rule in dataset.rules.select_related("field"):
        c = checks.get(rule.pk)
        rules.append({"rule": rule, "check": c})
        if c is not None and rule.field is not None:
            fields.setdefault(rule.field.name, []).append(c.score)
    return {"score": current.quality_score if current else None, "trend": trend, "rules": rules,
            "fields": {k: round(sum(v) / len(v), 2) for k, v in fields.items()}}


# --- incidents -----------------------------------------------------------------------------


def incidents(actor: Any, *, state: str = "", department: str = "", dataset: Dataset | None = None):
    """Incidents the actor may see: the data bureau and leaders see all, a steward their department's."""
    qs = restrict(actor, "quality.read", Incident.objects.select_related(
        "dataset", "rule", "rule__field", "department", "assignee", "version"))
    if state:
        qs = qs.filter(state=state)
    if department:
        qs = qs.filter(department__code=department)
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    return qs


def get_incident(actor: Any, pk: int) -> Incident:
    inc = incidents(actor).filter(pk=pk).first()
    if inc is None:
        raise NotFound("incident", pk)
    return inc


def transition(actor: Any, incident: Incident, to: str, note: str = "") -> Incident:
    """open → acknowledged → resolved (or open → resolved); the owning steward only; audited."""
    ensure(actor, "quality.manage", incident)
    allowed = {Incident.State.OPEN: {"acknowledged", "resolved"}, Incident.State.ACKNOWLEDGED: {"resolved"}}
    if to not in allowed.get(incident.state, set()):
        raise InvalidInput("state", f"cannot go from {incident.state} to {to}",
                           hint="acknowledge an open incident, then resolve it")
    if to == "resolved" and not note.strip():
        raise InvalidInput("note", "say how the problem was resolved", hint="e.g. 已更正源系统中的身份证号")
    with transaction.atomic():
        incident.state = to
        now = timezone.now()
        if to == "acknowledged":
            incident.acknowledged_at = now
        else:
            incident.resolved_at = now
        if note:
            incident.note = note[:2000]
        incident.save()
        record(actor, Event(f"quality.incident.{to}", "incident", incident.pk, reason=note[:300],
                            details={"dataset": incident.dataset.code}))
    return incident
