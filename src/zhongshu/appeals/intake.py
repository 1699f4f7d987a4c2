"""Taking in an appeal from any channel: validate, triage, deadline, duplicates, alert, audit.

Every channel (citizen web form, hotline operator, Open311, ninja API) ends in `submit()`. Input
is checked once here with clear errors (what, where, how to fix); text is stored as typed and
escaped wherever it is shown. A repeated submission carrying the same idempotency key returns the
original appeal instead of creating a second one.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.accounts.models import Department
from zhongshu.accounts.permissions import ensure
from zhongshu.appeals import dedupe, limits, sla, taxonomy, triage
from zhongshu.appeals.models import Appeal, AppealAlert, AppealEvent, SubmissionKey
from zhongshu.audit.services import Event, pii_digest, record
from zhongshu.core.errors import InvalidInput
from zhongshu.core.identifiers import is_landline, is_mobile
from zhongshu.core.ratelimit import RateLimited

MAX_TEXT = 5000
MAX_TITLE = 200
# mainland China's bounding box, loosely: a point outside it is a typo or a swapped lat/long
CHINA_LAT = (3.0, 54.0)
CHINA_LONG = (73.0, 136.0)
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


__all__ = ["AppealInput", "RateLimited", "clean", "normalize_phone", "submit", "raise_alert"]


@dataclass
class AppealInput:
    """What a channel hands to `submit` (strings as received; checked by `clean`)."""

    text: str
    title: str = ""
    appeal_type: str = "complaint"
    citizen_name: str = ""
    citizen_phone: str = ""
    reply_wanted: bool = False
    identity_needed: bool = False
    township: str = ""  # township department code (9 digits) or ""
    address: str = ""
    lat: float | str | None = None
    long: float | str | None = None
    media_url: str = ""
    urgent: bool = False
    category_code: str = ""  # Open311 service_code or a dispatcher's choice
    extra: dict[str, Any] = field(default_factory=dict)


def normalize_phone(raw: str) -> str:
    """Digits (and one dash for landlines) of a Chinese phone number, or InvalidInput.

    >>> normalize_phone(" 138 1234-5678 "), normalize_phone("0633-8212345"), normalize_phone("+86 13812345678")
    ('13812345678', '0633-8212345', '13812345678')
    """
    value = re.sub(r"[\s()（）]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    compact = value.replace("-", "")
    if is_mobile(compact):
        return compact
    if is_landline(value) or is_landline(compact):
        return value if "-" in value else compact
    raise InvalidInput("citizen_phone", "not a valid mobile or landline number",
                       hint="e.g. 13812345678 or 0633-8212345")


def _coordinate(raw: Any, name: str, bounds: tuple[float, float]) -> float | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InvalidInput(name, f"not a number: {str(raw)[:30]!r}", hint="decimal degrees, e.g. 35.58") from None
    if value != value or not bounds[0] <= value <= bounds[1]:  # NaN or outside
        raise InvalidInput(name, f"{value} is outside the service area",
                           hint=f"decimal degrees (WGS84) between {bounds[0]} and {bounds[1]}")
    return value


def clean(data: AppealInput) -> dict[str, Any]:
    """Validated field values for an Appeal, or InvalidInput naming the field."""
    text = _CONTROL.sub("", (data.text or "")).strip()
    if not text:
        raise InvalidInput("text", "the description is empty", hint="say what happened, where and when")
    if len(text) > MAX_TEXT:
        raise InvalidInput("text", f"the description has {len(text)} characters; at most {MAX_TEXT} are accepted",
                           hint="shorten it, or attach a document by link")
    title = _CONTROL.sub("", (data.title or "")).strip()
    if len(title) > MAX_TITLE:
        raise InvalidInput("title", f"at most {MAX_TITLE} characters")
    if not title:
        title = re.sub(r"\s+", " ", text)[:30]
    if data.appeal_type not in Appeal.Type.values:
        raise InvalidInput("appeal_type", f"unknown type {str(data.appeal_type)[:20]!r}",
                           hint="one of: " + ", ".join(Appeal.Type.values))
    name = _CONTROL.sub("", data.citizen_name or "").strip()
    if len(name) > 50:
        raise InvalidInput("citizen_name", "at most 50 characters")
    phone = normalize_phone(data.citizen_phone) if (data.citizen_phone or "").strip() else ""
    if data.reply_wanted and not phone:
        raise InvalidInput("citizen_phone", "a phone number is needed when you want a reply",
                           hint="give a number, or untick 'I want a reply'")
    township = None
    if data.township:
        township = Department.objects.filter(code=data.township, kind="township").first()
        if township is None:
            raise InvalidInput("township", f"unknown township {str(data.township)[:20]!r}")
    address = _CONTROL.sub("", data.address or "").strip()
    if len(address) > 200:
        raise InvalidInput("address", "at most 200 characters")
    lat = _coordinate(data.lat, "lat", CHINA_LAT)
    long = _coordinate(data.long, "long", CHINA_LONG)
    if (lat is None) != (long is None):
        raise InvalidInput("lat" if lat is None else "long", "give both latitude and longitude, or neither")
    media = (data.media_url or "").strip()
    if media and (len(media) > 200 or not re.match(r"^https?://[^\s<>\"']+$", media)):
        raise InvalidInput("media_url", "must be an http(s) link of at most 200 characters")
    return {"text": text, "title": title, "appeal_type": data.appeal_type, "citizen_name": name,
            "citizen_phone": phone, "phone_digest": pii_digest(phone), "reply_wanted": bool(data.reply_wanted),
            "identity_needed": bool(data.identity_needed), "township": township, "address": address,
            "lat": lat, "long": long, "media_url": media, "urgent": bool(data.urgent)}


# --- rate limit and idempotency ----------------------------------------------------------------


def check_rate(ip: str) -> None:
    """Refuse a citizen's submission when this address has used up its allowance (ZHONGSHU_APPEAL_RATE_LIMIT)."""
    limits.throttle("appeal.form", ip or "unknown", _("Too many submissions from this address."))


