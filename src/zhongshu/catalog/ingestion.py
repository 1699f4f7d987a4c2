"""Loading data: attempts, versions published in one transaction, rollback, drift and diffs.

A load runs in four steps (ARCHITECTURE rule 4):

1. the loader writes Parquet into `_staging/attempt-<id>/` and fsyncs it;
2. the folder is renamed into place (`v-<attempt id>/`) — still invisible;
3. one database transaction inserts the Version with its files, updates the fields and flips
   the dataset's current version — now readers see it;
4. quality rules run against the new version (their own transaction).

Killed anywhere before 3 commits, nothing is visible: the attempt stays `running` until
`reap_interrupted()` marks it failed and removes the unrecorded folders.

Step 1 runs in a child process under the load limits (`ingest.isolate`, `load_limits()` from the
settings): a file that would need more memory than `ZHONGSHU_LOAD_MEMORY_MB` kills only that child,
and the attempt fails with a message naming the limit. The cheap checks (file size, XLSX zip
directory) also run when a file is uploaded, before any dataset or attempt is kept for it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhongshu.accounts.permissions import ensure
from zhongshu.audit.services import Event, record
from zhongshu.catalog import masking, storage
from zhongshu.catalog.models import Dataset, DatasetField, LoadAttempt, Version, VersionFile
from zhongshu.catalog.services import (
    add_edge,
    find_or_create_dataset,
    grade_for,
    raise_dataset_grade,
    reindex,
    version_files,
)
from zhongshu.core.errors import InvalidInput, NotFound, ZhongshuError
from zhongshu.ingest import isolate
from zhongshu.ingest import limits as ingest_limits
from zhongshu.ingest.containers import check_parquet, check_xlsx
from zhongshu.ingest.csvfile import peek_header
from zhongshu.ingest.limits import LimitExceeded, Limits, refuse, size_text
from zhongshu.ingest.profile import FieldProfile, profile
from zhongshu.ingest.schema import diff_schemas

log = logging.getLogger("zhongshu.catalog")
State = LoadAttempt.State
FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "parquet")
# Where each loader step sits on the overall progress bar.
STEPS = {"extract": (0.0, 0.1), "hash": (0.0, 0.1), "transcode": (0.1, 0.3), "parse": (0.3, 0.55),
         "validate": (0.55, 0.7), "write": (0.7, 0.9), "profile": (0.9, 0.97), "publish": (0.97, 1.0)}


def _actor_name(actor: Any) -> str:
    return getattr(actor, "username", str(actor))


def load_limits() -> Limits:
    """The load limits in force, from the `ZHONGSHU_LOAD_*` settings (docs/configuration.md)."""
    return ingest_limits.from_settings(
        {name: getattr(settings, name, None) for name, _ in ingest_limits.SETTINGS.values()})


def _capped(chunks: Iterable[bytes], limit: int, name: str) -> Iterable[bytes]:
    """Pass upload chunks on, refusing the upload as soon as it is larger than `limit` bytes."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise refuse("file", f"{name}: the file size", None, size_text(limit), "max_upload_bytes")
        yield chunk


# --- attempts ------------------------------------------------------------------------------


def new_attempt(actor: Any, dataset: Dataset, *, file_name: str = "", path: str | Path | None = None,
                chunks: Iterable[bytes] | None = None, via: str = "upload", fmt: str = "", encoding: str = "",
                sheet: str = "", max_bad_fraction: float = 0.05, binding: Any = None) -> LoadAttempt:
    """Record a load attempt (a draft) for a file given by path or uploaded in chunks; detect its format."""
    ensure(actor, "catalog.ingest", dataset)
    if fmt and fmt not in FORMATS:
        raise InvalidInput("format", f"unknown format {fmt!r}", hint="one of: " + ", ".join(FORMATS))
    try:
        max_bad_fraction = float(max_bad_fraction)
    except (TypeError, ValueError):
        raise InvalidInput("max_bad_fraction", "must be a number between 0 and 1", hint="e.g. 0.05 for 5%") from None
    if not 0 <= max_bad_fraction <= 1:
        raise InvalidInput("max_bad_fraction", "must be between 0 and 1", hint="e.g. 0.05 for 5%")
    with transaction.atomic():
        attempt = LoadAttempt.objects.create(dataset=dataset, via=via, file_name=Path(file_name or path or "").name,
                                             format=fmt, encoding=encoding, sheet=sheet, binding=binding,
                                             max_bad_fraction=max_bad_fraction, created_by=_actor_name(actor),
                                             # run by this process right away: reapable if it dies
                                             pid=os.getpid() if via != "upload" else None,
                                             host=socket.gethostname() if via != "upload" else "")
        record(actor, Event("catalog.load.created", "load_attempt", attempt.pk,
                            details={"dataset": dataset.code, "via": via}))
    limits = load_limits()
    try:
        if chunks is not None:
            saved, size, digest = storage.save_upload(_capped(chunks, limits.max_upload_bytes, attempt.file_name),
                                                      attempt.pk, file_name)
            attempt.file_path, attempt.size, attempt.file_sha256 = str(saved), size, digest
        elif path is not None:
            p = Path(path).resolve()
            attempt.file_path = str(p)
            attempt.size = p.stat().st_size if p.is_file() else 0
        if attempt.file_path:
            _detect(attempt, limits)
    except ZhongshuError as exc:
        if chunks is not None:  # a refused upload is never loaded: keep no copy of it
            storage.remove_quietly(storage.attempt_dir(attempt.pk))
            attempt.file_path = ""
        attempt.save()
        _fail(attempt, exc)
        raise
    attempt.save()
    return attempt


