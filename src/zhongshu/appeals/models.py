"""Citizen appeals (12345 work orders) and their workflow records.

The workflow (GB/T 33358-2016; 国办发〔2020〕53号 closed loop) is implemented in `workflow.py`;
these models only hold state. States:

    received 受理 → dispatched 派单 → handling 签收/办理 (⇄ returned 退单, 延期, 协办)
    → replied 答复 → closed 审核通过/办结 → followed_up 回访 (不满意 → reopened 重办 → dispatched)
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from zhongshu.accounts.models import Department
from zhongshu.appeals import privacy


class Category(models.Model):
    """One node of the appeal taxonomy (一级 / 二级), routed to a default department.

    Also the Open311 service list: `code` is the service_code.
    """

    code = models.CharField(max_length=32, unique=True)
    level1 = models.CharField(max_length=50)
    level2 = models.CharField(max_length=50, blank=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL)
    route_to_township = models.BooleanField(default=False)  # handled by the township where it happens
    description = models.CharField(max_length=300, blank=True)
    keywords = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level1", "level2"]

    def __str__(self) -> str:
        return f"{self.level1}/{self.level2}" if self.level2 else self.level1


class Appeal(models.Model):
    class Type(models.TextChoices):
        CONSULT = "consult", _("Consultation")  # 咨询
        HELP = "help", _("Request for help")  # 求助
        COMPLAINT = "complaint", _("Complaint")  # 投诉
        REPORT = "report", _("Report")  # 举报
        SUGGESTION = "suggestion", _("Suggestion")  # 建议
        PRAISE = "praise", _("Praise")  # 表扬

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        HOTLINE = "hotline", _("Hotline")
        OPEN311 = "open311", _("Open311 API")
        IMPORT = "import", _("Imported history")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")  # 受理
        DISPATCHED = "dispatched", _("Dispatched")  # 已派单，待签收
        HANDLING = "handling", _("Handling")  # 已签收，办理中
        RETURNED = "returned", _("Returned")  # 退单，待改派
        REPLIED = "replied", _("Replied")  # 已答复，待审核
        CLOSED = "closed", _("Closed")  # 办结
        FOLLOWED_UP = "followed_up", _("Followed up")  # 已回访
        REOPENED = "reopened", _("Reopened")  # 重办

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")  # 满意
        BASIC = "basic", _("Basically satisfied")  # 基本满意
        UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意

    tracking_code = models.CharField(max_length=20, unique=True)  # public, unguessable
    channel = models.CharField(max_length=10, choices=Channel.choices)
    appeal_type = models.CharField(max_length=12, choices=Type.choices, default=Type.COMPLAINT)
    title = models.CharField(max_length=200)
    text = models.TextField()

    # the citizen: optional unless a reply is wanted; shown masked unless the case needs it
    citizen_name = models.CharField(max_length=50, blank=True)
    citizen_phone = models.CharField(max_length=20, blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)  # keyed HMAC, for history
    reply_wanted = models.BooleanField(default=False)
    identity_needed = models.BooleanField(default=False)  # handler may see the identity (e.g. a reply or visit)

    township = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    media_url = models.URLField(blank=True)

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="appeals")  # the handling department
    co_departments = models.ManyToManyField(Department, blank=True, related_name="co_appeals")  # 协办

    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True)
    urgent = models.BooleanField(default=False)
    received_at = models.DateTimeField(db_index=True)
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    extension_until = models.DateTimeField(null=True, blank=True)  # requested 延期, pending approval
    extension_reason = models.CharField(max_length=300, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    reply_text = models.TextField(blank=True)
    satisfaction = models.CharField(max_length=12, choices=Satisfaction.choices, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)
    return_count = models.PositiveIntegerField(default=0)
    supervised = models.BooleanField(default=False)  # 督办

    # triage: what the models suggested (and why), and what the dispatcher accepted
    emotion = models.CharField(max_length=10, blank=True)  # angry / anxious / sad / neutral / positive
    intensity = models.PositiveSmallIntegerField(default=0)  # 0–3
    urgency = models.PositiveSmallIntegerField(default=0)  # 0–3
    priority = models.PositiveSmallIntegerField(default=0, db_index=True)  # 0–100
    level = models.CharField(max_length=8, blank=True)  # extreme / high / normal / low
    triage = models.JSONField(default=dict, blank=True)  # suggestion, reasons, model versions

    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates")
    open311_client = models.ForeignKey("Open311Client", null=True, blank=True, on_delete=models.SET_NULL)
    external_id = models.CharField(max_length=64, blank=True)  # id in an imported system

    class Meta:
        ordering = ["-priority", "received_at"]
        indexes = [models.Index(fields=["department", "state"]), models.Index(fields=["category", "received_at"])]

    def __str__(self) -> str:
        return self.tracking_code

    @cached_property
    def shown(self) -> privacy.ShownText:
        """The free text as every read path shows it: identifiers typed into it are hidden (privacy.py)."""
        return privacy.shown(self)


class AppealEvent(models.Model):
    """One step of an appeal's timeline (also written to the audit log)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)  # dispatch, acknowledge, return, extend, approve_extension, …
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)  # shown on the citizen's tracking page

    class Meta:
        ordering = ["at", "id"]

    @property
    def shown_note(self) -> str:
        """The note (a reply, a reason) with typed identifiers hidden."""
        return privacy.scrub(self.note)


