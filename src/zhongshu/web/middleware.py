"""Turns the hub's expected errors into pages with a clear message (never a traceback)."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.shortcuts import render

from zhongshu.core.errors import ZhongshuError

log = logging.getLogger("zhongshu.web")


class ErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ZhongshuError):
            return None
        log.info("%s on %s: %s", type(exception).__name__, request.path, exception.code)
        if request.headers.get("accept", "").startswith("application/json"):
            return JsonResponse(exception.as_dict(), status=exception.status)
        return render(request, "web/error.html", {"error": exception}, status=exception.status)
