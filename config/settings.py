"""Settings for the Prevent delivery-plan tracker, read from the environment.

Development (`make run`) sets DJANGO_DEBUG=1. Anything else is production: SECRET_KEY and ALLOWED_HOSTS must be
given, and the security settings that `manage.py check --deploy` asks for are on.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .environment import DEBUG, env_bool, env_list, env_share

BASE_DIR = Path(__file__).resolve().parent.parent


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set (or DJANGO_DEBUG=1 for local development).")
    SECRET_KEY = "development-only-key-never-used-in-production-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production, e.g. ALLOWED_HOSTS=prevent.example.gov.uk")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The audit chain's head is checkpointed outside the database (core.checkpoints): signed with a key the database never
# holds, appended to a file a database administrator cannot rewrite. Both are required in production.
AUDIT_SIGNING_KEY = os.environ.get("AUDIT_SIGNING_KEY", "")
if not AUDIT_SIGNING_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_SIGNING_KEY must be set (or DJANGO_DEBUG=1 for local development).")
    AUDIT_SIGNING_KEY = "development-only-audit-key-never-used-in-production"
elif not DEBUG and (len(AUDIT_SIGNING_KEY) < 32 or AUDIT_SIGNING_KEY == SECRET_KEY):
    raise ImproperlyConfigured("AUDIT_SIGNING_KEY must be 32 characters or more, and not the SECRET_KEY.")
AUDIT_CHECKPOINT_PATH = os.environ.get("AUDIT_CHECKPOINT_PATH", "")
if not AUDIT_CHECKPOINT_PATH:
    if not DEBUG:
        raise ImproperlyConfigured(
            "AUDIT_CHECKPOINT_PATH must be set in production: an append-only file on a volume the database "
            "administrators cannot write, e.g. /var/log/prevent/audit-checkpoints.log"
        )
    AUDIT_CHECKPOINT_PATH = str(BASE_DIR / "var" / "audit-checkpoints.log")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "guardian",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "core",
    "plans",
    "objectives",
    "items",
    "actions",
    "projects",
    "peer_review",
    "mfa",
    # Above the domain apps: the features that read a whole plan (pyproject.toml's import-linter layers).
    "snapshots",
    "board",
    "records",
    "publication",
    "imports",
    "overview",
    "people",
    "auditing",
    "jobs",
    "demo",
]

MIDDLEWARE = [
    # First: every line logged while answering, and the response, carry the request's id.
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files carry the policies too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs sign-in unless it is marked @login_not_required (the allow-list, tested in tests/).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a session ended for inactivity says so on the sign-in page. Before the second factor, so
    # an idle session is ended rather than asked for a code.
    "core.middleware.SessionTimeoutMiddleware",
    "core.middleware.SecurityEventsMiddleware",
    # Which second factor, if any, verified this session; then the one place that asks for it (mfa/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "mfa.middleware.SecondFactorMiddleware",
    # Below authentication (it asks who is signed in) and so below WhiteNoise: static files keep their caching.
    "core.headers.NoStoreWhenSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                # The nonce the admin's templates put on their tags; the service's own templates need none.
                "django.template.context_processors.csp",
                "core.context_processors.service",
                "core.context_processors.session_time",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a write is in flight; the timeout waits for a lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too: an in-memory shared cache locks whole tables instead of waiting like the real thing.
    test_database = Path(tempfile.gettempdir()) / f"prevent-tracker-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(test_database)}

else:
    # Just-in-time compilation pays off for long analytical queries, not for a web application's: the planner
    # judged the history statement of a large council worth compiling and spent 20 s doing it before the first row.
    # Times as text in ISO order whatever the server's default: the history export writes them in SQL.
    # A statement or an open transaction left waiting (a download whose client stalled) holds a worker and a
    # snapshot: PostgreSQL ends a statement after DATABASE_STATEMENT_TIMEOUT and a transaction idle for
    # DATABASE_IDLE_IN_TRANSACTION_TIMEOUT ("0" turns either off; a background worker may need a longer one).
    statement_timeout = os.environ.get("DATABASE_STATEMENT_TIMEOUT", "120s")
    idle_timeout = os.environ.get("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", "60s")
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # A database that accepts the connection and never answers (hung, or its machine gone) fails the request after
    # DATABASE_CONNECT_TIMEOUT seconds rather than holding the worker; the statement timeout cannot, as the server
    # enforces it.
    options["connect_timeout"] = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    options["options"] = (
        f"{options.get('options', '')} -c jit=off -c datestyle=ISO "
        f"-c statement_timeout={statement_timeout} -c idle_in_transaction_session_timeout={idle_timeout}"
    ).strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Anonymous users have no object permissions here; the guardian anonymous user is not needed.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"

# Coordinators, auditors and administrators must confirm a code from an authenticator app after their password.
# On in production; off under `make run` so the demo accounts stay one click away. REQUIRE_MFA=1/0 overrides.
REQUIRE_MFA = env_bool("REQUIRE_MFA", not DEBUG)
OTP_TOTP_ISSUER = "Prevent delivery plan tracker"
# Administrators reset a lost device; they never need to read anyone's secret key or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_REDIRECT_URL = "plans:start"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded evidence is private: never under static/, served only through a permission-checked view.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "core.staticfiles.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Files the workers produce for one person (large exports): private like the evidence, under their own root so
# they can be swept and sized apart, and served only through jobs.views_jobs after an access check.
JOB_FILES_ROOT = Path(os.environ.get("JOB_FILES_ROOT", BASE_DIR / "var" / "job-files"))
STORAGES["job_files"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": JOB_FILES_ROOT},
}

# Long work runs in the background (Django's tasks, queued in the database by django-tasks-db, run by
# `manage.py run_worker`): the same on SQLite and PostgreSQL, nothing else to run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The health endpoint reports the task queue "behind" (the service "degraded") when a task has waited this long.
TASK_QUEUE_BEHIND_SECONDS = int(os.environ.get("TASK_QUEUE_BEHIND_SECONDS", "300"))
# How long a file a worker produced can be downloaded by the person who asked for it.
JOB_FILE_HOURS = int(os.environ.get("JOB_FILE_HOURS", "24"))
# A running job whose worker has not written its heartbeat for this long is taken to be lost (the worker killed)
# and shown as failed, with what to do; a live worker writes one every few seconds whatever the work.
JOB_LOST_AFTER_SECONDS = float(os.environ.get("JOB_LOST_AFTER_SECONDS", "300"))
# The share of the time a verification started from the auditors' page works; it pauses for the rest, so that the
# pages people are using keep their speed while it reads the whole record (README, Performance). 1 runs flat out.
VERIFICATION_WORK_SHARE = env_share("VERIFICATION_WORK_SHARE", 0.5)
# A single plan's history export of more rows than this is produced in the background rather than streamed.
EXPORT_STREAM_MAX_ROWS = int(os.environ.get("EXPORT_STREAM_MAX_ROWS", "20000"))
# When the worker runs the nightly work (sealing, a full verification), in UK time.
NIGHTLY_AT = os.environ.get("NIGHTLY_AT", "02:30")

# An upload larger than this is written to a temporary file as it arrives rather than held in memory; each form then
# refuses a file over its own limit (imports 5MB, evidence 10MB) from its size, before reading it. Form fields other
# than files (the largest is a plan's introduction) stay far below the request body limit.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "prevent-tracker@localhost")

# Sessions, cookies, the Content-Security-Policy and other headers, HTTPS behind the proxy, rate limits and sign-in
# throttling: in one module, to be reviewed together.
from .security import *  # noqa: E402, F403

# Prevent work is sensitive: sign-ins (failed, locked out, succeeded), sessions ended, and pages refused or hidden
# are logged by core.security as one JSON object a line on the "prevent.security" logger.
# One JSON object a line on the console (core.logs), each with the request id (core.request_id), for the log
# collector. Security events (core.security) are lines of their own logger, prevent.security.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {"json": {"()": "core.logs.JsonLines"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "prevent.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # Wrong and refused second-factor codes, set-ups and resets.
        "mfa": {"level": "INFO"},
        # django-axes' own lines would repeat the security events in another form.
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Rendered dashboards are cached by plan revision (never older than the record). In memory by default, one copy per
# process; with several gunicorn workers or servers set CACHE_URL=redis://host:6379/1 so they share one copy.
CACHE_URL = os.environ.get("CACHE_URL", "")
# A Redis that hangs or refuses must not take the pages with it: core.cache bounds each call to
# CACHE_TIMEOUT_SECONDS and, after a failure, serves without the cache for CACHE_RETRY_SECONDS.
if CACHE_URL:
    CACHE_TIMEOUT_SECONDS = float(os.environ.get("CACHE_TIMEOUT_SECONDS", "0.25"))
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "TIMEOUT": 86400,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
                "retry_after": int(os.environ.get("CACHE_RETRY_SECONDS", "30")),
            },
        }
    }

# A status counts as stale after one Board cycle without an update.
STALE_AFTER_DAYS = int(os.environ.get("STALE_AFTER_DAYS", "60"))
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "prevent-demo-2026")
# How long the link in a lead's invitation stays usable; the coordinator can send it again after that.
INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "14"))
