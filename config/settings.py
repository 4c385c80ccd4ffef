"""Settings for every environment. Anything that varies by deployment comes from the environment.

Embedded default (no variables set): SQLite file, Celery eager, DEBUG on, a development secret key.
Services mode: DATABASE_URL=postgres://..., CELERY_BROKER_URL=redis://...
Production: DJANGO_ENV=production makes SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL mandatory.
"""

from datetime import date
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

PRODUCTION = env("DJANGO_ENV", default="development") == "production"

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")  # no default for production secrets
    DEBUG = env.bool("DEBUG", default=False)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env(
        "SECRET_KEY", default="dev-only-insecure-key-not-for-production-0123456789abcdef"
    )
    DEBUG = env.bool("DEBUG", default=True)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # FORM_RENDERER = TemplatesSetting needs the built-in form templates
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "simple_history",
    "accounts",
    "casework",
    "scorecard",
    "surgeries",
    "perf",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.RequestIdMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the dev server read while a seed or rollup writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["timeout"] = 30
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Transactional tests with serialized rollback restore the rows migrations made; the 13,000-row
# working-day calendar is rebuilt in bulk instead (tests/worker.py), which is far faster.
TEST_NON_SERIALIZED_APPS = ["casework"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
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
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: idle timeout (refreshed on each request) and an absolute lifetime (accounts middleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login throttling (django-axes): lock the username+address pair after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# Second factor: roles that must use TOTP. Other roles may opt in.
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES", default=["administrator", "performance_officer"]
)
# Off only in tests that are not about the second factor (tests/conftest.py).
OTP_ENFORCED = env.bool("OTP_ENFORCED", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Children's Services Scorecard")
# The admin never shows a device's secret: no key field, and django-otp's QR code and config
# pages answer 403, so an administrator cannot copy another user's second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Security headers. Production turns on HTTPS-only behaviour.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Django's built-in Content Security Policy, with nonces; never unsafe-inline.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

ADMIN_URL = env("ADMIN_URL", default="manage/")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if not PRODUCTION
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="scorecard@council.example")

# --- The council and its reporting date -------------------------------------------------------
COUNCIL_NAME = env("COUNCIL_NAME", default="Anyshire County Council")
COUNCIL_LA_CODE = env("COUNCIL_LA_CODE", default="916")
# The app's "current date": today, or the latest date of loaded data when set (demo: 2018-09-30).
_reporting = env("REPORTING_DATE", default="")
REPORTING_DATE: date | None = date.fromisoformat(_reporting) if _reporting else None

# How far from the app's current date a surgery's meeting date may be (calendar months). The
# agenda is read as at the meeting date but shown through the user's scope today, so a meeting
# years back would be built from lists nobody can act on now: it is refused.
SURGERY_DATE_MONTHS_BACK = env.int("SURGERY_DATE_MONTHS_BACK", default=1)
SURGERY_DATE_MONTHS_AHEAD = env.int("SURGERY_DATE_MONTHS_AHEAD", default=3)

# Local timescales used by the measures (DESIGN.md section 6). Working days unless named otherwise.
TIMESCALES = {
    "allocation_wd": 5,
    "first_seen_after_referral_wd": 5,
    "first_seen_after_s47_wd": 1,
    "assessment_wd": 45,
    "cin_visit_wd": 20,
    "cin_plan_after_assessment_wd": 10,
    "cp_visit_wd": 10,
    "icpc_wd": 15,
    "cic_new_entrant_health_wd": 20,
    "visit_recording_wd": 5,
    "due_soon_wd": 5,
}

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
# Without a broker, tasks run in process: the embedded default needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A queue of its own lets a test worker share a Redis database with others (tests/worker.py).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    # Outside 01:00-02:59 Europe/London so clock changes neither skip nor repeat it.
    "nightly-rollup": {
        "task": "scorecard.tasks.rollup_yesterday",
        "schedule": crontab(hour=3, minute=30),
    },
    # The day's exception lists for the workbench (surgeries/lists/stored.py), after the rollup.
    "refresh-exception-lists": {
        "task": "surgeries.tasks.refresh_exception_lists",
        "schedule": crontab(hour=4, minute=30),
    },
    "escalate-overdue-actions": {
        "task": "surgeries.tasks.escalate_overdue_actions",
        "schedule": crontab(hour=6, minute=15),
    },
    "weekly-digest": {
        "task": "surgeries.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
}

# --- Logging: no personal data. Request paths use public ids, never names. ------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # At DEBUG, Django logs every failed template variable lookup with the context it looked
        # in: child names and dates of birth. Never below INFO, whatever LOG_LEVEL says.
        "django.template": {"level": "INFO"},
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/govuk.html"
