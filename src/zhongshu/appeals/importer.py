"""Bulk import of historical work orders from CSV (any Chinese encoding) or XLSX.

Three steps, each a function: `stage()` keeps the upload under the data dir and reads its header,
`preview()` shows the first rows mapped (with each row's problems), `run_import()` creates the
appeals and returns the run with its rejects report (line, column, reason). A bad row never
stops the others; rows already imported (same external id) are rejected, so a re-run is safe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhongshu.accounts.models import Department
from zhongshu.accounts.permissions import ensure
from zhongshu.appeals import sla, taxonomy
from zhongshu.appeals.intake import MAX_TEXT, _actor_name, new_tracking_code, normalize_phone
from zhongshu.appeals.models import Appeal, AppealEvent, AppealImport, Category
from zhongshu.audit.services import Event, pii_digest, record
from zhongshu.core import csvout
from zhongshu.core.errors import InvalidInput, NotFound

MAX_BYTES = 50 << 20
MAX_ROWS = 200_000

# appeal field → header names seen in 12345 exports (lower-cased, spaces removed)
FIELDS: dict[str, tuple[str, ...]] = {
    "external_id": ("external_id", "id", "工单号", "工单编号", "编号", "受理编号"),
    "received_at": ("received_at", "受理时间", "来电时间", "登记时间", "时间", "创建时间"),
    "title": ("title", "标题", "诉求标题", "主题"),
    "text": ("text", "内容", "诉求内容", "来电内容", "问题描述", "描述"),
    "appeal_type": ("appeal_type", "类型", "诉求类型", "工单类型"),
    "category": ("category", "分类", "诉求分类", "二级分类", "问题分类"),
    "department": ("department", "承办单位", "承办部门", "处理部门", "部门"),
    "state": ("state", "状态", "工单状态", "办理状态"),
    "citizen_name": ("citizen_name", "姓名", "来电人", "联系人", "诉求人"),
    "citizen_phone": ("citizen_phone", "电话", "联系电话", "来电号码", "手机"),
    "address": ("address", "地址", "事发地址", "诉求地址"),
    "reply_text": ("reply_text", "答复", "答复内容", "办理结果", "处理结果"),
    "closed_at": ("closed_at", "办结时间", "结案时间"),
    "satisfaction": ("satisfaction", "满意度", "回访结果"),
}
REQUIRED = ("received_at", "text")
TYPES = {"咨询": "consult", "求助": "help", "投诉": "complaint", "举报": "report", "建议": "suggestion", "表扬": "praise"}
STATES = {"受理": "received", "已受理": "received", "待派单": "received", "派单": "dispatched", "已派单": "dispatched",
          "待签收": "dispatched", "办理中": "handling", "签收": "handling", "已签收": "handling", "退单": "returned",
          "已答复": "replied", "待审核": "replied", "办结": "closed", "已办结": "closed", "结案": "closed",
          "已回访": "followed_up", "回访": "followed_up", "重办": "reopened"}
SATISFACTION = {"满意": "satisfied", "基本满意": "basic", "不满意": "unsatisfied"}
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Staged:
    token: str
    filename: str
    headers: list[str]
    mapping: dict[str, str]  # appeal field → file column


def _dir() -> Path:
    folder = Path(settings.ZHONGSHU_DATA_DIR) / "appeal_imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path:
    if not _TOKEN.match(token or ""):
        raise InvalidInput("upload", "unknown upload", hint="upload the file again")
    found = sorted(_dir().glob(token + ".*"))
    if not found:
        raise NotFound("upload", "", hint="upload the file again")
    return found[0]


def stage(actor: Any, filename: str, content: bytes) -> Staged:
    """Keep an uploaded file for the mapping step; returns its header and a suggested mapping."""
    ensure(actor, "appeals.import")
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise InvalidInput("file", f"cannot import {suffix or 'this file'}", hint="upload a .csv or .xlsx file")
    if not content:
        raise InvalidInput("file", "the file is empty")
    if len(content) > MAX_BYTES:
        raise InvalidInput("file", f"larger than {MAX_BYTES >> 20} MB", hint="split it into several files")
    token = secrets.token_hex(16)
    path = _dir() / f"{token}{'.csv' if suffix == '.txt' else suffix}"
    path.write_bytes(content)
    headers, _ = read_table(path)
    return Staged(token, Path(filename).name[:200], headers, guess_mapping(headers))


def staged(token: str) -> tuple[Path, list[str]]:
    path = _path(token)
    return path, read_table(path)[0]


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and (line number, cells) of a CSV (encoding detected) or the first XLSX sheet."""
    if path.suffix == ".xlsx":
        return _read_xlsx(path)
    return _read_csv(path)


