"""Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies").

A browser that logged into an account carries a cookie naming the account and a random nonce,
signed with SECRET_KEY (Django's `signing`), so it cannot be forged or moved to another account.
A login attempt with a valid device cookie for its account is judged by that device's own failure
count instead of the address block and the account lockout: an attacker guessing from the same
shared proxy, or locking the account from elsewhere, does not lock out a user's known browser.
A new nonce is issued at each successful login; the cookie holds up to five accounts.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing

COOKIE = "zs_device"
MAX_AGE = timedelta(days=180)
MAX_ACCOUNTS = 5
_SALT = "zhongshu.accounts.devices"


def read(value: str) -> dict[str, str]:
    """username -> nonce from a cookie value; empty when missing, forged, expired or malformed.

    >>> read("") , read("[[\\"alice\\", \\"abc\\"]]")
    ({}, {})
    """
    if not value:
        return {}
    try:
        entries = signing.loads(value, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(entries, list):
        return {}
    return {e[0]: e[1] for e in entries
            if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)}


def nonce_for(value: str, username: str) -> str:
    """The device nonce this cookie holds for `username`, or "" (an untrusted browser)."""
    return read(value).get(username, "")


def issue(value: str, username: str) -> tuple[str, str]:
    """A new cookie value trusting this browser for `username` (a fresh nonce); returns (value, nonce).

    >>> v, n = issue("", "alice"); nonce_for(v, "alice") == n, nonce_for(v, "bob")
    (True, '')
    """
    nonce = secrets.token_hex(16)
    entries = [[username, nonce]] + [[u, n] for u, n in read(value).items() if u != username]
    return signing.dumps(entries[:MAX_ACCOUNTS], salt=_SALT, compress=True), nonce