def draft_load(actor: Any, *, dataset: Dataset | None = None, new_name: str = "", department: str | None = None,
               **attempt: Any) -> LoadAttempt:
    """A draft load into `dataset`, or into the dataset called `new_name` (of `department`),
    created only when the file is accepted: a refused file leaves no empty dataset behind."""
    if dataset is not None:
        return new_attempt(actor, dataset, **attempt)
    known = set(Dataset.objects.filter(name=new_name.strip()).values_list("pk", flat=True))
    with transaction.atomic():
        dataset = find_or_create_dataset(actor, new_name, department)
        if dataset.pk not in known:
            # new: a refusal rolls the dataset back with the attempt and their audit records
            return new_attempt(actor, dataset, **attempt)
    return new_attempt(actor, dataset, **attempt)  # existing: the refusal stays listed on it


def _detect(attempt: LoadAttempt, limits: Limits) -> None:
    from zhongshu.ingest import encoding as enc
    from zhongshu.ingest.formats import detect_format, list_sheets

    size = os.path.getsize(attempt.file_path) if os.path.isfile(attempt.file_path) else 0
    if size > limits.max_upload_bytes:
        raise refuse("file", f"{attempt.file_name}: the file size", size_text(size),
                     size_text(limits.max_upload_bytes), "max_upload_bytes")
    if not attempt.format:
        attempt.format = detect_format(attempt.file_path)
    if attempt.format in ("csv", "tsv", "json", "jsonl") and not attempt.encoding:
        if size == 0:
            raise InvalidInput("file", f"{attempt.file_name} is empty", hint="choose the file that holds the data")
        attempt.encoding = enc.detect_encoding(attempt.file_path)
    # The cheap checks of the load itself, so that a file which cannot load is refused here, while
    # the upload page can still decline to keep anything (no attempt, no new empty dataset).
    if attempt.format in ("csv", "tsv"):
        peek_header(attempt.file_path, attempt.encoding or "utf-8", "\t" if attempt.format == "tsv" else None,
                    max_columns=limits.max_columns)
    elif attempt.format == "parquet":
        check_parquet(attempt.file_path, limits)
    elif attempt.format == "xlsx" and attempt.sheet:
        check_xlsx(attempt.file_path, limits)
    if attempt.format == "xlsx" and not attempt.sheet:
        sheets = list_sheets(attempt.file_path, limits)  # checks the zip directory: no shared strings read
        attempt.warnings = [*attempt.warnings, {"sheets": sheets}] if len(sheets) > 1 else attempt.warnings


def sheets_of(attempt: LoadAttempt) -> list[str]:
    for w in attempt.warnings:
        if isinstance(w, dict) and "sheets" in w:
            return w["sheets"]
    return []


def get_attempt(actor: Any, pk: int) -> LoadAttempt:
    ensure(actor, "catalog.read")
    attempt = LoadAttempt.objects.select_related("dataset", "dataset__department").filter(pk=pk).first()
    if attempt is None:
        raise NotFound("load attempt", pk)
    return attempt


