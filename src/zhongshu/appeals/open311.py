"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/): services, requests, tokens.

Plain Django views (not ninja: the spec fixes URLs, form-encoded POSTs, XML and its own error
format). Reads are public by the spec; POST needs an `api_key` issued to a client by the system
administrator. Our finer workflow state is the extension field `zhongshu_state`. Nothing that
identifies the citizen is ever returned: no name, phone or e-mail; the address is cut to the
township, coordinates are rounded to about 100 m, and phone or ID numbers typed into the
description are masked.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from zhongshu.accounts.permissions import ensure
from zhongshu.appeals import intake, taxonomy
from zhongshu.appeals.models import Appeal, Category, Open311Client, Open311Token
from zhongshu.audit.services import Event, pii_digest, record
from zhongshu.core.errors import InvalidInput, NotFound
from zhongshu.core.masks import mask_address, mask_phone, mask_resident_id
from zhongshu.web.guards import public

MAX_DESCRIPTION = 4000  # the spec's limit
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
CLOSED = ("closed", "followed_up")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


class Open311Error(Exception):
    """An error in the spec's format: HTTP status and a description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- clients -------------------------------------------------------------------------------------


def _key_digest(api_key: str) -> str:
    return pii_digest("open311-key:" + api_key)


def create_client(actor: Any, name: str) -> tuple[Open311Client, str]:
    """Register a client; returns it and its api_key (shown once, stored only as a keyed digest)."""
    ensure(actor, "open311.manage")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("name", "give the client a name of 1–100 characters")
    key = secrets.token_urlsafe(24)
    with transaction.atomic():
        client = Open311Client.objects.create(name=name, key_digest=_key_digest(key))
        record(actor, Event("open311.client_created", "open311_client", str(client.pk), details={"name": name}))
    return client, key


def list_clients(actor: Any):
    ensure(actor, "open311.manage")
    return Open311Client.objects.order_by("-created_at")


def set_client_active(actor: Any, client_id: int, active: bool) -> Open311Client:
    """Enable or revoke a client (audited)."""
    ensure(actor, "open311.manage")
    client = Open311Client.objects.filter(pk=client_id).first()
    if client is None:
        raise NotFound("open311 client", client_id)
    with transaction.atomic():
        client.active = active
        client.save(update_fields=["active"])
        record(actor, Event("open311.client_enabled" if active else "open311.client_revoked", "open311_client",
                            str(client.pk)))
    return client


def client_for_key(api_key: str) -> Open311Client:
    if not api_key:
        raise Open311Error(403, "api_key is required to submit requests")
    client = Open311Client.objects.filter(key_digest=_key_digest(api_key), active=True).first()
    if client is None:
        record("anonymous", Event("open311.bad_key", "open311_client", "", "denied", "invalid or revoked api_key"))
        raise Open311Error(403, "invalid api_key")
    return client


# --- representation ------------------------------------------------------------------------------


def w3c(value: dt.datetime | None) -> str | None:
    """W3C datetime with offset, e.g. 2026-03-06T10:00:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def scrub(text: str) -> str:
    """Mask phone and ID numbers a citizen typed into free text.

    >>> scrub("请回电13812345678，身份证371122199001011238")
    '请回电138****5678，身份证371122********1238'
    """
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)
    return _ID_IN_TEXT.sub(lambda m: mask_resident_id(m.group()), text)


STATUS_NOTES = {"received": "已受理", "dispatched": "已派单", "handling": "办理中", "returned": "退单改派中",
                "replied": "已答复，审核中", "closed": "已办结", "followed_up": "已办结并回访", "reopened": "重办"}


def service(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "service_name": category.level2 or category.level1,
            "description": category.description, "metadata": False, "type": "realtime",
            "keywords": category.keywords, "group": category.level1}


