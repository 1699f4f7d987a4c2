"""File helpers the loaders share: content digests and durable writes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_file(path: str | os.PathLike[str], *, fsync: bool = False) -> str:
    """SHA-256 of a file's bytes, read in 8 MiB blocks; with fsync, also flush it to disk."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(8 << 20):
            h.update(block)
        if fsync:
            os.fsync(f.fileno())
    return h.hexdigest()


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Flush a directory entry to disk, so a rename or a new file in it survives a crash."""
    fd = os.open(Path(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
