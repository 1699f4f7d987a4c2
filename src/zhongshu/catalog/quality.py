"""Quality: rules per field or dataset, checks per version, scores and trends, incidents.

A failing rule opens an incident assigned to the providing department's steward with a deadline;
a later version on which the rule passes resolves it. Checks record counts and failing row
numbers, never values.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhongshu.accounts.models import User
from zhongshu.accounts.permissions import ensure
from zhongshu.audit.services import Event, record
from zhongshu.catalog import checkdigits
from zhongshu.catalog.models import (
    CYCLE_DAYS,
    Dataset,
    DatasetField,
    Incident,
    QualityCheck,
    QualityRule,
    Version,
)
from zhongshu.catalog.services import _check, version_files
from zhongshu.core import identifiers as ids
from zhongshu.core.errors import InvalidInput, NotFound
from zhongshu.ingest.casting import quote_ident, quote_literal
from zhongshu.warehouse.engine import DuckDBEngine

Kind = QualityRule.Kind
MAX_FAILING_ROWS = 100
CHECK_DIGITS = {"resident_id": ids.is_valid_resident_id, "uscc": ids.is_valid_uscc, "bank_card": ids.is_bank_card}
# Default rules proposed from a field's label.
LABEL_RULES: dict[str, list[tuple[str, dict]]] = {
    "resident_id": [(Kind.CHECK_DIGIT, {"scheme": "resident_id"})],
    "uscc": [(Kind.CHECK_DIGIT, {"scheme": "uscc"})],
    "bank_card": [(Kind.CHECK_DIGIT, {"scheme": "bank_card"})],
    "mobile": [(Kind.FORMAT, {"pattern": r"1[3-9]\d{9}"})],
    "landline": [(Kind.FORMAT, {"pattern": r"0\d{2,3}-?[2-9]\d{6,7}"})],
}


def deadline_days() -> int:
    return int(getattr(settings, "ZHONGSHU_QUALITY_DEADLINE_DAYS", 5))


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
    elif kind == Kind.CHECK_DIGIT and params.get("scheme") not in CHECK_DIGITS:
        raise InvalidInput("scheme", "unknown check-digit scheme", hint="one of: " + ", ".join(CHECK_DIGITS))
    elif kind == Kind.RANGE:
        if params.get("min") in (None, "") and params.get("max") in (None, ""):
            raise InvalidInput("range", "give a minimum, a maximum or both", hint="e.g. min 0, max 150")
    elif kind == Kind.ALLOWED_VALUES:
        values = params.get("values")
        if isinstance(values, str):
            values = [v.strip() for v in re.split(r"[,，\n]", values) if v.strip()]
        if not values:
            raise InvalidInput("values", "list the allowed values", hint="comma separated, e.g. 存续,注销,吊销")
        params["values"] = [str(v) for v in values]
    elif kind == Kind.REFERENCE:
        target = Dataset.objects.filter(code=params.get("dataset", "")).first()
        if target is None:
            raise InvalidInput("dataset", "the referenced dataset does not exist", hint="give its code, e.g. GAJ-0001")
        if not target.fields.filter(name=params.get("field", "")).exists():
            raise InvalidInput("field", f"{target.code} has no field {params.get('field')!r}")
    return params


def add_rule(actor: Any, dataset: Dataset, kind: str, field_name: str = "", params: dict | None = None) -> QualityRule:
    """Add a quality rule (owning department's steward; audited)."""
    _check(actor, "quality.manage", dataset)
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
    _check(actor, "quality.manage", rule)
    with transaction.atomic():
        rule.enabled = enabled
        rule.save(update_fields=["enabled"])
        record(actor, Event("quality.rule.enabled" if enabled else "quality.rule.disabled", "dataset",
                            rule.dataset.code, details={"rule": rule.pk}))
    return rule


def get_rule(actor: Any, pk: int) -> QualityRule:
    _check(actor, "quality.read")
    rule = QualityRule.objects.select_related("dataset", "field").filter(pk=pk).first()
    if rule is None:
        raise NotFound("quality rule", pk)
    return rule


def propose_defaults(dataset: Dataset) -> list[QualityRule]:
    """Rules suggested by labels, keys and the update cycle (created once; stewards edit them)."""
    made = []
    existing = {(r.field_id, r.kind) for r in dataset.rules.all()}
    for f in dataset.fields.filter(present=True):
        wanted = list(LABEL_RULES.get(f.label, []))
        if f.is_key:
            wanted += [(Kind.REQUIRED, {}), (Kind.UNIQUE, {})]
        for kind, params in wanted:
            if (f.pk, kind) not in existing:
                made.append(QualityRule.objects.create(dataset=dataset, field=f, kind=kind, params=params, proposed=True))
                existing.add((f.pk, kind))
    if dataset.update_cycle in CYCLE_DAYS and (None, Kind.FRESHNESS) not in existing:
        made.append(QualityRule.objects.create(dataset=dataset, kind=Kind.FRESHNESS, proposed=True))
    return made


# --- checks --------------------------------------------------------------------------------


def _evaluate(eng: DuckDBEngine, rule: QualityRule, version: Version) -> tuple[int, int, list[int]]:
    """(passed, failed, first failing row numbers) of one rule on one version."""
    if rule.kind == Kind.FRESHNESS:
        days = CYCLE_DAYS.get(rule.dataset.update_cycle)
        ok = days is None or timezone.now() - version.created_at <= timedelta(days=days)
        return (1, 0, []) if ok else (0, 1, [])
    col = quote_ident(rule.field.name)
    text = f"CAST({col} AS VARCHAR)"
    p = rule.params
    if rule.kind == Kind.CHECK_DIGIT:
        bad, scope = f"NOT ({checkdigits.SQL[p['scheme']](f'trim({text})')})", f"{col} IS NOT NULL AND trim({text}) <> ''"
    elif rule.kind == Kind.REQUIRED:
        bad, scope = f"({col} IS NULL OR trim({text}) = '')", "true"
    elif rule.kind == Kind.UNIQUE:
        bad = f"{col} IS NOT NULL AND count(*) OVER (PARTITION BY {col}) > 1"
        scope = f"{col} IS NOT NULL"
    elif rule.kind == Kind.FORMAT:
        bad, scope = f"NOT regexp_full_match({text}, {quote_literal(p['pattern'])})", f"{col} IS NOT NULL"
    elif rule.kind == Kind.RANGE:
        numeric = rule.field.type in ("integer", "decimal")
        val = f"TRY_CAST({col} AS DOUBLE)" if numeric else text
        lit = (lambda x: str(float(x))) if numeric else (lambda x: quote_literal(str(x)))
        conds = []
        if p.get("min") not in (None, ""):
            conds.append(f"{val} < {lit(p['min'])}")
        if p.get("max") not in (None, ""):
            conds.append(f"{val} > {lit(p['max'])}")
        bad, scope = f"({val} IS NULL OR {' OR '.join(conds)})", f"{col} IS NOT NULL"
    elif rule.kind == Kind.ALLOWED_VALUES:
        values = ", ".join(quote_literal(v) for v in p["values"])
        bad, scope = f"{text} NOT IN ({values})", f"{col} IS NOT NULL"
    elif rule.kind == Kind.REFERENCE:
        target = Dataset.objects.select_related("current_version").get(code=p["dataset"])
        if target.current_version is None:
            return 0, 0, []
        eng.run(f"CREATE OR REPLACE TEMP VIEW ref AS SELECT DISTINCT CAST({quote_ident(p['field'])} AS VARCHAR) AS k "
                f"FROM read_parquet({version_files(target.current_version)!r})")
        bad, scope = f"{text} NOT IN (SELECT k FROM ref WHERE k IS NOT NULL)", f"{col} IS NOT NULL"
    else:  # pragma: no cover - _validate refuses other kinds
        raise InvalidInput("kind", rule.kind)
    eng.run(f"CREATE OR REPLACE TEMP TABLE r AS SELECT __row, coalesce({bad}, true) AS bad FROM v WHERE {scope}")
    total, failed = eng.con.execute("SELECT count(*), count(*) FILTER (WHERE bad) FROM r").fetchone()
    rows = [r[0] for r in eng.con.execute(f"SELECT __row FROM r WHERE bad ORDER BY __row LIMIT {MAX_FAILING_ROWS}").fetchall()]
    return int(total) - int(failed), int(failed), rows


def run_checks(actor: Any, version: Version) -> list[QualityCheck]:
    """Check every enabled rule of the dataset against a version; open and resolve incidents."""
    dataset = version.dataset
    if actor is not None:
        ensure(actor, "quality.manage", dataset)
    rules = list(dataset.rules.filter(enabled=True).select_related("field", "dataset"))
    results = []
    with DuckDBEngine() as eng:
        eng.run(f"CREATE VIEW v AS SELECT *, file_row_number + 1 AS __row FROM read_parquet({version_files(version)!r}, file_row_number=true)")
        for rule in rules:
            if rule.field is not None and not rule.field.present:
                continue
            results.append((rule, _evaluate(eng, rule, version)))
    checks = []
    with transaction.atomic():
        for rule, (passed, failed, rows) in results:
            check, _ = QualityCheck.objects.update_or_create(
                rule=rule, version=version, defaults={"passed": passed, "failed": failed, "failing_rows": rows})
            checks.append(check)
        version.quality_score = round(sum(c.score for c in checks) / len(checks), 2) if checks else None
        Version.objects.filter(pk=version.pk).update(quality_score=version.quality_score)
        opened, resolved = _incidents(dataset, version, checks)
        record(actor, Event("quality.checked", "dataset", dataset.code, details={
            "version": version.number, "rules": len(checks), "failing": sum(1 for c in checks if c.failed),
            "score": version.quality_score, "incidents_opened": opened, "incidents_resolved": resolved}))
    return checks


def _incidents(dataset: Dataset, version: Version, checks: list[QualityCheck]) -> tuple[int, int]:
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
            incident = Incident.objects.create(
                dataset=dataset, rule=rule, version=version, department=dataset.department, assignee=steward,
                failed=check.failed, summary=f"{what}: {check.failed} of {check.passed + check.failed} failed"[:300],
                deadline=timezone.now() + timedelta(days=deadline_days()))
            record("system", Event("quality.incident.opened", "incident", incident.pk, details={
                "dataset": dataset.code, "rule": rule.pk, "failed": check.failed,
                "assignee": steward.username if steward else ""}))
            opened += 1
        elif check.failed and incident is not None:
            Incident.objects.filter(pk=incident.pk).update(failed=check.failed, version=version)
        elif not check.failed and incident is not None:
            Incident.objects.filter(pk=incident.pk).update(state=Incident.State.RESOLVED, resolved_at=timezone.now(),
                                                           note=f"rule passes on v{version.number}")
            record("system", Event("quality.incident.resolved", "incident", incident.pk,
                                   reason=f"rule passes on v{version.number}", details={"dataset": dataset.code}))
            resolved += 1
    return opened, resolved


def after_version(version: Version) -> None:
    """Propose default rules and check the new version (called by the loader after publishing)."""
    with transaction.atomic():
        propose_defaults(version.dataset)
    run_checks(None, version)


def recheck(actor: Any, dataset: Dataset) -> list[QualityCheck]:
    """Run the rules again on the current version (steward)."""
    _check(actor, "quality.manage", dataset)
    if dataset.current_version is None:
        raise InvalidInput("dataset", "there is no version to check yet", hint="load data first")
    return run_checks(actor, dataset.current_version)


# --- scores --------------------------------------------------------------------------------


def scores(actor: Any, dataset: Dataset) -> dict:
    """Dataset and per-field scores on the current version, the trend across versions, rule results."""
    _check(actor, "quality.read")
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
    _check(actor, "quality.read")
    qs = Incident.objects.select_related("dataset", "rule", "rule__field", "department", "assignee", "version")
    dept = getattr(actor, "department", None)
    if actor is not None and actor.role == "steward" and dept is not None and dept.code != "dsj":
        qs = qs.filter(department=dept)
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
    _check(actor, "quality.manage", incident)
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