def _read_csv(path: Path):
    raw = path.read_bytes()
    try:
        from zhongshu.ingest.encoding import detect_encoding_bytes

        encoding = detect_encoding_bytes(raw[: 1 << 20], truncated=len(raw) > 1 << 20)
    except ImportError:  # the ingest package is optional here
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            encoding = "gb18030"
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InvalidInput("file", "cannot read the text encoding", hint="save it as UTF-8 or GBK CSV") from None
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    delimiter = max(",\t;|", key=sample.count) if sample else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise InvalidInput("file", "no header row", hint="the first line must name the columns")
    headers = [h.strip() for h in header]

    def rows():
        for row in reader:
            if any(c.strip() for c in row):
                yield reader.line_num, row

    return headers, rows()


def _read_xlsx(path: Path):
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds for a damaged file
        raise InvalidInput("file", "not a readable .xlsx workbook", hint="open and save it again in Excel or WPS") from None
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    header = next(it, None)
    if not header or not any(h for h in header):
        raise InvalidInput("file", "no header row", hint="the first row must name the columns")
    headers = ["" if h is None else str(h).strip() for h in header]

    def rows():
        for i, row in enumerate(it, start=2):
            cells = ["" if v is None else v for v in row]
            if any(str(c).strip() for c in cells):
                yield i, cells
        book.close()

    return headers, rows()


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Appeal field → file column, by the usual header names."""
    norm = {re.sub(r"\s+", "", h).lower(): h for h in headers}
    mapping = {}
    for field, names in FIELDS.items():
        for name in names:
            if name.lower() in norm:
                mapping[field] = norm[name.lower()]
                break
    return mapping


def check_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    mapping = {f: c for f, c in mapping.items() if c}
    unknown = [f for f in mapping if f not in FIELDS]
    if unknown:
        raise InvalidInput("mapping", f"unknown field {unknown[0]!r}")
    missing_col = [c for c in mapping.values() if c not in headers]
    if missing_col:
        raise InvalidInput("mapping", f"the file has no column {missing_col[0]!r}")
    for field in REQUIRED:
        if field not in mapping:
            raise InvalidInput("mapping", f"map a column to {field}", hint="received time and text are required")
    return mapping


# --- row conversion --------------------------------------------------------------------------------


class RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def _datetime(value: Any, column: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(9))
    else:
        text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", " ").replace("/", "-")
        text = re.sub(r"\s+", " ", text).strip()
        parsed = None
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            raise RowError(column, f"not a date/time: {text[:30]!r} (use 2024-03-05 10:20)")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now() + dt.timedelta(days=1):
        raise RowError(column, "date is in the future")
    return parsed


class Lookups:
    """Category and department resolution by code or name, cached for one run."""

    def __init__(self) -> None:
        taxonomy.ensure_categories()
        self.categories: dict[str, Category] = {}
        for c in Category.objects.all():
            for key in (c.code, c.level2, f"{c.level1}/{c.level2}", f"{c.level1}-{c.level2}"):
                self.categories.setdefault(key, c)
        self.departments: dict[str, Department] = {}
        for d in Department.objects.all():
            for key in (d.code, d.name, d.short_name):
                if key:
                    self.departments.setdefault(key, d)


def convert(cells: dict[str, Any], mapping: dict[str, str], lookups: Lookups) -> dict[str, Any]:
    """One row's Appeal field values, or RowError naming the column."""

    def get(field: str) -> Any:
        col = mapping.get(field)
        value = cells.get(col, "") if col else ""
        return value if isinstance(value, dt.date) else str(value if value is not None else "").strip()

    out: dict[str, Any] = {}
    text = get("text")
    if not text:
        raise RowError(mapping["text"], "empty text")
    if len(text) > MAX_TEXT:
        raise RowError(mapping["text"], f"text longer than {MAX_TEXT} characters")
    out["text"] = text
    out["title"] = (get("title") or re.sub(r"\s+", " ", text)[:30])[:200]
    out["received_at"] = _datetime(get("received_at"), mapping["received_at"])
    kind = get("appeal_type")
    if kind:
        out["appeal_type"] = TYPES.get(kind, kind if kind in Appeal.Type.values else "")
        if not out["appeal_type"]:
            raise RowError(mapping["appeal_type"], f"unknown type {kind[:20]!r} (咨询/求助/投诉/举报/建议/表扬)")
    cat = get("category")
    if cat:
        out["category"] = lookups.categories.get(cat) or lookups.categories.get(cat.split("/")[-1])
        if out["category"] is None:
            raise RowError(mapping["category"], f"unknown category {cat[:30]!r}")
    dept = get("department")
    if dept:
        out["department"] = lookups.departments.get(dept)
        if out["department"] is None:
            raise RowError(mapping["department"], f"unknown department {dept[:30]!r}")
    state = get("state")
    out["state"] = STATES.get(state, state if state in Appeal.State.values else "") if state else "closed"
    if not out["state"]:
        raise RowError(mapping["state"], f"unknown state {state[:20]!r}")
    if out["state"] != "received" and "department" not in out:
        out["state"] = "closed" if out["state"] in ("closed", "followed_up") else "received"
    out["citizen_name"] = get("citizen_name")[:50]
    phone = get("citizen_phone")
    if phone:
        try:
            out["citizen_phone"] = normalize_phone(phone)
        except InvalidInput:
            raise RowError(mapping["citizen_phone"], "not a valid phone number") from None
    out["address"] = get("address")[:200]
    out["reply_text"] = get("reply_text")
    closed = get("closed_at")
    if closed:
        out["closed_at"] = _datetime(closed, mapping["closed_at"])
    elif out["state"] in ("closed", "followed_up"):
        out["closed_at"] = out["received_at"]
    sat = get("satisfaction")
    if sat:
        out["satisfaction"] = SATISFACTION.get(sat, sat if sat in Appeal.Satisfaction.values else "")
        if not out["satisfaction"]:
            raise RowError(mapping["satisfaction"], f"unknown satisfaction {sat[:20]!r} (满意/基本满意/不满意)")
    out["external_id"] = get("external_id")[:64]
    return out


