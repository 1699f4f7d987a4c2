"""Sessions out of reach: the database holds nothing a reader can replay as a cookie; logout deletes
the stored session; a new login beyond the per-account limit ends the oldest session.

The finding (issue #7 item 11): a steward loaded `django_session` through a database source and
hijacked administrators' sessions with the keys stored in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test import Client

from support import TEST_PASSWORD
from zhongshu.accounts import policy
from zhongshu.accounts.models import StoredSession
from zhongshu.audit.models import AuditEvent


def client_for(user) -> Client:
    c = Client()
    assert c.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    return c


def logged_in(c: Client) -> bool:
    return c.get("/").status_code == 200


def every_stored_value() -> list[str]:
    """Every value of every session-like table, as a database reader (a data source) sees them."""
    values = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            if "session" not in table:
                continue
            cur.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            values += [str(v) for row in cur.fetchall() for v in row if v is not None]
    return values


def test_no_stored_value_logs_anybody_in(make_user):
    clients = [client_for(make_user(role)) for role in ("sysadmin", "secadmin", "auditor", "steward")]
    assert all(logged_in(c) for c in clients)
    values = every_stored_value()
    assert len(values) >= 4 * 3
    for value in values:
        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = value
        assert not logged_in(thief), "a stored value worked as a session cookie"
    # and the real cookies are nowhere in the database
    cookies = [c.cookies[settings.SESSION_COOKIE_NAME].value for c in clients]
    assert not any(cookie in value for cookie in cookies for value in values)
    assert all(logged_in(c) for c in clients)


def test_the_stored_key_is_a_keyed_digest(make_user):
    c = client_for(make_user("analyst"))
    cookie = c.cookies[settings.SESSION_COOKIE_NAME].value
    row = StoredSession.objects.get()
    assert len(row.session_key) == 64 and row.session_key != cookie
    assert row.user.username == "analyst_user"


def test_logout_deletes_the_stored_session(make_user):
    c = client_for(make_user("analyst"))
    assert StoredSession.objects.filter(user__username="analyst_user").count() == 1
    c.post("/accounts/logout/")
    assert StoredSession.objects.filter(user__username="analyst_user").count() == 0


def test_idle_timeout_deletes_the_stored_session(make_user, settings):
    c = client_for(make_user("analyst"))
    session = c.session
    session["zs_seen_at"] -= settings.ZHONGSHU_SESSION_IDLE.total_seconds() + 5
    session.save()
    assert c.get("/").status_code == 302
    assert not StoredSession.objects.filter(user__username="analyst_user").exists()


def test_a_new_login_beyond_the_limit_ends_the_oldest_session(make_user):
    user = make_user("operator")
    policy.update(make_user("secadmin"), {**policy.as_dict(policy.current()), "max_sessions": 2})
    first, second = client_for(user), client_for(user)
    assert logged_in(first) and logged_in(second)
    third = client_for(user)
    assert not logged_in(first)
    assert logged_in(second) and logged_in(third)
    ev = AuditEvent.objects.filter(action="session.limit").get()
    assert (ev.object_id, ev.details["ended"]) == (user.username, 1)
    assert StoredSession.objects.filter(user=user).count() == 2


def test_the_lifetime_comes_from_the_policy(make_user):
    policy.update(make_user("secadmin"), {**policy.as_dict(policy.current()), "max_hours": 2})
    c = client_for(make_user("analyst"))
    assert c.session.get_expiry_age() <= 2 * 3600
