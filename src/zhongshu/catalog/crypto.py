"""Credentials at rest: Fernet with a key in `<data dir>/catalog.key` (mode 0600).

URLs are shown with `zhongshu.ingest.dbsource.redact_url`."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from zhongshu.core.errors import ConfigError


def key_path() -> Path:
    return Path(settings.ZHONGSHU_DATA_DIR) / "catalog.key"


def _key() -> bytes:
    path = key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as fh:
            fh.write(Fernet.generate_key())
    return path.read_bytes().strip()


def encrypt(text: str) -> str:
    """Encrypt a secret (a database URL with its password) for storage."""
    return Fernet(_key()).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a stored secret; a changed or lost key is a configuration error, not a crash."""
    try:
        return Fernet(_key()).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise ConfigError("catalog.key", "stored credentials cannot be decrypted with this key",
                          hint=f"restore the original {key_path().name} from backup, or enter the source's URL again") from None
