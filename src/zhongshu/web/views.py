"""Home page and health check."""

from django.http import JsonResponse
from django.shortcuts import render

from zhongshu.web.guards import public, requires


@requires("home.view")
def home(request):
    return render(request, "web/home.html")


@public
def healthz(request):
    """Liveness for monitoring: says only that the process answers."""
    return JsonResponse({"status": "ok"})


@public
def set_language(request):
    """Switch the UI language (zh-hans / en) for this browser."""
    from django.views.i18n import set_language as django_set_language

    return django_set_language(request)
