"""Accounts API: who am I, and the department list."""

from ninja import Router, Schema

from zhongshu.accounts.permissions import allowed
from zhongshu.web.navigation import NAV

router = Router(tags=["accounts"])


class Me(Schema):
    username: str
    role: str
    department: str | None
    actions: list[str]


@router.get("/me", response=Me)
def me(request):
    """The current user, their role and the navigation actions they may use."""
    user = request.user
    return {"username": user.username, "role": user.role,
            "department": user.department.code if user.department_id else None,
            "actions": sorted({item.action for item in NAV if allowed(user, item.action)})}