def start(actor: Any, attempt: LoadAttempt, *, fmt: str | None = None, encoding: str | None = None,
          sheet: str | None = None, max_bad_fraction: float | None = None, inline: bool = False,
          progress: Callable[[str, float], None] | None = None) -> LoadAttempt:
    """Confirm a draft (optionally overriding format, encoding, sheet, threshold) and run it."""
    ensure(actor, "catalog.ingest", attempt.dataset)
    if attempt.state != State.DRAFT:
        raise InvalidInput("attempt", f"this load is already {attempt.state}", hint="upload the file again to retry")
    if fmt:
        if fmt not in FORMATS:
            raise InvalidInput("format", f"unknown format {fmt!r}", hint="one of: " + ", ".join(FORMATS))
        attempt.format = fmt
    if encoding:
        from zhongshu.ingest.encoding import normalize_encoding

        attempt.encoding = normalize_encoding(encoding)
    if sheet:
        attempt.sheet = sheet
    if max_bad_fraction is not None:
        if not 0 <= float(max_bad_fraction) <= 1:
            raise InvalidInput("max_bad_fraction", "must be between 0 and 1", hint="e.g. 0.05 for 5%")
        attempt.max_bad_fraction = float(max_bad_fraction)
    attempt.state = State.QUEUED
    # inline: this process runs it, so if it dies first `reap_interrupted` can tell; queued for the
    # worker: no process owns it until the worker starts it
    attempt.pid, attempt.host = (os.getpid(), socket.gethostname()) if inline else (None, "")
    with transaction.atomic():
        attempt.save()
        record(actor, Event("catalog.load.queued", "load_attempt", attempt.pk, details={"dataset": attempt.dataset.code}))
    if inline:
        return execute(attempt.pk, progress=progress)
    from zhongshu.catalog.tasks import run_attempt

    run_attempt.enqueue(attempt.pk)
    attempt.refresh_from_db()
    return attempt


def _reporter(attempt: LoadAttempt, outer: Callable[[str, float], None] | None) -> Callable[[str, float], None]:
    last = {"t": 0.0, "step": ""}

    def report(step: str, fraction: float) -> None:
        lo, hi = STEPS.get(step, (0.0, 1.0))
        overall = lo + (hi - lo) * max(0.0, min(1.0, fraction))
        if outer is not None:
            outer(step, overall)
        now = time.monotonic()
        if step != last["step"] or now - last["t"] > 0.3 or fraction >= 1.0:
            last.update(t=now, step=step)
            LoadAttempt.objects.filter(pk=attempt.pk).update(step=step, progress=round(overall, 4))

    return report


def execute(attempt_id: int, progress: Callable[[str, float], None] | None = None) -> LoadAttempt:
    """Run a queued attempt to a published version or a recorded failure (the background task's body)."""
    attempt = LoadAttempt.objects.select_related("dataset", "binding__source").get(pk=attempt_id)
    if attempt.state != State.QUEUED:
        return attempt
    LoadAttempt.objects.filter(pk=attempt.pk).update(state=State.RUNNING, pid=os.getpid(), host=socket.gethostname(),
                                                     started_at=timezone.now())
    attempt.refresh_from_db()
    report = _reporter(attempt, progress)
    staging = storage.staging_dir(attempt.dataset_id, attempt.pk)
    storage.remove_quietly(staging)
    staging.parent.mkdir(parents=True, exist_ok=True)
    final = storage.final_dir(attempt.dataset_id, attempt.pk)
    try:
        result = _load(attempt, staging, report)
        report("profile", 0.0)
        storage.publish(staging, final)
        files = [final / Path(f.path).name for f in result.files]
        profiles = profile(files)
        report("publish", 0.0)
        version = _publish(attempt, result, files, final, profiles)
    except ZhongshuError as exc:
        storage.remove_quietly(staging)
        storage.remove_quietly(final)
        return _fail(attempt, exc)
    except Exception as exc:  # noqa: BLE001 - recorded as failed; details only in the server log
        log.exception("load attempt %s failed", attempt.pk)
        storage.remove_quietly(staging)
        storage.remove_quietly(final)
        return _fail(attempt, ZhongshuError(f"internal error while loading ({type(exc).__name__})",
                                            hint="the server log has details; nothing already stored was changed"))
    report("publish", 1.0)
    from zhongshu.catalog import quality

    try:
        quality.after_version(version)
    except Exception:  # noqa: BLE001 - a quality bug must not hide a published version
        log.exception("quality checks failed for version %s", version.pk)
    attempt.refresh_from_db()
    return attempt


