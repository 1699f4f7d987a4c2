"""The registry of audit event types: every action the log may hold, with its fields and label.

`audit.services.record` refuses an event whose action is not registered here, or whose details
carry a key the type does not declare, so the log's vocabulary is closed and documented (the
auditor's filter and the Chinese labels come from this table). Adding an event means adding a
row: name, label (shown to people, translated), description (for the docs) and detail fields.

`reads_personal_data` marks events that record a read of personal data (who read what, how many
rows, under which policy): the auditor can list those alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    description: str
    fields: frozenset[str] = frozenset()
    reads_personal_data: bool = False


EVENT_TYPES: dict[str, EventType] = {}


def register(name: str, label: str, description: str, fields: tuple[str, ...] = (), *,
             reads_personal_data: bool = False) -> EventType:
    """Declare an event type (raises on a duplicate name)."""
    if name in EVENT_TYPES:
        raise ValueError(f"audit event {name!r} registered twice")
    EVENT_TYPES[name] = EventType(name, label, description, frozenset(fields), reads_personal_data)
    return EVENT_TYPES[name]


def get(name: str) -> EventType | None:
    return EVENT_TYPES.get(name)


def label(name: str) -> str:
    """The person-facing label of an action (the name itself when unregistered: old records)."""
    et = EVENT_TYPES.get(name)
    return str(et.label) if et else name


def choices() -> list[tuple[str, str]]:
    """(name, label) pairs for the auditor's filter, ordered by name."""
    return [(et.name, str(et.label)) for et in sorted(EVENT_TYPES.values(), key=lambda e: e.name)]


# Read events share these fields: the policy that allowed the read and how many rows it returned.
READ_FIELDS = ("policy", "rows", "dataset", "version", "masked", "filter", "page")

# --- accounts and sessions -------------------------------------------------------------------------
register("login.success", _("Logged in"), "A user logged in.", ("trusted_device",))
register("login.failure", _("Login failed"), "Wrong user name or password.", ("repeated",))
register("login.lockout", _("Account locked"), "The failure limit was reached; the account is locked for a while.")
register("login.locked", _("Login refused: account locked"), "A login was tried while the account was locked.",
         ("repeated",))
register("login.blocked_ip", _("Login refused: address blocked"),
         "A login was tried from an address with too many failures.", ("repeated",))
register("login.unlocked", _("Account unlocked"), "The security administrator lifted a lockout early.")
register("login.ip_unblocked", _("Address unblocked"),
         "The security administrator lifted a client address's login block early.", ("failures",))
register("logout", _("Logged out"), "A user logged out, or a session limit ended the session.")
register("session.limit", _("Older session ended"),
         "A new login ended the account's oldest session (concurrent session limit).", ("ended",))
register("user.created", _("Account created"), "An account was created.", ("role", "department", "request"))
register("user.updated", _("Account changed"), "An account's role, department or name was changed.",
         ("changed", "role", "department", "request"))
register("user.enabled", _("Account enabled"), "An account was enabled.", ("request",))
register("user.disabled", _("Account disabled"), "An account was disabled.", ("request",))
register("user.password_reset", _("Password reset"),
         "An administrator gave an account a temporary password (shown once, changed at the next login).",
         ("request",))
register("user.password_changed", _("Password changed"), "A user changed their own password.")
register("user.request.created", _("Privileged account change requested"),
         "A change to a privileged account waits for the security administrator's approval.",
         ("kind", "role", "department", "target"))
register("user.request.approved", _("Privileged account change approved"),
         "The security administrator approved a privileged account change.", ("kind", "requested_by", "target"))
register("user.request.refused", _("Privileged account change refused"),
         "The security administrator refused a privileged account change.", ("kind", "requested_by", "target"))
register("departments.synced", _("Departments synchronised"), "Departments were created from the county configuration.",
         ("created",))
register("department.updated", _("Department changed"), "A department's name or parent was changed.", ("changed",))
register("authz.denied", _("Access denied"), "An authorization decision refused an action.",
         ("requested", "policy"))
register("policy.updated", _("Security policy changed"), "The security administrator changed a security setting.",
         ("setting", "old", "new"))

