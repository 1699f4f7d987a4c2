"""The JSON API (OpenAPI at /api/docs): one NinjaAPI, one router per app.

Every operation requires a logged-in session unless it is declared with `auth=None` AND listed in
`PUBLIC_OPERATIONS` (the guard test checks both). Expected errors map to JSON {code, message}.
"""

from __future__ import annotations

from importlib import import_module

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI
from ninja.security import django_auth

from zhongshu.core.errors import ZhongshuError

api = NinjaAPI(title="Zhongshu API", version="1", auth=django_auth, urls_namespace="api",
               docs_url="/docs", docs_decorator=login_required)

# operation ids (path + method) open to anonymous callers on purpose
PUBLIC_OPERATIONS: set[tuple[str, str]] = set()

ROUTED_APPS = ("accounts", "audit", "catalog", "appeals", "nlp")


@api.exception_handler(ZhongshuError)
def zhongshu_error(request, exc: ZhongshuError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


for _app in ROUTED_APPS:
    try:
        _module = import_module(f"zhongshu.{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"zhongshu.{_app}.api":
            raise
        continue
    api.add_router(f"/{_app}/", _module.router)
    PUBLIC_OPERATIONS |= set(getattr(_module, "PUBLIC_OPERATIONS", ()))
