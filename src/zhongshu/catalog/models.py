"""The catalog: datasets with their core metadata (GB/T 21063.3), fields and labels, sources,
load attempts, immutable versions, quality rules and incidents, and lineage edges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SharingType(models.TextChoices):
    """共享类型 (国发〔2016〕51号)."""

    UNCONDITIONAL = "unconditional", _("Shared unconditionally")
    CONDITIONAL = "conditional", _("Shared on conditions")
    NONE = "none", _("Not shared")


class OpenType(models.TextChoices):
    """开放属性."""

    UNCONDITIONAL = "unconditional", _("Open unconditionally")
    CONDITIONAL = "conditional", _("Open on conditions")
    NONE = "none", _("Not open")


class UpdateCycle(models.TextChoices):
    """更新周期; `CYCLE_DAYS` gives the freshness window of each."""

    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


CYCLE_DAYS = {"realtime": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366}


class Grade(models.TextChoices):
    """Data grade (Data Security Law; GB/T 43697-2024); 一般 data carries a level 1–4 inside."""

    GENERAL = "general", _("General")
    IMPORTANT = "important", _("Important")
    CORE = "core", _("Core")


GRADE_RANK = {"general": 0, "important": 1, "core": 2}


class Dataset(models.Model):
    """One catalogue entry (信息资源): what it is, who provides it, how it may be shared."""

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=64, unique=True)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="datasets")
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    sharing_type = models.CharField(max_length=20, choices=SharingType.choices, default=SharingType.CONDITIONAL)
    sharing_conditions = models.TextField(blank=True)
    open_type = models.CharField(max_length=20, choices=OpenType.choices, default=OpenType.NONE)
    update_cycle = models.CharField(max_length=20, choices=UpdateCycle.choices, default=UpdateCycle.IRREGULAR)
    grade = models.CharField(max_length=20, choices=Grade.choices, default=Grade.GENERAL)
    level = models.PositiveSmallIntegerField(default=1)
    current_version = models.ForeignKey("Version", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    search_text = models.TextField(blank=True)  # jieba tokens of name, description, fields …
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department__code", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="catalog_dataset_dept_name")]

    def __str__(self) -> str:
        return self.name


class DatasetField(models.Model):
    """An information item (信息项): a column with type, description, label and grade."""

    class LabelStatus(models.TextChoices):
        NONE = "none", _("No label")
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, default="string")
    sql_type = models.CharField(max_length=60, blank=True)
    description = models.CharField(max_length=500, blank=True)
    is_key = models.BooleanField(default=False)
    present = models.BooleanField(default=True)  # False once a later version dropped it
    label = models.CharField(max_length=30, blank=True)  # the effective label (suggested or confirmed)
    label_status = models.CharField(max_length=20, choices=LabelStatus.choices, default=LabelStatus.NONE)
    label_share = models.FloatField(null=True, blank=True)  # share of sampled values matching the label
    label_candidates = models.JSONField(default=list, blank=True)  # [{label, share}]
    grade = models.CharField(max_length=20, choices=Grade.choices, default=Grade.GENERAL)
    level = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["dataset", "position"]
        constraints = [models.UniqueConstraint(fields=["dataset", "name"], name="catalog_field_dataset_name")]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """Where data comes from: uploaded files, or a database reached by URL (credentials encrypted)."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        DATABASE = "database", _("Database")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="sources")
    display_url = models.CharField(max_length=500, blank=True)  # password redacted
    secret = models.TextField(blank=True)  # Fernet token of the full URL
    refresh_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_refresh_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_refresh_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department__code", "name"]

    def __str__(self) -> str:
        return self.name


class SourceRule(models.Model):
    """One allow-list entry for database sources, kept by the security administrator.

    Nothing is allowed without one (default deny). A `network` rule admits PostgreSQL/MySQL servers
    by host name, IP address or CIDR range, on a port range; a `folder` rule admits SQLite files
    under a folder. `zhongshu.catalog.source_policy` enforces them (and what no rule can admit)."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("Database server")
        FOLDER = "folder", _("SQLite folder")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    target = models.CharField(max_length=1000)  # host name (lower case), IP or CIDR; or an absolute folder
    port_low = models.PositiveIntegerField(null=True, blank=True)
    port_high = models.PositiveIntegerField(null=True, blank=True)
    db_kinds = models.JSONField(default=list, blank=True)  # ["postgresql", "mysql"]
    note = models.CharField(max_length=300, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "target", "port_low", "id"]

    def __str__(self) -> str:
        if self.kind == self.Kind.FOLDER:
            return self.target
        ports = str(self.port_low) if self.port_low == self.port_high else f"{self.port_low}-{self.port_high}"
        return f"{self.target} :{ports} ({', '.join(self.db_kinds)})"


class SourceBinding(models.Model):
    """One table or query of a database source, loaded into one dataset."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="bindings")
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="bindings")
    table = models.CharField(max_length=200, blank=True)
    query = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.table or "query"


