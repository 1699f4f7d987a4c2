"""The authorization matrix: every page and API operation × every role, path parameters filled from real
objects (a loaded dataset, its field, load attempt, source and incident; appeals of two departments, an
alert, an import run, accounts, departments).

For each route the expected outcome follows from the action it needs: a role without the action gets
403 (pages and API alike), a role with it never gets 403 on its own objects, nobody ever gets a 500,
and departmental roles get 403/404 on another department's objects. A new route or operation without
an entry in the tables below fails here, so the suite grows with the hub.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from zhongshu.accounts.models import Department, User
from zhongshu.accounts.roles import ROLE_ACTIONS
from zhongshu.accounts.system import SYSTEM
from zhongshu.api import PUBLIC_OPERATIONS, api
from zhongshu.web.guards import GUARD_ATTR

# role, department, username
IDENTITIES = [("sysadmin", None, "m_sysadmin"), ("secadmin", None, "m_secadmin"), ("auditor", None, "m_auditor"),
              ("steward", "gaj", "m_steward_gaj"), ("steward", "dsj", "m_steward_dsj"), ("analyst", "dsj", "m_analyst"),
              ("operator", "rx12345", "m_operator"), ("handler", "zjj", "m_handler_zjj"), ("leader", "gov", "m_leader")]

# What each API operation needs (method, path) -> action. Reads need the read action of their area.
API_ACTIONS = {
    ("get", "/api/accounts/me"): "home.view",
    ("get", "/api/audit/events"): "audit.read",
    ("post", "/api/audit/verify"): "audit.verify",
    ("get", "/api/catalog/datasets"): "catalog.read",
    ("post", "/api/catalog/datasets"): "catalog.edit",
    ("get", "/api/catalog/datasets/{ref}"): "catalog.read",
    ("patch", "/api/catalog/datasets/{ref}"): "catalog.edit",
    ("get", "/api/catalog/datasets/{ref}/fields"): "catalog.read",
    ("patch", "/api/catalog/datasets/{ref}/fields/{name}"): "catalog.edit",
    ("get", "/api/catalog/datasets/{ref}/preview"): "catalog.read",
    ("get", "/api/catalog/datasets/{ref}/versions"): "catalog.read",
    ("get", "/api/catalog/datasets/{ref}/diff"): "catalog.read",
    ("post", "/api/catalog/datasets/{ref}/rollback"): "catalog.ingest",
    ("get", "/api/catalog/datasets/{ref}/lineage"): "catalog.read",
    ("get", "/api/catalog/datasets/{ref}/attempts"): "catalog.read",
    ("post", "/api/catalog/datasets/{ref}/uploads"): "catalog.ingest",
    ("get", "/api/catalog/attempts/{pk}"): "catalog.read",
    ("post", "/api/catalog/attempts/{pk}/start"): "catalog.ingest",
    ("get", "/api/catalog/attempts/{pk}/rejects"): "catalog.read",  # line, column, reason: no values
    ("get", "/api/catalog/sources"): "catalog.read",
    ("post", "/api/catalog/sources"): "catalog.sources",
    ("post", "/api/catalog/sources/tables"): "catalog.sources",
    ("post", "/api/catalog/sources/{pk}/refresh"): "catalog.ingest",
    ("get", "/api/catalog/datasets/{ref}/quality"): "quality.read",
    ("post", "/api/catalog/datasets/{ref}/rules"): "quality.manage",
    ("get", "/api/catalog/incidents"): "quality.read",
    ("post", "/api/catalog/incidents/{pk}/transition"): "quality.manage",
    ("post", "/api/appeals/intake"): "appeals.intake",
    ("post", "/api/appeals/suggest"): "appeals.intake",
    ("post", "/api/appeals/caller-history"): "appeals.intake",
    ("get", "/api/appeals/appeals"): "appeals.read",
    ("get", "/api/appeals/appeals/{appeal_id}"): "appeals.read",
    ("get", "/api/appeals/appeals/{appeal_id}/events"): "appeals.read",
    ("get", "/api/appeals/appeals/{appeal_id}/steps"): "appeals.read",
    ("post", "/api/appeals/appeals/{appeal_id}/transition"): "appeals.read",
    ("post", "/api/appeals/appeals/{appeal_id}/identity"): "appeals.read",
    ("get", "/api/appeals/due"): "appeals.read",
    ("get", "/api/appeals/alerts"): "appeals.read",
    ("post", "/api/appeals/alerts/{alert_id}/ack"): "appeals.read",
    ("post", "/api/appeals/open311/clients"): "open311.manage",
    ("get", "/api/appeals/analytics/hotspots"): "appeals.analytics",
    ("get", "/api/appeals/analytics/emotion"): "appeals.analytics",
    ("get", "/api/appeals/analytics/performance"): "appeals.analytics",
    ("get", "/api/appeals/analytics/spikes"): "appeals.analytics",
    ("get", "/api/appeals/analytics/report"): "appeals.analytics",
    ("get", "/api/appeals/analytics/groups"): "appeals.analytics",
}


# A refusal: 403, or an answer that says nothing about the object — wrong method (405) or a malformed
# request rejected by the API's schema before any service runs (422).
REFUSED = (403, 405, 422)


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


PAGES = [(route, getattr(p.callback, GUARD_ATTR, None)) for route, p in walk(get_resolver().url_patterns)
         if not route.startswith(("static", "api/"))]
OPS = [(method, path) for path, methods in api.get_openapi_schema()["paths"].items() for method in methods]


@pytest.fixture
def world(make_user, tmp_path, settings):
    """Real objects of two departments, made through the services (as the demo makes them)."""
    from zhongshu.appeals import intake
    from zhongshu.appeals.models import AppealAlert, AppealImport
    from zhongshu.catalog import crypto, ingestion, services
    from zhongshu.catalog.models import Incident, QualityRule, Source

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    users = {name: make_user(role, username=name, department=dept) for role, dept, name in IDENTITIES}
    w = {"users": users}
    for code in ("gaj", "mzj"):
        csv = tmp_path / f"{code}.csv"
        csv.write_text("身份证号,姓名,手机号,年龄\n371122199001011238,张伟,13812345678,36\n"
                       "371122198005052345,李芳,坏号,x\n", encoding="utf-8")
        ds = services.create_dataset(SYSTEM, name=f"{code} 人员", department_code=code)
        attempt = ingestion.start(SYSTEM, ingestion.new_attempt(SYSTEM, ds, path=csv, via="cli"), inline=True)
        ds.refresh_from_db()
        rule = QualityRule.objects.create(dataset=ds, kind="freshness")
        incident = Incident.objects.create(dataset=ds, rule=rule, version=ds.current_version, department=ds.department,
                                           summary="x", failed=1, deadline=timezone.now())
        source = Source.objects.create(kind=Source.Kind.DATABASE, name=f"{code} 库", department=ds.department,
                                       display_url="sqlite:////nowhere.sqlite3",
                                       secret=crypto.encrypt("sqlite:////nowhere.sqlite3"))
        w[code] = {"dataset": ds, "field": ds.fields.first(), "attempt": attempt, "incident": incident, "source": source}
    for code in ("zjj", "sthj"):
        appeal, _ = intake.submit(users["m_operator"], intake.AppealInput(text=f"{code}：楼道路灯坏了一个月，晚上很黑"),
                                  "hotline")
        appeal.department = Department.objects.get(code=code)
        appeal.state = "dispatched"
        appeal.save()
        alert = AppealAlert.objects.create(appeal=appeal, kind="overdue", message="x", created_at=timezone.now())
        w[code] = {"appeal": appeal, "alert": alert}
    w["run"] = AppealImport.objects.create(at=timezone.now(), actor="m_operator", filename="h.csv")
    return w


def fill(route: str, w: dict, own: str, foreign: bool = False) -> str:
    """A concrete path for a route: objects of the identity's own department, or of another."""
    ds_dept = ("mzj" if foreign else "gaj") if own in ("gaj", "dsj") or not foreign else "mzj"
    ap_dept = "sthj" if foreign else "zjj"
    cat, app = w[ds_dept], w[ap_dept]
    values = {
        r"^accounts/users/<int:pk>/": w["users"]["m_handler_zjj"].pk,
        r"^accounts/departments/<int:pk>/": Department.objects.get(code="gaj").pk,
        r"^catalog/datasets/<int:pk>/fields/<int:field_id>": (cat["dataset"].pk, cat["field"].pk),
        r"^catalog/datasets/<int:pk>/": cat["dataset"].pk,
        r"^catalog/attempts/<int:pk>/": cat["attempt"].pk,
        r"^catalog/sources/<int:pk>/": cat["source"].pk,
        r"^catalog/quality/incidents/<int:pk>/": cat["incident"].pk,
        r"^appeals/<int:appeal_id>/": app["appeal"].pk,
        r"^appeals/alerts/<int:alert_id>/": app["alert"].pk,
        r"^appeals/import/runs/<int:run_id>/": w["run"].pk,
        r"^appeals/import/<str:token>/": "unknown-token",
        r"^nlp/models/<str:kind>/<str:version>/": ("category", "19990101-000000"),
        r"^open311/v2/services/<str:code>": ("C0101", "json"),
        r"^open311/v2/requests/<str:request_id>": ("nope", "json"),
        r"^open311/v2/tokens/<str:token>": ("nope", "json"),
        r"^open311/v2/": "json",
    }
    path = route
    if "<" in route:
        for rx, value in values.items():
            if re.match(rx, route):
                for v in value if isinstance(value, tuple) else (value,):
                    path = re.sub(r"<[^>]+>", str(v), path, count=1)
                break
        assert "<" not in path, f"no test object for {route}: add one to fill()"
    return "/" + path


