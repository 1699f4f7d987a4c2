"""Departments (the county's org tree) and user accounts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
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

    def __str__(self) -> str:
        return self.username


class LoginFailure(models.Model):
    """One failed login, kept for lockout counting (per account and per client IP)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)