def request_dict(appeal: Appeal) -> dict[str, Any]:
    """One service request as the spec names its fields (no personal data)."""
    agency = str(appeal.department) if appeal.department_id else ""
    return {
        "service_request_id": appeal.tracking_code,
        "status": "closed" if appeal.state in CLOSED else "open",
        "status_notes": STATUS_NOTES.get(appeal.state, ""),
        "service_name": (appeal.category.level2 or appeal.category.level1) if appeal.category_id else "",
        "service_code": appeal.category.code if appeal.category_id else "",
        "description": scrub(appeal.text[:MAX_DESCRIPTION]),
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": w3c(appeal.received_at),
        "updated_datetime": w3c(appeal.updated_at),
        "expected_datetime": w3c(appeal.deadline),
        "address": mask_address(appeal.address) if appeal.address else "",
        "address_id": "",
        "zipcode": _zipcode(),
        "lat": round(appeal.lat, 3) if appeal.lat is not None else None,
        "long": round(appeal.long, 3) if appeal.long is not None else None,
        "media_url": appeal.media_url,
        "zhongshu_state": appeal.state,
    }


def _zipcode() -> str:
    from zhongshu.core.county import load_county

    return load_county(settings.ZHONGSHU_COUNTY).postal_code


# --- rendering -----------------------------------------------------------------------------------


