"""Credentials at rest: Fernet with a key in `<data dir>/catalog.key` (mode 0600); URLs shown redacted."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from zhongshu.core.errors import ConfigError

_SECRET_PARAMS = {"password", "passwd", "pwd", "secret", "token", "sslpassword"}


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


def redact_url(url: str) -> str:
    """The URL with its password (and secret query parameters) replaced by ***.

    >>> redact_url("postgresql://gaj:s3cret@db.local:5432/huji?sslmode=require&password=x")
    'postgresql://gaj:***@db.local:5432/huji?sslmode=require&password=%2A%2A%2A'
    >>> redact_url("sqlite:////srv/data/huji.sqlite")
    'sqlite:////srv/data/huji.sqlite'
    """
    parts = urlsplit(url)
    secret_query = any(k.lower() in _SECRET_PARAMS for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    if "@" not in parts.netloc and not secret_query:
        return url  # nothing to hide (and urlunsplit would drop the empty host of sqlite:////path)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
    query = parts.query
    if query:
        pairs = [(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in parse_qsl(query, keep_blank_values=True)]
        query = urlencode(pairs)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
