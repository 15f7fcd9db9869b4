"""Settings for the Kallglot Agent Console, read from the environment (see README)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from kallglot_web import local_secrets

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = BASE_DIR / ".env"
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

# --- Kallglot: live or sandbox -------------------------------------------------------------
KALLGLOT_API_KEY = env.str("KALLGLOT_API_KEY", default="")
KALLGLOT_SANDBOX = env.bool("KALLGLOT_SANDBOX", default=not KALLGLOT_API_KEY)
if KALLGLOT_SANDBOX and local_secrets.ensure(ENV_FILE, os.environ):
    environ.Env.read_env(ENV_FILE)  # the secrets just made for this installation
# Sandbox mode may listen beyond this machine's loopback only when this says so (bin/serve).
KALLGLOT_SANDBOX_PUBLIC = env.bool("KALLGLOT_SANDBOX_PUBLIC", default=False)
KALLGLOT_SANDBOX_API_KEY = env.str("KALLGLOT_SANDBOX_API_KEY", default="")
# Where this app is reachable; in sandbox mode the app talks to its own sandbox through it
# and the sandbox delivers webhooks to it.
APP_BASE_URL = env.str("APP_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

if KALLGLOT_SANDBOX:
    KALLGLOT_API_KEY = KALLGLOT_API_KEY or KALLGLOT_SANDBOX_API_KEY
    KALLGLOT_API_BASE = env.str("KALLGLOT_API_BASE", default=f"{APP_BASE_URL}/sandbox/v1")
    KALLGLOT_WEBHOOK_SECRET = env.str("KALLGLOT_WEBHOOK_SECRET")
else:
    KALLGLOT_API_BASE = env.str("KALLGLOT_API_BASE", default="https://api.kallglot.com/v1")
    KALLGLOT_WEBHOOK_SECRET = env.str("KALLGLOT_WEBHOOK_SECRET", default="")
    if not KALLGLOT_WEBHOOK_SECRET:
        raise ImproperlyConfigured("KALLGLOT_WEBHOOK_SECRET is required when the sandbox is off.")
KALLGLOT_API_BASE = KALLGLOT_API_BASE.rstrip("/")

# The sandbox delivers its signed webhooks here (the app's own receiver by default).
KALLGLOT_SANDBOX_WEBHOOK_URL = env.str(
    "KALLGLOT_SANDBOX_WEBHOOK_URL", default=f"{APP_BASE_URL}/webhooks/kallglot"
)
# The telephony the sandbox plays (kallglot_sandbox/README.md, "Telephony"): the managed numbers
# and external connections it knows ("number:carrier,…", "pcon_…:carrier,…"), and the
# connection a session without routing gets (none: browser only).
KALLGLOT_SANDBOX_NUMBERS = env.str(
    "KALLGLOT_SANDBOX_NUMBERS", default="+4930901820:twilio,+14155550123:telnyx"
)
KALLGLOT_SANDBOX_CONNECTIONS = env.str(
    "KALLGLOT_SANDBOX_CONNECTIONS", default="pcon_sandbox_twilio:twilio,pcon_sandbox_telnyx:telnyx"
)
KALLGLOT_SANDBOX_DEFAULT_CONNECTION = env.str("KALLGLOT_SANDBOX_DEFAULT_CONNECTION", default="")
# The sandbox's webhook retry schedule (kallglot-api.md §4.6) is multiplied by this factor.
KALLGLOT_SANDBOX_RETRY_SCALE = env.float("KALLGLOT_SANDBOX_RETRY_SCALE", default=1.0)

# Upstream client behaviour (sessions_app/kallglot.py).
KALLGLOT_TIMEOUT_CONNECT = env.float("KALLGLOT_TIMEOUT_CONNECT", default=3.0)
KALLGLOT_TIMEOUT_READ = env.float("KALLGLOT_TIMEOUT_READ", default=10.0)
KALLGLOT_MAX_ATTEMPTS = env.int("KALLGLOT_MAX_ATTEMPTS", default=4)
KALLGLOT_DEADLINE = env.float("KALLGLOT_DEADLINE", default=20.0)

# Languages offered in the console (codes from kallglot-api.md §5.1; names in languages.py).
CONSOLE_LANGUAGES = env.list(
    "CONSOLE_LANGUAGES",
    default=[
        "en",
        "de",
        "es",
        "fr",
        "it",
        "pt",
        "nl",
        "pl",
        "sv",
        "da",
        "fi",
        "no",
        "cs",
        "el",
        "ro",
        "hu",
        "tr",
        "ru",
        "uk",
        "ar",
        "he",
        "hi",
        "zh",
        "ja",
        "ko",
    ],
)
# Per-agent limits on session creation (each session costs an upstream credit).
SESSION_CREATE_PER_MINUTE = env.int("SESSION_CREATE_PER_MINUTE", default=10)
MAX_LIVE_SESSIONS_PER_AGENT = env.int("MAX_LIVE_SESSIONS_PER_AGENT", default=3)
# A customer who hangs up ends the call after this many seconds unless the leg comes back.
CUSTOMER_HANGUP_GRACE = env.float("CUSTOMER_HANGUP_GRACE", default=15.0)
# The console stops reconnecting a call's stream after this many seconds without it and says
# so (the call may still be open: Reconnect or End); its status socket then retries slowly.
CONSOLE_RECONNECT_LIMIT = env.float("CONSOLE_RECONNECT_LIMIT", default=45.0)
# Inbound calls (sessions_app/inbound.py, queues.py). The centre's Twilio auth token signs
# Twilio's webhooks to the app; without it they are all refused (403).
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
# Outbound calls (sessions_app/dialing.py) go through the centre's Twilio account's Calls API;
# in sandbox mode the sandbox's stand-in plays it, with its fixed test account.
TWILIO_ACCOUNT_SID = env.str(
    "TWILIO_ACCOUNT_SID", default="AC" + "5a4db0c5" * 4 if KALLGLOT_SANDBOX else ""
)
# How long a dialled customer's phone rings before the call ends unanswered.
DIAL_RING_SECONDS = env.int("DIAL_RING_SECONDS", default=30)
# After a call an agent has this long to file it before they are Available again.
WRAP_UP_SECONDS = env.int("WRAP_UP_SECONDS", default=60)
# An agent whose console pages have all gone away is offered calls for this long (a reload).
AGENT_PRESENCE_GRACE = env.float("AGENT_PRESENCE_GRACE", default=15.0)
# A live call whose console page went away (closed, crashed) with no other page taking it over
# is ended by the server after this long: a reload or another tab takes it back meanwhile.
CALL_PAGE_GRACE = env.float("CALL_PAGE_GRACE", default=30.0)
# How long a call waits in a queue that has no timeout of its own.
QUEUE_TIMEOUT_SECONDS = env.int("QUEUE_TIMEOUT_SECONDS", default=180)
# Post-call analysis costs a credit each: the profiles agents may ask for, how many analyses
# one call may have, and how many one person may request an hour.
ANALYSIS_PROFILES = env.list("ANALYSIS_PROFILES", default=["default"])
MAX_ANALYSES_PER_CALL = env.int("MAX_ANALYSES_PER_CALL", default=3)
ANALYSES_PER_HOUR = env.int("ANALYSES_PER_HOUR", default=20)
# Status-socket tickets are short-lived; the page fetches a fresh one to reconnect.
STATUS_TICKET_MAX_AGE = env.int("STATUS_TICKET_MAX_AGE", default=120)
WEBHOOK_MAX_BODY_BYTES = env.int("WEBHOOK_MAX_BODY_BYTES", default=256 * 1024)
# JSON bodies of the browser API (a call's request is well under 2 KB).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)
WEBHOOK_TOLERANCE_SECONDS = 300


def _retention_days(name: str, default: int) -> int:
    days = env.int(name, default=default)
    if days < 0:
        raise ImproperlyConfigured(f"{name} is a number of days: 0 (keep for ever) or more.")
    return days


# Personal data is kept this many days, then `manage.py purge` removes it (sessions_app/
# privacy.py); 0 keeps that kind for ever.
RETAIN_WEBHOOK_BODIES_DAYS = _retention_days("RETAIN_WEBHOOK_BODIES_DAYS", 30)
RETAIN_TRANSCRIPTS_DAYS = _retention_days("RETAIN_TRANSCRIPTS_DAYS", 365)
RETAIN_RECORDINGS_DAYS = _retention_days("RETAIN_RECORDINGS_DAYS", 90)
RETAIN_CUSTOMER_NUMBERS_DAYS = _retention_days("RETAIN_CUSTOMER_NUMBERS_DAYS", 90)

# --- Django core ---------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when the sandbox is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "daphne",
    "sessions_app.admin_site.ConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "csp",
    "axes",
    "sessions_app",
    "kallglot_sandbox",
]

MIDDLEWARE = [
    # Outermost, so it sees the cookies every other middleware sets.
    "sessions_app.middleware.PartitionedCookies",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times in the agent's own zone, which their browser names in a cookie.
    "sessions_app.middleware.AgentTimezone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Turns a sign-in refused for too many failures into the login page that says when to retry.
    "axes.middleware.AxesMiddleware",
    # Last, because it is sync-only: Django then runs the whole chain in the request's own
    # thread, switching from async once at its edge, where async-capable middleware last
    # would make every other one hop threads twice (docs/architecture.md, bench/README.md).
    "whitenoise.middleware.WhiteNoiseMiddleware",
]

ROOT_URLCONF = "kallglot_web.urls"
ASGI_APPLICATION = "kallglot_web.asgi.application"

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
                "sessions_app.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Under ASGI every request's sync code runs in a thread of its own, so a connection kept by
# that thread would be lost with it: connections are closed at the end of each request
# (Django's advice for ASGI), and PostgreSQL reuses them through its pool below.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    # Several processes (Daphne workers, the test server) share one file: wait for locks.
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait for each
    # other instead of failing on a lock upgrade; WAL lets readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    # A file-backed test database lets a Daphne subprocess serve the test's data.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_DB_NAME", default=str(BASE_DIR / "test_db.sqlite3"))
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's built-in pool (psycopg_pool), per worker process; docs/deploy.md sizes it.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=20),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in sessions are read from the cache, written through to the database: every request
# of a signed-in agent skipped a query and a decode (bench/).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis pub/sub: a group_send is one PUBLISH that every worker with members receives at
    # once (the list-based RedisChannelLayer takes several round trips and a poll; bench/).
    # Nothing is queued for a worker that is away; sockets catch up by sequence number.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    # Shared by the workers, so a sign-out on one reaches all.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:  # one process: its own memory is the channel layer and the cache
    CHANNEL_LAYERS = {"default": {"BACKEND": "kallglot_web.channel_layer.InMemoryChannelLayer"}}

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while its account or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in throttling (django-axes; failures are counted in the database, for every worker) --
# After SIGNIN_FAILURE_LIMIT failures an account is locked, and so is an address, each on its
# own, for SIGNIN_LOCKOUT_MINUTES after the last failure; refused embed links count against
# their address (sessions_app.signin). The address is the connection's (REMOTE_ADDR); behind a
# proxy, Daphne's --proxy-headers makes it the client's (docs/deploy.md). Supervisors release a
# lock early by deleting its access attempts in the admin.
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGNIN_LOCKOUT_MINUTES", default=15))
AXES_HANDLER = "sessions_app.signin.AttemptsHandler"
AXES_LOCKOUT_PARAMETERS = "sessions_app.signin.lockout_parameters"
AXES_RESET_ON_SUCCESS = True  # the account's failures from that address (AttemptsHandler)
# Attempts while locked out do not push the end of the lock further: the time the login page
# gives for a retry holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "sessions_app.signin.lockout_response"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security headers ----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The sandbox off and DEBUG off is production: HTTPS only, unless a setting turns it off.
PRODUCTION = not KALLGLOT_SANDBOX and not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers check over plain HTTP
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SESSION_COOKIE_SECURE)

# --- Embedding in a CRM (docs/embedding.md) ---------------------------------------------------
# Origins allowed to frame the console; empty means nobody may (frame-ancestors 'none').
EMBED_ALLOWED_ORIGINS = env.list("EMBED_ALLOWED_ORIGINS", default=[])
# Shared with the CRM backend, which signs /embed/start links with it.
EMBED_SIGNING_SECRET = env.str("EMBED_SIGNING_SECRET", default="")
# Create an agent account on first sign-in through a signed link (never a supervisor).
EMBED_CREATE_AGENTS = env.bool("EMBED_CREATE_AGENTS", default=False)
# Links sign in agents only; staff, superusers and supervisors named here may use them too.
EMBED_ALLOWED_STAFF = env.list("EMBED_ALLOWED_STAFF", default=[])
EMBED_LINK_MAX_AGE = 300
if EMBED_ALLOWED_ORIGINS:
    # Third-party iframes only get cookies that are SameSite=None, Secure and Partitioned
    # (sessions_app.middleware.PartitionedCookies adds the last one).
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 86400 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "sessions_app.errors.csrf_failure"


def _stream_origin(api_base: str) -> str:
    """The WebSocket origin the browser streams audio to (for CSP connect-src)."""
    parts = urlsplit(api_base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'", _stream_origin(KALLGLOT_API_BASE)],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": EMBED_ALLOWED_ORIGINS or ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        "django.channels.server": {"level": "WARNING"},
        # Failures and lockouts are warnings; every sign-in and sign-out would be INFO.
        "axes": {"level": "WARNING"},
    },
}