def fill_api(path: str, w: dict, foreign: bool = False) -> str:
    cat = w["mzj" if foreign else "gaj"]
    app = w["sthj" if foreign else "zjj"]
    return (path.replace("{ref}", cat["dataset"].code).replace("{name}", cat["field"].name)
            .replace("{appeal_id}", str(app["appeal"].pk)).replace("{alert_id}", str(app["alert"].pk))
            .replace("{pk}", str(cat["attempt"].pk if "/attempts/" in path else cat["incident"].pk
                                 if "/incidents/" in path else cat["source"].pk)))


def test_every_page_and_operation_is_in_the_matrix():
    assert len(PAGES) >= 60 and len(OPS) >= 45
    missing = [op for op in OPS if op not in API_ACTIONS and op not in PUBLIC_OPERATIONS]
    assert not missing, f"add these API operations to API_ACTIONS: {missing}"
    stale = [op for op in API_ACTIONS if op not in OPS]
    assert not stale, f"API_ACTIONS lists operations that do not exist: {stale}"
    assert all(guard for _, guard in PAGES), "every page declares @requires(action) or @public"


@pytest.mark.parametrize("role,dept,name", IDENTITIES, ids=[i[2] for i in IDENTITIES])
def test_role_matrix(world, role, dept, name):
    user: User = world["users"][name]
    client = Client(raise_request_exception=True)
    client.force_login(user)
    actions = ROLE_ACTIONS[role]
    problems = []
    for method in ("get", "post"):  # reads first: writes may change what later reads see
        for route, guard in PAGES:
            if route == "accounts/logout/":
                continue  # it would end the session the rest of the sweep runs in
            path = fill(route, world, dept or "")
            response = getattr(client, method)(path)
            status = response.status_code
            if status >= 500:
                problems.append(f"{method.upper()} {path}: {status}")
            elif guard != "public" and guard not in actions and status not in REFUSED:
                problems.append(f"{method.upper()} {path}: {status}, expected 403 (needs {guard})")
            elif guard in actions and method == "get" and status == 403:
                problems.append(f"GET {path}: 403 although the role holds {guard}")
            elif status == 302 and response["Location"].startswith("/accounts/login/"):
                problems.append(f"{method.upper()} {path}: sent a logged-in {role} to the login page")
        for op_method, op_path in OPS:
            if op_method != method and not (method == "post" and op_method in ("patch", "put", "delete")):
                continue
            need = API_ACTIONS.get((op_method, op_path))
            path = fill_api(op_path, world)
            response = (client.get(path) if op_method == "get" else
                        getattr(client, op_method)(path, data="{}", content_type="application/json"))
            status = response.status_code
            if status >= 500:
                problems.append(f"{op_method.upper()} {path}: {status}")
            elif need and need not in actions and status not in REFUSED:
                problems.append(f"{op_method.upper()} {path}: {status}, expected 403 (needs {need})")
            elif need in actions and op_method == "get" and status == 403:
                problems.append(f"GET {path}: 403 although the role holds {need}")
    assert not problems, "\n".join(problems)


