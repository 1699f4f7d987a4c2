"""Warehouse folders: each version's Parquet files live in their own folder, written in staging first.

    <data dir>/warehouse/<dataset id>/_staging/attempt-<id>/   the loader writes here
    <data dir>/warehouse/<dataset id>/v-<attempt id>/           renamed into place, then the catalog
                                                                record makes it visible
    <data dir>/attempts/<id>/                                   uploaded file, rejects report

A folder without a catalog record is invisible (a crash between rename and commit leaves one;
`sweep_orphans` removes them).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from django.conf import settings

from zhongshu.core.files import fsync_dir


def warehouse_root() -> Path:
    return Path(settings.ZHONGSHU_DATA_DIR) / "warehouse"


def attempt_dir(attempt_id: int) -> Path:
    path = Path(settings.ZHONGSHU_DATA_DIR) / "attempts" / str(attempt_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def staging_dir(dataset_id: int, attempt_id: int) -> Path:
    return warehouse_root() / str(dataset_id) / "_staging" / f"attempt-{attempt_id}"


def final_dir(dataset_id: int, attempt_id: int) -> Path:
    return warehouse_root() / str(dataset_id) / f"v-{attempt_id}"


def absolute(relative: str) -> Path:
    return warehouse_root() / relative


def relative(path: str | os.PathLike[str]) -> str:
    return str(Path(path).resolve().relative_to(warehouse_root().resolve()))


def publish(staging: Path, final: Path) -> None:
    """Move a fully written, fsynced staging folder into place (atomic rename on one filesystem)."""
    for f in staging.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    fsync_dir(staging)
    if final.exists():
        shutil.rmtree(final)  # an unrecorded leftover of a crashed earlier try of this attempt
    os.replace(staging, final)
    fsync_dir(final.parent)


def save_upload(chunks, attempt_id: int, name: str) -> tuple[Path, int, str]:
    """Store an uploaded file (streamed chunks) in the attempt's folder; returns path, size, sha256."""
    safe = Path(name).name.replace("\x00", "") or "upload"
    path = attempt_dir(attempt_id) / safe
    h = hashlib.sha256()
    size = 0
    with open(path, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            h.update(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return path, size, h.hexdigest()


def remove_quietly(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
