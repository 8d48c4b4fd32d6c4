"""Zhizao Hub settings: one module, every deploy-specific value read from the environment.

With no environment at all the product runs on the embedded default: SQLite, the database
search backend, tasks in-process after commit, email to the console.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZHIZAO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _social_providers():
    names = env_list("SOCIAL_PROVIDERS", "")
    for name in names:
        if not name.isidentifier():
            raise ImproperlyConfigured(f"SOCIAL_PROVIDERS: {name!r} is not a provider name.")
        for suffix in ("CLIENT_ID", "SECRET"):
            if not os.environ.get(f"SOCIAL_{name.upper()}_{suffix}"):
                raise ImproperlyConfigured(
                    f"SOCIAL_PROVIDERS names {name}: set SOCIAL_{name.upper()}_{suffix}.")
    return names


SOCIAL_PROVIDERS = _social_providers()
SOCIAL_PROVIDER_APPS = [f"allauth.socialaccount.providers.{name}" for name in SOCIAL_PROVIDERS]

# Core: debug, secrets, hosts. The dev secret exists only while DEBUG is on.
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
# Django's technical 404/500 pages (URL patterns, tracebacks) only when a developer asks for
# them: with DEBUG alone (`make run`) a visitor sees the site's own error pages.
DEBUG_PAGES = DEBUG and env_bool("DEBUG_PAGES", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")


def _https_origins(hosts):
    """The site's own hosts as https origins: what a browser sends as Origin on a form post
    when TLS ends at a proxy that Django cannot see (".example.com" covers the subdomains)."""
    return [f"https://*{host}" if host.startswith(".") else f"https://{host}"
            for host in hosts if host != "*"]


CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or (
    [] if DEBUG else _https_origins(ALLOWED_HOSTS)
)

# Transport security: with DEBUG off the site is HTTPS-only (TLS ends at a proxy in front of
# gunicorn); with DEBUG on, `make run` serves plain http://127.0.0.1:8000. Each one can be
# set from the environment (e.g. a plain-HTTP staging box turns the redirect off).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container's own health probe (docker/compose.yml) and load balancers speak plain HTTP
# to gunicorn on the private network; the health URLs show no secrets and set no cookie.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS",
                                         "0" if DEBUG else str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)


def _proxy_ssl_header(value):
    """"X-Forwarded-Proto: https" -> ("HTTP_X_FORWARDED_PROTO", "https")."""
    name, _, secure_value = value.partition(":")
    if not name.strip() or not secure_value.strip():
        raise ImproperlyConfigured('SECURE_PROXY_SSL_HEADER reads "Header-Name: value".')
    return (f"HTTP_{name.strip().upper().replace('-', '_')}", secure_value.strip())


# Only where the proxy in front sets this header itself (and drops a client's own copy):
# otherwise any client could claim to have come over HTTPS. Unset: no header is trusted.
SECURE_PROXY_SSL_HEADER = (
    _proxy_ssl_header(os.environ["SECURE_PROXY_SSL_HEADER"])
    if os.environ.get("SECURE_PROXY_SSL_HEADER") else None
)

# Applications: Django and libraries first, then one app per bounded context.
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Accounts: sign-up, email verification, password reset, email change, rate limits and
    # lockout, TOTP two-factor and social sign-in are django-allauth's (settings below).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    *SOCIAL_PROVIDER_APPS,
    "core",
    "accounts",
    "events",
    "catalog",
    "search",
    "marketplace",
    "maturity",
    "changes",
    "importer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body: oversize (413) and unknown-length (411) bodies refused.
    "core.request_bounds.RequestBoundsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Organisation admins and reviewers set up two-factor before they act (MFA_REQUIRED).
    "accounts.two_factor.TwoFactorRequiredMiddleware",
    # Last: the site's 404/400/500 pages under DEBUG too, unless DEBUG_PAGES (core/error_pages.py).
    "core.error_pages.SiteErrorPagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.header",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production), else a SQLite file under var/.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a task writes; the timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Authentication: session login for the web pages, through django-allauth at /accounts/
# (docs/accounts.md). People sign in with their email address or their username.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
# Strangers may sign up unless an operator closes it (invitations still work).
ACCOUNT_ALLOW_SIGNUP = env_bool("ACCOUNT_ALLOW_SIGNUP", default=True)
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Zhizao Hub] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# allauth's messages and mails name a person by the name they gave, not a derived username.
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
# Repeated failed sign-ins lock the account out: LOGIN_ATTEMPTS_LIMIT failures within
# LOGIN_ATTEMPTS_TIMEOUT seconds (per account), and 10 a minute from one address. The tallies
# live in the cache (Redis when configured, so every worker shares them).
ACCOUNT_RATE_LIMITS_DEFAULT = {
    "login_failed": "10/m/ip,{}/{}s/key".format(
        int(os.environ.get("LOGIN_ATTEMPTS_LIMIT", "5")),
        int(os.environ.get("LOGIN_ATTEMPTS_TIMEOUT", str(15 * 60)))),
    "signup": os.environ.get("SIGNUP_RATE", "20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "login": "30/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/180s/key",
}
ACCOUNT_RATE_LIMITS = (ACCOUNT_RATE_LIMITS_DEFAULT
                       if env_bool("ACCOUNT_RATE_LIMITS_ENABLED", default=True) else False)
# Two-factor: TOTP with recovery codes. With MFA_REQUIRED (the default outside DEBUG) an owner
# or admin of an organisation, and a reviewer, is sent to set it up before anything else.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Zhizao Hub"
MFA_REQUIRED = env_bool("MFA_REQUIRED", default=not DEBUG)
# Social sign-in, none by default: SOCIAL_PROVIDERS=weixin,github with
# SOCIAL_<NAME>_CLIENT_ID and SOCIAL_<NAME>_SECRET for each (WeChat is `weixin`).
SOCIALACCOUNT_PROVIDERS = {
    name: {"APP": {"client_id": os.environ.get(f"SOCIAL_{name.upper()}_CLIENT_ID", ""),
                   "secret": os.environ.get(f"SOCIAL_{name.upper()}_SECRET", "")}}
    for name in SOCIAL_PROVIDERS
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Languages: English and Simplified Chinese; content may be in either.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Money reads ¥1,234,567.00 in Chinese too (Django's zh_Hans formats group nothing).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static and media files: whitenoise serves static files, uploads go under var/media.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Where the site lives, for absolute links in emails (paths only when unset).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")

# Email: console unless an SMTP host is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Zhizao Hub <noreply@zhizao.local>")

# Tasks: Celery on Redis when REDIS_URL is set; otherwise eager, in-process, after commit.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "zhizao")
CELERY_TASK_EAGER_PROPAGATES = False
# Acknowledged on receipt unless a task declares itself safe to repeat (acks_late and
# reject_on_worker_lost in its decorator): those are queued again when their worker dies.
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection before and after every task unless
# this is set (then only every so many tasks). With persistent connections the worker leaves
# that to Django instead, as a web request does (config/celery.py): a new PostgreSQL
# connection per task cost more than most tasks themselves.
CELERY_DB_REUSE_MAX = 1_000_000 if DATABASES["default"].get("CONN_MAX_AGE") else None
# Redis gives a task taken by a worker that then died to another after the visibility
# timeout (s). It must outlast the longest task acknowledged late: run_prechecks, bounded by
# LINK_CHECK_TIMEOUT per connection step and ELASTICSEARCH_TIMEOUT, takes well under 30 s;
# the relay and the beat sweeps outlasting it are run twice, which they tolerate (row locks,
# idempotent writes). Short, so a killed worker's tasks return within about a minute; Redis
# looks for them every unacked_restore_interval × throttle seconds (10 s here, not 100 s).
# A task that waits longer than this for a countdown acks on receipt (deliver_webhook).
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "60"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.5,
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 10, "unacked_restore_throttle": 1,
}
# The outbox relay runs this often (s) besides the kick after each commit: what a broker
# outage kept pending is delivered within seconds of its return. One indexed query when
# nothing is pending; a run not taken within the interval expires, so runs queued while no
# worker listens do not pile up.
OUTBOX_RELAY_SECONDS = float(os.environ.get("OUTBOX_RELAY_SECONDS", "5"))
# Each consumer's delivery of an event is retried on its own: after the nth failure it waits
# OUTBOX_RETRY_BASE_SECONDS × 2^(n-1), at most OUTBOX_RETRY_MAX_SECONDS, and after
# OUTBOX_MAX_ATTEMPTS failures it is parked as a dead letter for operators (docs/operations.md).
OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "10"))
OUTBOX_RETRY_MAX_SECONDS = float(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "core.tasks.dispatch_outbox",
                     "schedule": timedelta(seconds=OUTBOX_RELAY_SECONDS),
                     "options": {"expires": OUTBOX_RELAY_SECONDS}},
    "review-reminders": {"task": "catalog.tasks.send_review_reminders",
                         "schedule": timedelta(minutes=15)},
    "review-escalations": {"task": "catalog.tasks.escalate_overdue_reviews",
                           "schedule": timedelta(minutes=15)},
    "requeue-stalled-submissions": {"task": "catalog.tasks.requeue_stalled_submissions",
                                    "schedule": timedelta(minutes=5)},
    "expire-marketplace-items": {"task": "marketplace.tasks.expire_marketplace_items",
                                 "schedule": timedelta(hours=1)},
    # One snapshot a month; running every six hours makes sure the month is never missed.
    "maturity-monthly-snapshot": {"task": "maturity.tasks.take_monthly_snapshot",
                                  "schedule": timedelta(hours=6)},
    "resend-stalled-webhooks": {"task": "events.webhooks.tasks.resend_stalled_webhooks",
                                "schedule": timedelta(minutes=5)},
    # Daily digests at NOTIFICATION_DIGEST_HOUR UTC (0 is 08:00 in China); re-runs send nothing.
    "notification-daily-digests": {
        "task": "events.tasks.send_daily_digests",
        "schedule": crontab(hour=int(os.environ.get("NOTIFICATION_DIGEST_HOUR", "0")), minute=0),
    },
}

# Cache: Redis when CACHE_URL (or REDIS_URL) is set, shared by every process (API throttle
# counts); otherwise this process's memory. Without CACHE_URL it takes the next database on
# REDIS_URL's server, never the broker's own: clearing the cache flushes its whole database.
def _cache_url(redis_url):
    parts = urlsplit(redis_url)
    db = parts.path.lstrip("/")
    db = int(db) if db.isdigit() else 0
    return urlunsplit(parts._replace(path=f"/{db + 1}"))


CACHE_URL = os.environ.get("CACHE_URL") or (_cache_url(REDIS_URL) if REDIS_URL else "")
# A cache that stops answering must not hold requests up: give up on it after this long.
CACHE_TIMEOUT_SECONDS = float(os.environ.get("CACHE_TIMEOUT_SECONDS", "0.5"))
CACHES = {
    "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": CACHE_URL,
                "KEY_PREFIX": "zhizao",
                "OPTIONS": {"socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                            "socket_timeout": CACHE_TIMEOUT_SECONDS}}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Search: the database backend by default, Elasticsearch when asked for.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "zhizao")
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "5"))
# Replicas of the serving index (Elasticsearch's default is 1; a single-node cluster wants 0).
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "1"))
if SEARCH_BACKEND not in {"database", "elasticsearch"}:
    raise ImproperlyConfigured("SEARCH_BACKEND must be 'database' or 'elasticsearch'.")
if SEARCH_BACKEND == "elasticsearch" and not ELASTICSEARCH_URL:
    raise ImproperlyConfigured("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL.")

# REST API: session auth for the web, API keys for partners, one error format.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.policy.DeclaredAccess"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.filters.StrictOrderingFilter",
    ],
    # JSON nested deeper than API_JSON_MAX_DEPTH is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "core.api.problems.problem_exception_handler",
    # Throttling: each API key, each signed-in user and each anonymous client (IP) has its
    # own budget; a 429 says in Retry-After when to come back. Counts live in the cache
    # (CACHES above: Redis when configured, so every gunicorn worker shares them).
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.APIKeyRateThrottle",
        "core.api.throttling.SessionUserRateThrottle",
        "core.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "120/min"),
        "user": os.environ.get("THROTTLE_USER", "1200/min"),
        "api_key": os.environ.get("THROTTLE_API_KEY", "1200/min"),
    },
    # Proxies in front of the app whose X-Forwarded-For to trust (0: the peer's address).
    "NUM_PROXIES": int(os.environ.get("API_NUM_PROXIES", "0")),
}
# Far below a high rate each process admits requests without asking the cache, and counts
# them there later (core/api/throttling.py): by up to this share of the rate per process.
API_THROTTLE_LOCAL_SHARE = float(os.environ.get("API_THROTTLE_LOCAL_SHARE", "0.01"))
API_THROTTLE_LOCAL_SECONDS = float(os.environ.get("API_THROTTLE_LOCAL_SECONDS", "1"))
# How often each process checks whether the API keys it remembers changed (revocations).
API_KEY_CACHE_SECONDS = float(os.environ.get("API_KEY_CACHE_SECONDS", "1"))
API_MAX_PAGE_SIZE = 100
# Anonymous readers' answers of the public catalog lists are cached this long at most
# (core/public_cache.py; every outbox event retires them sooner). 0 turns it off.
API_PUBLIC_CACHE_SECONDS = int(os.environ.get("API_PUBLIC_CACHE_SECONDS", "30"))
# How often each process reads that cache's version (a change shows this much later at most).
API_PUBLIC_CACHE_VERSION_SECONDS = float(os.environ.get("API_PUBLIC_CACHE_VERSION_SECONDS", "1"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhizao Hub API",
    "DESCRIPTION": "Scenario-based solutions for the mechanical industry's digital transformation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Served offline: no validator badge from validator.swagger.io, and ReDoc in the system's
    # fonts (templates/drf_spectacular/redoc.html drops the stock template's Google Fonts).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_UI_SETTINGS": {"theme": {"typography": {
        "fontFamily": "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', "
                      "'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif",
        "headings": {"fontFamily": "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', "
                                   "'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"},
        "code": {"fontFamily": "ui-monospace, Menlo, Consolas, monospace"},
    }}},
    "COMPONENT_SPLIT_REQUEST": True,
    # Organisations' verification and the kinds a newcomer may register (issue 15).
    "ENUM_NAME_OVERRIDES": {
        "OrganizationStatusEnum": "accounts.models.Organization.Status",
        "OrganizationKindEnum": "accounts.models.Organization.Kind",
        "RegistrableKindEnum": "accounts.registration.REGISTRABLE_KIND_CHOICES",
    },
}

# Review rules: time limits in business days, the check thresholds, attachments.
REVIEW_SLA_BUSINESS_DAYS = int(os.environ.get("REVIEW_SLA_BUSINESS_DAYS", "5"))
REVIEW_REMINDER_BUSINESS_DAYS_BEFORE = int(os.environ.get("REVIEW_REMINDER_BUSINESS_DAYS_BEFORE",
                                                          "1"))
# A submission this similar (0-1) to a listed solution is flagged for a second approval.
DUPLICATE_SIMILARITY_FLAG = float(os.environ.get("DUPLICATE_SIMILARITY_FLAG", "0.8"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
ATTACHMENT_ALLOWED_TYPES = ["application/pdf", "image/png", "image/jpeg",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            "application/vnd.openxmlformats-officedocument.presentationml.presentation"]
# Link checks: a class with check(urls) -> {url: result}; tests point it at a local server.
LINK_CHECKER = os.environ.get("LINK_CHECKER", "catalog.checks.links.HttpLinkChecker")
LINK_CHECK_TIMEOUT = float(os.environ.get("LINK_CHECK_TIMEOUT", "5"))
# Vendors' links must not probe internal addresses; only tests reach a local server.
LINK_CHECK_ALLOW_PRIVATE = env_bool("LINK_CHECK_ALLOW_PRIVATE", default=False)

# Invitations to join an organisation: how long a link stays valid, and how many may be
# open at once per organisation.
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))
INVITATION_MAX_PENDING = int(os.environ.get("INVITATION_MAX_PENDING", "50"))

# Marketplace rules.
QUOTE_REQUEST_MAX_VENDORS = int(os.environ.get("QUOTE_REQUEST_MAX_VENDORS", "8"))

# Request bounds (core/request_bounds.py): a body over these answers 413 before anything
# reads it. Uploads (multipart) may carry a message's five attachments and its text; every
# other body (JSON, forms) is held in memory, so it gets the smaller bound.
REQUEST_MAX_BODY_BYTES = int(os.environ.get("REQUEST_MAX_BODY_BYTES", "2621440"))  # 2.5 MiB
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES
REQUEST_MAX_UPLOAD_BYTES = int(os.environ.get(
    "REQUEST_MAX_UPLOAD_BYTES", str(5 * ATTACHMENT_MAX_BYTES + REQUEST_MAX_BODY_BYTES)
))
# JSON nested deeper than this is refused (400) before it can exhaust the parser's stack.
API_JSON_MAX_DEPTH = int(os.environ.get("API_JSON_MAX_DEPTH", "32"))

# Webhooks: per-attempt timeout (s), attempts per delivery, backoff base and cap (s), failed
# deliveries in a row before a subscription is disabled. Endpoints must be public https
# addresses; only tests and local demos allow private addresses or plain http.
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
WEBHOOK_RETRY_BACKOFF = int(os.environ.get("WEBHOOK_RETRY_BACKOFF", "30"))
WEBHOOK_RETRY_BACKOFF_MAX = int(os.environ.get("WEBHOOK_RETRY_BACKOFF_MAX", "3600"))
WEBHOOK_DISABLE_AFTER = int(os.environ.get("WEBHOOK_DISABLE_AFTER", "5"))
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", default=False)
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", default=DEBUG)

# Logging: structured (key=value, or JSON lines with LOG_JSON=1) to stderr, through structlog.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "config.logging.structured_formatter",
            "as_json": env_bool("LOG_JSON"),
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