class LoadAttempt(models.Model):
    """One try at loading data into a dataset; failed tries stay recorded with their reason."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Awaiting confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="attempts")
    binding = models.ForeignKey(SourceBinding, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts")
    via = models.CharField(max_length=20, default="upload")  # upload, cli, database, demo
    file_name = models.CharField(max_length=255, blank=True)
    file_path = models.CharField(max_length=1000, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(default=0)
    format = models.CharField(max_length=20, blank=True)
    encoding = models.CharField(max_length=30, blank=True)
    sheet = models.CharField(max_length=100, blank=True)
    max_bad_fraction = models.FloatField(default=0.05)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    step = models.CharField(max_length=30, blank=True)
    progress = models.FloatField(default=0.0)
    error = models.TextField(blank=True)
    error_hint = models.TextField(blank=True)
    rows_loaded = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(default=0)
    reject_count = models.BigIntegerField(default=0)
    rejects_path = models.CharField(max_length=1000, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def done(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)


class Version(models.Model):
    """An immutable load: Parquet files in its own folder; becomes visible in one transaction."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    attempt = models.OneToOneField(LoadAttempt, null=True, on_delete=models.PROTECT, related_name="version")
    path = models.CharField(max_length=500)  # folder, relative to the warehouse root
    rows = models.BigIntegerField()
    schema = models.JSONField(default=list)  # [{name, type, sql_type}]
    schema_changes = models.JSONField(default=dict)  # drift vs the previous version
    source_sha256 = models.CharField(max_length=64, blank=True)
    quality_score = models.FloatField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="catalog_version_number")]

    def __str__(self) -> str:
        return f"{self.dataset_id} v{self.number}"


class VersionFile(models.Model):
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="files")
    path = models.CharField(max_length=500)  # relative to the warehouse root
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    rows = models.BigIntegerField()


class QualityRule(models.Model):
    """A check on a field (or the dataset); `proposed` rules came from labels, stewards edit them."""

    class Kind(models.TextChoices):
        REQUIRED = "required", _("Required")
        UNIQUE = "unique", _("Unique")
        FORMAT = "format", _("Format")
        CHECK_DIGIT = "check_digit", _("Check digit")
        RANGE = "range", _("Range")
        ALLOWED_VALUES = "allowed_values", _("Allowed values")
        REFERENCE = "reference", _("Reference")
        FRESHNESS = "freshness", _("Freshness")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="rules")
    field = models.ForeignKey(DatasetField, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    proposed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "field__position", "kind", "id"]


class QualityCheck(models.Model):
    """One rule checked against one version: counts and the first failing row numbers (no values)."""

    rule = models.ForeignKey(QualityRule, on_delete=models.CASCADE, related_name="checks")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="checks")
    passed = models.BigIntegerField()
    failed = models.BigIntegerField()
    failing_rows = models.JSONField(default=list)
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "version"], name="catalog_check_rule_version")]

    @property
    def score(self) -> float:
        total = self.passed + self.failed
        return 100.0 if total == 0 else 100.0 * self.passed / total


class Incident(models.Model):
    """A failing rule, assigned to the providing department's steward with a deadline."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="incidents")
    rule = models.ForeignKey(QualityRule, on_delete=models.CASCADE, related_name="incidents")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="incidents")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="incidents")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="catalog_incidents")
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN, db_index=True)
    failed = models.BigIntegerField(default=0)
    summary = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    deadline = models.DateTimeField()
    opened_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["state", "deadline", "id"]

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.state != self.State.RESOLVED and self.deadline < timezone.now()


class LineageEdge(models.Model):
    """A generic edge: something was made from something (source → version → derived things).

    Endpoints are (type, id) strings so any app can record its own derived objects later.
    """

    from_type = models.CharField(max_length=40)
    from_id = models.CharField(max_length=100)
    from_label = models.CharField(max_length=300, blank=True)
    to_type = models.CharField(max_length=40)
    to_id = models.CharField(max_length=100)
    to_label = models.CharField(max_length=300, blank=True)
    relation = models.CharField(max_length=40, default="derived_from")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["from_type", "from_id"]), models.Index(fields=["to_type", "to_id"])]
