"""Home page, health check and the system-status page."""

from django.http import JsonResponse
from django.shortcuts import render

from zhongshu.web import status
from zhongshu.web.guards import public, requires


@requires("home.view")
def home(request):
    return render(request, "web/home.html")


@requires("system.status")
def system_status(request):
    """The system administrator's view of the machine: worker, tasks, loads, disk, limits."""
    return render(request, "web/system_status.html", {"s": status.system_status(request.user)})


@public
def healthz(request):
    """Liveness for monitoring: says only that the process answers."""
    return JsonResponse({"status": "ok"})


@public
def set_language(request):
    """Switch the UI language (zh-hans / en) for this browser."""
    from django.views.i18n import set_language as django_set_language

    return django_set_language(request)
