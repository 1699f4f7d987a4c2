"""Login throttling: account lockout, address blocking, and what passes them (numbers from the policy).

Three counters, all over the policy's window (`lockout_minutes`):

- an account is locked for browsers it never logged in from after `lockout_failures` failures by
  such browsers;
- a browser with a device cookie for the account (`accounts.devices`) is judged by its own
  failures instead (the same number), so nobody else's guessing locks a user out of their browser;
- an address is blocked after `ip_failures` failures from untrusted browsers, whatever the accounts.

Behind a shared proxy (an office NAT, a county network's egress) everybody shares one address, so
the block would shut out everybody once someone sprays passwords. What still passes it:

1. a browser with a device cookie for the account (rule above);
2. a new browser, under the *known address* rule: the password is checked only if the account has
   logged in from this address before (within `KNOWN_DAYS`), the account has no failed login in the
   window, and the address has had fewer than `lockout_failures` such checks fail in the window.

A sprayer behind the proxy thus gets at most `lockout_failures` more guesses per window, only at
accounts already used from that address; everything else from the blocked address is refused
without checking the password. The security administrator can lift a block early.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac

from zhongshu.accounts import policy
from zhongshu.accounts.models import KnownAddress, LoginFailure, SecurityPolicy, User

KNOWN_DAYS = 90


def window(p: SecurityPolicy | None = None) -> timedelta:
    return timedelta(minutes=(p or policy.current()).lockout_minutes)


def _since(p: SecurityPolicy | None = None) -> datetime:
    return timezone.now() - window(p)


def address_digest(ip: str) -> str:
    """Keyed digest of an address, as `KnownAddress` stores it."""
    return salted_hmac("zhongshu.accounts.known-address", ip, algorithm="sha256").hexdigest()


def account_locked_until(username: str, p: SecurityPolicy | None = None) -> datetime | None:
    """When the account unlocks for untrusted browsers, or None if it is not locked."""
    p = p or policy.current()
    failures = LoginFailure.objects.filter(username=username, device="", at__gte=_since(p)).order_by("-at")
    if failures.count() < p.lockout_failures:
        return None
    return failures.first().at + window(p)


def device_trusted(nonce: str, p: SecurityPolicy | None = None) -> bool:
    """True for a device nonce that has not used up its own failures in the window."""
    if not nonce:
        return False
    p = p or policy.current()
    return LoginFailure.objects.filter(device=nonce, at__gte=_since(p)).count() < p.lockout_failures


def ip_blocked(ip: str | None, p: SecurityPolicy | None = None) -> bool:
    """True when untrusted browsers at this address failed too often within the window."""
    if not ip:
        return False
    p = p or policy.current()
    return LoginFailure.objects.filter(ip=ip, device="", at__gte=_since(p)).count() >= p.ip_failures


def known_address_may_try(username: str, ip: str | None, p: SecurityPolicy | None = None) -> bool:
    """The known-address rule (module docstring): may a new browser at a blocked address try?"""
    if not ip:
        return False
    p = p or policy.current()
    since = _since(p)
    user = User.objects.filter(username=username, is_active=True).only("pk").first()
    if user is None:
        return False
    known = KnownAddress.objects.filter(user=user, ip_digest=address_digest(ip),
                                        last_login__gte=timezone.now() - timedelta(days=KNOWN_DAYS)).exists()
    if not known or LoginFailure.objects.filter(username=username, at__gte=since).exists():
        return False
    return LoginFailure.objects.filter(ip=ip, exception=True, at__gte=since).count() < p.lockout_failures


def note_failure(username: str, ip: str | None, *, device: str = "", exception: bool = False) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip or None, at=timezone.now(), device=device,
                                exception=exception)


def note_success(user: User, ip: str | None, *, device: str = "") -> None:
    """Forget the failures a successful login answers, and remember the address."""
    if device:
        LoginFailure.objects.filter(device=device).delete()
    else:
        LoginFailure.objects.filter(username=user.username, device="").delete()
    if ip:
        KnownAddress.objects.update_or_create(user=user, ip_digest=address_digest(ip),
                                              defaults={"last_login": timezone.now()})


def clear(username: str) -> None:
    """Forget every failure of an account (the security administrator's unlock)."""
    LoginFailure.objects.filter(username=username).delete()


def locked(p: SecurityPolicy | None = None) -> list[dict]:
    """Accounts locked for untrusted browsers now: username, failures, until."""
    p = p or policy.current()
    rows = (LoginFailure.objects.filter(device="", at__gte=_since(p)).values("username")
            .annotate(n=Count("id")).filter(n__gte=p.lockout_failures).order_by("username"))
    return [{"username": r["username"], "failures": r["n"], "until": account_locked_until(r["username"], p)}
            for r in rows]


def blocked(p: SecurityPolicy | None = None) -> list[dict]:
    """Addresses blocked now: ip, failures."""
    p = p or policy.current()
    rows = (LoginFailure.objects.filter(device="", at__gte=_since(p), ip__isnull=False).values("ip")
            .annotate(n=Count("id")).filter(n__gte=p.ip_failures).order_by("ip"))
    return [{"ip": r["ip"], "failures": r["n"]} for r in rows]


def unblock(ip: str) -> int:
    """Forget an address's untrusted failures (the security administrator lifts its block)."""
    deleted, _ = LoginFailure.objects.filter(ip=ip, device="").delete()
    return deleted
