"""The system actor: who acts when no person does (the CLI, the scheduler, the demo, the loader).

Every service takes an actor and nothing passes without one (`None` is refused everywhere). The
system actor is allowed every action by `permissions.decide` and is audited as "system"; it is a
plain module object that no web request can carry (sessions only ever hold `User` rows).
"""

from __future__ import annotations

from typing import Any


class SystemActor:
    """The hub acting on its own behalf; `reason` says for what (audited in each decision)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_system = True
    role = "system"
    department = None
    department_id = None
    pk = None
    id = None
    username = "system"

    def __init__(self, purpose: str = "") -> None:
        self.purpose = purpose

    def get_username(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return f"SystemActor({self.purpose!r})" if self.purpose else "SYSTEM"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, SystemActor)

    def __hash__(self) -> int:
        return hash("zhongshu-system-actor")


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    """True for the system actor (and only for it).

    >>> is_system(SYSTEM), is_system(None), is_system("system")
    (True, False, False)
    """
    return isinstance(actor, SystemActor)