# --- audit -----------------------------------------------------------------------------------------
register("audit.verified", _("Audit log verified"), "The audit chain was verified.",
         ("checked", "bad_seq", "checkpoint"))
register("audit.exported", _("Audit log exported"), "Audit records were exported as CSV.", ("filter", "rows"))
register("audit.read", _("Audit log read"), "The auditor listed audit records.", ("filter", "rows"))
register("audit.checkpoint", _("Audit checkpoint written"),
         "A signed checkpoint of the chain head was exported outside the database.", ("seq", "file"))
register("audit.keys_rotated", _("Audit keys rotated"),
         "New audit chain and/or checkpoint signing keys were started (their key ids, never the keys).",
         ("chain_key", "signing_key"))
register("audit.suppressed", _("Repeated events summarised"),
         "Repeated anonymous failures in one window, counted instead of recorded one by one.",
         ("action", "count", "window"))

# --- catalog ---------------------------------------------------------------------------------------
register("catalog.dataset.created", _("Dataset created"), "A dataset was registered.", ("department",))
register("catalog.dataset.updated", _("Dataset changed"), "A dataset's metadata was changed.", ("changed",))
register("catalog.field.updated", _("Field changed"), "A field's description, label, grade or key flag was changed.",
         ("field", "changed", "label", "detected"))
register("catalog.source.created", _("Database source registered"), "A database source was registered.",
         ("url", "bindings", "refresh_minutes"))
register("catalog.source.refused", _("Database source refused"),
         "A database source was refused by the allow-list (reason: why; rule: not-listed, hub-files, "
         "hub-database, hub-server, loopback, link-local, private, special-address).",
         ("host", "rule", "url", "source"))
register("catalog.source_rule.added", _("Database source allowed"),
         "The security administrator added a server or SQLite folder to the database-source allow-list.",
         ("kind", "target", "ports", "db_kinds", "note"))
register("catalog.source_rule.removed", _("Database source allowance removed"),
         "The security administrator removed an entry from the database-source allow-list.",
         ("kind", "target", "ports", "db_kinds", "note"))
register("catalog.load.created", _("Load started"), "A load attempt was created.", ("dataset", "via"))
register("catalog.load.queued", _("Load queued"), "A load attempt was queued for the worker.", ("dataset",))
register("catalog.load.failed", _("Load failed"), "A load attempt failed.", ("dataset", "limit"))
register("catalog.version.published", _("Version published"), "A new dataset version became visible.",
         ("version", "rows", "rejected", "files", "attempt", "sha256", "bytes"))
register("catalog.version.rollback", _("Version rolled back"), "A dataset's current version was set back.",
         ("from", "to"))
register("catalog.preview.read", _("Dataset preview read"), "A user read the first rows of a dataset.",
         READ_FIELDS, reads_personal_data=True)
register("catalog.diff.read", _("Version differences read"),
         "A user compared two versions and saw sample keys (masked).", READ_FIELDS, reads_personal_data=True)
register("catalog.rejects.read", _("Rejected rows downloaded"), "A user downloaded the rejected rows of a load.",
         READ_FIELDS, reads_personal_data=True)
register("quality.rule.created", _("Quality rule created"), "A quality rule was added.", ("rule", "kind", "field"))
register("quality.rule.enabled", _("Quality rule switched"), "A quality rule was enabled or disabled.",
         ("rule", "enabled"))
register("quality.checked", _("Quality checked"), "Quality rules ran on a version.",
         ("version", "rules", "failing", "score", "incidents_opened", "incidents_resolved", "errors"))
register("quality.incident.opened", _("Quality incident opened"), "A failing rule opened an incident.",
         ("dataset", "rule", "failed", "assignee"))
register("quality.incident.acknowledged", _("Quality incident acknowledged"), "A steward acknowledged an incident.",
         ("dataset",))
register("quality.incident.resolved", _("Quality incident resolved"), "An incident was resolved.", ("dataset",))

# --- appeals ---------------------------------------------------------------------------------------
_STEP_FIELDS = ("from", "to", "department")
register("appeal.received", _("Appeal received"), "An appeal was filed.",
         ("channel", "type", "priority", "level", "triage", "duplicates"))
