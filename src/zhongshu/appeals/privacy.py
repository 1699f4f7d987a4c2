"""What people see of an appeal's free text: scrubbed by the shared detector (`core.pii`), in one place.

Citizens type phone numbers, ID numbers, names, plates and flat numbers into their appeals, and
staff type them into replies and notes. Every read path shows the scrubbed form: the work-order
list and detail page, the JSON API, alerts, caller history, analytics and its drill-down, exports
and Open311 — through `Appeal.shown`, `AppealEvent.shown_note` and `AppealAlert.shown_message`,
which call this module. The raw text is read by the workflow, triage and duplicate detection, and
shown to a person only by `services.citizen_identity(reveal=True)`, under the identity rule and
audited as `appeal.identity_viewed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhongshu.core import pii

__all__ = ["ShownText", "shown", "scrub"]

scrub = pii.scrub


@dataclass(frozen=True)
class ShownText:
    """An appeal's free text as it may be shown; `masked` when anything was hidden."""

    title: str
    text: str
    reply_text: str
    extension_reason: str
    masked: bool


def shown(appeal: Any) -> ShownText:
    """The scrubbed title, text, reply and extension reason of an appeal.

    >>> from types import SimpleNamespace as A
    >>> s = shown(A(title="电话13912345678", text="路灯坏了", reply_text="", extension_reason=""))
    >>> s.title, s.text, s.masked
    ('电话【手机号】', '路灯坏了', True)
    """
    raw = (appeal.title, appeal.text, appeal.reply_text, appeal.extension_reason)
    clean = tuple(pii.scrub(value) for value in raw)
    return ShownText(*clean, masked=clean != raw)
