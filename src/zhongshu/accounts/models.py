"""Departments (the county's org tree), user accounts, and what login, sessions and the two-person
rule keep: login failures, known addresses, password history, privileged-change requests, the
security policy and stored sessions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongshu.accounts.roles import Role


class Department(models.Model):
    """A unit of the county: the government, a bureau, a township/street, a utility."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        BUREAU = "bureau", _("Bureau")
        TOWNSHIP = "township", _("Township / street")
        UTILITY = "utility", _("Public utility")

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=50, blank=True)
    name_en = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """An account of the hub. One role each; a department for every role but the admins."""

    role = models.CharField(max_length=20, choices=Role.choices)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    display_name = models.CharField(max_length=50, blank=True)
    # set by a temporary password (new account, reset): every page asks for a new password first
    must_change_password = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.username


class LoginFailure(models.Model):
    """One failed login, kept for lockout counting (per account, per client IP, per device).

    `device` is the nonce of the device cookie the attempt carried ("" for a browser the account
    never logged in from): device failures count against that device only. `exception` marks a
    password checked although the address was blocked (the known-address rule, see lockout.py).
    """

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)
    device = models.CharField(max_length=32, blank=True, default="", db_index=True)
    exception = models.BooleanField(default=False)


class KnownAddress(models.Model):
    """An address an account logged in from successfully (keyed digest of the IP, not the IP)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_addresses")
    ip_digest = models.CharField(max_length=64)
    last_login = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "ip_digest"], name="accounts_known_address")]


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords (no reuse of the last N, N from the policy)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]


class AccountRequest(models.Model):
    """A change to a privileged account, waiting for a security administrator (the two-person rule)."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Create account")
        UPDATE = "update", _("Change account")
        ENABLE = "enable", _("Enable account")
        RESET = "reset", _("Reset password")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    target = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="requests")
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    display_name = models.CharField(max_length=50, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]


class SecurityPolicy(models.Model):
    """The security administrator's settings (one row; until first saved, the defaults come from
    the environment settings, see `accounts.policy`)."""

    lockout_failures = models.PositiveIntegerField()
    lockout_minutes = models.PositiveIntegerField()
    ip_failures = models.PositiveIntegerField()
    idle_minutes = models.PositiveIntegerField()
    max_hours = models.PositiveIntegerField()
    max_sessions = models.PositiveIntegerField()
    password_history = models.PositiveIntegerField()
    updated_at = models.DateTimeField(null=True)


class StoredSession(AbstractBaseSession):
    """A session as the database keeps it: `session_key` is a keyed HMAC of the cookie's key, so
    nothing here works as a cookie (see `accounts.sessions`). `user` and `login_at` serve the
    per-account session limit."""

    session_key = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    login_at = models.FloatField(null=True)

    @classmethod
    def get_session_store_class(cls):
        from zhongshu.accounts.sessions import SessionStore  # the engine imports this module

        return SessionStore
