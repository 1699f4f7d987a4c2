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

# (router module, prefix); a module that does not exist yet is skipped
ROUTERS = (
    ("zhongshu.accounts.api", "/accounts/"),
    ("zhongshu.audit.api", "/audit/"),
    ("zhongshu.catalog.api", "/catalog/"),
    ("zhongshu.appeals.api", "/appeals/"),
    ("zhongshu.nlp.api", "/nlp/"),
)


@api.exception_handler(ZhongshuError)
def zhongshu_error(request, exc: ZhongshuError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


for _name, _prefix in ROUTERS:
    try:
        _module = import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise
        continue
    api.add_router(_prefix, _module.router)
    PUBLIC_OPERATIONS |= set(getattr(_module, "PUBLIC_OPERATIONS", ()))
