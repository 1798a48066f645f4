"""Settings for tnrwatch: wiring only, every value from the environment.

Safe defaults exist for the embedded demo (SQLite under TNR_DATA_DIR, DEBUG off,
loopback hosts). Production secrets have no default: with TNR_ENV=production a
missing TNR_SECRET_KEY stops start-up with a clear message.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, overload

import dj_database_url
import django.conf.locale
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # the tnrwatch package
PROJECT_DIR = BASE_DIR.parent


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def mandatory_secret(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. In production every secret must come from the environment; "
            f"generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return value


TNR_ENV = env("TNR_ENV", "demo")  # demo | test | production
PRODUCTION = TNR_ENV == "production"

DATA_DIR = Path(env("TNR_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner may enter (0700 when we create it, whatever the umask)."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """`path` as a file only its owner may read (created empty 0600 if missing, else set to 0600).

    For SQLite this is what keeps its journal private too: SQLite creates the -wal and -shm files
    with the database file's own permissions."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path


private_dir(DATA_DIR)

if PRODUCTION:
    SECRET_KEY = mandatory_secret("TNR_SECRET_KEY")
else:
    # Outside production, a per-data-folder key is generated once and kept beside the data.
    _key_file = DATA_DIR / "secret_key"
    if not _key_file.exists() or not _key_file.stat().st_size:
        private_file(_key_file).write_text(secrets.token_urlsafe(50))
    SECRET_KEY = env("TNR_SECRET_KEY") or _key_file.read_text().strip()

DEBUG = env_bool("TNR_DEBUG", False)
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured(
        "TNR_DEBUG=true is refused with TNR_ENV=production: Django's debug pages show settings, "
        "the code and the request (the client's IP address, user agent and referrer) to whoever "
        "causes an error. Unset TNR_DEBUG, or use TNR_ENV=demo on a machine of your own."
    )
ALLOWED_HOSTS = [h.strip() for h in (env("TNR_ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (env("TNR_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tnrwatch.core",
    "tnrwatch.accounts",
    "tnrwatch.audit",
    "tnrwatch.registry",
    "tnrwatch.atlas",
    "tnrwatch.intake",
    "tnrwatch.ingestion",
    "tnrwatch.sharing",
    "tnrwatch.search",
    "tnrwatch.xref",
]

MIDDLEWARE = [
    "tnrwatch.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The public API's CORS, ETag/Last-Modified/304 and HEAD (atlas/api/http.py).
    "tnrwatch.atlas.api.http.PublicApiHttpMiddleware",
    # Django's CSRF check, accepting the `Origin: null` that no-referrer browsers send (see core/csrf.py).
    "tnrwatch.core.csrf.NullOriginCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff pages are locked by default; public views are marked with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tnrwatch.config.urls"
WSGI_APPLICATION = "tnrwatch.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tnrwatch.accounts.context_processors.permissions",
            ],
        },
    },
]

