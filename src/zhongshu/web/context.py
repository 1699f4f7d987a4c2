"""Template context shared by every page."""

from zhongshu.web.navigation import items_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": items_for(user)}