def _xml(root: str, item: str, rows: list[dict[str, Any]]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        el = ET.SubElement(top, item)
        for key, value in row.items():
            child = ET.SubElement(el, key)
            if isinstance(value, list):  # service definition attributes
                for attr in value:
                    a = ET.SubElement(child, "attribute")
                    for k, v in attr.items():
                        ET.SubElement(a, k).text = _text(v)
            else:
                child.text = _text(value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def respond(fmt: str, root: str, item: str, rows: list[dict[str, Any]] | dict[str, Any], status: int = 200):
    if fmt == "xml":
        if isinstance(rows, dict):  # a single document (service definition)
            top = ET.Element(root)
            for key, value in rows.items():
                child = ET.SubElement(top, key)
                for attr in value if isinstance(value, list) else []:
                    a = ET.SubElement(child, item)
                    for k, v in attr.items():
                        ET.SubElement(a, k).text = _text(v)
                if not isinstance(value, list):
                    child.text = _text(value)
            body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        else:
            body = _xml(root, item, rows)
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(rows, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(fmt: str, status: int, description: str):
    """The spec's error document: an array of {code, description}."""
    return respond(fmt if fmt in ("json", "xml") else "json", "errors", "error",
                   [{"code": status, "description": description}], status=status)


def _format(fmt: str) -> None:
    if fmt not in ("json", "xml"):
        raise Open311Error(404, f"unknown format {fmt[:10]!r}: use .json or .xml")


def _jurisdiction(params: Any) -> None:
    given = params.get("jurisdiction_id", "")
    if given and given != settings.ZHONGSHU_COUNTY:
        raise Open311Error(404, f"jurisdiction_id {given[:20]!r} not found; this endpoint serves {settings.ZHONGSHU_COUNTY}")


def open311_view(view):
    """Translate errors to the spec's error document; mark public and CSRF-exempt."""

    def wrapped(request, *args, fmt: str = "json", **kwargs):
        try:
            _format(fmt)
            _jurisdiction(request.POST if request.method == "POST" else request.GET)
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except NotFound as exc:
            return error(fmt, 404, exc.message)
        except InvalidInput as exc:
            return error(fmt, 400, exc.message + (f" ({exc.hint})" if exc.hint else ""))
        except intake.RateLimited as exc:
            return error(fmt, 429, exc.message)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return public(csrf_exempt(wrapped))


# --- views ---------------------------------------------------------------------------------------


@open311_view
def services(request, fmt: str):
    """GET services.{format}: the service list (our appeal categories)."""
    if request.method != "GET":
        raise Open311Error(405, "use GET")
    taxonomy.ensure_categories()
    rows = [service(c) for c in Category.objects.filter(active=True).order_by("code")]
    return respond(fmt, "services", "service", rows)


@open311_view
def service_definition(request, code: str, fmt: str):
    """GET services/{service_code}.{format}: the definition (no extra attributes are asked)."""
    taxonomy.ensure_categories()
    if not Category.objects.filter(code=code, active=True).exists():
        raise Open311Error(404, f"service_code {code[:32]!r} not found")
    return respond(fmt, "service_definition", "attribute", {"service_code": code, "attributes": []})


@open311_view
def requests_view(request, fmt: str):
    """GET requests.{format} (search) and POST requests.{format} (submit)."""
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, "use GET or POST")
    return respond(fmt, "service_requests", "request", [request_dict(a) for a in _search(request.GET)])


def _parse_w3c(params: Any, name: str) -> dt.datetime | None:
    raw = params.get(name, "")
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None
    if value is None:
        raise Open311Error(400, f"{name} must be a W3C datetime, e.g. 2026-03-01T00:00:00+08:00")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _search(params: Any) -> list[Appeal]:
    qs = Appeal.objects.select_related("category", "department").filter(duplicate_of__isnull=True)
    ids = [i.strip().upper() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # the spec: other parameters are ignored when ids are given
        return list(qs.filter(tracking_code__in=ids[:MAX_RESULTS]).order_by("-received_at"))
    start, end = _parse_w3c(params, "start_date"), _parse_w3c(params, "end_date")
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lte=end)
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    status = params.get("status", "")
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        if wanted == {"open"}:
            qs = qs.exclude(state__in=CLOSED)
        elif wanted == {"closed"}:
            qs = qs.filter(state__in=CLOSED)
    return list(qs.order_by("-received_at")[:MAX_RESULTS])


def _post_request(request, fmt: str):
    params = request.POST
    client = client_for_key(params.get("api_key", ""))
    code = params.get("service_code", "").strip()
    taxonomy.ensure_categories()
    if not code:
        raise Open311Error(400, "service_code is required")
    if not Category.objects.filter(code=code, active=True).exists():
        raise Open311Error(400, f"service_code {code[:32]!r} not found; see services.{fmt}")
    has_point = params.get("lat", "") != "" or params.get("long", "") != ""
    if not (has_point or params.get("address_string", "").strip() or params.get("address_id", "").strip()):
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    description = params.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description has {len(description)} characters; at most {MAX_DESCRIPTION}")
    name = " ".join(p for p in (params.get("last_name", "").strip(), params.get("first_name", "").strip()) if p)
    data = intake.AppealInput(
        text=description, title="", appeal_type="complaint", citizen_name=name[:50],
        citizen_phone=params.get("phone", ""), address=params.get("address_string", "") or params.get("address_id", ""),
        lat=params.get("lat") or None, long=params.get("long") or None, media_url=params.get("media_url", ""),
        category_code=code, extra={"open311": {"device_id": params.get("device_id", "")[:64],
                                               "email_given": bool(params.get("email"))}},
    )
    key = request.headers.get("Idempotency-Key", "") or params.get("zhongshu_idempotency_key", "")
    appeal, created = intake.submit(f"open311:{client.name}", data, "open311", idempotency_key=key,
                                    scope=f"open311:{client.pk}", open311_client=client)
    token = Open311Token.objects.filter(appeal=appeal).first()
    if token is None:
        token = Open311Token.objects.create(token=secrets.token_hex(16), appeal=appeal, client=client)
    notice = "" if created else "duplicate submission: the original request is returned"
    row = {"service_request_id": appeal.tracking_code, "token": token.token, "service_notice": notice,
           "account_id": None}
    return respond(fmt, "service_requests", "request", [row])


@open311_view
def request_detail(request, request_id: str, fmt: str):
    """GET requests/{service_request_id}.{format}."""
    appeal = Appeal.objects.select_related("category", "department").filter(tracking_code=request_id.upper()).first()
    if appeal is None:
        raise Open311Error(404, f"service_request_id {request_id[:20]!r} not found")
    return respond(fmt, "service_requests", "request", [request_dict(appeal)])


@open311_view
def token_detail(request, token: str, fmt: str):
    """GET tokens/{token}.{format}: the service_request_id a token became."""
    found = Open311Token.objects.select_related("appeal").filter(token=token).first()
    if found is None:
        raise Open311Error(404, f"token {token[:40]!r} not found")
    return respond(fmt, "service_requests", "request",
                   [{"service_request_id": found.appeal.tracking_code, "token": found.token}])
