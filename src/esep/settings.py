"""esep settings: one module, driven by environment variables.

Every variable is read through a small helper that refuses a bad value at start with a message
naming the variable, what it got and what it accepts. docs/deployment.md lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ESEP_VAR_DIR", PROJECT_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={raw!r} has an empty item: separate values by commas.")
    return items


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


DEBUG = env_bool("ESEP_DEBUG", True)
DEMO = env_bool("ESEP_DEMO", False)
# Public pages are cached per process for anonymous visitors until the data changes (see
# esep/core/cache.py); this bounds how long an unused copy is kept. 0 turns the cache off.
ESEP_PAGE_CACHE_SECONDS = env_int("ESEP_PAGE_CACHE_SECONDS", 600)
ESEP_PAGE_CACHE_MAX_BYTES = env_int("ESEP_PAGE_CACHE_MAX_BYTES", 2_000_000, minimum=1)
# Appeals filed in any hour, per account and per address (or Open311 client and email).
ESEP_APPEALS_PER_HOUR_ACCOUNT = env_int("ESEP_APPEALS_PER_HOUR_ACCOUNT", 5, minimum=1)
ESEP_APPEALS_PER_HOUR_SOURCE = env_int("ESEP_APPEALS_PER_HOUR_SOURCE", 20, minimum=1)
ESEP_INFORMATION_REQUESTS_PER_HOUR_ACCOUNT = env_int(
    "ESEP_INFORMATION_REQUESTS_PER_HOUR_ACCOUNT", 5, minimum=1
)
# Verified identities for participation: the key of the IIN hash (empty: derived from the
# secret key) and how long a verification of residence lasts.
ESEP_IDENTITY_KEY = env_str("ESEP_IDENTITY_KEY", "")
ESEP_VERIFICATION_DAYS = env_int("ESEP_VERIFICATION_DAYS", 365, minimum=1)
# Census verifications an account may get refused in 24 hours before it must wait.
ESEP_CENSUS_ATTEMPTS = env_int("ESEP_CENSUS_ATTEMPTS", 5, minimum=1)
# An OpenID Connect identity provider that vouches for IIN and residence (see accounts/oidc.py);
# off without an issuer.
ESEP_OIDC_ISSUER = env_str("ESEP_OIDC_ISSUER", "")
ESEP_OIDC_CLIENT_ID = env_str("ESEP_OIDC_CLIENT_ID", "")
ESEP_OIDC_CLIENT_SECRET = env_str("ESEP_OIDC_CLIENT_SECRET", "")
ESEP_OIDC_AUTHORIZATION_URL = env_str("ESEP_OIDC_AUTHORIZATION_URL", "")
ESEP_OIDC_TOKEN_URL = env_str("ESEP_OIDC_TOKEN_URL", "")
ESEP_OIDC_JWKS_URL = env_str("ESEP_OIDC_JWKS_URL", "")
ESEP_OIDC_SCOPE = env_str("ESEP_OIDC_SCOPE", "openid")
ESEP_OIDC_IIN_CLAIM = env_str("ESEP_OIDC_IIN_CLAIM", "iin")
ESEP_OIDC_UNIT_CLAIM = env_str("ESEP_OIDC_UNIT_CLAIM", "kato")
# Background work (counting participatory budgeting results): "thread" runs each task in a
# thread of the process that queued it; "worker" leaves it to `esep run-tasks`; "inline" runs it
# when the queuing transaction commits (tests).
ESEP_TASKS = env_choice("ESEP_TASKS", "thread", ("thread", "worker", "inline"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "esep-pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("ESEP_PAGE_CACHE_ENTRIES", 1000, minimum=1)},
    }
}

_DEV_SECRET = "esep-development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("ESEP_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured(
        "ESEP_SECRET_KEY must be set to a random value of at least 50 characters when "
        "ESEP_DEBUG is off. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

ALLOWED_HOSTS = env_list("ESEP_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ESEP_ALLOWED_HOSTS must name the site's host(s) when ESEP_DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("ESEP_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "esep.core",
    "esep.accounts",
    "esep.territory",
    "esep.finance",
    "esep.accountability",
    "esep.participation",
    "esep.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "esep.core.middleware.FriendlyErrorsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "esep.urls"
WSGI_APPLICATION = "esep.wsgi.application"

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
                "esep.core.context_processors.site",
            ],
        },
    },
]

# Databases: SQLite (WAL mode) by default, any DATABASE_URL otherwise.
VAR_DIR.mkdir(parents=True, exist_ok=True)
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=env_int("ESEP_DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {exc}") from None
    if not _db.get("ENGINE"):
        raise ImproperlyConfigured(f"DATABASE_URL={_database_url!r} names an unknown database.")
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("ESEP_SQLITE_PATH", str(VAR_DIR / "esep.sqlite3")),
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # Keep the connection: opening one costs more than most queries (see bench/README.md).
        "CONN_MAX_AGE": env_int("ESEP_DB_CONN_MAX_AGE", 60),
        # Tests use a file too, not shared-cache memory: same locking as production (WAL,
        # IMMEDIATE transactions, busy timeout), so concurrency tests mean something.
        "TEST": {"NAME": str(VAR_DIR / "test-esep.sqlite3")},
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:signin"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"

# Sign-in attempts are limited per account and address (django-axes).
AXES_FAILURE_LIMIT = env_int("ESEP_SIGNIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("ESEP_SIGNIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "esep.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "esep.accounts.forms.signin_username"
# The client's address: REMOTE_ADDR, or, behind ESEP_PROXY_COUNT trusted proxies, the address
# those proxies put in X-Forwarded-For (django-ipware). Never a header the client could forge.
PROXY_COUNT = env_int("ESEP_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
)

# Languages: Kazakh first (the default), then Russian and English.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "overrides" / "locale", BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["esep.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Almaty"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ESEP_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"

# Request limits: oversized bodies are refused with a 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ESEP_MAX_BODY_BYTES", 2_621_440, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env_str("ESEP_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("ESEP_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ESEP_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("ESEP_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("ESEP_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ESEP_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("ESEP_EMAIL_FROM", "esep <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. In production (ESEP_DEBUG off) the site is served over HTTPS only.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("ESEP_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ESEP_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ESEP_HSTS_PRELOAD", True)
    if env_bool("ESEP_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("ESEP_LOG_LEVEL", "WARNING", LOG_LEVELS)},
}

CSRF_FAILURE_VIEW = "esep.core.views.csrf_failure"
