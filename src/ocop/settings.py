"""Settings for OCOP Platform, read from the environment.

Every variable is documented in docs/admin/configuration.md and listed in .env.example.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


# Every helper treats an empty variable as unset (Docker and .env files often set NAME=).
def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"true", "1", "yes", "on"}:
        return True
    if value in {"false", "0", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name) or default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file that NAME_FILE names (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name) or default


# --- Core -----------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", True)
DATA_DIR = Path(env_str("OCOP_DATA_DIR", str(REPO_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env_secret("DJANGO_SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG=False"
        )
    # Development: one random key per data directory, kept across restarts.
    path = DATA_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("OCOP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",  # second factor (TOTP): sign-in step and profile pages in ocop.accounts
    "django_otp.plugins.otp_totp",
    "ocop.core",
    "ocop.accounts",
    "ocop.geo",
    "ocop.producers",
    "ocop.products",
    "ocop.criteria",
    "ocop.evaluation",
    "ocop.certificates",
    "ocop.traceability",
    "ocop.catalog",
    "ocop.trade",
    "ocop.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # HSTS, SSL redirect, referrer policy: first
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files before anything touches the session
    "django.contrib.sessions.middleware.SessionMiddleware",  # the locale middleware reads the session
    "ocop.core.middleware.VietnameseFirstLocaleMiddleware",  # vi unless the switch chose en; early
    "ocop.core.middleware.NulGuardMiddleware",  # 400 for NUL in the path or query string
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor
    "ocop.accounts.middleware.SecondFactorRequiredMiddleware",  # OCOP_TOTP_REQUIRED_ROLES
    "django.contrib.messages.middleware.MessageMiddleware",
    "ocop.core.dbrouter.ReplicaMiddleware",  # public reads to the replicas; read-your-writes
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ocop.core.middleware.SecurityHeadersMiddleware",  # CSP and permissions policy on every page
    "ocop.core.middleware.ApiProblemMiddleware",  # innermost: any API error becomes problem+json
]

ROOT_URLCONF = "ocop.urls"
WSGI_APPLICATION = "ocop.wsgi.application"

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
                "ocop.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# SQLite by default; DATABASE_URL (postgres://user:password@host:5432/name) selects PostgreSQL.
SQLITE_OPTIONS = {
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at the start
    # of a transaction so two writers queue (up to the busy timeout) instead of failing mid-way.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("OCOP_SQLITE_TIMEOUT", 20),  # seconds a writer waits for the lock
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("OCOP_SQLITE_PATH", str(DATA_DIR / "ocop.sqlite3")),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Read replicas (docs/developer/replicas.md): DATABASE_REPLICA_URLS, comma-separated, become the
# aliases replica1, replica2, … with the primary's options; ocop.core.dbrouter sends the public
# read-only pages to them and everything else to the primary. The tests do not create them.
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL")
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["ocop.core.dbrouter.ReplicaRouter"]
# Seconds a browser that wrote (any POST, PUT, PATCH, DELETE) keeps reading the primary.
OCOP_READ_YOUR_WRITES_SECONDS = env_int("OCOP_READ_YOUR_WRITES_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The public pages kept rendered in that cache, invalidated by generations (ocop.core.pagecache,
# docs/developer/caching.md). On by default; writes that bypass the signals (QuerySet.update,
# raw SQL) need `ocop catalog-rebuild`, which invalidates every page. The test suite turns it off
# (tests/conftest.py) except where it is tested (tests/core/test_pagecache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)

# --- Background work --------------------------------------------------------------------------
# One task interface (django-tasks): the database backend by default, run by `ocop db_worker`
# (started beside the server by `make serve`); TASKS_BACKEND=immediate runs each task at once in
# the process that enqueues it (the tests, a one-off command).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TASKS_BACKEND == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
API_TOKEN_TTL_DAYS = env_int("OCOP_API_TOKEN_TTL_DAYS", 90)  # 0: tokens never expire
# Sign-in throttle (the login form and POST /api/v1/auth/token): after this many failures for one
# username from one address, further attempts are refused until the window has passed.
LOGIN_FAILURE_LIMIT = env_int("OCOP_LOGIN_FAILURE_LIMIT", 10)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("OCOP_LOGIN_FAILURE_WINDOW_MINUTES", 15)
# Second factor (TOTP, django-otp): users holding one of these roles (Role values, comma-separated,
# e.g. "province_officer,council_chair,approver") must set up an authenticator app before they can
# use the web pages. API bearer tokens are not affected. Empty: the second factor is optional.
OCOP_TOTP_REQUIRED_ROLES = env_list("OCOP_TOTP_REQUIRED_ROLES")
OTP_TOTP_ISSUER = "OCOP"  # the name authenticator apps show beside the account
OCOP_TOTP_PENDING_MINUTES = 5  # how long the code step waits after a correct password

# --- Certificates -----------------------------------------------------------------------------
# The key of the verification codes printed on certificates (HMAC). Defaults to SECRET_KEY; set
# it on its own so that rotating SECRET_KEY does not invalidate the certificates already printed.
# Development (DJANGO_DEBUG=True) without a key uses a fixed, public one, so that the demo's
# verification links in the README work on every machine; never in production.
OCOP_CERTIFICATE_KEY = env_secret("OCOP_CERTIFICATE_KEY") or (
    "ocop-development-certificate-key-not-secret" if DEBUG else SECRET_KEY
)
# A valid certificate this many days or fewer from its expiry reads "expiring" when verified.
OCOP_CERTIFICATE_EXPIRING_DAYS = env_int("OCOP_CERTIFICATE_EXPIRING_DAYS", 30)

# --- Traceability -----------------------------------------------------------------------------
# GTINs the platform issues to producers without a GS1 company prefix: GTIN-13s in GS1's
# restricted-circulation range (prefixes 20–29 are never allocated to a brand owner).
OCOP_PLATFORM_GTIN_PREFIX = env_str("OCOP_PLATFORM_GTIN_PREFIX", "2089")
# The largest EPCIS document POST /epcis/capture accepts.
OCOP_EPCIS_MAX_MB = env_int("OCOP_EPCIS_MAX_MB", 20)
# Scan checks: a serial scanned more than this many times shows a warning; two scans further
# apart than the distance in less than the hours also do.
OCOP_SCAN_WARN_COUNT = env_int("OCOP_SCAN_WARN_COUNT", 20)
OCOP_SCAN_WARN_KM = env_int("OCOP_SCAN_WARN_KM", 300)
OCOP_SCAN_WARN_HOURS = env_int("OCOP_SCAN_WARN_HOURS", 6)
# Stamps: the most serials one "issue stamps" issues for a batch.
OCOP_STAMPS_MAX_PER_ISSUE = env_int("OCOP_STAMPS_MAX_PER_ISSUE", 10000)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS, usually port 587
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OCOP <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["ocop.formats"]
LANGUAGE_COOKIE_NAME = "ocop_language"

# --- Static files and uploads -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("OCOP_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
STATIC_ROOT.mkdir(
    parents=True, exist_ok=True
)  # WhiteNoise warns on a missing one before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Hashed files (in the manifest) are cached for ten years, immutable; the few unhashed ones an
# hour, so that a deployment shows within one (docs/deploy.md).
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600
# Uploaded files live outside the static tree and are served only by permission-checked views.
MEDIA_ROOT = Path(env_str("OCOP_MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
MEDIA_URL = "/_media-not-served/"
UPLOAD_MAX_BYTES = env_int("OCOP_UPLOAD_MAX_MB", 10) * 1024 * 1024
# Photos are decoded and re-encoded without their metadata (EXIF/GPS, XMP, comments); larger
# images than this are refused before decoding (decompression bombs).
UPLOAD_MAX_PIXELS = env_int("OCOP_UPLOAD_MAX_MEGAPIXELS", 40) * 1_000_000
PRODUCT_PHOTOS_MAX = env_int("OCOP_PRODUCT_PHOTOS_MAX", 10)  # photos per product
# Spreadsheet imports (reports): the largest XLSX and the most data rows one import takes (an
# upload through the page is also bounded by OCOP_UPLOAD_MAX_MB).
OCOP_IMPORT_MAX_BYTES = env_int("OCOP_IMPORT_MAX_MB", 10) * 1024 * 1024
OCOP_IMPORT_MAX_ROWS = env_int("OCOP_IMPORT_MAX_ROWS", 20000)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [  # larger files go to a temporary file, never more than the limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "ocop.core.services.uploads.LimitedTemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("OCOP_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("OCOP_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("OCOP_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("OCOP_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("OCOP_HSTS_PRELOAD", True)
# Behind a reverse proxy that sets X-Forwarded-Proto and X-Forwarded-For (nginx, a load balancer).
BEHIND_PROXY = env_bool("OCOP_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# --- API --------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("OCOP_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
