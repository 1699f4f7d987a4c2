"""View guards: every view is either `@requires(action)` or explicitly `@public`.

The URL-enumeration test (tests/web/test_guards.py) fails for a view carrying neither.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login

from zhongshu.accounts.permissions import ensure

GUARD_ATTR = "zhongshu_guard"


def requires(action: str) -> Callable:
    """Allow the view only to logged-in users whose role grants `action` (else login / 403)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.decision = ensure(request.user, action)
            return view(request, *args, **kwargs)

        setattr(guarded, GUARD_ATTR, action)
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view as deliberately open to anonymous citizens."""
    setattr(view, GUARD_ATTR, "public")
    return view
