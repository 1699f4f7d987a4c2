"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/): services, requests, tokens.

Plain Django views (not ninja: the spec fixes URLs, form-encoded POSTs, XML and its own error
format). Reads are public by the spec; POST needs an `api_key` issued to a client by the system
administrator. Our finer workflow state is the extension field `zhongshu_state`.

What is public is the county's decision (`Publication`, edited by the holder of `open311.manage`
and audited): appeals of the listed channels and types — by default only those sent through an
Open311 app, and never 举报. Of those, nothing identifies the citizen: no name, phone or e-mail;
the description is scrubbed by the shared detector (`core.pii`: ID, phone, landline, plate,
bank card, names, flat numbers …); the address is generalised to the township and coordinates to
about a kilometre; and the id is an opaque public id that opens nothing else (never the tracking
code, which opens the citizen's reply on the tracking page).

Every GET is limited per client address, every POST per address and per api_key; refusals are
answered 429 with Retry-After and audited once per window (`appeals.limits`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from zhongshu.accounts.permissions import ensure
from zhongshu.appeals import intake, limits, taxonomy
from zhongshu.appeals.intake import _actor_name
from zhongshu.appeals.models import Appeal, Category, Open311Client, Open311Publication, Open311Token
from zhongshu.audit.context import ip_from_request
from zhongshu.audit.services import Event, pii_digest, record, record_repeated
from zhongshu.core import pii
from zhongshu.core.county import load_county
from zhongshu.core.errors import InvalidInput, NotFound
from zhongshu.core.ratelimit import RateLimited
from zhongshu.web.guards import public

MAX_DESCRIPTION = 4000  # the spec's limit
PAGE_SIZE = 50  # requests per page unless `page_size` asks for another (up to MAX_PAGE_SIZE)
MAX_PAGE_SIZE = 200
MAX_IDS = 200  # service_request_id values in one search
DEFAULT_DAYS = 90
CLOSED = ("closed", "followed_up")
COORDINATE_DECIMALS = 2  # about 1 km: the place, not the house

# What is public until the county says otherwise: requests citizens sent through an Open311 app,
# of every type but 举报 (a report names someone, and its sender must stay unknown).
DEFAULT_CHANNELS = ("open311",)
DEFAULT_TYPES = ("consult", "help", "complaint", "suggestion", "praise")


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


def client_for_key(api_key: str, ip: str = "") -> Open311Client:
    """The active client holding `api_key`; a refusal is audited once per window and address."""
    if not api_key:
        raise Open311Error(403, "api_key is required to submit requests")
    client = Open311Client.objects.filter(key_digest=_key_digest(api_key), active=True).first()
    if client is None:
        record_repeated("anonymous", Event("open311.bad_key", "open311_client", "", "denied",
                                           "invalid or revoked api_key"), key=f"open311.bad_key:{ip}")
        raise Open311Error(403, "invalid api_key")
    return client


# --- publication policy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """The channels and appeal types Open311 publishes."""

    channels: tuple[str, ...]
    types: tuple[str, ...]
    updated_at: dt.datetime | None = None
    updated_by: str = ""

    def rows(self) -> Q:
        """The appeals this policy publishes (merged duplicates never: the original stands for them)."""
        return Q(channel__in=self.channels, appeal_type__in=self.types, duplicate_of__isnull=True)


def publication() -> Publication:
    """The county's publication policy (the defaults until someone saves one)."""
    row = Open311Publication.objects.filter(pk=1).first()
    if row is None:
        return Publication(DEFAULT_CHANNELS, DEFAULT_TYPES)
    return Publication(tuple(row.channels), tuple(row.types), row.updated_at, row.updated_by)


def _choices(values: Any, allowed: list[str], field: str) -> tuple[str, ...]:
    values = [str(v) for v in (values or [])]
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InvalidInput(field, f"unknown value(s) {', '.join(unknown)[:60]}", hint="one of: " + ", ".join(allowed))
    return tuple(v for v in allowed if v in values)  # in the canonical order


def set_publication(actor: Any, channels: Any, types: Any) -> Publication:
    """Change which channels and types Open311 publishes (open311.manage; audited with old and new)."""
    ensure(actor, "open311.manage")
    new = Publication(_choices(channels, Appeal.Channel.values, "channels"),
                      _choices(types, Appeal.Type.values, "types"))
    old = publication()
    now = timezone.now()
    with transaction.atomic():
        Open311Publication.objects.update_or_create(pk=1, defaults={
            "channels": list(new.channels), "types": list(new.types), "updated_at": now,
            "updated_by": _actor_name(actor)})
        record(actor, Event("open311.publication_changed", "open311_publication", "1", details={
            "channels": list(new.channels), "types": list(new.types),
            "old_channels": list(old.channels), "old_types": list(old.types)}))
    return publication()


def published() -> QuerySet[Appeal]:
    """Every appeal Open311 may show."""
    return Appeal.objects.filter(publication().rows())


# --- public ids -------------------------------------------------------------------------------------

_ID_MAGIC = b"open311\x00"  # the second half of each block: a guessed id decrypts to anything else


def _id_cipher() -> Cipher:
    key = hashlib.sha256(("zhongshu-open311-id:" + settings.SECRET_KEY).encode()).digest()[:16]
    # One AES block per id: ECB over a single block is the block cipher itself, a keyed permutation.
    return Cipher(algorithms.AES(key), modes.ECB())


def public_id(appeal: Appeal) -> str:
    """The appeal's Open311 id: opaque, stable, and of no use anywhere else (not the tracking code).

    An AES block of (primary key, constant) under a key derived from SECRET_KEY, so nothing is
    stored and nothing can be enumerated; rotating SECRET_KEY changes every id.
    """
    enc = _id_cipher().encryptor()
    block = enc.update(appeal.pk.to_bytes(8, "big") + _ID_MAGIC) + enc.finalize()
    return base64.b32encode(block).decode().rstrip("=")


def appeal_pk(value: str) -> int | None:
    """The primary key behind a public id, or None for anything that is not one."""
    raw = (value or "").strip().upper()
    if len(raw) != 26 or not raw.isalnum():
        return None
    try:
        block = base64.b32decode(raw + "======")
    except ValueError:
        return None
    dec = _id_cipher().decryptor()
    plain = dec.update(block) + dec.finalize()
    return int.from_bytes(plain[:8], "big") if plain[8:] == _ID_MAGIC else None


# --- representation ------------------------------------------------------------------------------


def w3c(value: dt.datetime | None) -> str | None:
    """W3C datetime with offset, e.g. 2026-03-06T10:00:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


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
        "service_request_id": public_id(appeal),
        "status": "closed" if appeal.state in CLOSED else "open",
        "status_notes": STATUS_NOTES.get(appeal.state, ""),
        "service_name": (appeal.category.level2 or appeal.category.level1) if appeal.category_id else "",
        "service_code": appeal.category.code if appeal.category_id else "",
        "description": pii.scrub(appeal.text)[:MAX_DESCRIPTION],
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": w3c(appeal.received_at),
        "updated_datetime": w3c(appeal.updated_at),
        "expected_datetime": w3c(appeal.deadline),
        "address": place(appeal),
        "address_id": "",
        "zipcode": _zipcode(),
        "lat": round(appeal.lat, COORDINATE_DECIMALS) if appeal.lat is not None else None,
        "long": round(appeal.long, COORDINATE_DECIMALS) if appeal.long is not None else None,
        "media_url": appeal.media_url,
        "zhongshu_state": appeal.state,
    }


def _zipcode() -> str:
    return load_county(settings.ZHONGSHU_COUNTY).postal_code


def place(appeal: Appeal) -> str:
    """Where, no closer than the township: the appeal's township, or one named in its address.

    The county's own list of townships decides, so nothing after the township (village, street,
    building, house number) can come through.
    """
    county = load_county(settings.ZHONGSHU_COUNTY)
    townships = {t.code: t.name for t in county.townships}
    if appeal.township_id and appeal.township.code in townships:
        return county.full_name + townships[appeal.township.code]
    for name in sorted(townships.values(), key=len, reverse=True):
        if appeal.address and name in appeal.address:
            return county.full_name + name
    return county.full_name if appeal.address else ""


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
    """Limit anonymous reads per address, translate errors to the spec's error document; public, CSRF-exempt."""

    def wrapped(request, *args, fmt: str = "json", **kwargs):
        try:
            if request.method != "POST":  # POSTs are limited per address and per key in _post_request
                limits.throttle("open311.read", ip_from_request(request),
                                "too many requests from this address; retry after the seconds in Retry-After")
            _format(fmt)
            _jurisdiction(request.POST if request.method == "POST" else request.GET)
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except NotFound as exc:
            return error(fmt, 404, exc.message)
        except InvalidInput as exc:
            return error(fmt, 400, exc.message + (f" ({exc.hint})" if exc.hint else ""))
        except RateLimited as exc:
            response = error(fmt, 429, exc.message)
            response["Retry-After"] = str(exc.retry_after)
            return response

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


def _whole(params: Any, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise Open311Error(400, f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def _search(params: Any) -> list[Appeal]:
    """Published appeals matching the spec's filters, newest first, one page (`page`, `page_size`)."""
    qs = published().select_related("category", "department", "township")
    size = _whole(params, "page_size", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _whole(params, "page", 1, 1, 100_000)
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()][:MAX_IDS]
    if ids:  # the spec: other parameters are ignored when ids are given
        pks = [pk for pk in map(appeal_pk, ids) if pk is not None]
        return list(qs.filter(pk__in=pks).order_by("-received_at", "-id"))
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
    offset = (page - 1) * size
    return list(qs.order_by("-received_at", "-id")[offset:offset + size])


def _post_request(request, fmt: str):
    params = request.POST
    ip = ip_from_request(request)
    # per address first, whatever the key: guessing keys is limited too
    limits.throttle("open311.post.ip", ip, "too many requests from this address; retry after the seconds in Retry-After")
    api_key = params.get("api_key", "")
    client = client_for_key(api_key, ip)
    limits.throttle("open311.post.key", _key_digest(api_key), "too many requests with this api_key; retry after the "
                    "seconds in Retry-After", audit_key=f"client {client.pk}")
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
    # the tracking code goes to the submitting client only, for the citizen who sent it
    row = {"service_request_id": public_id(appeal), "token": token.token, "service_notice": notice,
           "account_id": None, "zhongshu_tracking_code": appeal.tracking_code}
    return respond(fmt, "service_requests", "request", [row])


@open311_view
def request_detail(request, request_id: str, fmt: str):
    """GET requests/{service_request_id}.{format} (published appeals only)."""
    pk = appeal_pk(request_id)
    appeal = (published().select_related("category", "department", "township").filter(pk=pk).first()
              if pk is not None else None)
    if appeal is None:
        raise Open311Error(404, f"service_request_id {request_id[:30]!r} not found")
    return respond(fmt, "service_requests", "request", [request_dict(appeal)])


@open311_view
def token_detail(request, token: str, fmt: str):
    """GET tokens/{token}.{format}: the service_request_id a token became."""
    found = Open311Token.objects.select_related("appeal").filter(token=token).first()
    if found is None:
        raise Open311Error(404, f"token {token[:40]!r} not found")
    return respond(fmt, "service_requests", "request",
                   [{"service_request_id": public_id(found.appeal), "token": found.token}])
