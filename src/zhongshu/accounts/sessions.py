"""Session storage that a database reader cannot replay, and the per-account session limit.

The session engine (`SESSION_ENGINE = "zhongshu.accounts.sessions"`) is Django's database store
with one change: the row is keyed by a keyed HMAC-SHA256 of the session key, never the key itself.
The HMAC key is derived from SECRET_KEY, which lives in the environment or the data folder's
`secret_key` file, never in the database. The browser's cookie holds the key; the database holds
its HMAC and the session data, which Django signs and which names the user by id plus a hash of
the password hash. Someone who reads every row (a data source pointed at the hub's own database,
a backup, a database administrator) therefore holds nothing that works as a cookie (issue #7
item 11), and cannot forge one without SECRET_KEY.

Each row also records its account and login time, so a new login beyond the policy's limit ends
the account's oldest sessions (`enforce_limit`, audited `session.limit`), and disabling an
account or resetting its password ends all of them (`end_sessions`).
"""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from zhongshu.accounts import policy
from zhongshu.accounts.models import StoredSession
from zhongshu.audit.services import Event, record

# Session keys the hub keeps (seconds since the epoch): when the user logged in and was last seen.
LOGIN_AT = "zs_login_at"
SEEN_AT = "zs_seen_at"

_SALT = "zhongshu.accounts.sessions.key"


def digest(session_key: str) -> str:
    """The stored form of a session key: HMAC-SHA256 keyed from SECRET_KEY (64 hex characters)."""
    return salted_hmac(_SALT, session_key, algorithm="sha256").hexdigest()


def _user_id(data: dict) -> int | None:
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


class SessionStore(DatabaseSessionStore):
    """Django's database session store, keyed by `digest(session_key)` in `StoredSession`."""

    @classmethod
    def get_model_class(cls) -> type[StoredSession]:
        return StoredSession

    def _get_session_from_db(self) -> StoredSession | None:
        try:
            return self.model.objects.get(session_key=digest(self.session_key), expire_date__gt=timezone.now())
        except self.model.DoesNotExist:
            self._session_key = None
            return None

    def exists(self, session_key: str) -> bool:
        return self.model.objects.filter(session_key=digest(session_key)).exists()

    def create_model_instance(self, data: dict) -> StoredSession:
        login_at = data.get(LOGIN_AT)
        return self.model(
            session_key=digest(self._get_or_create_session_key()),
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
            user_id=_user_id(data),
            login_at=login_at if isinstance(login_at, (int, float)) else None,
        )

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=digest(session_key)).delete()

    # The async variants go through the sync ones, so no path ever stores or looks up a raw key.
    async def _aget_session_from_db(self) -> StoredSession | None:
        return await sync_to_async(self._get_session_from_db)()

    async def aexists(self, session_key: str) -> bool:
        return await sync_to_async(self.exists)(session_key)

    async def acreate_model_instance(self, data: dict) -> StoredSession:
        return await sync_to_async(self.create_model_instance)(data)

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)


def begin(session: Any, user: Any) -> None:
    """Start a logged-in session: its clocks, its lifetime from the policy, and the session limit."""
    p = policy.current()
    session[LOGIN_AT] = session[SEEN_AT] = time.time()
    session.set_expiry(p.max_hours * 3600)
    enforce_limit(user, session.session_key)


def end_sessions(user: Any, *, keep: str | None = None) -> int:
    """Delete the account's stored sessions (but `keep`, a session key); returns how many."""
    rows = StoredSession.objects.filter(user_id=user.pk)
    if keep:
        rows = rows.exclude(session_key=digest(keep))
    deleted, _ = rows.delete()
    return deleted


def enforce_limit(user: Any, current_key: str | None) -> int:
    """End the account's oldest sessions beyond the policy's limit, counting the current one."""
    limit = policy.current().max_sessions
    now = timezone.now()
    StoredSession.objects.filter(user_id=user.pk, expire_date__lte=now).delete()
    others = StoredSession.objects.filter(user_id=user.pk)
    if current_key:
        others = others.exclude(session_key=digest(current_key))
    excess = others.count() - (limit - 1)
    if excess <= 0:
        return 0
    oldest = list(others.order_by(F("login_at").asc(nulls_first=True), "expire_date")
                  .values_list("session_key", flat=True)[:excess])
    StoredSession.objects.filter(session_key__in=oldest).delete()
    record(user, Event("session.limit", "user", user.username, reason="concurrent session limit reached",
                       details={"ended": len(oldest)}))
    return len(oldest)