def _load(attempt: LoadAttempt, staging: Path, report: Callable[[str, float], None]):
    from zhongshu.ingest.load import LoadFailed, write_rejects_csv

    path, fmt, encoding = attempt.file_path, attempt.format or None, attempt.encoding or None
    if attempt.binding_id:
        from zhongshu.catalog import sources

        out = storage.attempt_dir(attempt.pk) / "extract"
        storage.remove_quietly(out)  # a leftover of an interrupted try of this attempt
        report("extract", 0.0)
        extracted = sources.extract(attempt.binding, out)
        report("extract", 1.0)
        path, fmt, encoding = extracted.files[0].path, "parquet", None
        attempt.file_sha256 = extracted.source_sha256
        LoadAttempt.objects.filter(pk=attempt.pk).update(format="parquet", file_sha256=attempt.file_sha256)
    # Types stay as the current version declared them, so a bad value becomes a reject with its
    # line instead of silently turning the column into text.
    declared = _declared(attempt.dataset)
    limits = load_limits()
    try:
        try:
            result = isolate.run_load(path, staging, limits=limits, progress=report, fmt=fmt, encoding=encoding,
                                      sheet=attempt.sheet or None, columns=declared,
                                      max_bad_rows_fraction=attempt.max_bad_fraction)
        except InvalidInput as exc:
            if not declared or exc.field != "columns" or isinstance(exc, LimitExceeded):
                raise
            # columns were dropped since the last version: load with inferred types, show the drift
            storage.remove_quietly(staging)
            result = isolate.run_load(path, staging, limits=limits, progress=report, fmt=fmt, encoding=encoding,
                                      sheet=attempt.sheet or None, max_bad_rows_fraction=attempt.max_bad_fraction)
    except LoadFailed as exc:
        _write_rejects(attempt, exc.rejects, write_rejects_csv)
        LoadAttempt.objects.filter(pk=attempt.pk).update(rows_total=exc.total_rows, reject_count=exc.bad_rows)
        raise
    if result.rejects:
        _write_rejects(attempt, result.rejects, write_rejects_csv)
    LoadAttempt.objects.filter(pk=attempt.pk).update(
        rows_loaded=result.rows, rows_total=result.total_rows, reject_count=result.reject_count,
        encoding=result.encoding or "", format=result.format,
        file_sha256=attempt.file_sha256 or result.source_sha256)
    return result


def _declared(dataset: Dataset):
    from zhongshu.ingest.model import FieldSpec

    if dataset.current_version_id is None:
        return None
    return [FieldSpec(f["name"], f["type"]) for f in dataset.current_version.schema if f["type"] in
            ("string", "integer", "decimal", "date", "timestamp", "boolean")]


def _write_rejects(attempt: LoadAttempt, rejects, writer) -> None:
    path = storage.attempt_dir(attempt.pk) / "rejects.csv"
    writer(rejects, path)
    LoadAttempt.objects.filter(pk=attempt.pk).update(rejects_path=str(path))


