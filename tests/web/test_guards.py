"""Every URL and API operation is guarded: anonymous callers get a login redirect, 401 or 403,
unless the route is explicitly public. A new unguarded route fails here."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from zhongshu.api import PUBLIC_OPERATIONS, api
from zhongshu.web.guards import GUARD_ATTR

# Pages open to anonymous citizens on purpose (path regex → reason).
PUBLIC_PAGES = {
    r"^accounts/login/$": "the login page",
    r"^accounts/logout/$": "logging out needs no permission",
    r"^healthz$": "liveness probe, says only ok",
    r"^i18n/setlang/$": "language switch",
    r"^appeals/public/": "citizens submit and track appeals without an account",
    r"^open311/v2/": "Open311 GeoReport v2: public by the spec (writes need an api_key)",
    r"^catalog/open/": "open-data pages are public",
}
SKIP = ("static/", "api/")  # static files; the API is checked operation by operation below


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def sample_path(route: str) -> str:
    """Turn a route with converters into a concrete path."""
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000001", path)
    path = re.sub(r"<(?:str|slug|path:)?[^>]*>", "x", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


ROUTES = [(route, p) for route, p in walk(get_resolver().url_patterns) if not route.startswith(SKIP)]


def is_public(route):
    return any(re.search(rx, route.replace("^", "")) for rx in PUBLIC_PAGES)


def test_routes_found():
    assert len(ROUTES) >= 8


@pytest.mark.parametrize("route,pattern", ROUTES, ids=[r for r, _ in ROUTES])
def test_every_view_declares_a_guard(route, pattern):
    guard = getattr(pattern.callback, GUARD_ATTR, None)
    assert guard, f"{route} has neither @requires(action) nor @public"
    if guard == "public":
        assert is_public(route), f"{route} is @public but not listed in PUBLIC_PAGES with a reason"


@pytest.mark.parametrize("route,pattern", ROUTES, ids=[r for r, _ in ROUTES])
def test_anonymous_is_refused(client, db, route, pattern):
    if is_public(route):
        return
    for method in ("get", "post"):
        response = getattr(client, method)(sample_path(route))
        assert response.status_code in (302, 401, 403, 405), (route, method, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), (route, response["Location"])


def api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield path, method, op


OPS = list(api_operations())


@pytest.mark.parametrize("path,method,op", OPS, ids=[f"{m} {p}" for p, m, _ in OPS])
def test_api_operations_need_login(client, db, path, method, op):
    if (path, method) in PUBLIC_OPERATIONS:
        return
    assert op.get("security"), f"{method} {path} has no auth in the OpenAPI schema"
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    response = getattr(client, method)(concrete, content_type="application/json")
    assert response.status_code in (401, 403), (method, path, response.status_code)


def test_api_docs_is_served_to_logged_in_users(client, login):
    assert client.get("/api/docs").status_code == 302
    assert client.get("/api/openapi.json").status_code == 302
    login("analyst")
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
