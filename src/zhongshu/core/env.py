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


def parse_rate(name: str, raw: str) -> str:
    """Check a rate limit written `count/seconds` (both whole numbers above zero); kept as written.

    >>> parse_rate("X", "20/60")
    '20/60'
    """
    count, sep, seconds = raw.strip().partition("/")
    if not (sep and count.strip().isdigit() and seconds.strip().isdigit() and int(count) > 0 and int(seconds) > 0):
        raise ConfigError(name, f"expected count/seconds, got {raw!r}", hint=f"e.g. {name}=20/60")
    return raw.strip()


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
    Setting("ZHONGSHU_MAX_SESSIONS", "3", parse_positive_int, "Concurrent sessions per account; a new login beyond it ends the account's oldest session. Default of the security policy (the security administrator changes it on the security page)."),
    Setting("ZHONGSHU_PASSWORD_HISTORY", "5", parse_positive_int, "A new password may not repeat any of the account's last N passwords (the current one included). Default of the security policy."),
    Setting("ZHONGSHU_AUDIT_HASH", "sha256", parse_choice("sha256", "sha3_256", "sm3"), "Hash function of the HMAC that chains new audit records (`hmac-sha256` etc.; `sm3` needs an OpenSSL with SM3)."),
    Setting("ZHONGSHU_AUDIT_KEY_FILE", None, parse_path, "File holding the audit chain key(s) (hex, one a line, the last one current). Default `<ZHONGSHU_DATA_DIR>/keys/audit-hmac.key`, created (mode 0600, folder 0700) on first use. Keep it readable by the hub and the security administrator only, not the database administrator."),
    Setting("ZHONGSHU_AUDIT_KEY", None, parse_str, "The audit chain key(s) as hex, comma-separated, the last one current; when set, used instead of `ZHONGSHU_AUDIT_KEY_FILE`."),
    Setting("ZHONGSHU_AUDIT_SIGNING_KEY_FILE", None, parse_path, "Ed25519 private key (PEM) that signs audit checkpoints. Default `audit-signing.key` beside the chain key file, created on first use."),
    Setting("ZHONGSHU_AUDIT_CHECKPOINT_DIR", None, parse_path, "Folder the signed audit checkpoints are appended to (`checkpoints-YYYY-MM.jsonl`) with the public key(s) that verify them. Default `<ZHONGSHU_DATA_DIR>/audit-checkpoints`. The auditor copies it elsewhere."),
    Setting("ZHONGSHU_AUDIT_CHECKPOINT_MINUTES", "10", parse_positive_int, "How often the background worker exports a signed checkpoint of the audit chain (when it has grown) and writes the summaries of repeated failures."),
    Setting("ZHONGSHU_SHARED_DATA", None, parse_path, "Folder of public training/evaluation data (default `../shared/data` beside the checkout when it exists). Used by `zhongshu nlp train` and benchmarks only."),
    Setting("ZHONGSHU_SECURE_COOKIES", "false", parse_bool, "Send session and CSRF cookies only over HTTPS. Set true behind TLS."),
    Setting("ZHONGSHU_APPEAL_RATE_LIMIT", "5/600", parse_rate, "Public appeal form submissions allowed per client IP, as `count/seconds`: that many at once, refilled evenly over the seconds."),
    Setting("ZHONGSHU_TRACKING_RATE_LIMIT", "10/60", parse_rate, "Tracking-code lookups on the public tracking page allowed per client IP, as `count/seconds` (a burst of count, refilled evenly)."),
    Setting("ZHONGSHU_OPEN311_READ_LIMIT", "60/60", parse_rate, "Anonymous Open311 GET requests allowed per client IP, as `count/seconds`; beyond it the answer is 429 with Retry-After."),
    Setting("ZHONGSHU_OPEN311_POST_IP_LIMIT", "20/60", parse_rate, "Open311 POST requests allowed per client IP (whatever the api_key, valid or not), as `count/seconds`."),
    Setting("ZHONGSHU_OPEN311_POST_KEY_LIMIT", "20/60", parse_rate, "Open311 POST requests allowed per api_key (from any address), as `count/seconds`."),
    Setting("ZHONGSHU_APPEAL_DEADLINE_DAYS", "", parse_str, "Working-day deadlines per appeal type overriding the defaults (urgent: same day; consult 3; help, complaint, report 13; suggestion, praise 15), e.g. `consult=3,complaint=13`."),
    Setting("ZHONGSHU_APPEAL_NEAR_DUE_HOURS", "24", parse_positive_int, "Hours before its deadline a work order counts as near due (催办 alert)."),
    Setting("ZHONGSHU_TRIAGE_ACCURATE", "false", parse_bool, "Use the accurate (sentence-embedding) triage models in the hub: `category_accurate`, and `emotion_accurate` when trained. Better category and emotion (see docs/nlp/model-card.md) at ~0.2 s per new appeal; needs those models trained (`zhongshu nlp train --kind category_accurate`). Falls back to the fast models when they are missing."),
    Setting("ZHONGSHU_APPEAL_DUPLICATE_DAYS", "30", parse_positive_int, "Window in days for finding duplicate appeals (same phone or similar text)."),
    Setting("ZHONGSHU_QUALITY_DEADLINE_DAYS", "5", parse_positive_int, "Working days a data steward has to resolve a quality incident."),
    Setting("ZHONGSHU_LOAD_MAX_FILE_MB", "1024", parse_positive_int, "Largest file one load takes (uploads and `zhongshu ingest`), in MB; `zhongshu serve` refuses larger request bodies too."),
    Setting("ZHONGSHU_LOAD_MAX_UNCOMPRESSED_MB", "1024", parse_positive_int, "Largest uncompressed size, in MB, of one part of an XLSX workbook (a sheet, the shared strings) and of all its parts together; checked from the zip directory before anything is parsed."),
    Setting("ZHONGSHU_LOAD_MAX_COMPRESSION_RATIO", "100", parse_positive_int, "Largest uncompressed/compressed ratio of an XLSX part or a Parquet column chunk over 10 MB (genuine files stay under 30:1; zip bombs reach 1000:1)."),
    Setting("ZHONGSHU_LOAD_MAX_COLUMNS", "1000", parse_positive_int, "Most columns one load takes (CSV/TSV header, XLSX header row, JSON keys, Parquet columns)."),
    Setting("ZHONGSHU_LOAD_MAX_CELL_KB", "1024", parse_positive_int, "Largest value, in KB, one cell may hold; a row with a larger value is rejected with its line number."),
    Setting("ZHONGSHU_LOAD_MAX_ROWS", "50000000", parse_positive_int, "Most rows one load takes; a larger file is refused (split it)."),
    Setting("ZHONGSHU_LOAD_MAX_JSON_DEPTH", "32", parse_positive_int, "Deepest nesting of objects and lists in one JSON record (the record itself is level 1)."),
    Setting("ZHONGSHU_LOAD_MAX_JSON_RECORD_MB", "16", parse_positive_int, "Largest single JSON record (one element of a JSON array, one line of JSON lines), in MB."),
    Setting("ZHONGSHU_LOAD_MEMORY_MB", "8192", parse_positive_int, "Address space, in MB, of the child process that runs each load (RLIMIT_AS); DuckDB inside it gets half as its memory limit and spills to disk beyond. A load over it fails with a clear message and the worker goes on. Address space runs ahead of resident memory: allow about twice what a load should use."),
    Setting("ZHONGSHU_LOAD_THREADS", "2", parse_positive_int, "DuckDB threads inside each load's process."),
    Setting("ZHONGSHU_WORKER_MAX_RESTARTS", "5", parse_positive_int, "Restarts in a row `zhongshu serve` gives the background worker when it keeps stopping (waiting 1, 2, 4 … 60 s between them); a worker that stays up 10 minutes resets the count. Past it serve stops restarting, logs it, audits `worker.gave_up` and the system-status page says so."),
    Setting("ZHONGSHU_SOURCE_CONNECT_TIMEOUT", "5", parse_positive_int, "Seconds a database source (PostgreSQL/MySQL) may take to connect: DNS, TCP, the server's greeting and the login. A MySQL URL pointed at another service fails after this."),
    Setting("ZHONGSHU_GATEWAY_WORKERS", None, parse_positive_int, "Sandbox worker processes of the SQL gateway (one query each at a time, started warm with the hub). Default: the number of CPU cores."),
    Setting("ZHONGSHU_SOURCE_READ_TIMEOUT", "60", parse_positive_int, "Seconds a database source may take for one statement (PostgreSQL `statement_timeout`) or one wait for data (MySQL read/write timeout) while listing tables or extracting."),
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
