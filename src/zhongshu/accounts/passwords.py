"""Passwords per MLPS level 3 (GB/T 22239-2019 8.1.4.1): rules, history, temporary passwords.

The rules are Django password validators (settings.AUTH_PASSWORD_VALIDATORS), so every way of
setting a password applies them: at least 8 characters, at least three of the four character
classes (upper case, lower case, digits, symbols), not a common password, not like the account's
names, and none of the account's last N passwords (N from the security policy). A temporary
password (new account, reset) is random, shown once, and must be changed at the next login.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.accounts import lockout, policy
from zhongshu.accounts.models import PasswordHistory, User
from zhongshu.accounts.sessions import end_sessions
from zhongshu.audit.context import client_ip
from zhongshu.audit.services import Event, record, record_repeated
from zhongshu.core.errors import InvalidInput

# Kept per account whatever the policy says, so raising the history length takes effect at once.
HISTORY_KEPT = max(k.high for k in policy.KNOBS if k.name == "password_history")

CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits, string.punctuation + " ")


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols (ASCII) the password uses.

    >>> character_classes("riverlantern7"), character_classes("Tq7#river-lantern")
    (2, 4)
    """
    return sum(any(c in cls for c in password) for cls in CLASSES)


class ComplexityValidator:
    """At least `min_classes` of the four character classes (MLPS level 3 assessor practice: 3)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("Use at least three of: upper-case letters, lower-case letters, digits, symbols.")


class HistoryValidator:
    """None of the account's last N passwords (the current one included; N from the policy)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        n = policy.current().password_history
        stored = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        recent = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:n])
        if stored and stored not in recent:
            recent = [stored, *recent][:n]
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(_("This password was used recently: choose one that is not among your last %(n)d.")
                                  % {"n": n}, code="password_reused")

    def get_help_text(self) -> str:
        return _("Not one of your recent passwords.")


def validate(password: str, user: User | None = None) -> None:
    """Apply every password rule; raise InvalidInput listing what is wrong (in the user's language)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("password", " ".join(exc.messages),
                           hint="at least 8 characters with three of upper case, lower case, digits and "
                                "symbols; not a common or recent password") from None


def temporary_password(length: int = 14) -> str:
    """A random password meeting the rules: all four classes, no look-alike characters.

    >>> p = temporary_password(); len(p), character_classes(p)
    (14, 4)
    """
    pools = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "#%+-=?@")
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def store(user: User, raw: str, *, temporary: bool) -> None:
    """Set the password (already validated), remember its hash, and mark a temporary one."""
    user.set_password(raw)
    user.must_change_password = temporary
    with transaction.atomic():
        user.save(update_fields=["password", "must_change_password"])
        PasswordHistory.objects.create(user=user, password=user.password, at=timezone.now())
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[:HISTORY_KEPT]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()


def rules_text() -> list[str]:
    """The password rules in the user's language, for the password pages."""
    return password_validation.password_validators_help_texts()


def change_own(user: User, current: str, new: str, again: str | None = None) -> None:
    """A user changes their own password (and so ends a temporary one); audited.

    A wrong current password counts as a failed login of the account, so an unattended session
    is no oracle for guessing it.
    """
    if not user.check_password(current or ""):
        ip = client_ip.get() or None
        with transaction.atomic():
            lockout.note_failure(user.username, ip)
            record_repeated(user, Event("login.failure", "user", user.username, "failure",
                                        "wrong current password when changing it"), key=f"{ip}|{user.username}")
        raise InvalidInput("current", "the current password is wrong", hint="type the password you logged in with")
    if again is not None and new != again:
        raise InvalidInput("new2", "the two new passwords differ", hint="type the same new password twice")
    validate(new, user)
    with transaction.atomic():
        was_temporary = user.must_change_password
        store(user, new, temporary=False)
        record(user, Event("user.password_changed", "user", user.username,
                           reason="temporary password replaced" if was_temporary else ""))


def reset(actor: Any, user: User, *, request_id: str = "") -> str:
    """Give the account a temporary password (returned once, never stored or audited in clear).

    Callers check permission and the two-person rule (`accounts.requests`); the account's sessions
    end, and its next login must choose a new password.
    """
    temp = temporary_password()
    with transaction.atomic():
        store(user, temp, temporary=True)
        end_sessions(user)
        record(actor, Event("user.password_reset", "user", user.username,
                            details={"request": request_id} if request_id else {}))
    return temp
