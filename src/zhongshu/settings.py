"""Django settings, read from the environment through `zhongshu.core.env` (see docs/configuration.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from zhongshu.core import env
from zhongshu.core.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent

ZHONGSHU_DATA_DIR: Path = env.get("ZHONGSHU_DATA_DIR")
SECRET_KEY = env.ensure_secret_key(ZHONGSHU_DATA_DIR)
DEBUG = env.get("ZHONGSHU_DEBUG")
ALLOWED_HOSTS = env.get("ZHONGSHU_ALLOWED_HOSTS")
ZHONGSHU_COUNTY = env.get("ZHONGSHU_COUNTY")
ZHONGSHU_AUDIT_HASH = env.get("ZHONGSHU_AUDIT_HASH")
# audit keys and checkpoints: None means "under ZHONGSHU_DATA_DIR", resolved when used (zhongshu.audit.keys)
ZHONGSHU_AUDIT_KEY_FILE: Path | None = env.get("ZHONGSHU_AUDIT_KEY_FILE")
ZHONGSHU_AUDIT_KEY = env.get("ZHONGSHU_AUDIT_KEY")
ZHONGSHU_AUDIT_SIGNING_KEY_FILE: Path | None = env.get("ZHONGSHU_AUDIT_SIGNING_KEY_FILE")
ZHONGSHU_AUDIT_CHECKPOINT_DIR: Path | None = env.get("ZHONGSHU_AUDIT_CHECKPOINT_DIR")
ZHONGSHU_AUDIT_CHECKPOINT_MINUTES = env.get("ZHONGSHU_AUDIT_CHECKPOINT_MINUTES")
ZHONGSHU_LOCKOUT_FAILURES = env.get("ZHONGSHU_LOCKOUT_FAILURES")
ZHONGSHU_LOCKOUT_MINUTES = env.get("ZHONGSHU_LOCKOUT_MINUTES")
ZHONGSHU_IP_FAILURES = env.get("ZHONGSHU_IP_FAILURES")
ZHONGSHU_MAX_SESSIONS = env.get("ZHONGSHU_MAX_SESSIONS")
ZHONGSHU_PASSWORD_HISTORY = env.get("ZHONGSHU_PASSWORD_HISTORY")
ZHONGSHU_SESSION_IDLE = timedelta(minutes=env.get("ZHONGSHU_SESSION_IDLE_MINUTES"))
ZHONGSHU_SESSION_MAX = timedelta(hours=env.get("ZHONGSHU_SESSION_MAX_HOURS"))
ZHONGSHU_TRUSTED_PROXIES = env.get("ZHONGSHU_TRUSTED_PROXIES")
ZHONGSHU_AUDIT_REPEAT_SECONDS = env.get("ZHONGSHU_AUDIT_REPEAT_SECONDS")
ZHONGSHU_APPEAL_RATE_LIMIT = env.get("ZHONGSHU_APPEAL_RATE_LIMIT")
ZHONGSHU_TRACKING_RATE_LIMIT = env.get("ZHONGSHU_TRACKING_RATE_LIMIT")
ZHONGSHU_OPEN311_READ_LIMIT = env.get("ZHONGSHU_OPEN311_READ_LIMIT")
ZHONGSHU_OPEN311_POST_IP_LIMIT = env.get("ZHONGSHU_OPEN311_POST_IP_LIMIT")
ZHONGSHU_OPEN311_POST_KEY_LIMIT = env.get("ZHONGSHU_OPEN311_POST_KEY_LIMIT")
ZHONGSHU_APPEAL_DEADLINE_DAYS = env.get("ZHONGSHU_APPEAL_DEADLINE_DAYS")
ZHONGSHU_APPEAL_NEAR_DUE_HOURS = env.get("ZHONGSHU_APPEAL_NEAR_DUE_HOURS")
ZHONGSHU_APPEAL_DUPLICATE_DAYS = env.get("ZHONGSHU_APPEAL_DUPLICATE_DAYS")
ZHONGSHU_TRIAGE_ACCURATE = env.get("ZHONGSHU_TRIAGE_ACCURATE")
ZHONGSHU_QUALITY_DEADLINE_DAYS = env.get("ZHONGSHU_QUALITY_DEADLINE_DAYS")
# load limits (zhongshu.ingest.limits, read through zhongshu.catalog.ingestion.load_limits)
ZHONGSHU_LOAD_MAX_FILE_MB = env.get("ZHONGSHU_LOAD_MAX_FILE_MB")
ZHONGSHU_LOAD_MAX_UNCOMPRESSED_MB = env.get("ZHONGSHU_LOAD_MAX_UNCOMPRESSED_MB")
ZHONGSHU_LOAD_MAX_COMPRESSION_RATIO = env.get("ZHONGSHU_LOAD_MAX_COMPRESSION_RATIO")
ZHONGSHU_LOAD_MAX_COLUMNS = env.get("ZHONGSHU_LOAD_MAX_COLUMNS")
ZHONGSHU_LOAD_MAX_CELL_KB = env.get("ZHONGSHU_LOAD_MAX_CELL_KB")
ZHONGSHU_LOAD_MAX_ROWS = env.get("ZHONGSHU_LOAD_MAX_ROWS")
ZHONGSHU_LOAD_MAX_JSON_DEPTH = env.get("ZHONGSHU_LOAD_MAX_JSON_DEPTH")
ZHONGSHU_LOAD_MAX_JSON_RECORD_MB = env.get("ZHONGSHU_LOAD_MAX_JSON_RECORD_MB")
ZHONGSHU_LOAD_MEMORY_MB = env.get("ZHONGSHU_LOAD_MEMORY_MB")
ZHONGSHU_LOAD_THREADS = env.get("ZHONGSHU_LOAD_THREADS")
ZHONGSHU_WORKER_MAX_RESTARTS = env.get("ZHONGSHU_WORKER_MAX_RESTARTS")
ZHONGSHU_SOURCE_CONNECT_TIMEOUT = env.get("ZHONGSHU_SOURCE_CONNECT_TIMEOUT")
ZHONGSHU_SOURCE_READ_TIMEOUT = env.get("ZHONGSHU_SOURCE_READ_TIMEOUT")
ZHONGSHU_GATEWAY_WORKERS = env.get("ZHONGSHU_GATEWAY_WORKERS")
ZHONGSHU_SHARED_DATA: Path | None = env.get("ZHONGSHU_SHARED_DATA") or (
    (REPO_DIR.parent / "shared" / "data") if (REPO_DIR.parent / "shared" / "data").is_dir() else None
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "zhongshu.core",
    "zhongshu.accounts",
    "zhongshu.audit",
    "zhongshu.web",
    "zhongshu.demo",
    "zhongshu.catalog",
    "zhongshu.appeals",
    "zhongshu.nlp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhongshu.web.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhongshu.audit.context.AuditContextMiddleware",
    "zhongshu.accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhongshu.web.middleware.ErrorMiddleware",
]

ROOT_URLCONF = "zhongshu.urls"
WSGI_APPLICATION = "zhongshu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhongshu.web.context.navigation",
            ],
        },
    }
]


# The app database as configured; DATABASES' NAME may be renamed by the test runner, this is not.
# Database sources may never read it (zhongshu.catalog.source_policy).
APP_DATABASE_URL = env.get("DATABASE_URL") or f"sqlite:///{ZHONGSHU_DATA_DIR / 'zhongshu.sqlite3'}"


def _database() -> dict:
    url = APP_DATABASE_URL
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj-database-url raises ValueError and friends
        raise ConfigError(
            "DATABASE_URL",
            f"cannot parse it ({type(exc).__name__})",
            hint="use sqlite:///path/to/file.sqlite3 or postgresql://user@host:5432/dbname",
        ) from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE transactions serialize writers up front, so the audit chain head is never
        # read by two writers at once; WAL lets readers go on while one writes.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["TEST"] = {"NAME": None}
    elif engine not in ("django.db.backends.postgresql",):
        raise ConfigError(
            "DATABASE_URL", f"unsupported database engine {engine}", hint="use sqlite:/// or postgresql://"
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# MLPS level 3 (GB/T 22239-2019): length, three of four character classes, not common, not like
# the account's names, no reuse of the last N passwords (N from the security policy).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "display_name", "first_name", "last_name", "email")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhongshu.accounts.passwords.ComplexityValidator"},
    {"NAME": "zhongshu.accounts.passwords.HistoryValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Sessions are stored under a keyed HMAC of their key: nothing in the database works as a cookie.
SESSION_ENGINE = "zhongshu.accounts.sessions"
SESSION_COOKIE_AGE = int(ZHONGSHU_SESSION_MAX.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.get("ZHONGSHU_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = env.get("ZHONGSHU_LANGUAGE")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.get("ZHONGSHU_TIME_ZONE")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = ZHONGSHU_DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"zhongshu": {"level": "INFO"}},
}