class TriageCorrection(models.Model):
    """A dispatcher's correction of a suggestion, or a 退单: kept as training data."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="corrections")
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    field = models.CharField(max_length=20)  # category, department, emotion, priority
    suggested = models.CharField(max_length=100, blank=True)
    corrected = models.CharField(max_length=100)
    reason = models.CharField(max_length=300, blank=True)


class Open311Client(models.Model):
    """An Open311 GeoReport v2 client allowed to POST requests (api_key stored as a keyed digest)."""

    name = models.CharField(max_length=100)
    key_digest = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Open311Token(models.Model):
    """GeoReport v2 token for a submitted request (GET tokens/{id})."""

    token = models.CharField(max_length=40, unique=True)
    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, related_name="open311_token")
    client = models.ForeignKey(Open311Client, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)


# --- added with migration 0002 -------------------------------------------------------------------


class AppealAlert(models.Model):
    """Something a supervisor must see: an extreme case, a near-due or overdue work order, a 督办."""

    class Kind(models.TextChoices):
        EXTREME = "extreme", _("Extreme case")
        NEAR_DUE = "near_due", _("Near due")
        OVERDUE = "overdue", _("Overdue")
        SUPERVISED = "supervised", _("Supervised")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one open alert per appeal and kind: the periodic check may run as often as it likes
            models.UniqueConstraint(fields=["appeal", "kind"], condition=models.Q(acknowledged_at__isnull=True),
                                    name="appeals_one_open_alert_per_kind"),
        ]

    @property
    def shown_message(self) -> str:
        """The message (e.g. a supervisor's reason) with typed identifiers hidden."""
        return privacy.scrub(self.message)


class SubmissionKey(models.Model):
    """An idempotency key already used: a replay returns the original appeal, never a second one."""

    scope = models.CharField(max_length=40)  # "web", "hotline", "api", "open311:<client id>"
    key = models.CharField(max_length=80)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="appeals_submission_key_once")]


class AppealImport(models.Model):
    """One bulk import of historical work orders: its mapping and its rejects report."""

    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    filename = models.CharField(max_length=200)
    mapping = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    rejects = models.JSONField(default=list)  # [{line, column, reason}]

    class Meta:
        ordering = ["-at"]


# --- added with migration 0003 -------------------------------------------------------------------


class Open311Publication(models.Model):
    """What Open311 publishes: appeals of these channels and these types (one row; the county decides).

    Without a row the defaults apply (`open311.DEFAULT_CHANNELS`, `open311.DEFAULT_TYPES`): only
    what citizens sent through an Open311 app, and never 举报.
    """

    channels = models.JSONField(default=list)
    types = models.JSONField(default=list)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.CharField(max_length=150, blank=True)
