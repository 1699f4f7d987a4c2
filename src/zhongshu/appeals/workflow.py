"""The 12345 closed loop as one declarative table: state × action → new state, and who may.

    受理 received ──派单 dispatch──▶ dispatched ──签收 acknowledge──▶ handling ──答复 reply──▶ replied
       │                 ▲   ▲                                       │  ▲   ⇅ 延期 extension (approved)
       │ merge           │   └──────── 退单 return (reason) ◀────────┘  │   ⇅ 协办 cohandle
       ▼                 │                                             │
     closed ◀──审核 approve── replied ──审核退回 reject_reply──────────┘
       │ 回访 follow_up: 满意/基本满意 → followed_up; 不满意 → reopened ──派单──▶ …(重办)
    督办 supervise: any open state; 催办 remind: dispatched/handling/returned.

`permits` lists role actions (accounts/roles.py), any one of which allows the step; resource rules
(the handler's own department) are applied by `ensure` in services. Effects live in
`services.transition`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhongshu.accounts.permissions import Decision, decide
from zhongshu.core.errors import InvalidInput

OPEN_STATES = frozenset({"received", "dispatched", "handling", "returned", "replied", "reopened"})
ALL_STATES = OPEN_STATES | {"closed", "followed_up"}


@dataclass(frozen=True)
class Transition:
    """One workflow step: where it may start, where it leads (None: same state), who may take it."""

    name: str
    label: Any
    sources: frozenset[str]
    target: str | None
    permits: tuple[str, ...]
    needs: tuple[str, ...] = ()  # inputs the step requires: department, reason, reply_text, …
    public: bool = False  # shown on the citizen's tracking page
    style: str = ""  # "secondary" for the less common buttons


TRANSITIONS: tuple[Transition, ...] = (
    Transition("dispatch", _("Dispatch"), frozenset({"received", "returned", "reopened", "dispatched"}),
               "dispatched", ("appeals.dispatch",), ("department",), public=True),
    Transition("acknowledge", _("Acknowledge"), frozenset({"dispatched"}), "handling", ("appeals.handle",),
               public=True),
    Transition("return", _("Return (not ours)"), frozenset({"dispatched", "handling"}), "returned",
               ("appeals.handle",), ("reason",), style="secondary"),
    Transition("request_extension", _("Request extension"), frozenset({"handling"}), None, ("appeals.handle",),
               ("reason", "days"), style="secondary"),
    Transition("approve_extension", _("Approve extension"), frozenset({"handling"}), None, ("appeals.review",)),
    Transition("reject_extension", _("Refuse extension"), frozenset({"handling"}), None, ("appeals.review",),
               ("reason",), style="secondary"),
    Transition("cohandle", _("Add co-handling department"), frozenset({"dispatched", "handling"}), None,
               ("appeals.dispatch",), ("department",), style="secondary"),
    Transition("reply", _("Reply to citizen"), frozenset({"handling"}), "replied", ("appeals.handle",),
               ("reply_text",), public=True),
    Transition("approve", _("Approve and close"), frozenset({"replied"}), "closed", ("appeals.review",), public=True),
    Transition("reject_reply", _("Send back for more work"), frozenset({"replied"}), "handling",
               ("appeals.review",), ("reason",), style="secondary"),
    Transition("follow_up", _("Record follow-up call"), frozenset({"closed"}), "followed_up",
               ("appeals.followup",), ("satisfaction",), public=True),
    Transition("supervise", _("Supervise"), OPEN_STATES, None, ("appeals.supervise",), ("reason",),
               style="secondary"),
    Transition("remind", _("Send reminder"), frozenset({"dispatched", "handling", "returned"}), None,
               ("appeals.dispatch", "appeals.supervise"), style="secondary"),
    Transition("merge", _("Merge into duplicate"), frozenset({"received"}), "closed", ("appeals.dispatch",),
               ("duplicate_of",), style="secondary"),
)
BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def get(name: str) -> Transition:
    """The transition called `name`, or InvalidInput."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise InvalidInput("action", f"unknown workflow action {name!r}",
                           hint="one of: " + ", ".join(BY_NAME)) from None


def target_of(transition: Transition, appeal: Any, inputs: dict[str, Any] | None = None) -> str:
    """The state `transition` leads to from `appeal` (不满意 at follow-up → reopened)."""
    if transition.name == "follow_up" and (inputs or {}).get("satisfaction") == "unsatisfied":
        return "reopened"
    return transition.target or appeal.state


def _state_guard(transition: Transition, appeal: Any) -> str:
    """Why the step cannot be taken in this state ("" when it can)."""
    if appeal.state not in transition.sources:
        return f"cannot {transition.name} an appeal in state {appeal.state}"
    if transition.name in ("approve_extension", "reject_extension") and not appeal.extension_until:
        return "no extension has been requested"
    if transition.name == "request_extension" and appeal.extension_until:
        return "an extension request is already waiting for approval"
    return ""


def decide_transition(actor: Any, appeal: Any, name: str) -> Decision:
    """May `actor` take step `name` on `appeal` now? Never raises; the reason says why not."""
    transition = get(name)
    problem = _state_guard(transition, appeal)
    if problem:
        return Decision.deny(problem, "workflow-state")
    last = Decision.deny("no role action permits this step", "role-actions")
    for action in transition.permits:
        decision = decide(actor, action, appeal)
        if decision.allowed:
            return decision
        last = decision
    return last


def available(actor: Any, appeal: Any) -> list[Transition]:
    """The steps `actor` may take on `appeal` now (the buttons on the detail page)."""
    return [t for t in TRANSITIONS if decide_transition(actor, appeal, t.name).allowed]
