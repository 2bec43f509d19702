"""Kefu settings, read from environment variables with safe defaults.

Two modes (``KEFU_MODE``):

* ``embedded`` (default): SQLite under ``KEFU_DATA_DIR``, a generated secret stored there,
  background jobs on a SQLite-backed Huey queue that the ``kefu serve`` command runs in-process.
* ``production``: ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required, debug must be off;
  ``DATABASE_URL`` points at PostgreSQL and ``REDIS_URL`` at Redis (jobs and cache).
"""

import secrets
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

MODE = env.str("KEFU_MODE", default="embedded")
if MODE not in ("embedded", "production"):
    raise ImproperlyConfigured("KEFU_MODE must be 'embedded' or 'production'.")
PRODUCTION = MODE == "production"
TESTING = "pytest" in sys.modules or env.bool("KEFU_TESTING", default=False)

DATA_DIR = Path(env.str("KEFU_DATA_DIR", default=str(BASE_DIR.parent / "var")))
if not PRODUCTION:
    DATA_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_SECRET_KEY_MARKER = "kefu-insecure"


def _embedded_secret_key() -> str:
    """A per-installation secret generated once and kept in the data directory."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(DEFAULT_SECRET_KEY_MARKER + "-" + secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY or SECRET_KEY.startswith(DEFAULT_SECRET_KEY_MARKER) or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "Production mode needs SECRET_KEY: a random value of at least 32 characters."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to start with DEBUG on.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS (comma-separated).")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _embedded_secret_key()
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "auditlog",
    "huey.contrib.djhuey",
    "kefu.core",
    "kefu.org",
    "kefu.calendars",
    "kefu.customers",
    "kefu.notifications",
    "kefu.servicedesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.core.middleware.KefuLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kefu.core.audit.AuditContextMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"

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
                "kefu.core.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{(DATA_DIR / 'kefu.sqlite3').as_posix()}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Persistent connections in production; none in tests, so test databases can be dropped.
    DATABASES["default"].setdefault(
        "CONN_MAX_AGE", 0 if TESTING else env.int("CONN_MAX_AGE", default=60)
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs (Huey). Embedded: a SQLite file queue consumed by threads inside `kefu serve`.
# Production: Redis, consumed by `kefu worker` processes on any number of hosts.
HUEY_WORKERS = env.int("KEFU_WORKERS", default=2)
if TESTING:
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "kefu-test", "immediate": True}
elif REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "kefu",
        "url": REDIS_URL,
        "immediate": False,
        "utc": True,
        "consumer": {"workers": HUEY_WORKERS, "worker_type": "process"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kefu",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": False,
        "utc": True,
        "consumer": {"workers": HUEY_WORKERS, "worker_type": "thread"},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
# Each language is named in itself, so the switcher reads right whatever the current language.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # embedded: served from the apps' folders

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kefu@localhost")
# The public address of this Kefu, for links in e-mails and SMS (e.g. https://kefu.example.cn).
KEFU_BASE_URL = env.str("KEFU_BASE_URL", default="").rstrip("/")

# Notification channels (kefu.notifications). Each backend is a dotted path; the defaults work
# offline (in-app inbox, e-mail through EMAIL_BACKEND, SMS and WeChat Work written to the log).
KEFU_NOTIFICATION_BACKENDS = {
    "inapp": "kefu.notifications.backends.InAppBackend",
    "email": "kefu.notifications.backends.EmailBackend",
    "sms": env.str("KEFU_SMS_BACKEND", default="kefu.notifications.backends.LogSmsBackend"),
    "wecom": env.str("KEFU_WECOM_BACKEND", default="kefu.notifications.backends.LogWeComBackend"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kefu.core.api.permissions.KefuModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "kefu.core.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kefu.core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Kefu API",
    "DESCRIPTION": "Kefu (客服) REST API. Errors use one format: "
    '{"code": "...", "message": "中文说明", "errors": {"field": ["..."]}}.',
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RatingLevelEnum": "kefu.servicedesk.choices.RatingLevel",
        "CallbackKindEnum": "kefu.servicedesk.choices.CallbackKind",
        "CustomerKindEnum": "kefu.customers.choices.CustomerKind",
        "DepartmentKindEnum": "kefu.org.choices.DepartmentKind",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_INCLUDE_TRACKING_MODELS = ()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"huey": {"level": "INFO"}, "django.db.backends": {"level": "WARNING"}},
}

# R-TKT-10 compensation approval limits (元): up to "department" the department manager,
# up to "vp" the vice-president, above that the general manager.
KEFU_COMPENSATION_LIMITS = {"department": 1000, "vp": 5000}

# Phone lookup: how many customers one query returns at most.
KEFU_LOOKUP_LIMIT = 20