for _step, _label in (
    ("dispatch", _("Appeal dispatched")), ("acknowledge", _("Appeal acknowledged")),
    ("return", _("Appeal returned")), ("request_extension", _("Extension requested")),
    ("approve_extension", _("Extension approved")), ("reject_extension", _("Extension refused")),
    ("cohandle", _("Co-handling department added")), ("reply", _("Reply written")),
    ("approve", _("Reply approved, appeal closed")), ("reject_reply", _("Reply sent back")),
    ("follow_up", _("Follow-up call recorded")), ("supervise", _("Appeal supervised")),
    ("remind", _("Reminder sent")), ("merge", _("Appeal merged into a duplicate")),
):
    register(f"appeal.{_step}", _label, f"Workflow step {_step}.", _STEP_FIELDS)
register("appeal.rate_limited", _("Submission refused: too many"), "A client sent too many submissions.",
         ("limit", "repeated"))
register("appeal.identity_viewed", _("Citizen identity revealed"), "A user revealed a citizen's name and phone.",
         reads_personal_data=True)
register("appeal.alert_raised", _("Alert raised"), "An alert was opened for a supervisor.", ("kind",))
register("appeal.alert_acknowledged", _("Alert acknowledged"), "A supervisor acknowledged an alert.", ("kind",))
register("appeal.list.read", _("Work orders listed"), "A user listed appeals.", READ_FIELDS,
         reads_personal_data=True)
register("appeal.read", _("Work order read"), "A user opened an appeal.", READ_FIELDS, reads_personal_data=True)
register("appeal.caller_history.read", _("Caller history looked up"),
         "An operator looked up earlier appeals from a phone number.", READ_FIELDS, reads_personal_data=True)
register("appeal.analytics.read", _("Appeals drill-down read"), "A user listed the appeals behind a figure.",
         READ_FIELDS, reads_personal_data=True)
register("appeal.export.read", _("Appeals exported"), "A user exported appeals.", READ_FIELDS,
         reads_personal_data=True)
register("appeals.imported", _("Appeals imported"), "A file of historical appeals was imported.",
         ("file", "rows", "created", "rejected"))
register("appeals.demo_loaded", _("Demo appeals loaded"), "The demo setup loaded a year of appeals.",
         ("appeals", "events", "seed", "categories"))
register("appeals.taxonomy_synced", _("Appeal categories synchronised"), "The category taxonomy was loaded.",
         ("created", "updated", "at"))
register("open311.client_created", _("Open311 client created"), "An Open311 API key was issued.", ("name",))
register("open311.client_enabled", _("Open311 client enabled"), "An Open311 API key was enabled.")
register("open311.client_revoked", _("Open311 client revoked"), "An Open311 API key was revoked.")
register("open311.publication_changed", _("Open311 publication changed"),
         "The channels and appeal types Open311 publishes were changed.",
         ("channels", "types", "old_channels", "old_types"))
register("open311.bad_key", _("Open311 request refused: bad key"), "An Open311 request carried an invalid key.",
         ("repeated",))
register("open311.rate_limited", _("Open311 request refused: too many"), "An Open311 client sent too many requests.",
         ("limit", "repeated"))
register("tracking.rate_limited", _("Tracking lookup refused: too many"),
         "A client looked up too many tracking codes.", ("limit", "repeated"))

# --- triage models -----------------------------------------------------------------------------------
register("nlp.model.activated", _("Triage model activated"), "A model version became current.", ("previous",))
register("nlp.retrain.requested", _("Retraining requested"), "An analyst asked for the models to be retrained.",
         ("task",))
register("nlp.model.trained", _("Triage model trained"), "Models were trained.", ("source",))

# --- system ----------------------------------------------------------------------------------------
register("worker.restarted", _("Background worker restarted"),
         "The supervisor restarted the background worker after it stopped.", ("exit_code", "restarts"))
register("worker.gave_up", _("Background worker not restarted"),
         "The worker stopped too many times in a row (ZHONGSHU_WORKER_MAX_RESTARTS); the supervisor stopped "
         "restarting it.", ("exit_code", "restarts"))