# Routes whose object belongs to a department, and the roles that are scoped to theirs.
SCOPED = [("steward", "gaj", "m_steward_gaj", ("catalog/datasets/<int:pk>/edit", "catalog/datasets/<int:pk>/rollback",
                                               "catalog/datasets/<int:pk>/rules", "catalog/datasets/<int:pk>/recheck",
                                               "catalog/attempts/<int:pk>/start", "catalog/sources/<int:pk>/refresh",
                                               "catalog/quality/incidents/<int:pk>/transition")),
          ("handler", "zjj", "m_handler_zjj", ("appeals/<int:appeal_id>/", "appeals/<int:appeal_id>/step",
                                               "appeals/<int:appeal_id>/identity", "appeals/alerts/<int:alert_id>/ack"))]


@pytest.mark.parametrize("role,dept,name,routes", SCOPED, ids=[s[2] for s in SCOPED])
def test_another_departments_objects_are_refused(world, role, dept, name, routes):
    client = Client()
    client.force_login(world["users"][name])
    for route in routes:
        path = fill(route, world, dept, foreign=True)
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            assert status in (403, 404, 405), (method, path, status)
    if role == "handler":
        for op in ("/api/appeals/appeals/{appeal_id}", "/api/appeals/appeals/{appeal_id}/events"):
            assert client.get(fill_api(op, world, foreign=True)).status_code in (403, 404)
        listed = client.get("/api/appeals/appeals").json()
        ids = {row["id"] for row in (listed["items"] if isinstance(listed, dict) else listed)}
        assert world["zjj"]["appeal"].pk in ids and world["sthj"]["appeal"].pk not in ids
    else:
        for op, method, body in (("/api/catalog/datasets/{ref}", "patch", {"description": "x"}),
                                 ("/api/catalog/datasets/{ref}/rollback", "post", {"number": 1, "reason": "x"}),
                                 ("/api/catalog/attempts/{pk}/start", "post", {})):
            url = fill_api(op, world, foreign=True)
            status = getattr(client, method)(url, data=body, content_type="application/json").status_code
            assert status in (403, 404), (method, op, status)


def test_anonymous_gets_nothing_but_public_pages(world):
    client = Client()
    for route, guard in PAGES:
        path = fill(route, world, "")
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            assert status < 500, (method, path, status)
            if guard != "public":
                assert status in (302, 401, 403, 405), (method, path, status)
    for method, path in OPS:
        if (method, path) in PUBLIC_OPERATIONS:
            continue
        url = fill_api(path, world)
        status = (client.get(url) if method == "get" else
                  getattr(client, method)(url, data="{}", content_type="application/json")).status_code
        assert status in (401, 403), (method, path, status)
