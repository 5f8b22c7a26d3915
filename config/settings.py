"""Outside-In settings: every value comes from the environment, with embedded defaults."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("OUTSIDEIN_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
# The interaction store: a folder or "s3://bucket/prefix" (ADR 0022); empty: DATA_DIR/interactions.
INTERACTION_STORE = os.environ.get("OUTSIDEIN_INTERACTION_STORE", "")

DEBUG = env_bool("DEBUG", False)
# The embedded default is for a developer's machine; production refuses to start with it
# (see the "Accounts" block at the end of this file).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "outsidein.common",
    "outsidein.accounts",
    "outsidein.calendars",
    "outsidein.standards",
    "outsidein.publishing",
    "outsidein.demo",
    "outsidein.interactions",
    "outsidein.compliance",
    "outsidein.exchange",
    "outsidein.api",
]

MIDDLEWARE = [
    # First: everything after it sees the real client address and scheme (see "reverse proxy" below).
    "outsidein.common.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "outsidein.common.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "outsidein" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "outsidein.common.context_processors.site",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'outsidein.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_sqlite)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while pages read; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("OUTSIDEIN_TEST_SQLITE") or None}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "outsidein" / "locale"]
TIME_ZONE = os.environ.get("OUTSIDEIN_TIME_ZONE", "America/Toronto")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "outsidein" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": DATA_DIR / "files"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "files"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Security defaults; HTTPS-only settings switch on with OUTSIDEIN_HTTPS.
HTTPS = env_bool("OUTSIDEIN_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Sign-in guessing: lock a username+address pair after five failures for one hour.
AXES_FAILURE_LIMIT = int(os.environ.get("OUTSIDEIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# --- Behind a TLS-terminating reverse proxy (decision 0013, docs/operations.md "Serving") ---------
# The proxies (addresses or networks, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto
# are believed, e.g. OUTSIDEIN_TRUSTED_PROXIES=127.0.0.1,::1 for nginx on this machine. From any
# other peer those headers are dropped by TrustedProxyMiddleware; with none set, nobody is believed.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("OUTSIDEIN_TRUSTED_PROXIES", "").split(",") if p.strip()]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        # A typo must stop the start-up, not silently trust nobody (or, worse, the wrong host).
        raise ImproperlyConfigured(f"OUTSIDEIN_TRUSTED_PROXIES: {_error}") from None
if TRUSTED_PROXIES:
    # The proxy says whether the client's connection was HTTPS: without this, OUTSIDEIN_HTTPS behind
    # a proxy redirects every request to https again, and HSTS is never sent.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The lockout (and any rate limit) counts per real client, the address TrustedProxyMiddleware sets.
AXES_CLIENT_IP_CALLABLE = "outsidein.common.client_address.client_address"
# HSTS (a year, SECURE_HSTS_SECONDS above) for this host only by default: includeSubDomains would
# force HTTPS on every name under the one Outside-In is served at, for a year, in every browser
# that saw it once (decision 0013).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("OUTSIDEIN_HSTS_INCLUDE_SUBDOMAINS", False)
LANGUAGE_COOKIE_SECURE = HTTPS
# --- end of reverse proxy ----------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": os.environ.get("OUTSIDEIN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The largest file staff may upload on the import page (the command line has no such limit).
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("OUTSIDEIN_IMPORT_MAX_UPLOAD_MB", "512")) * 1024 ** 2

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# ---- Accounts: production mode, sessions, cookies, password e-mail, error pages ----------------
# Kept in one block (docs/operations.md "Sessions and sign-in", decision 0012-accounts).

# Production mode: an explicit OUTSIDEIN_ENV=production, or HTTPS on with DEBUG off (a machine
# serving others). It refuses to start with the development SECRET_KEY; `make run` on
# 127.0.0.1 is not production and only warns.
OUTSIDEIN_ENV = os.environ.get("OUTSIDEIN_ENV", "").strip().lower()
PRODUCTION = OUTSIDEIN_ENV == "production" or (HTTPS and not DEBUG)

# A signed-in session ends after 30 minutes without a request, and in any case 9 hours after
# sign-in (a working day with its breaks): NIST SP 800-63B, AAL2 re-authentication.
SESSION_IDLE_TIMEOUT = int(os.environ.get("OUTSIDEIN_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_AGE = int(float(os.environ.get("OUTSIDEIN_SESSION_HOURS", "9")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False  # the cookie's Max-Age is the absolute lifetime
# (enforced by accounts.middleware.SessionLimitsMiddleware, which knows when sign-in was)
# Lax, not Strict: a password-reset link opened from a mail program is a cross-site navigation
# that must carry the session cookie through its redirect.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it: the language switch is a plain form
CSRF_FAILURE_VIEW = "outsidein.accounts.error_views.csrf_failure"

# Password-reset e-mail: the sender address; EMAIL_BACKEND above chooses how it is sent.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Outside-In <no-reply@localhost>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A reset link works once and for at most this long.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("OUTSIDEIN_PASSWORD_RESET_HOURS", "2")) * 3600

# After the messages middleware: a session that ran out says so on the sign-in page.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "outsidein.accounts.middleware.SessionLimitsMiddleware")
