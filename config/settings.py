"""The only settings module. Every knob is an environment variable (see .env.example).

With no variables set, Cohort runs on the embedded default: a SQLite file, a
local-memory cache and Celery tasks run in-process. DATABASE_URL, REDIS_URL and
CELERY_BROKER_URL switch each piece to its production counterpart.
"""

import secrets
from pathlib import Path

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from csp import constants as csp

from config import env, sentry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("COHORT_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _embedded_secret_key() -> str:
    """A key generated once per checkout, so the embedded default needs no configuration."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = env.string("SECRET_KEY") or _embedded_secret_key()
DEBUG = env.boolean("DEBUG", False)
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_ratelimit",
    "django_htmx",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # organisers' single-use recovery codes
    "cohort.core",
    "cohort.ops",
    "cohort.accounts",
    "cohort.notifications",
    "cohort.journeys",
    "cohort.competition",
    "cohort.activity",
    "cohort.devices",
    "cohort.reviews",
    "cohort.messaging",
    "cohort.analytics",
    "cohort.mentoring",
    "cohort.dashboard",
    "cohort.organise",
    "cohort.demo",
]

MIDDLEWARE = [
    "cohort.ops.middleware.MetricsMiddleware",
    "cohort.ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and every view: a NUL in the path, query or form is a 400.
    "cohort.core.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware (Django's order): the language from the
    # switcher's cookie, else Accept-Language, else English. It reads no session.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in member's profile language wins over the browser's.
    "cohort.accounts.middleware.ProfileLanguageMiddleware",
    "cohort.accounts.middleware.SessionTimeoutMiddleware",
    "cohort.accounts.middleware.OrganiserTwoFactorMiddleware",
    "cohort.accounts.middleware.PersonalPasswordMiddleware",
    "cohort.accounts.middleware.TermsGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cohort.core.middleware.CSPMiddleware",
    "cohort.core.middleware.DomainErrorMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cohort.core.context_processors.site",
                "cohort.core.context_processors.navigation",
                "cohort.notifications.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
if env.is_set("DATABASE_URL"):
    DATABASES = {
        "default": env.database_from_url(
            env.string("DATABASE_URL"), pool=env.boolean("DB_POOL", True)
        )
    }
    # Behind PgBouncer in transaction mode: no WITH HOLD cursors (QuerySet.iterator()
    # then fetches in chunks of plain queries).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.boolean(
        "DB_DISABLE_SERVER_SIDE_CURSORS", False
    )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "cohort.sqlite3",
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
            # failing half-way with "database is locked".
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not memory, so tests can close and reopen it like a real database.
            "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
        }
    }
# A PostgreSQL streaming replica (hot standby) for reads: cohort/core/db_router.py sends a
# web request's reads there until it writes, then the primary for the rest of the request
# and REPLICA_PIN_SECONDS after (a cookie); sessions, accounts and tokens always read the
# primary, as do Celery tasks and commands. Unset: one database, nothing routed.
REPLICA_PIN_SECONDS = env.integer("REPLICA_PIN_SECONDS", 5, minimum=0)
if env.is_set("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = env.database_from_url(
        env.string("DATABASE_REPLICA_URL"), pool=env.boolean("DB_POOL", True)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the same test database
    DATABASE_ROUTERS = ["cohort.core.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE = ["cohort.core.db_router.ReplicaRoutingMiddleware", *MIDDLEWARE]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------------
REDIS_URL = env.string("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down is a miss or a no-op, not an error: the degraded mode
            # (docs/reliability.md). After a failure it is left alone for
            # CACHE_RETRY_SECONDS, so a dead Redis costs one short timeout per period.
            "BACKEND": "cohort.core.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.string("CACHE_KEY_PREFIX", "cohort"),
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_SECONDS": env.integer("CACHE_RETRY_SECONDS", 5, minimum=1),
            },
        }
    }
    # Sessions are written to the database and read through the cache: they survive Redis
    # going away or restarting empty.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

SESSION_IDLE_TIMEOUT = env.integer("SESSION_IDLE_TIMEOUT", 2 * 3600, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = env.integer("SESSION_ABSOLUTE_TIMEOUT", 24 * 3600, minimum=60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security (the production profile: HTTPS=1) -----------------------------------------
# How many reverse proxies sit in front of the app; their X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0, minimum=0)
HTTPS = env.boolean("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# htmx sends the token from the page (hx-headers in base.html); no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
# X-Forwarded-Proto is believed only from a proxy we trust (TLS_PROXY_HEADER, on by default
# when TRUSTED_PROXY_COUNT > 0): without one, any client could claim to be on HTTPS.
TLS_PROXY_HEADER = env.boolean("TLS_PROXY_HEADER", HTTPS and TRUSTED_PROXY_COUNT > 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TLS_PROXY_HEADER else None
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", HTTPS)
# Load balancers probe over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]  # probes and scrapes may use plain HTTP
# HSTS: a year by default under HTTPS. Subdomains and preload can be turned off (then
# `check --deploy` says so) for a domain whose other hosts are not all on HTTPS yet.
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 365 * 86400 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# --- Maps -----------------------------------------------------------------------------
# The map's tiles: any XYZ server ({z}/{x}/{y}, {s} for subdomains); empty: no tiles, the
# route, milestones and members drawn on a plain background (an offline pilot).
MAP_TILE_URL = env.string("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.string(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
MAP_TILE_ORIGIN = env.url_origin("MAP_TILE_URL", MAP_TILE_URL)  # for the CSP's img-src

# Content Security Policy (django-csp): our own scripts only (htmx is served from static),
# no inline <script>; inline style= attributes (the progress bars) are allowed. The one
# hash lets the `onclick="this.select()"` on the token and invite-link fields run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [
            csp.SELF,
            csp.UNSAFE_HASHES,
            "'sha256-biFQTroSCI3Z5BmsMGyEE2jFZdwjjG1Oe7JLytgH6jM='",  # this.select()
        ],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        # The map's tile server only when one is set.
        "img-src": [csp.SELF, "data:", *([MAP_TILE_ORIGIN] if MAP_TILE_ORIGIN else [])],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

# --- Authentication -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["cohort.accounts.backends.CohortBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
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
# Failed sign-ins allowed per window (django-ratelimit syntax). A classroom shares one
# address, so the per-IP budget is generous while the per-email one is tight.
LOGIN_FAILURES_PER_EMAIL = env.string("LOGIN_FAILURES_PER_EMAIL", "5/15m")
LOGIN_FAILURES_PER_IP = env.string("LOGIN_FAILURES_PER_IP", "100/15m")
RATELIMIT_USE_CACHE = "default"
# With the cache down (the degraded mode) limits are not counted rather than refusing
# every request: sign-in and activity writes keep working, without their limits.
RATELIMIT_FAIL_OPEN = True
INVITE_MAX_AGE_DAYS = env.integer("INVITE_MAX_AGE_DAYS", 7, minimum=1)
# Personal API tokens stop working this many days after they are made (401 after that).
API_TOKEN_MAX_AGE_DAYS = env.integer("API_TOKEN_MAX_AGE_DAYS", 180, minimum=1)
REGISTRATION_OPEN = env.boolean("REGISTRATION_OPEN", False)
# Organisers confirm each sign-in with a TOTP code (django-otp); the first sign-in enrols an
# authenticator app. Wrong codes allowed per organiser per window (django-ratelimit syntax).
ORGANISER_2FA_REQUIRED = env.boolean("ORGANISER_2FA_REQUIRED", True)
TWO_FACTOR_FAILURES_PER_USER = env.string("TWO_FACTOR_FAILURES_PER_USER", "5/15m")
OTP_TOTP_ISSUER = env.string("OTP_TOTP_ISSUER", "Cohort")

# --- Activity ---------------------------------------------------------------------------
ACTIVITY_MAX_STEPS = env.integer("ACTIVITY_MAX_STEPS", 100_000, minimum=1)
ACTIVITY_EDIT_WINDOW_DAYS = env.integer("ACTIVITY_EDIT_WINDOW_DAYS", 7, minimum=1)
# A day above this (or far above the member's own history) is accepted but flagged for review.
ACTIVITY_FLAG_STEPS = env.integer("ACTIVITY_FLAG_STEPS", 40_000, minimum=1)
ACTIVITY_FLAG_MIN_SPREAD = env.integer("ACTIVITY_FLAG_MIN_SPREAD", 2_000, minimum=0)
ACTIVITY_UPDATES_PER_MEMBER = env.string("ACTIVITY_UPDATES_PER_MEMBER", "30/m")
SHEET_TIMEOUT_SECONDS = env.integer("SHEET_TIMEOUT_SECONDS", 10, minimum=1)
# A sheet's URL (and every redirect) must resolve to public addresses only; set this for a
# sheet server inside your own network (loopback, private, link-local).
SHEET_ALLOW_PRIVATE_ADDRESSES = env.boolean("SHEET_ALLOW_PRIVATE_ADDRESSES", False)
# The groups' sheets are read daily at SHEET_SYNC_TIME in NIGHTLY_TIME_ZONE, before the
# nightly recompute. With SHEET_SYNC_SKIP_INVALID a sheet's good rows land despite bad ones.
SHEET_SYNC_TIME = env.string("SHEET_SYNC_TIME", "23:45")
SHEET_SYNC_SKIP_INVALID = env.boolean("SHEET_SYNC_SKIP_INVALID", False)
# When the nightly recompute runs, in words: at NIGHTLY_TIME in NIGHTLY_TIME_ZONE.
NIGHTLY_TIME = env.string("NIGHTLY_TIME", "23:59")
NIGHTLY_TIME_ZONE = env.string("NIGHTLY_TIME_ZONE", "America/Chicago")
PROGRESS_CHUNK_GROUPS = env.integer("PROGRESS_CHUNK_GROUPS", 500, minimum=1)

# --- Seasons, points and streaks --------------------------------------------------------
# `update_seasons` runs daily at SEASON_UPDATE_TIME in NIGHTLY_TIME_ZONE: it finalises the
# season that ended, activates the one that began and opens the next.
SEASON_UPDATE_TIME = env.string("SEASON_UPDATE_TIME", "00:05")
# LeetCode's public GraphQL endpoint (a local server in tests), read daily at
# LEETCODE_SYNC_TIME in NIGHTLY_TIME_ZONE, at most LEETCODE_REQUESTS_PER_SECOND, each call
# within LEETCODE_TIMEOUT_SECONDS and retried LEETCODE_RETRIES times with backoff.
LEETCODE_BASE_URL = env.string("LEETCODE_BASE_URL", "https://leetcode.com")
LEETCODE_SYNC_TIME = env.string("LEETCODE_SYNC_TIME", "23:30")
LEETCODE_TIMEOUT_SECONDS = env.integer("LEETCODE_TIMEOUT_SECONDS", 10, minimum=1)
LEETCODE_RETRIES = env.integer("LEETCODE_RETRIES", 3, minimum=0)
LEETCODE_REQUESTS_PER_SECOND = env.integer("LEETCODE_REQUESTS_PER_SECOND", 2, minimum=1)

# --- Device sync (cohort.devices; docs/operations.md "Device sync") -----------------------
# Tokens are encrypted at rest with Fernet: DEVICE_TOKEN_KEY (a Fernet key, or
# DEVICE_TOKEN_KEY_FILE), else a key derived from SECRET_KEY. Every call to a provider gives
# up after DEVICE_HTTP_TIMEOUT seconds. The nightly sync runs at DEVICE_SYNC_TIME in each
# member's own zone and a "today so far" refresh every DEVICE_REFRESH_MINUTES, in chunks of
# DEVICE_SYNC_CHUNK members; a failing call is retried DEVICE_SYNC_RETRIES times with backoff.
DEVICE_TOKEN_KEY = env.string("DEVICE_TOKEN_KEY")
DEVICE_HTTP_TIMEOUT = float(env.integer("DEVICE_HTTP_TIMEOUT", 10, minimum=1))
DEVICE_SYNC_TIME = env.string("DEVICE_SYNC_TIME", "23:50")
DEVICE_REFRESH_MINUTES = env.integer("DEVICE_REFRESH_MINUTES", 60, minimum=5)
DEVICE_SYNC_CHUNK = env.integer("DEVICE_SYNC_CHUNK", 200, minimum=1)
DEVICE_SYNC_RETRIES = env.integer("DEVICE_SYNC_RETRIES", 3, minimum=0)
DEVICE_STALE_DAYS = env.integer("DEVICE_STALE_DAYS", 3, minimum=1)
# Google Health API (the Fitbit Web API's successor): enabled when both are set.
GOOGLE_HEALTH_CLIENT_ID = env.string("GOOGLE_HEALTH_CLIENT_ID")
GOOGLE_HEALTH_CLIENT_SECRET = env.string("GOOGLE_HEALTH_CLIENT_SECRET")
GOOGLE_HEALTH_AUTH_URL = env.string("GOOGLE_HEALTH_AUTH_URL")
GOOGLE_HEALTH_TOKEN_URL = env.string("GOOGLE_HEALTH_TOKEN_URL")
GOOGLE_HEALTH_REVOKE_URL = env.string("GOOGLE_HEALTH_REVOKE_URL")
GOOGLE_HEALTH_API_URL = env.string("GOOGLE_HEALTH_API_URL")
GOOGLE_HEALTH_REQUESTS_PER_MINUTE = env.integer("GOOGLE_HEALTH_REQUESTS_PER_MINUTE", 600, minimum=1)
# Our pace with the other providers, when set (else each adapter's published limit).
for _provider in ("WITHINGS", "OURA", "POLAR"):
    if env.is_set(f"{_provider}_REQUESTS_PER_MINUTE"):
        globals()[f"{_provider}_REQUESTS_PER_MINUTE"] = env.integer(
            f"{_provider}_REQUESTS_PER_MINUTE", 60, minimum=1
        )
# A submission's file may be at most this many bytes (10 MB by default); larger is a 413.
SUBMISSION_MAX_BYTES = env.integer("SUBMISSION_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# A submission carries at most this many files.
SUBMISSION_MAX_FILES = env.integer("SUBMISSION_MAX_FILES", 10, minimum=1)
# A path's GPX or GeoJSON file may be at most this many bytes (10 MB, a GPS track of some
# 50,000 points); larger is a 413, refused by its size before it is read.
PATH_FILE_MAX_BYTES = env.integer("PATH_FILE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# A members CSV (the People page, a leader's bulk add, POST /api/v1/imports/members) may be
# at most this many bytes (2 MB, some 40,000 members); larger is a 413 before it is read.
MEMBERS_CSV_MAX_BYTES = env.integer("MEMBERS_CSV_MAX_BYTES", 2 * 1024 * 1024, minimum=1)
# Uploaded files go to local media unless USE_CLOUD_STORAGE: then to a private S3 bucket
# (no public ACL; files are served only through our permission-checking view).
USE_CLOUD_STORAGE = env.boolean("USE_CLOUD_STORAGE")
AWS_STORAGE_BUCKET_NAME = env.string("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = env.string("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = env.string("AWS_S3_REGION_NAME") or None
AWS_ACCESS_KEY_ID = env.string("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = env.string("AWS_SECRET_ACCESS_KEY") or None
if USE_CLOUD_STORAGE and not AWS_STORAGE_BUCKET_NAME:
    raise env.ImproperlyConfigured("USE_CLOUD_STORAGE needs AWS_STORAGE_BUCKET_NAME.")

# --- Write limits (django-ratelimit syntax, per person; then 429 with Retry-After) --------
# Each message notifies the other side; each announcement every member of its audience.
MESSAGES_PER_SENDER = env.rate("MESSAGES_PER_SENDER", "20/m")
SUBMISSIONS_PER_MEMBER = env.rate("SUBMISSIONS_PER_MEMBER", "10/m")
ANNOUNCEMENTS_PER_AUTHOR = env.rate("ANNOUNCEMENTS_PER_AUTHOR", "20/h")

# --- Notifications and email ------------------------------------------------------------
# How often the navigation's unread badge asks the server (htmx polling).
NOTIFICATION_POLL_SECONDS = env.integer("NOTIFICATION_POLL_SECONDS", 30, minimum=5)
# Emails for notifications go out every NOTIFICATION_EMAIL_SECONDS; digests daily at
# DIGEST_TIME in NIGHTLY_TIME_ZONE.
NOTIFICATION_EMAIL_SECONDS = env.integer("NOTIFICATION_EMAIL_SECONDS", 60, minimum=10)
DIGEST_TIME = env.string("DIGEST_TIME", "07:00")
# Web Push (the installable app's notifications): a VAPID key pair and a contact, made with
# `manage.py generate_vapid_keys`. Without both keys push is off and the settings page says
# so. The keys are base64url (the public one an uncompressed P-256 point, the private one the
# raw 32-byte scalar); VAPID_PRIVATE_KEY_FILE reads it from a file.
VAPID_PUBLIC_KEY = env.string("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env.string("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env.string("VAPID_SUBJECT", "mailto:cohort@localhost")
PUSH_ENABLED = bool(VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)
# Push services the server will post to (host suffixes, https only): the browsers' own. A
# subscription naming any other host is refused, so the server never posts to an address a
# member chose. Notifications held by quiet hours go out every PUSH_SEND_SECONDS.
PUSH_SERVICE_HOSTS = env.string_list(
    "PUSH_SERVICE_HOSTS",
    [
        "fcm.googleapis.com",
        "push.services.mozilla.com",
        "notify.windows.com",
        "push.apple.com",
    ],
)
PUSH_SEND_SECONDS = env.integer("PUSH_SEND_SECONDS", 60, minimum=10)
# The Redis leaderboards are rebuilt from the database daily at this time (NIGHTLY_TIME_ZONE).
LEADERBOARD_REBUILD_TIME = env.string("LEADERBOARD_REBUILD_TIME", "00:30")
ANALYTICS_TIME = env.string("ANALYTICS_TIME", "00:45")  # recompute_analytics, daily
# The site's address, for links in emails.
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Cohort <cohort@localhost>")
# With EMAIL_HOST set, mail goes over SMTP; without it, to the console (the embedded default).
EMAIL_HOST = env.string("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env.integer("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 10, minimum=1)

# --- Device providers: Withings, Oura, Polar -------------------------------------------
# Each is enabled when its client id and secret are both set (`<NAME>_CLIENT_SECRET_FILE`
# works too). The base URLs default to the provider's own (empty here means that default) and
# are overridden in tests to point at local fakes. See docs/operations.md.
WITHINGS_CLIENT_ID = env.string("WITHINGS_CLIENT_ID")
WITHINGS_CLIENT_SECRET = env.string("WITHINGS_CLIENT_SECRET")
WITHINGS_AUTH_URL = env.string("WITHINGS_AUTH_URL")  # account.withings.com/oauth2_user/...
WITHINGS_TOKEN_URL = env.string("WITHINGS_TOKEN_URL")  # wbsapi.withings.net/v2/oauth2
WITHINGS_API_URL = env.string("WITHINGS_API_URL")  # wbsapi.withings.net
# Withings signs no notification: ours carry this secret in their URL, and without it none
# is accepted. With it, each member's connection subscribes WITHINGS_CALLBACK_URL.
WITHINGS_WEBHOOK_SECRET = env.string("WITHINGS_WEBHOOK_SECRET")
WITHINGS_CALLBACK_URL = env.string(
    "WITHINGS_CALLBACK_URL",
    f"{SITE_URL}/api/v1/devices/withings/webhook" if WITHINGS_WEBHOOK_SECRET else "",
)
OURA_CLIENT_ID = env.string("OURA_CLIENT_ID")
OURA_CLIENT_SECRET = env.string("OURA_CLIENT_SECRET")  # also the key of its webhook HMAC
OURA_AUTH_URL = env.string("OURA_AUTH_URL")  # cloud.ouraring.com/oauth/authorize
OURA_TOKEN_URL = env.string("OURA_TOKEN_URL")  # api.ouraring.com/oauth/token
OURA_API_URL = env.string("OURA_API_URL")  # api.ouraring.com
OURA_REVOKE_URL = env.string("OURA_REVOKE_URL")  # api.ouraring.com/oauth/revoke
# The verification_token given when subscribing Oura's webhooks (its GET challenge).
OURA_WEBHOOK_VERIFICATION_TOKEN = env.string("OURA_WEBHOOK_VERIFICATION_TOKEN")
POLAR_CLIENT_ID = env.string("POLAR_CLIENT_ID")
POLAR_CLIENT_SECRET = env.string("POLAR_CLIENT_SECRET")
POLAR_AUTH_URL = env.string("POLAR_AUTH_URL")  # flow.polar.com/oauth2/authorization
POLAR_TOKEN_URL = env.string("POLAR_TOKEN_URL")  # polarremote.com/v2/oauth2/token
POLAR_API_URL = env.string("POLAR_API_URL")  # www.polaraccesslink.com
# The signature_secret_key Polar returned once, when our webhook was created.
POLAR_WEBHOOK_SECRET = env.string("POLAR_WEBHOOK_SECRET")

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en"
# The languages of the pages, emails, notifications and API errors: a member's profile
# language, else the sign-in page's switcher (a cookie), else Accept-Language, else English.
# Adding one: README.md, "Languages".
LANGUAGES = [("en", "English"), ("es", "Español"), ("hi", "हिन्दी")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The programme's own time zone: the default for members and for "today".
PROGRAMME_TIME_ZONE = env.string("PROGRAMME_TIME_ZONE", "America/Chicago")

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet and its marker clusters come from their XStatic packages (PyPI), no npm step.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "cohort.core.staticfiles.StaticFilesStorage"},
}
if USE_CLOUD_STORAGE:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
            "default_acl": None,  # private: the bucket's own policy, never public-read
            "querystring_auth": True,  # any URL the backend makes is signed and expires
            "file_overwrite": False,
        },
    }
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Feature flags (the seed's names; each default is the better behaviour) -------------
# USE_ANALYTICS_SUMMARY: pages read the pre-computed summaries (off: computed per request).
USE_ANALYTICS_SUMMARY = env.boolean("USE_ANALYTICS_SUMMARY", True)
# USE_NOTIFICATION_CACHE: the unread count comes from the versioned cache (off: counted).
USE_NOTIFICATION_CACHE = env.boolean("USE_NOTIFICATION_CACHE", True)
# USE_ASYNC_TASKS: queue jobs to Celery when a broker is configured (off: run in-process).
USE_ASYNC_TASKS = env.boolean("USE_ASYNC_TASKS", True)
# LOG_QUERY_TIMES: log every query slower than SLOW_QUERY_MS (off by default: it wraps
# every query).
LOG_QUERY_TIMES = env.boolean("LOG_QUERY_TIMES", False)
SLOW_QUERY_MS = env.integer("SLOW_QUERY_MS", 200, minimum=1)
FEATURE_FLAGS = (
    "USE_ANALYTICS_SUMMARY",
    "USE_NOTIFICATION_CACHE",
    "USE_CLOUD_STORAGE",
    "USE_ASYNC_TASKS",
    "LOG_QUERY_TIMES",
)
# /metrics answers organisers and `Authorization: Bearer <METRICS_TOKEN>` (or METRICS_TOKEN_FILE);
# empty: organisers only. Multiprocess mode: PROMETHEUS_MULTIPROC_DIR (docs/operations.md).
METRICS_TOKEN = env.string("METRICS_TOKEN")

# --- Retention (`manage.py prune`, daily at 03:00 in NIGHTLY_TIME_ZONE) -------------------
# Read notifications are kept this many days (unread ones always); job runs and audit events
# theirs.
RETENTION_NOTIFICATION_DAYS = env.integer("RETENTION_NOTIFICATION_DAYS", 180, minimum=1)
RETENTION_JOB_RUN_DAYS = env.integer("RETENTION_JOB_RUN_DAYS", 90, minimum=1)
RETENTION_AUDIT_DAYS = env.integer("RETENTION_AUDIT_DAYS", 365, minimum=1)

# --- Background jobs ---------------------------------------------------------------------
CELERY_BROKER_URL = env.string("CELERY_BROKER_URL")
# Without a broker (or with USE_ASYNC_TASKS off) every task runs in-process, when queued.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or not USE_ASYNC_TASKS
# Without a broker there is no beat: each server process runs the beat schedule itself in one
# thread (cohort/ops/schedule.py), each run claimed in the database. Off with a broker.
SCHEDULE_IN_PROCESS = env.boolean("SCHEDULE_IN_PROCESS", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.string("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces Django's own per-request lines.
        "django.server": {"handlers": [], "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# django-ratelimit lists only django-redis as "supported"; Django's own RedisCache has the
# same atomic add/incr. Local memory is fine for the single-process embedded default.
# models.W040: SQLite builds covering indexes without their INCLUDE columns, which is fine.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "models.W040"] + (
    [] if REDIS_URL else ["django_ratelimit.E003"]
)

SENTRY_ENABLED = sentry.sentry_configure()  # SENTRY_DSN set: errors go to Sentry
