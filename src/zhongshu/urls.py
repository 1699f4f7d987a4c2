"""URL map: each app's pages under its own prefix; the API under /api/."""

from importlib import import_module

from django.urls import include, path

from zhongshu.api import api
from zhongshu.web import views as web_views

urlpatterns = [
    path("", include("zhongshu.web.urls")),
    path("accounts/", include("zhongshu.accounts.urls")),
    path("audit/", include("zhongshu.audit.urls")),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("api/", api.urls),
]

# Apps built later add their pages by shipping a urls.py (prefix = app name).
_LATER = (
    ("zhongshu.catalog.urls", "catalog/"),
    ("zhongshu.appeals.urls", "appeals/"),
    ("zhongshu.appeals.open311_urls", "open311/v2/"),
    ("zhongshu.nlp.urls", "nlp/"),
)
for _module, _prefix in _LATER:
    try:
        import_module(_module)
    except ModuleNotFoundError as exc:
        if exc.name != _module:
            raise
        continue
    urlpatterns.append(path(_prefix, include(_module)))