def _rows(path: Path, headers: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    _, rows = read_table(path)
    for line, cells in rows:
        yield line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}


def preview(actor: Any, token: str, mapping: dict[str, str], limit: int = 10) -> list[dict[str, Any]]:
    """The first rows as they would be imported, each with its problem (if any)."""
    ensure(actor, "appeals.import")
    path, headers = staged(token)
    mapping = check_mapping(mapping, headers)
    lookups, out = Lookups(), []
    for line, cells in _rows(path, headers):
        try:
            values = convert(cells, mapping, lookups)
            out.append({"line": line, "values": {k: str(v) for k, v in values.items() if v not in ("", None)},
                        "error": ""})
        except RowError as exc:
            out.append({"line": line, "values": {}, "error": f"{exc.column}: {exc.reason}"})
        if len(out) >= limit:
            break
    return out


def run_import(actor: Any, token: str, mapping: dict[str, str], filename: str = "") -> AppealImport:
    """Create the appeals; every rejected row is reported with its line, column and reason."""
    ensure(actor, "appeals.import")
    path, headers = staged(token)
    mapping = check_mapping(mapping, headers)
    lookups, now = Lookups(), timezone.now()
    seen = set(Appeal.objects.exclude(external_id="").values_list("external_id", flat=True))
    run = AppealImport(at=now, actor=_actor_name(actor), filename=(filename or path.name)[:200], mapping=mapping)
    rejects: list[dict[str, Any]] = []
    batch: list[Appeal] = []
    total = created = 0
    with transaction.atomic():
        for line, cells in _rows(path, headers):
            total += 1
            if total > MAX_ROWS:
                rejects.append({"line": line, "column": "", "reason": f"more than {MAX_ROWS} rows: the rest skipped"})
                break
            try:
                values = convert(cells, mapping, lookups)
            except RowError as exc:
                rejects.append({"line": line, "column": exc.column, "reason": exc.reason})
                continue
            ext = values.get("external_id", "")
            if ext and ext in seen:
                rejects.append({"line": line, "column": mapping.get("external_id", ""),
                                "reason": f"work order {ext} was already imported"})
                continue
            seen.add(ext) if ext else None
            appeal = Appeal(channel="import", tracking_code=new_tracking_code(values["received_at"]), **values)
            appeal.phone_digest = pii_digest(appeal.citizen_phone)
            appeal.deadline = sla.deadline_for(appeal.appeal_type, appeal.received_at)
            appeal.triage = {"imported": True}
            batch.append(appeal)
            if len(batch) >= 500:
                created += _flush(batch, actor, now)
        created += _flush(batch, actor, now)
        run.total, run.created, run.rejects = total, created, rejects
        run.save()
        record(actor, Event("appeals.imported", "appeal_import", str(run.pk),
                            "success" if not rejects else "partial" if created else "failure",
                            details={"file": run.filename, "rows": total, "created": created, "rejected": len(rejects)}))
    path.unlink(missing_ok=True)
    return run


def _flush(batch: list[Appeal], actor: Any, now: dt.datetime) -> int:
    if not batch:
        return 0
    made = Appeal.objects.bulk_create(batch)
    if not all(a.pk for a in made):  # backends that do not return ids on bulk insert
        codes = [a.tracking_code for a in made]
        made = list(Appeal.objects.filter(tracking_code__in=codes))
    AppealEvent.objects.bulk_create(
        AppealEvent(appeal=a, at=now, actor=_actor_name(actor), action="import", to_state=a.state,
                    note="imported history", public=False) for a in made)
    n = len(made)
    batch.clear()
    return n


def rejects_csv(actor: Any, run_id: int) -> str:
    """The rejects report of an import as CSV text (line, column, reason)."""
    ensure(actor, "appeals.import")
    run = AppealImport.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("import", run_id)
    # column names come from the imported file: escaped against formulas (core.csvout)
    return csvout.text(["line", "column", "reason"], ([r["line"], r["column"], r["reason"]] for r in run.rejects))
