"""Reading settings from the environment: every variable the hub reads is declared here.

`SETTINGS` is the single list; docs/configuration.md documents each entry and a test fails when
one is missing there. Parsers raise `ConfigError` naming the variable and how to fix it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhongshu.core.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, default and a parser."""

    name: str
    default: str | None
    parse: Callable[[str, str], Any]
    help: str


def parse_str(name: str, raw: str) -> str:
    return raw


def parse_bool(name: str, raw: str) -> bool:
    """Parse a yes/no value.

    >>> parse_bool("X", "true"), parse_bool("X", "0")
    (True, False)
    """
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(name, f"expected true/false, got {raw!r}", hint=f"set {name}=true or {name}=false")


def parse_positive_int(name: str, raw: str) -> int:
    """Parse a whole number greater than zero.

    >>> parse_positive_int("X", "30")
    30
    """
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}", hint=f"e.g. {name}=30") from None
    if value <= 0:
        raise ConfigError(name, f"must be greater than 0, got {value}", hint=f"e.g. {name}=30")
    return value


def parse_list(name: str, raw: str) -> list[str]:
    """Parse a comma-separated list.

    >>> parse_list("X", "a, b,,c")
    ['a', 'b', 'c']
    """
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_path(name: str, raw: str) -> Path:
    return Path(raw).expanduser().resolve()


def parse_choice(*choices: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise ConfigError(name, f"unknown value {raw!r}", hint=f"choose one of: {', '.join(choices)}")
        return raw

    return parse


SETTINGS: tuple[Setting, ...] = (
    Setting("ZHONGSHU_DATA_DIR", "./var", parse_path, "Folder for the hub's own files: SQLite database, secret key, warehouse Parquet files, models, demo files."),
    Setting("DATABASE_URL", None, parse_str, "App database URL. Default: SQLite file `<ZHONGSHU_DATA_DIR>/zhongshu.sqlite3`. PostgreSQL: `postgresql://user@host:5432/dbname`."),
    Setting("SECRET_KEY", None, parse_str, "Django secret key. Default: generated once into `<ZHONGSHU_DATA_DIR>/secret_key` (mode 0600) and reused."),
    Setting("ZHONGSHU_DEBUG", "false", parse_bool, "Django debug mode. Never true in production."),
    Setting("ZHONGSHU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver", parse_list, "Comma-separated host names the hub answers to."),
    Setting("ZHONGSHU_LANGUAGE", "zh-hans", parse_choice("zh-hans", "en"), "Default UI language: `zh-hans` or `en` (users can switch)."),
    Setting("ZHONGSHU_TIME_ZONE", "Asia/Shanghai", parse_str, "Time zone for display; audit records are stored in UTC."),
    Setting("ZHONGSHU_COUNTY", "371122", parse_str, "Division code of the county whose config (townships, departments) the hub uses."),
    Setting("ZHONGSHU_SESSION_IDLE_MINUTES", "30", parse_positive_int, "Log a user out after this many minutes without a request."),
    Setting("ZHONGSHU_SESSION_MAX_HOURS", "8", parse_positive_int, "Absolute session lifetime in hours, however active the user is."),
    Setting("ZHONGSHU_LOCKOUT_FAILURES", "5", parse_positive_int, "Failed logins for one account before it is locked."),
    Setting("ZHONGSHU_LOCKOUT_MINUTES", "15", parse_positive_int, "How long an account stays locked, and the window failures are counted in."),
    Setting("ZHONGSHU_IP_FAILURES", "20", parse_positive_int, "Failed logins from one client IP (any accounts) within the lockout window before that IP is refused."),
    Setting("ZHONGSHU_AUDIT_HASH", "sha256", parse_choice("sha256", "sha3_256", "sm3"), "Hash algorithm for new audit chain records (`sm3` needs an OpenSSL with SM3)."),
    Setting("ZHONGSHU_SHARED_DATA", None, parse_path, "Folder of public training/evaluation data (default `../shared/data` beside the checkout when it exists). Used by `zhongshu nlp train` and benchmarks only."),
    Setting("ZHONGSHU_SECURE_COOKIES", "false", parse_bool, "Send session and CSRF cookies only over HTTPS. Set true behind TLS."),
    Setting("ZHONGSHU_APPEAL_RATE_LIMIT", "5/600", parse_str, "Public appeal form submissions allowed per client IP, as `count/seconds`."),
    Setting("ZHONGSHU_APPEAL_DEADLINE_DAYS", "", parse_str, "Working-day deadlines per appeal type overriding the defaults (urgent: same day; consult 3; help, complaint, report 13; suggestion, praise 15), e.g. `consult=3,complaint=13`."),
    Setting("ZHONGSHU_APPEAL_NEAR_DUE_HOURS", "24", parse_positive_int, "Hours before its deadline a work order counts as near due (催办 alert)."),
    Setting("ZHONGSHU_TRIAGE_ACCURATE", "false", parse_bool, "Use the accurate (sentence-embedding) triage models in the hub: `category_accurate`, and `emotion_accurate` when trained. Better category and emotion (see docs/nlp/model-card.md) at ~0.2 s per new appeal; needs those models trained (`zhongshu nlp train --kind category_accurate`). Falls back to the fast models when they are missing."),
    Setting("ZHONGSHU_APPEAL_DUPLICATE_DAYS", "30", parse_positive_int, "Window in days for finding duplicate appeals (same phone or similar text)."),
    Setting("ZHONGSHU_QUALITY_DEADLINE_DAYS", "5", parse_positive_int, "Working days a data steward has to resolve a quality incident."),
    Setting("ZHONGSHU_AUDIT_REPEAT_SECONDS", "600", parse_positive_int, "Window in seconds for aggregating repeated anonymous failures (bad logins from one address, bad API keys): the first of each window is audited in full, the rest are counted in one `audit.suppressed` record."),
    Setting("ZHONGSHU_TRUSTED_PROXIES", "", parse_list, "IP addresses of reverse proxies whose X-Forwarded-For is trusted for the client IP."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> Any:
    """Return the parsed value of a declared setting (None when unset and without default)."""
    setting = BY_NAME[name]
    raw = os.environ.get(name, setting.default)
    if raw is None:
        return None
    return setting.parse(name, raw)


def ensure_secret_key(data_dir: Path) -> str:
    """Return SECRET_KEY from the environment, or the one generated into the data dir."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key
    except OSError as exc:
        raise ConfigError(
            "ZHONGSHU_DATA_DIR",
            f"cannot create the secret key file in {data_dir}: {exc.strerror}",
            hint="point ZHONGSHU_DATA_DIR at a writable folder, or set SECRET_KEY",
        ) from None
