"""The append-only, hash-chained audit log.

No code path updates or deletes `AuditEvent` rows: the model refuses `save()` on an existing row
and `delete()`, and database triggers (SQLite and PostgreSQL, migration 0002) refuse UPDATE and
DELETE underneath the ORM too. The head (`AuditHead`) is guarded by triggers as well (migration
0004): one row, never deleted, never moved back, always naming the record with its seq.

Triggers stop mistakes and casual tampering; they do not stop a database administrator, who can
drop them. What stops that is outside the database: keyed hashes (`chain`, `keys`) and signed
checkpoints exported to files (`checkpoints`).
"""

from __future__ import annotations

from django.db import models

from zhongshu.core.errors import Forbidden


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)  # UTC, millisecond precision
    actor = models.CharField(max_length=150, db_index=True)  # username, or "anonymous"/"system"
    role = models.CharField(max_length=20, blank=True)
    department = models.CharField(max_length=32, blank=True, db_index=True)  # department code
    ip = models.CharField(max_length=45, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=10, db_index=True)  # success | failure | denied
    reason = models.CharField(max_length=300, blank=True)
    pii_digest = models.CharField(max_length=64, blank=True)  # keyed HMAC of personal data, never the data
    details = models.JSONField(default=dict, blank=True)
    algo = models.CharField(max_length=16)  # hmac-sha256 | hmac-sha3_256 | hmac-sm3 (legacy: unkeyed sha256 …)
    # fingerprint of the chain key the HMAC was made with; NULL on legacy unkeyed records
    # (nullable so that adding it is a plain ALTER TABLE on SQLite, which keeps the table's triggers)
    key_id = models.CharField(max_length=16, null=True, blank=True)
    prev_hash = models.CharField(max_length=128)
    hash = models.CharField(max_length=128)

    class Meta:
        ordering = ["seq"]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise Forbidden("audit records cannot be changed", policy_id="audit-append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: D102
        raise Forbidden("audit records cannot be deleted", policy_id="audit-append-only")


class AuditHead(models.Model):
    """The chain's tip: a single row locked by each writer, so records chain in commit order.

    Database triggers refuse a second row, a DELETE, and an UPDATE that lowers `seq` or does not
    name the record with that seq and hash (so the tail cannot be trimmed by moving the head back).
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=128)


class RepeatCounter(models.Model):
    """Repeated anonymous failures of one kind from one source, counted within a window.

    `record_repeated` writes the first failure of a window in full and only counts the rest, so
    an anonymous caller cannot grow the audit log without limit; the count reaches the log as one
    `audit.suppressed` record when the window ends. `key` is a keyed digest (of an IP address, say).
    """

    action = models.CharField(max_length=80)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "key"], name="audit_repeat_action_key")]
