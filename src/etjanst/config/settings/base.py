"""Settings shared by every environment. Everything that differs between
installations is read from the environment (see README, "Production")."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/etjanst
BASE_DIR = Path(os.environ.get("ETJANST_BASE_DIR", PACKAGE_DIR.parents[1]))
# Where the SQLite database, uploaded files, static files and caches live:
# `var/` in a checkout; installed with `pip install .`, BASE_DIR would be the
# virtualenv's lib/, so /var/lib/etjanst instead (ETJANST_VAR_DIR overrides both).
_IN_CHECKOUT = (BASE_DIR / "pyproject.toml").is_file()
VAR_DIR = Path(
    os.environ.get("ETJANST_VAR_DIR")
    or (BASE_DIR / "var" if _IN_CHECKOUT else Path("/var/lib/etjanst"))
)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The simulators (BankID, SAML IdP, Navet), the demo content and debug tools
# exist for the demo and the tests only.
FORBIDDEN_IN_PRODUCTION = (
    "etjanst.simulators",
    "etjanst.demo",
    "debug_toolbar",
    "django_extensions",
)


def refuse_development_tools(names: list[str]) -> None:
    from django.core.exceptions import ImproperlyConfigured

    for name in names:
        if name.startswith(FORBIDDEN_IN_PRODUCTION):
            raise ImproperlyConfigured(f"{name} must not be enabled in production.")


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin with the staff login's one-time code (etjanst.config.admin).
    "etjanst.config.admin.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    # Before django_tasks_db: its db_worker command adds heartbeats, stranded-task
    # recovery and schedules to django-tasks-db's (docs/operations.md,
    # "Vad plattformen lovar när en del fallerar").
    "etjanst.jobs",
    "django_tasks",
    # Third-party apps with Swedish names (etjanst.config.apps).
    "etjanst.config.apps.TasksConfig",
    "django_otp",
    "etjanst.config.apps.TOTPConfig",
    "etjanst.organisation",
    "etjanst.diarium",
    "etjanst.eid",
    "etjanst.people",
    "etjanst.eservices",
    "etjanst.prefill",
    "etjanst.cases",
    "etjanst.submissions",
    "etjanst.bookings",
    "etjanst.guardians",
    "etjanst.notifications",
    "etjanst.audit",
    "etjanst.retention",
    "etjanst.integrations",
    "etjanst.archive",
    "etjanst.statistics",
    "etjanst.staff",
    "etjanst.portal",
    "etjanst.content",
    "etjanst.operations",
    "etjanst.api",
    # django-ninja: its templates and static files (the API docs, no CDN).
    "ninja",
]

MIDDLEWARE = [
    # The BankID waiting page's poll of a pending order (500/s at a peak) is
    # answered first of all, each rule checked by its own code; anything else
    # goes the usual way (etjanst/portal/middleware.py).
    "etjanst.portal.middleware.BankIDPollFrontMiddleware",
    # Then: time and log every request; then answer probes before the HTTPS
    # redirect and the Host check (etjanst/operations/probes.py).
    "etjanst.operations.requestlog.RequestLogMiddleware",
    "etjanst.operations.probes.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "etjanst.portal.middleware.OverloadGuardMiddleware",
    # The BankID waiting page's poll (500/s at a peak) is answered here.
    "etjanst.portal.middleware.BankIDPollMiddleware",
    "etjanst.portal.middleware.RequestSizeLimitMiddleware",
    "etjanst.operations.storage.StorageUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "etjanst.portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "etjanst.eid.middleware.PersonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "etjanst.config.urls"
WSGI_APPLICATION = "etjanst.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "etjanst.portal.context_processors.municipality",
                "etjanst.content.context_processors.content",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite in var/ by default (demo, small installations); PostgreSQL when
# DATABASE_URL says so.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'etjanst.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent
    # submissions queue up instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background workers (etjanst.jobs) ---
# docs/operations.md, "Vad plattformen lovar när en del fallerar".
# A worker writes a heartbeat this often (s); a task RUNNING on a worker
# silent for ETJANST_WORKER_DEAD_AFTER s is stranded and run again (failed
# after ETJANST_TASK_MAX_STRANDINGS tries). Housekeeping (stranded tasks,
# schedules, deadline alerts) runs in every worker this often (s).
ETJANST_WORKER_HEARTBEAT = float(os.environ.get("ETJANST_WORKER_HEARTBEAT", 5))
ETJANST_WORKER_DEAD_AFTER = float(os.environ.get("ETJANST_WORKER_DEAD_AFTER", 30))
ETJANST_WORKER_HOUSEKEEPING = float(os.environ.get("ETJANST_WORKER_HOUSEKEEPING", 10))
ETJANST_TASK_MAX_STRANDINGS = int(os.environ.get("ETJANST_TASK_MAX_STRANDINGS", 3))
# A task waiting or running longer than this (s) is overdue: an ERROR in the
# log while it lasts, and listed in admin under "Försenade bakgrundsjobb".
ETJANST_TASK_DEADLINE = float(os.environ.get("ETJANST_TASK_DEADLINE", 30 * 60))
# A worker process is replaced by a new one (it finishes its task first)
# after this many tasks, or once it uses more than this many MB (0: never),
# as Celery's max_tasks_per_child/max_memory_per_child (jobs/recycling.py).
# 512 MB: twice what a worker uses after warm-up (docs/benchmarks.md, "Soak
# — task-worker memory"), under the chart's 768 Mi limit.
ETJANST_WORKER_RECYCLE_AFTER_TASKS = int(os.environ.get("ETJANST_WORKER_RECYCLE_AFTER_TASKS", 0))
ETJANST_WORKER_RECYCLE_ABOVE_MB = int(os.environ.get("ETJANST_WORKER_RECYCLE_ABOVE_MB", 512))
# Scheduled jobs, run by the workers once per schedule (jobs/schedule.py):
# "at" is a daily time in Europe/Stockholm, "every" a period in seconds.
ETJANST_SCHEDULE = {
    "expire_drafts": {"command": "expire_drafts", "at": "02:00"},
    "purge_abandoned_uploads": {"command": "purge_abandoned_uploads", "at": "02:15"},
    "clearsessions": {"command": "clearsessions", "at": "02:30"},
    "purge": {"command": "purge", "at": "03:00"},
    "prune_task_results": {"command": "prune_db_task_results", "at": "04:00"},
    # The send-once keys of e-mails, past every retry (notifications/pruning.py).
    "prune_sent_emails": {"command": "prune_sent_emails", "at": "04:10"},
    "send_booking_reminders": {"command": "send_booking_reminders", "at": "07:00"},
    # Webhooks are sent as soon as a change commits; this retries those that wait.
    "deliver_webhooks": {"command": "deliver_webhooks", "every": 60},
    # The builder's test runs (Testa e-tjänsten) live a day at most.
    "expire_test_runs": {"command": "expire_test_runs", "every": 3600},
    # Guardians' signatures: hand over cases past the deadline, remind before it.
    "guardian_signatures": {"command": "guardian_signatures", "every": 3600},
    # Failed webhooks and unconfirmed deliveries, to the integration administrators.
    "send_integration_digest": {"command": "send_integration_digest", "at": "06:45"},
}
if env_bool("ETJANST_SCHEDULE_OFF", False):  # cron or another scheduler runs them instead
    ETJANST_SCHEDULE = {}

# --- Overload (portal.middleware.OverloadGuardMiddleware; docs/operations.md) ---
# "Många använder e-tjänsterna just nu" (503 + Retry-After) instead of a
# timeout: for a GET that waited longer than this in front of the web
# processes (X-Request-Start from the proxy; 0: off) ...
ETJANST_MAX_QUEUE_SECONDS = float(os.environ.get("ETJANST_MAX_QUEUE_SECONDS", 10))
# ... or that finds this many requests already in this process (threaded or
# async workers; 0: off) ...
ETJANST_MAX_CONCURRENT_REQUESTS = int(os.environ.get("ETJANST_MAX_CONCURRENT_REQUESTS", 0))
# ... or for starting a form of an e-service past its starts per minute:
# "slug=200,*=1000" ("*" for every other e-service; needs a shared cache,
# ETJANST_CACHE=database, to count across web processes). POSTs of answers
# are never turned away.
ETJANST_START_LIMITS = {
    slug.strip(): int(limit)
    for slug, _, limit in (
        item.partition("=") for item in env_list("ETJANST_START_LIMITS") if "=" in item
    )
}
ETJANST_BUSY_RETRY_AFTER = int(os.environ.get("ETJANST_BUSY_RETRY_AFTER", 30))
ETJANST_NEVER_SHED = ("/halsa/", "/static/")  # the readiness endpoint belongs here too

# --- Cache ----------------------------------------------------------------
# Rate limits and the BankID collect throttle live in the cache. Several web
# processes need a shared one: ETJANST_CACHE=database (then run
# `manage.py createcachetable`), or a memcached/Redis backend of your own.
if os.environ.get("ETJANST_CACHE") == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "etjanst_cache",
        }
    }

# What visitors who are not logged in may send (etjanst.config.throttle):
# accepted sends per client address, and per e-service from everyone, in a
# window ("10/h": ten an hour; "" switches a limit off). Counted in the cache
# above, so set ETJANST_CACHE=database with several web processes.
ETJANST_RATE_SUBMISSIONS_PER_CLIENT = os.environ.get("ETJANST_RATE_SUBMISSIONS_PER_CLIENT", "10/h")
ETJANST_RATE_SUBMISSIONS_PER_ESERVICE = os.environ.get(
    "ETJANST_RATE_SUBMISSIONS_PER_ESERVICE", "300/h"
)
ETJANST_RATE_DOCUMENT_REQUESTS = os.environ.get("ETJANST_RATE_DOCUMENT_REQUESTS", "10/h")
RATELIMIT_USE_CACHE = "default"

# --- Sessions, security ---------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Answers in progress live in the session: gone when the browser closes, and
# on the server after eight hours at most (`manage.py clearsessions` daily).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 60 * 60 * 8))
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "etjanst.portal.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff log in at /handlaggning/ with a password and a one-time code (TOTP).
LOGIN_URL = "/handlaggning/logga-in/"
OTP_TOTP_ISSUER = os.environ.get("ETJANST_MUNICIPALITY_NAME", "Exempelby kommun")
# The admin never shows a staff member's one-time code key or its QR code:
# an administrator resets an app by deleting it (a new one is set up at the
# next login), never by copying someone's key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Failed logins (password or code) for one username from one address before
# that username is locked there for a while (people/staff_login.py).
ETJANST_STAFF_LOCKOUT_ATTEMPTS = int(os.environ.get("ETJANST_STAFF_LOCKOUT_ATTEMPTS", 5))
ETJANST_STAFF_LOCKOUT_MINUTES = int(os.environ.get("ETJANST_STAFF_LOCKOUT_MINUTES", 15))
# An address that fails for this many usernames, or this many times in all,
# within the minutes above is refused for a while (password spraying). Staff
# behind one shared address (NAT) may need higher values.
ETJANST_STAFF_ADDRESS_USERNAMES = int(os.environ.get("ETJANST_STAFF_ADDRESS_USERNAMES", 10))
ETJANST_STAFF_ADDRESS_ATTEMPTS = int(os.environ.get("ETJANST_STAFF_ADDRESS_ATTEMPTS", 30))
# A username failing this often from anywhere (many addresses) is locked,
# except from addresses it logged in from in the last 90 days.
ETJANST_STAFF_ACCOUNT_ATTEMPTS = int(os.environ.get("ETJANST_STAFF_ACCOUNT_ATTEMPTS", 50))

# --- Language and time ----------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Files are never served by URL: only through views that check access.
    "default": {
        "BACKEND": os.environ.get(
            "FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": str(MEDIA_ROOT)}
        if not os.environ.get("FILE_STORAGE_BACKEND")
        else {},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Files in an S3-compatible object store (MinIO, Ceph, Garage, AWS, a cloud
# provider's) through django-storages, when S3_BUCKET is set: uploads,
# receipts, register extracts, masked copies. The bucket stays private: every
# download is streamed through a view that checks who asks (never a bucket
# URL). Keys may also come from the usual AWS variables or a pod's role.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    from botocore.config import Config as _BotoConfig

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Path-style addresses work with every S3-compatible store.
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "object_parameters": (
                {"ServerSideEncryption": os.environ["S3_SERVER_SIDE_ENCRYPTION"]}
                if os.environ.get("S3_SERVER_SIDE_ENCRYPTION")
                else {}
            ),
            # A store that is down fails an upload in seconds, not minutes.
            "client_config": _BotoConfig(
                connect_timeout=float(os.environ.get("S3_CONNECT_TIMEOUT", 5)),
                read_timeout=float(os.environ.get("S3_READ_TIMEOUT", 30)),
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
# Uploads larger than this are written to a temporary file, not kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest request body the platform accepts at all (per-question and
# per-case limits are set per e-service and are smaller).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Calls per minute one API client may make (429 with Retry-After beyond).
ETJANST_API_RATE_LIMIT = int(os.environ.get("ETJANST_API_RATE_LIMIT", 600))
# Webhooks may go to private and loopback addresses, and over plain http
# (only for a receiver inside the municipality's own network, and the tests).
ETJANST_WEBHOOK_ALLOW_PRIVATE = env_bool("ETJANST_WEBHOOK_ALLOW_PRIVATE")
# Archive packages (docs/archive.md): the delivery agreement
# (leveransöverenskommelse) with the e-archive, and the archival creator's
# identification code (e.g. the municipality's organisationsnummer).
ETJANST_ARCHIVE_SUBMISSION_AGREEMENT = os.environ.get("ETJANST_ARCHIVE_SUBMISSION_AGREEMENT", "")
ETJANST_ARCHIVE_CREATOR_ID = os.environ.get("ETJANST_ARCHIVE_CREATOR_ID", "")
# Narrower: only these networks (CIDR, comma-separated, e.g. "10.20.0.0/16")
# besides public addresses; plain http is allowed to them too.
ETJANST_WEBHOOK_ALLOWED_NETWORKS = env_list("ETJANST_WEBHOOK_ALLOWED_NETWORKS")
ETJANST_MAX_REQUEST_SIZE = int(os.environ.get("ETJANST_MAX_REQUEST_SIZE", 60 * 1024 * 1024))

# --- E-mail ---------------------------------------------------------------
# Django's SMTP backend, counting sent and failed e-mails for the metrics.
EMAIL_BACKEND = "etjanst.operations.mail.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 10))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Exempelby kommun <noreply@exempelby.se>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -----------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- E-legitimation -------------------------------------------------------
# The e-ID methods residents can choose on /logga-in/.
ETJANST_EID_METHODS = env_list("ETJANST_EID_METHODS", "bankid")
# A logged-in resident is logged out after this long without activity.
ETJANST_IDLE_TIMEOUT = int(os.environ.get("ETJANST_IDLE_TIMEOUT", 20 * 60))
# Proxies whose X-Forwarded-For is believed (the resident's address is sent to BankID).
ETJANST_TRUSTED_PROXIES = env_list("ETJANST_TRUSTED_PROXIES")
ETJANST_BANKID_STARTS_PER_MINUTE = int(os.environ.get("ETJANST_BANKID_STARTS_PER_MINUTE", 10))
# `manage.py collect_bankid` collects pending orders every 2 s, and while it
# is alive browsers' polls only read. Without one (none runs, or it died), a
# poll collects its own order when it is this many seconds overdue.
ETJANST_BANKID_POLL_COLLECTS_AFTER = float(
    os.environ.get("ETJANST_BANKID_POLL_COLLECTS_AFTER", 0.0)
)
# The poll reads its order's row with a prepared statement on PostgreSQL
# (parsed and planned once per connection). Set false behind a connection
# pooler in transaction mode that cannot keep prepared statements
# (PgBouncer before 1.21, or without max_prepared_statements).
ETJANST_BANKID_POLL_PREPARED = env_bool("ETJANST_BANKID_POLL_PREPARED", True)
# Each web process reads all pending BankID orders at most this often (s)
# and answers their polls from that read: no database round trip per poll
# at a peak; a status change shows at most this much later. 0: each poll
# reads its order's row.
ETJANST_BANKID_POLL_SNAPSHOT = float(os.environ.get("ETJANST_BANKID_POLL_SNAPSHOT", 0.5))
# BankID Relying Party API v6.0. Test: https://appapi2.test.bankid.com/rp/v6.0
BANKID = {
    "BASE_URL": os.environ.get("BANKID_BASE_URL", "https://appapi2.bankid.com/rp/v6.0"),
    "CLIENT_CERT": os.environ.get("BANKID_CLIENT_CERT", ""),  # PEM
    "CLIENT_KEY": os.environ.get("BANKID_CLIENT_KEY", ""),  # PEM
    "CA_CERT": os.environ.get("BANKID_CA_CERT", ""),  # BankID's server CA, PEM (pinned)
    "TIMEOUT": float(os.environ.get("BANKID_TIMEOUT", 10)),
}

# --- Prefill from the population register (docs/navet.md) -----------------
ETJANST_PREFILL_SOURCES = env_list("ETJANST_PREFILL_SOURCES")
# Skatteverket's Navet, personpostXML. Test: https://www2.test.skatteverket.se/...
NAVET = {
    "URL": os.environ.get("NAVET_URL", ""),
    "CLIENT_CERT": os.environ.get("NAVET_CLIENT_CERT", ""),  # the organisation certificate, PEM
    "CLIENT_KEY": os.environ.get("NAVET_CLIENT_KEY", ""),  # PEM
    "CA_CERT": os.environ.get("NAVET_CA_CERT", ""),  # Skatteverket's server CA, PEM (pinned)
    "ORG_NR": os.environ.get("NAVET_ORG_NR", ""),  # the municipality's organisation number
    "ORDER_ID": os.environ.get("NAVET_ORDER_ID", ""),  # BestallningsId of the agreement
    "TIMEOUT": float(os.environ.get("NAVET_TIMEOUT", 5)),
}
# The other e-IDs (Freja eID+, Telia, eIDAS) through SAML identity providers
# following the Swedish eID Framework ("saml" in ETJANST_EID_METHODS): docs/eid.md.
SAML = {
    "BASE_URL": os.environ.get("SAML_BASE_URL", ""),  # empty: the request's host
    "ENTITY_ID": os.environ.get("SAML_ENTITY_ID", ""),  # empty: the metadata address
    "KEY": os.environ.get("SAML_KEY", ""),  # PEM, signs requests and metadata
    "CERT": os.environ.get("SAML_CERT", ""),
    "ENCRYPTION_KEY": os.environ.get("SAML_ENCRYPTION_KEY", ""),  # empty: KEY
    "ENCRYPTION_CERT": os.environ.get("SAML_ENCRYPTION_CERT", ""),
    "IDPS": os.environ.get("SAML_IDPS", ""),  # JSON list, or a path to a JSON file
    "METADATA_CACHE_SECONDS": int(os.environ.get("SAML_METADATA_CACHE_SECONDS", 6 * 3600)),
    "METADATA_CACHE_DIR": os.environ.get("SAML_METADATA_CACHE_DIR", str(VAR_DIR / "saml-metadata")),
    "CLOCK_SKEW": int(os.environ.get("SAML_CLOCK_SKEW", 60)),
    "WANT_RESPONSE_SIGNED": env_bool("SAML_WANT_RESPONSE_SIGNED", True),
    "WANT_ASSERTIONS_ENCRYPTED": env_bool("SAML_WANT_ASSERTIONS_ENCRYPTED", False),
    "XMLSEC_BINARY": os.environ.get("SAML_XMLSEC_BINARY", ""),
}

# --- The municipality -----------------------------------------------------
ETJANST_MUNICIPALITY = {
    "name": os.environ.get("ETJANST_MUNICIPALITY_NAME", "Exempelby kommun"),
    "logo": os.environ.get("ETJANST_MUNICIPALITY_LOGO", "etjanst/exempelby-logo.svg"),
    # Colours must keep 4.5:1 contrast against white (WCAG 1.4.3).
    "primary_colour": os.environ.get("ETJANST_PRIMARY_COLOUR", "#1f5f8b"),
    "email": os.environ.get("ETJANST_MUNICIPALITY_EMAIL", "kontakt@exempelby.se"),
    "phone": os.environ.get("ETJANST_MUNICIPALITY_PHONE", "0123-45 67 00"),
    "website": os.environ.get("ETJANST_MUNICIPALITY_WEBSITE", "https://www.exempelby.se"),
    # Kommunkod (4 digits): the "Välj barn" question's "must live in the
    # municipality" filter compares the child's folkbokföring with it.
    "code": os.environ.get("ETJANST_MUNICIPALITY_CODE", ""),
}
# A case about a child that every guardian must sign waits this many days for
# the other guardian, who is reminded this many days before (etjanst.guardians).
ETJANST_GUARDIAN_SIGNING_DAYS = int(os.environ.get("ETJANST_GUARDIAN_SIGNING_DAYS", 14))
ETJANST_GUARDIAN_REMIND_DAYS = int(os.environ.get("ETJANST_GUARDIAN_REMIND_DAYS", 3))
# The platform's own address, for links in e-mails (no trailing slash).
ETJANST_SITE_URL = os.environ.get("ETJANST_SITE_URL", "http://localhost:8000").rstrip("/")

# --- Operations: logs and metrics (docs/operations.md) ---------------------
# The bearer token Prometheus sends to scrape /metrics; empty: no metrics.
ETJANST_METRICS_TOKEN = os.environ.get("ETJANST_METRICS_TOKEN", "")
# json: one JSON object a line (production); plain: text for a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "etjanst.operations.logs.JsonFormatter"},
        "plain": {"()": "etjanst.operations.logs.PlainFormatter"},
    },
    "filters": {
        "personnummer": {"()": "etjanst.eid.log_redaction.RedactPersonnummer"},
        "request_id": {"()": "etjanst.operations.logs.RequestIdFilter"},
        "one_line": {"()": "etjanst.operations.logs.OneLineForKnownFailures"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "plain"} else "json",
            "filters": ["one_line", "request_id", "personnummer"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Pillow logs image metadata (EXIF: names, places) at DEBUG: never.
        "PIL": {"level": "WARNING"},
        # pysaml2 logs identities and messages at INFO and DEBUG: never a personnummer in a log.
        "saml2": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},
        # WeasyPrint writes ~7 INFO lines per PDF (fonts, steps): only its warnings.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # boto (object storage) logs every request at INFO/DEBUG.
        "botocore": {"level": "WARNING"},
        "boto3": {"level": "WARNING"},
        "s3transfer": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}

# Statistics (docs/statistics.md): counts under this (and above 0) are shown
# as "färre än N", and an open case older than this many days is overdue.
ETJANST_STATISTICS_MIN_COUNT = int(os.environ.get("ETJANST_STATISTICS_MIN_COUNT", 5))
ETJANST_STATISTICS_OVERDUE_DAYS = int(os.environ.get("ETJANST_STATISTICS_OVERDUE_DAYS", 30))