def _replayed(scope: str, key: str) -> Appeal | None:
    if not key:
        return None
    found = SubmissionKey.objects.filter(scope=scope, key=key).select_related("appeal").first()
    return found.appeal if found else None


def new_tracking_code(now: dt.datetime) -> str:
    """A public, unguessable code: date + 8 random characters (no 0/O/1/I/L)."""
    for _attempt in range(10):
        code = timezone.localtime(now).strftime("%y%m%d") + "".join(secrets.choice(_CODE_ALPHABET) for _i in range(8))
        if not Appeal.objects.filter(tracking_code=code).exists():
            return code
    raise RuntimeError("could not draw a free tracking code")  # 31^8 codes a day: not reached


# --- submit --------------------------------------------------------------------------------------

CHANNEL_ACTION = {"web": None, "open311": None, "hotline": "appeals.intake", "import": "appeals.import"}


def submit(actor: Any, data: AppealInput, channel: str, *, ip: str = "", idempotency_key: str = "",
           scope: str = "", open311_client: Any = None, now: dt.datetime | None = None) -> tuple[Appeal, bool]:
    """Take in one appeal; returns (appeal, created). A replayed idempotency key returns the original."""
    if channel not in Appeal.Channel.values:
        raise InvalidInput("channel", f"unknown channel {channel!r}")
    if CHANNEL_ACTION.get(channel):
        ensure(actor, CHANNEL_ACTION[channel])
    key = (idempotency_key or "").strip()[:80]
    scope = scope or channel
    original = _replayed(scope, key)
    if original is not None:
        return original, False
    now = now or timezone.now()
    values = clean(data)
    if channel == "web":
        check_rate(ip)
    taxonomy.ensure_categories()
    suggestion = triage.suggest(values["title"], values["text"])
    category = None
    if data.category_code:
        from zhongshu.appeals.models import Category

        category = Category.objects.filter(code=data.category_code, active=True).first()
        if category is None:
            raise InvalidInput("service_code", f"unknown service code {str(data.category_code)[:32]!r}",
                               hint="GET /open311/v2/services.json lists the codes")
    if category is None:
        category = taxonomy.find_category(suggestion.category, suggestion.category_l2)
    urgent = values.pop("urgent") or suggestion.level == "extreme"
    try:
        with transaction.atomic():
            appeal = Appeal(**values, channel=channel, category=category, received_at=now, urgent=urgent,
                            tracking_code=new_tracking_code(now), open311_client=open311_client,
                            emotion=suggestion.emotion, intensity=suggestion.intensity, urgency=suggestion.urgency,
                            priority=suggestion.priority, level=suggestion.level,
                            triage={"suggestion": suggestion.as_dict(), "at": now.isoformat(), **data.extra})
            appeal.deadline = sla.deadline_for(appeal.appeal_type, now, urgent)
            appeal.save()
            if key:
                SubmissionKey.objects.create(scope=scope, key=key, appeal=appeal, at=now)
            duplicates = dedupe.candidates(appeal)
            if duplicates:
                appeal.triage["duplicates"] = duplicates
                appeal.save(update_fields=["triage"])
            AppealEvent.objects.create(appeal=appeal, at=now, actor=_actor_name(actor), action="receive",
                                       to_state=appeal.state, note="", public=True,
                                       department=getattr(actor, "department", None))
            record(actor, Event("appeal.received", "appeal", appeal.tracking_code, pii=appeal.citizen_phone,
                                details={"channel": channel, "type": appeal.appeal_type, "priority": appeal.priority,
                                         "level": appeal.level, "triage": suggestion.source,
                                         "duplicates": [d["id"] for d in duplicates]}))
            if suggestion.level == "extreme":
                raise_alert(actor, appeal, AppealAlert.Kind.EXTREME, "; ".join(suggestion.reasons[-3:])[:300], now)
    except IntegrityError:
        # two identical submissions raced on the same key: the first one won
        original = _replayed(scope, key)
        if original is None:
            raise
        return original, False
    return appeal, True


def raise_alert(actor: Any, appeal: Appeal, kind: str, message: str, now: dt.datetime | None = None) -> bool:
    """Open an alert for a supervisor (once per appeal and kind while unacknowledged); audited."""
    now = now or timezone.now()
    if AppealAlert.objects.filter(appeal=appeal, kind=kind, acknowledged_at__isnull=True).exists():
        return False
    with transaction.atomic():
        AppealAlert.objects.create(appeal=appeal, kind=kind, message=message, created_at=now)
        record(actor, Event("appeal.alert_raised", "appeal", appeal.tracking_code, details={"kind": kind}))
    return True


def _actor_name(actor: Any) -> str:
    if getattr(actor, "is_system", False):
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "citizen"