# Database: SQLite (WAL) under the data folder by default, PostgreSQL when DATABASE_URL says so.
_database_url = env("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "tnrwatch.sqlite3"),
            # Keep each worker's connection: opening one per request (PRAGMAs, and a WAL checkpoint
            # whenever the last connection closes) cost ~25 ms per request in bench_intake.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL for concurrent readers; secure_delete so deleted rows leave no readable remnants;
                # a 64 MB page cache per connection (SQLite's default is 2 MB): the publication
                # rule's correlated lookups over a million claims read each page from the OS
                # otherwise, ~35% of the CPU of a pass over every public response (bench_atlas).
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON; "
                                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;",
            },
        }
    }
    # Created 0600 before SQLite opens it, so its WAL and shared-memory files are 0600 too.
    private_file(Path(DATABASES["default"]["NAME"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # the Django 6 default, opted into now

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",  # Argon2id
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "atlas:home"

LANGUAGE_CODE = "en"
# The languages of the communities the reporting channel serves. Uyghur is written right to left
# (Django lists it in LANGUAGES_BIDI); Django has no entry for Tibetan, added below.
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("ug", "ئۇيغۇرچە"),
    ("bo", "བོད་ཡིག"),
    ("vi", "Tiếng Việt"),
]
django.conf.locale.LANG_INFO.setdefault("bo", {"bidi": False, "code": "bo", "name": "Tibetan", "name_local": "བོད་ཡིག"})
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
# Collected static files. Outside the data folder in production (TNR_STATIC_ROOT=/var/www/tnrwatch/static
# in deploy/tnrwatch.env.example), so the web server's user never needs to enter the folder that
# holds the database, the blob stores and the keys; the data folder can then stay 0700.
STATIC_ROOT = Path(env("TNR_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
STATICFILES_DIRS = [BASE_DIR / "static"]


def _whitenoise_headers(headers, path: str, url: str) -> None:  # noqa: ANN001
    # WhiteNoise calls this setting, so it must be a callable, not a dotted path.
    from tnrwatch.core.middleware import whitenoise_headers

    whitenoise_headers(headers, path, url)


STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION  # demo and tests serve static files without collectstatic
WHITENOISE_ADD_HEADERS_FUNCTION = _whitenoise_headers
MEDIA_ROOT = DATA_DIR / "media"

# Sessions and cookies: HttpOnly, SameSite, Secure outside the local demo.
SECURE_COOKIES = env_bool("TNR_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_AGE = 60 * 60 * 8
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None

# Request size limits: hostile input gets a clear 4xx.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TNR_MAX_FORM_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Markings (Traffic Light Protocol 2.0). New records get this marking unless an analyst sets one.
# Only CLEAR records are shown on the public atlas and API.
TNR_DEFAULT_MARKING = env("TNR_DEFAULT_MARKING", "amber")
# Public incident counts below this (per city and month) are shown only by country and year.
TNR_MIN_PUBLIC_COUNT = env_int("TNR_MIN_PUBLIC_COUNT", 3)

# Background work (huey). "sqlite": embedded queue file under the data folder, no extra service
# (the `ingest` command runs its own tasks unless `ingest_worker` processes do); "redis": RedisHuey
# at TNR_REDIS_URL, with `tnrwatch ingest_worker` processes; "immediate": tasks run in the caller.
TNR_QUEUE = (env("TNR_QUEUE", "sqlite") or "sqlite").strip().lower()
if TNR_QUEUE not in {"sqlite", "redis", "immediate"}:
    raise ImproperlyConfigured(f"TNR_QUEUE must be sqlite, redis or immediate, got {TNR_QUEUE!r}")
TNR_REDIS_URL = env("TNR_REDIS_URL", "redis://127.0.0.1:6379/0")
# After a deletion the search engine owes a purge of the deleted text from its old structures
# (search/tasks.py): "background" (a thread of the process, seconds after the commit, off the
# request) or "inline" (in the committing thread; the test default).
TNR_SEARCH_PURGE = (env("TNR_SEARCH_PURGE", "inline" if TNR_ENV == "test" else "background") or "background").strip().lower()
if TNR_SEARCH_PURGE not in {"background", "inline"}:
    raise ImproperlyConfigured(f"TNR_SEARCH_PURGE must be background or inline, got {TNR_SEARCH_PURGE!r}")
if TNR_QUEUE == "sqlite":
    private_file(DATA_DIR / "queue.sqlite3")
# Capture limits (see tnrwatch/ingestion/limits.py). Private-network hosts are refused by default.
TNR_INGEST_MAX_BYTES = env_int("TNR_INGEST_MAX_BYTES", 256 * 1024 * 1024)
TNR_INGEST_MAX_TEXT_CHARS = env_int("TNR_INGEST_MAX_TEXT_CHARS", 2_000_000)
TNR_INGEST_TIMEOUT = env_int("TNR_INGEST_TIMEOUT", 30)
# One web capture submission, all files together; nginx's client_max_body_size (101m, deploy/) is
# this plus 1 MiB of form fields: change both together.
TNR_INGEST_MAX_UPLOAD_BYTES = env_int("TNR_INGEST_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
TNR_INGEST_ALLOW_PRIVATE_HOSTS = env_bool("TNR_INGEST_ALLOW_PRIVATE_HOSTS", False)
# Largest FtM entity file the cross-reference page takes; it runs during the request (~90 s of CPU
# for 10,000 entities against 10,000, docs/benchmarks.md), so larger files go through
# `tnrwatch xref FILE`, which streams any size. Below nginx's client_max_body_size (deploy/).
TNR_XREF_MAX_UPLOAD_BYTES = env_int("TNR_XREF_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# Intake (the reporting channel). The receipt key is the server secret behind receipt look-ups
# (an HMAC); it is mandatory in production, and outside production generated once into the data
# folder. The other parameters feed intake.config.IntakeConfig (tests inject their own).
TNR_RECEIPT_KEY = mandatory_secret("TNR_RECEIPT_KEY") if PRODUCTION else (env("TNR_RECEIPT_KEY") or "")
# The audit chain's MAC key (audit/chain.py): kept out of the database so that whoever
# edits it cannot re-sign the rows. Mandatory in production; elsewhere generated into the data folder.
TNR_AUDIT_KEY = mandatory_secret("TNR_AUDIT_KEY") if PRODUCTION else (env("TNR_AUDIT_KEY") or "")
# Backups (`tnrwatch backup`): age public keys the archives are encrypted to, and how long dated
# archives are kept in a backup folder.
TNR_BACKUP_RECIPIENTS = [r.strip() for r in (env("TNR_BACKUP_RECIPIENTS", "") or "").split(",") if r.strip()]
TNR_BACKUP_KEEP_DAYS = env_int("TNR_BACKUP_KEEP_DAYS", 14)
TNR_INTAKE = {
    "retention_days": env_int("TNR_INTAKE_RETENTION_DAYS", 90),
    "max_upload_bytes": env_int("TNR_INTAKE_MAX_UPLOAD_BYTES", 100 * 1024 * 1024),
    "quick_exit_url": env("TNR_INTAKE_QUICK_EXIT_URL", "https://www.wikipedia.org/"),
    "budget_reports_per_hour": env_int("TNR_INTAKE_BUDGET_REPORTS_PER_HOUR", 200),
    "budget_bytes_per_hour": env_int("TNR_INTAKE_BUDGET_BYTES_PER_HOUR", 1024 * 1024 * 1024),
    "housekeeping_seconds": env_int("TNR_INTAKE_HOUSEKEEPING_SECONDS", 300),
    "orphan_blob_seconds": env_int("TNR_INTAKE_ORPHAN_BLOB_SECONDS", 600),
    "notice_interval_minutes": env_int("TNR_INTAKE_NOTICE_MINUTES", 60),
}

# Analysts' email notice of new reports and replies (tnrwatch/intake/services/notices.py): off
# unless TNR_SMTP_URL is set, e.g. smtp://user:password@mail.example.org:587 (STARTTLS),
# smtps://…:465 (TLS from the start), or smtp://127.0.0.1:25 (plain, for a local relay).
TNR_SMTP_URL = env("TNR_SMTP_URL", "") or ""
if TNR_SMTP_URL:
    from urllib.parse import unquote, urlsplit

    _smtp = urlsplit(TNR_SMTP_URL)
    if _smtp.scheme not in {"smtp", "smtps"} or not _smtp.hostname:
        raise ImproperlyConfigured(f"TNR_SMTP_URL must look like smtp://user:password@host:port or smtps://…, got scheme {_smtp.scheme!r}")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname
    EMAIL_PORT = _smtp.port or (465 if _smtp.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_smtp.username or "")
    EMAIL_HOST_PASSWORD = unquote(_smtp.password or "")
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
    # STARTTLS on the submission port; a plain local relay (port 25, loopback) needs none
    EMAIL_USE_TLS = _smtp.scheme == "smtp" and EMAIL_PORT == 587
    EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("TNR_SMTP_FROM", "tnrwatch@localhost") or "tnrwatch@localhost"

# Logging: no IP address, user agent or referrer is ever logged (see SECURITY.md).
# Django's request logger would print the request line on errors; the filter strips request objects.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_request": {"()": "tnrwatch.core.logging.DropRequestDetails"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_request"]},
    },
    "root": {"handlers": ["console"], "level": env("TNR_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Optionally also to a file (created 0600, whatever the umask), e.g. <TNR_DATA_DIR>/logs/tnrwatch.log.
TNR_LOG_FILE = env("TNR_LOG_FILE", "") or ""
if TNR_LOG_FILE:
    _log_file = Path(TNR_LOG_FILE)
    private_dir(_log_file.parent)
    private_file(_log_file)
    LOGGING["handlers"]["file"] = {"class": "logging.FileHandler", "filename": str(_log_file), "formatter": "plain",
                                   "filters": ["no_request"]}
    for _logger in [LOGGING["root"], *LOGGING["loggers"].values()]:
        if _logger["handlers"]:
            _logger["handlers"].append("file")
