"""Settings of the Passeport project, read from the environment only (secrets never in code).

Every variable is documented in `.env.example`. Defaults give a working embedded setup:
SQLite under `var/`, DEBUG off unless asked. See ARCHITECTURE.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PASSEPORT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui", "vrai"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "La variable d'environnement SECRET_KEY est obligatoire quand DEBUG est désactivé."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

# Key for encryption at rest of NIR and identity data, and for keyed hashes used in lookups.
# A comma-separated list: the first key encrypts, all keys decrypt (rotation).
DATA_ENCRYPTION_KEYS = env_list("DATA_ENCRYPTION_KEYS")
if not DATA_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "La variable d'environnement DATA_ENCRYPTION_KEYS est obligatoire quand DEBUG est "
            "désactivé (générez-en une avec : passeport genkey)."
        )
    DATA_ENCRYPTION_KEYS = ["ZGV2LW9ubHktZGF0YS1rZXktMzItYnl0ZXMtbG9uZyE="]
DATA_HASH_KEY = os.environ.get("DATA_HASH_KEY", "") or ("dev-only-hash-key" if DEBUG else "")
if not DATA_HASH_KEY:
    raise ImproperlyConfigured(
        "La variable d'environnement DATA_HASH_KEY est obligatoire quand DEBUG est désactivé."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
# Local demo over plain HTTP on loopback only (`passeport run`): cookies not HTTPS-only, no HTTPS
# redirect; `check --deploy` fails while it is on (core/checks.py).
PASSEPORT_INSECURE_HTTP = env_bool("PASSEPORT_INSECURE_HTTP")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dsfr",
    "django_tasks_db",
    "django_ratelimit",
    # The project's apps in the order of their layers (ARCHITECTURE.md, enforced by
    # tests/test_architecture.py): seed_demo seeds them in this order.
    "passeport.core",
    "passeport.accounts",
    "passeport.identity",
    "passeport.passport",
    "passeport.certifiers",
    "passeport.competences",
    "passeport.deposits",
    "passeport.franceconnect",
    "passeport.proofs",
    "passeport.sharing",  # before oauth2_provider: its templates override the provider's
    "oauth2_provider",
    # django-ninja serves the API reference page's static files (Swagger UI), from our origin.
    "ninja",
    "passeport.interop",
    "passeport.api",
    "passeport.pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise (static files keep their caching), above everything else: every other
    # answer, error pages included, is private and never stored unless its view says so.
    "passeport.core.middleware.NoStoreMiddleware",
    # Under /api/: every error problem+json in French, chunked bodies refused (passeport/api).
    "passeport.api.middleware.ProblemJsonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "passeport.core.context_processors.site",
            ],
        },
    },
]

# django-ratelimit warns about any cache it does not list: ours is its database cache made atomic
# (core/cache.py) or Django's own Redis cache, both shared and atomic.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Database: DATABASE_URL (postgres://… in production), SQLite file under var/ by default.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'passeport.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; busy timeout instead of "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests on SQLite use a file, not memory: worker and server subprocesses must see it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-passeport.sqlite3")}
    # One connection per request: persistent SQLite connections shared by gunicorn's threads
    # and the worker serve fewer requests (bench/bench_home.py; figures in docs/depots.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Covering indexes (INCLUDE) are PostgreSQL's; SQLite builds the same index without the
    # included columns, which is all it needs (identity.Person's step-1 index).
    SILENCED_SYSTEM_CHECKS.append("models.W040")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Sessions carry their user: one query per request loads both (passeport/accounts/sessions.py).
SESSION_ENGINE = "passeport.accounts.sessions"
AUTHENTICATION_BACKENDS = ["passeport.accounts.sessions.SessionUserBackend"]
# …and the holder profile with them: the passport pages need it on every request.
SESSION_USER_RELATED = ("holder", "professional_goal")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "pages:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Private storage (deposited files, holders' documents): never served directly.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PASSEPORT_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
# Subresource-integrity hashes of django-dsfr are those of its original files; the manifest
# storage rewrites url() references inside CSS, so the browser would refuse the styles.
# The files are served by our own origin (CSP 'self'), which SRI adds nothing to.
DSFR_USE_INTEGRITY_CHECKSUMS = False
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing directory

# Caches. `default` is each process's own memory (the passport list's rendered HTML, keyed by a
# version checked on every request: nothing to share). `shared` holds what every web process on
# every machine must see alike — the throttles' counters (core/throttling.py): by default a table
# of the service's own database (core/cache.py: Django's database cache with an atomic
# increment), so `make run` on SQLite and many machines on one PostgreSQL work unchanged;
# CACHE_URL=redis://host:6379/0 puts it in Redis instead (Django's RedisCache, `pip install
# redis`). The table is created by `migrate` (core's migration 0003).
_cache_url = os.environ.get("CACHE_URL", "").strip() or "db://passeport_cache"
if _cache_url.startswith("db://"):
    _shared_cache = {
        "BACKEND": "passeport.core.cache.DatabaseCache",
        "LOCATION": _cache_url.removeprefix("db://") or "passeport_cache",
        # Counters are never evicted for room before their window ends (an attacker must not
        # reset theirs by filling the table): expired rows go first, then the oldest third.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
elif _cache_url.startswith(("redis://", "rediss://")):
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_URL={_cache_url!r} n'est pas reconnu : db://<table> (base du service) ou "
        "redis://hôte:port/n."
    )
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": _shared_cache,
}

# Throttling of pages (django-ratelimit through core/throttling.py): the counters' cache, the
# client's address, and the rates per counter ("10/15m": ten per fixed fifteen-minute window).
RATELIMIT_USE_CACHE = "shared"
# The client's address as the API's throttling reads it (TRUSTED_PROXY_COUNT, below).
RATELIMIT_IP_META_KEY = "passeport.core.throttling.client_address"
# IPv6 clients get a /64 each: counting per address would let one host use billions.
RATELIMIT_IPV6_MASK = 64
THROTTLE_RATES = {
    # Failures only (a right password or code costs nothing): per account, per address.
    "login-account": "10/15m",
    "login-address": "50/15m",
    "login-code-account": "10/15m",
    # Password reset e-mails (every request counts): per address asked for, per client.
    "password-reset-email": "3/h",
    "password-reset-address": "20/h",
    # « Vérifier un document » (every submission counts), per client address.
    "verification-address": os.environ.get("VERIFICATION_PAGE_THROTTLE_RATE", "30/m"),
    # « Vérifier mon fichier » (every file checked counts), per client address.
    "check-file-address": os.environ.get("CHECK_FILE_THROTTLE_RATE", "10/m"),
    # Wrong access codes of one share link (passeport/sharing/links.py), whatever the address.
    "share-access-code": "5/15m",
}

# Uploads: the largest official flux is ~200 MB; bigger requests are refused before reading.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(256 * 1024 * 1024)))
# « Vérifier mon fichier » (public, no account): smaller, the report is made while the client
# waits (deposits/checking.py).
CHECK_FILE_MAX_BYTES = int(os.environ.get("CHECK_FILE_MAX_BYTES", str(20 * 1024 * 1024)))
# A spreadsheet (zip package) whose declared content inflates beyond this is refused unread.
SPREADSHEET_MAX_UNPACKED_BYTES = int(
    os.environ.get("SPREADSHEET_MAX_UNPACKED_BYTES", str(1024 * 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
# Supporting documents a holder attaches to a declared entry (passport/documents.py).
PASSPORT_DOCUMENT_MAX_BYTES = int(
    os.environ.get("PASSPORT_DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024))
)

# Deposit processing (deposits/processing.py, docs/depots.md): passages per committed chunk
# (the unit of work redone after a crash), how long a silent worker keeps a deposit before
# another takes it over, how long a worker waits for a lost database, the watchdog's interval
# (default: the lease). DEPOSIT_CHUNK_PAUSE slows each chunk: fault-injection tests only.
DEPOSIT_CHUNK_SIZE = int(os.environ.get("PASSEPORT_DEPOSIT_CHUNK_SIZE", "2000"))
DEPOSIT_LEASE_SECONDS = int(os.environ.get("PASSEPORT_DEPOSIT_LEASE_SECONDS", "120"))
DEPOSIT_DB_RETRY_SECONDS = float(os.environ.get("PASSEPORT_DEPOSIT_DB_RETRY_SECONDS", "120"))
DEPOSIT_WATCH_SECONDS = float(
    os.environ.get("PASSEPORT_DEPOSIT_WATCH_SECONDS", str(DEPOSIT_LEASE_SECONDS))
)
DEPOSIT_CHUNK_PAUSE = float(os.environ.get("PASSEPORT_DEPOSIT_CHUNK_PAUSE", "0"))
# Fault-injection tests only: the reception stops (sleeps) at this step (deposits/reception.py
# RECEPTION_STEPS) so that a test can kill its process there.
DEPOSIT_RECEPTION_PAUSE_AT = os.environ.get("PASSEPORT_DEPOSIT_RECEPTION_PAUSE_AT", "")

# The API (passeport/api): requests per token (or per client address for public operations),
# as "<count>/<s|min|h|day>"; beyond it, 429 with Retry-After.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "600/min")
# The public verification operation (POST /api/v1/verifications), per client address.
API_VERIFICATIONS_THROTTLE_RATE = os.environ.get("API_VERIFICATIONS_THROTTLE_RATE", "60/min")
# Reverse proxies in front of the service that append to X-Forwarded-For (0: the client's
# address is REMOTE_ADDR; a client-sent header is then ignored). Read by ninja's throttling.
# Read by ninja's throttling and the pages' (core/throttling.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
NINJA_NUM_PROXIES = TRUSTED_PROXY_COUNT

# OAuth 2.0 authorization server (django-oauth-toolkit; passeport/sharing/oauth.py).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "passeport.sharing.scopes.Scopes",
    # Authorization code + PKCE with S256 only, for every client (RFC 7636, RFC 9700 §2.1.1).
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    # Only the SHA-256 checksum of access and refresh tokens is stored (RFC 9700 §4.14).
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    # Neither the implicit nor the password grant (RFC 9700 §2.1.2, §2.4); tokens only in the
    # Authorization header (§4.3.2); the authorization response names its issuer (RFC 9207).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("OAUTH_ACCESS_TOKEN_SECONDS", "3600")),
    "REFRESH_TOKEN_EXPIRE_SECONDS": int(
        os.environ.get("OAUTH_REFRESH_TOKEN_SECONDS", str(30 * 24 * 3600))
    ),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # The holder approves every request: no silent re-authorization.
    "REQUEST_APPROVAL_PROMPT": "force",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"]
    + (["http"] if DEBUG or PASSEPORT_INSECURE_HTTP else []),
}

# Background work: Django's Tasks API, stored in the database (django-tasks-db); any number of
# `manage.py db_worker` processes on any number of machines share the same database.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Mail (Django 6.1 MAILERS). SMTP options only apply to the SMTP backend.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_smtp_options = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("EMAIL_PORT", "25")),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS"),
}
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": _smtp_options
        if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
        else {"file_path": os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mails"))}
        if EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Passeport <ne-pas-repondre@passeport.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where certifiers' support messages and onboarding requests are notified (operators' inbox).
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "")

# Local hour (TIME_ZONE) of the daily prevention reminders (passport/scheduling.py). Kept as
# text when it is not a number: passport.tasks.reminders_hour then says what is wrong.
_reminders_hour = os.environ.get("PREVENTION_REMINDERS_HOUR", "8").strip()
PREVENTION_REMINDERS_HOUR = int(_reminders_hour) if _reminders_hour.isdigit() else _reminders_hour

# Proofs (passeport/proofs, docs/preuves.md): the service's signing keys, read here only and used
# only through passeport/proofs/signing.py. PDF: a PKCS#12 (key + certificate chain) and its
# password; PROOFS_TRUST_ROOTS, the PEM roots our verification trusts. Credentials: Ed25519 keys
# « id=seed » (base64url, 32 bytes), the first signs and all verify; retired keys
# « id=publicKeyMultibase » verify what they signed. PROOFS_DEV_PKI: without keys, a local test
# PKI is generated at first use under PROOFS_DIR (development, tests, the local demo only).
PROOFS_DIR = Path(os.environ.get("PROOFS_DIR", VAR_DIR / "proofs"))
PROOFS_DEV_PKI = env_bool("PROOFS_DEV_PKI", default=DEBUG)
PROOFS_SIGNING_PKCS12 = os.environ.get("PROOFS_SIGNING_PKCS12", "")
PROOFS_SIGNING_PKCS12_PASSWORD = os.environ.get("PROOFS_SIGNING_PKCS12_PASSWORD", "")
PROOFS_TRUST_ROOTS = os.environ.get("PROOFS_TRUST_ROOTS", "")
PROOFS_ED25519_KEYS = env_list("PROOFS_ED25519_KEYS")
PROOFS_ED25519_RETIRED_KEYS = env_list("PROOFS_ED25519_RETIRED_KEYS")
# Timestamp authority (RFC 3161): with one, signed PDFs are PAdES B-T instead of B-B.
PROOFS_TSA_URL = os.environ.get("PROOFS_TSA_URL", "")
# Seconds a verifier may cache a status list (its `ttl` and the HTTP Cache-Control max-age).
PROOFS_STATUS_LIST_TTL = int(os.environ.get("PROOFS_STATUS_LIST_TTL", "300"))

# Security. Behind a TLS-terminating proxy in production; HTTPS-only cookies unless DEBUG.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A stale form gets a DSFR page in French offering to reload it (Django's own mentions DEBUG and
# uses an inline style our CSP blocks).
CSRF_FAILURE_VIEW = "passeport.pages.views.csrf_failure"
SESSION_COOKIE_SECURE = not DEBUG and not PASSEPORT_INSECURE_HTTP
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG) and not (
    PASSEPORT_INSECURE_HTTP
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: only our own origin; inline scripts only with the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, *env_list("CSP_FORM_ACTION_EXTRA")],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "passeport.core.logging.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"one_line": {"()": "passeport.core.logging.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["one_line"]},
    },
}

# Name and tagline shown by the DSFR header (no database query per page, unlike dsfr's own
# context processor).
SITE_TITLE = "Passeport de compétences"
SITE_TAGLINE = (
    "Vos diplômes, certifications, formations et expériences, garantis, tout au long de la vie"
)

# FranceConnect (passeport/franceconnect): the holders' login, OpenID Connect. The issuer is
# FranceConnect's (e.g. https://fcp-low.sbx.dev-franceconnect.fr/api/v2 for the sandbox) or,
# by default, the development identity provider shipped in the project at /fc-dev/, which is on
# only with FRANCECONNECT_DEV_PROVIDER=1, and refused at startup when DEBUG is off unless
# FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG=1 too (local demo `passeport run`; never production).
FRANCECONNECT_DEV_PROVIDER = env_bool("FRANCECONNECT_DEV_PROVIDER")
FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG = env_bool("FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG")
# Tests only (never from the environment): makes the development provider misbehave one way.
FRANCECONNECT_DEV_FAULT = ""
FRANCECONNECT_ISSUER = os.environ.get("FRANCECONNECT_ISSUER", f"{SITE_URL}/fc-dev").rstrip("/")
FRANCECONNECT_CLIENT_ID = os.environ.get("FRANCECONNECT_CLIENT_ID", "passeport-local")
FRANCECONNECT_CLIENT_SECRET = os.environ.get("FRANCECONNECT_CLIENT_SECRET", "") or (
    f"dev-{SECRET_KEY[:24]}" if FRANCECONNECT_DEV_PROVIDER or DEBUG else ""
)
FRANCECONNECT_SCOPES = os.environ.get(
    "FRANCECONNECT_SCOPES",
    "openid given_name family_name birthdate gender birthplace birthcountry email",
)
FRANCECONNECT_ACR_VALUES = os.environ.get("FRANCECONNECT_ACR_VALUES", "eidas1")
# The login button and the logout form are followed by redirects to the provider: CSP
# form-action must allow its origin when it is not ours.
if not FRANCECONNECT_ISSUER.startswith(SITE_URL + "/"):
    SECURE_CSP["form-action"].append("/".join(FRANCECONNECT_ISSUER.split("/")[:3]))