def _publish(attempt: LoadAttempt, result, files: list[Path], final: Path, profiles) -> Version:
    schema = [{"name": f.name, "type": f.type, "sql_type": f.sql_type} for f in result.fields]
    rows_by_file = _rows_per_file(files)
    with transaction.atomic():
        ds = Dataset.objects.select_for_update().get(pk=attempt.dataset_id)
        prev = ds.current_version
        number = (ds.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = Version.objects.create(
            dataset=ds, number=number, attempt=attempt, path=storage.relative(final), rows=result.rows, schema=schema,
            schema_changes=schema_drift(prev.schema if prev else None, schema),
            source_sha256=attempt.file_sha256 or result.source_sha256, created_by=attempt.created_by)
        # files[i] is result.files[i] renamed into place: the loader's digest and size still hold
        for f, info in zip(files, result.files, strict=True):
            VersionFile.objects.create(version=version, path=storage.relative(f), size=info.size,
                                       sha256=info.sha256, rows=rows_by_file[str(f)])
        _sync_fields(ds, result.fields, profiles)
        Dataset.objects.filter(pk=ds.pk).update(current_version=version, updated_at=timezone.now())
        LoadAttempt.objects.filter(pk=attempt.pk).update(state=State.SUCCEEDED, step="done", progress=1.0,
                                                         finished_at=timezone.now(), warnings=_warnings(attempt, result))
        source = (("source", attempt.binding.source_id, f"{attempt.binding.source.name} · {attempt.binding}")
                  if attempt.binding_id else ("file", attempt.file_sha256 or result.source_sha256, attempt.file_name))
        add_edge(source, ("version", version.pk, f"{ds.name} v{number}"), "loaded_into",
                 {"attempt": attempt.pk, "rows": result.rows})
        record(attempt.created_by, Event("catalog.version.published", "dataset", ds.code, details={
            "version": number, "rows": result.rows, "rejected": result.reject_count, "attempt": attempt.pk}))
    return version


def _warnings(attempt: LoadAttempt, result) -> list:
    return [w for w in attempt.warnings if isinstance(w, dict)] + list(result.warnings)


def _rows_per_file(files: list[Path]) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {str(f): pq.ParquetFile(f).metadata.num_rows for f in files}


# Candidates matching fewer sampled values than this are noise, not worth showing the steward.
MIN_CANDIDATE_SHARE = 0.05


def _candidates(p: FieldProfile) -> list[dict]:
    """The profile's label candidates as stored on the field: [{"label", "share"}], best first."""
    return [{"label": c.label, "share": round(c.share, 4)} for c in p.candidates if c.share >= MIN_CANDIDATE_SHARE]


def _sync_fields(ds: Dataset, fields, profiles: list[FieldProfile]) -> None:
    by_name = {p.name: p for p in profiles}
    existing = {f.name: f for f in ds.fields.all()}
    for pos, fld in enumerate(fields):
        f = existing.pop(fld.name, None) or DatasetField(dataset=ds, name=fld.name)
        f.position, f.type, f.sql_type, f.present = pos, fld.type, fld.sql_type, True
        p = by_name.get(fld.name)
        if p is not None:
            f.label_candidates = _candidates(p)
            if f.label_status != DatasetField.LabelStatus.CONFIRMED:
                label = p.label or ""
                f.label = label
                f.label_share = round(p.candidates[0].share, 4) if label else None
                f.label_status = DatasetField.LabelStatus.SUGGESTED if label else DatasetField.LabelStatus.NONE
                f.grade, f.level = grade_for(label)
        f.save()
    for gone in existing.values():
        gone.present = False
        gone.save(update_fields=["present"])
    raise_dataset_grade(ds)
    reindex(ds)


def _fail(attempt: LoadAttempt, exc: ZhongshuError) -> LoadAttempt:
    details = {"dataset": attempt.dataset.code}
    if isinstance(exc, LimitExceeded):
        details["limit"] = exc.setting  # which setting refused it: the status page and the auditor can tell
    with transaction.atomic():
        LoadAttempt.objects.filter(pk=attempt.pk).update(state=State.FAILED, error=exc.message[:2000],
                                                         error_hint=exc.hint[:1000], finished_at=timezone.now())
        record(attempt.created_by or "system", Event("catalog.load.failed", "load_attempt", attempt.pk, "failure",
                                                     exc.message[:300], details=details))
    attempt.refresh_from_db()
    return attempt


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_interrupted() -> int:
    """Mark attempts whose loading process died as failed and remove unrecorded folders."""
    host = socket.gethostname()
    n = 0
    for attempt in LoadAttempt.objects.select_related("dataset").filter(state__in=(State.DRAFT, State.RUNNING, State.QUEUED),
                                                                         host=host, pid__isnull=False):
        if not _alive(attempt.pid):
            _fail(attempt, ZhongshuError("the loading process stopped before finishing (interrupted)",
                                         hint="load the file again; nothing already stored was changed"))
            n += 1
    root = storage.warehouse_root()
    if root.is_dir():
        recorded = set(Version.objects.values_list("path", flat=True))
        running = set(LoadAttempt.objects.filter(state__in=(State.DRAFT, State.RUNNING, State.QUEUED))
                      .values_list("pk", flat=True))
        for ds_dir in root.iterdir():
            for sub in ds_dir.glob("v-*"):
                if storage.relative(sub) not in recorded and int(sub.name[2:] or 0) not in running:
                    storage.remove_quietly(sub)
            for sub in (ds_dir / "_staging").glob("attempt-*"):
                if int(sub.name.split("-")[1]) not in running:
                    storage.remove_quietly(sub)
    return n


def attempts_for(actor: Any, dataset: Dataset, limit: int = 20) -> list[LoadAttempt]:
    ensure(actor, "catalog.read")
    return list(dataset.attempts.all()[:limit])


def rejects_file(actor: Any, attempt: LoadAttempt) -> Path:
    """The rejects report of an attempt (line, column, reason; no values)."""
    ensure(actor, "catalog.read")
    if not attempt.rejects_path or not Path(attempt.rejects_path).is_file():
        raise NotFound("rejects report", attempt.pk, hint="this load rejected no rows")
    return Path(attempt.rejects_path)


# --- versions ------------------------------------------------------------------------------


def schema_drift(before: list[dict] | None, after: list[dict]) -> dict:
    """Added, removed and retyped fields between two stored schemas (`ingest.schema.diff_schemas`).

    >>> schema_drift([{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}],
    ...              [{"name": "a", "type": "string"}, {"name": "c", "type": "date"}])
    {'added': ['c'], 'removed': ['b'], 'retyped': [{'name': 'a', 'from': 'integer', 'to': 'string'}]}
    """
    if before is None:
        return {}
    d = diff_schemas([(f["name"], f["type"]) for f in before], [(f["name"], f["type"]) for f in after])
    return {"added": d.added, "removed": d.removed,
            "retyped": [{"name": t.name, "from": t.old_type, "to": t.new_type} for t in d.type_changed]}


def get_version(actor: Any, dataset: Dataset, number: int) -> Version:
    ensure(actor, "catalog.read")
    v = dataset.versions.filter(number=number).first()
    if v is None:
        raise NotFound("version", f"{dataset.code} v{number}")
    return v


def rollback(actor: Any, dataset: Dataset, number: int, reason: str = "") -> Version:
    """Make an earlier (or any) version current again; audited with the reason."""
    ensure(actor, "catalog.ingest", dataset)
    version = get_version(actor, dataset, number)
    with transaction.atomic():
        ds = Dataset.objects.select_for_update().get(pk=dataset.pk)
        before = ds.current_version.number if ds.current_version else None
        if before == number:
            raise InvalidInput("version", f"v{number} is already current")
        Dataset.objects.filter(pk=ds.pk).update(current_version=version, updated_at=timezone.now())
        record(actor, Event("catalog.version.rollback", "dataset", ds.code, reason=reason[:300],
                            details={"from": before, "to": number}))
    dataset.refresh_from_db()
    return version


def diff(actor: Any, dataset: Dataset, a: int, b: int, samples: int = 10) -> dict:
    """Compare two versions: row counts, schema drift, and added/removed/changed keys.

    Keys are the fields flagged `is_key` (`warehouse.diff.diff_versions`); up to `samples` sample
    keys are shown, masked when the field carries a personal-data label. Without key fields, rows
    are compared whole (`warehouse.diff.diff_rows`: added/removed counts only).
    """
    from zhongshu.warehouse.diff import diff_rows, diff_versions

    va, vb = get_version(actor, dataset, a), get_version(actor, dataset, b)
    out: dict[str, Any] = {"a": a, "b": b, "rows_a": va.rows, "rows_b": vb.rows,
                           "schema": schema_drift(va.schema, vb.schema), "keys": []}
    cols_a = {f["name"] for f in va.schema}
    common = [f["name"] for f in vb.schema if f["name"] in cols_a]
    if not common:
        return out
    fields = {f.name: f for f in dataset.fields.all()}
    keys = [c for c in common if fields.get(c) and fields[c].is_key]
    if not keys:
        rows = diff_rows(version_files(va), version_files(vb))
        out.update(added=rows.added_rows, removed=rows.removed_rows, changed=None, key_fields=[])
        return out
    d = diff_versions(version_files(va), version_files(vb), keys, samples=samples)
    out.update(added=d.added_keys, removed=d.removed_keys, changed=d.changed_keys, key_fields=keys)
    shown = [(key, change) for change, sample in (("added", d.sample_added), ("removed", d.sample_removed),
                                                  ("changed", d.sample_changed)) for key in sample]
    plan = masking.plan([fields[k] for k in keys], keys, [list(key) for key, _ in shown])
    out["keys"] = [{"key": masked_key(key, [plan.get(k) for k in keys]), "change": change}
                   for key, change in shown[:samples]]
    if out["keys"]:  # sample keys are (masked) personal data: the read is audited
        record(actor, Event("catalog.diff.read", "dataset", dataset.code, details={
            "version": f"{a}-{b}", "rows": len(out["keys"]), "masked": sorted(plan)}))
    return out


def masked_key(values: tuple, masks: list[masking.ColumnMask | None]) -> str:
    """A sample key for display, each part masked as the dataset's masking plan says (`catalog.masking`).

    >>> masked_key(("371122199001011238", 7), [masking.ColumnMask("id", "id_number", "label"), None])
    '371122********1238 / 7'
    """
    return " / ".join(str(masking.mask_cell(v, m)) for v, m in zip(values, masks, strict=True))