"""Security headers on every response: a Content-Security-Policy with a per-request script nonce,
and `Cache-Control: no-store` on anything that may carry personal data.

Scripts run only from the hub's own static files or from inline blocks carrying this request's
nonce (`<script nonce="{{ request.csp_nonce }}">`), so injected markup cannot run script even if
an escaping bug let it through. Inline `style=` attributes stay allowed (htmx adds its indicator
style; styles cannot run code). Pages for signed-in staff, the JSON API, Open311 and the citizen's
tracking page are personal data: browsers and proxies must not keep them.
"""

from __future__ import annotations

import secrets

CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
# Public paths whose responses may hold personal data even without a login.
PERSONAL_PUBLIC_PREFIXES = ("/appeals/public/", "/open311/", "/api/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP.format(nonce=request.csp_nonce))
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(PERSONAL_PUBLIC_PREFIXES):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
