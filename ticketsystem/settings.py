"""Settings for the Smart Ticket System.

Every deploy-specific value comes from the environment. The defaults let a fresh
checkout run with no server at all: SQLite and Kombu's file-system broker under
``VAR_DIR``. With ``DJANGO_ENV=production`` the insecure defaults are refused.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DJANGO_ENV = env("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"

_INSECURE_SECRET_KEY = "django-insecure-development-only-key-change-me"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=_INSECURE_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS hardening: on by default in production, each switch overridable for a TLS-terminating proxy setup.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
# Health probes come from inside the network over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^api/(v1/)?health"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_TLS_PROXY", default=IS_PRODUCTION) else None
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=IS_PRODUCTION)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=IS_PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=IS_PRODUCTION)

if IS_PRODUCTION:
    # Refuse to start insecurely rather than run with a guessable key or debug pages.
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")
    if SECRET_KEY == _INSECURE_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (at least 32 characters) in production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_celery_results",
    "django_celery_beat",
    "tickets",
    "categorization",
    "routing",
    "analytics",
    "gateway",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ticketsystem.urls"
# Every API path answers with and without a trailing slash, so no redirects.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "ticketsystem.wsgi.application"

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, three workers, beat) share one file: WAL lets readers
    # run beside the writer, IMMEDIATE transactions and a long timeout queue writers
    # instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the apps when collectstatic has not run (dev, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/admin/login/"

# --- REST framework ------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "gateway.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "gateway.errors.api_exception_handler",
}

# --- Celery --------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # Poll often: the default 1 s per hop would add seconds to every pipeline.
        "polling_interval": 0.1,
    }
elif CELERY_BROKER_URL.startswith(("amqp", "pyamqp")):
    # Publisher confirms: apply_async returns only once RabbitMQ has taken the message.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_CACHE_BACKEND = "django-cache"

PIPELINE_QUEUES = ("categorization", "routing", "analytics")
# On RabbitMQ the pipeline queues are quorum queues (replicated, durable; RabbitMQ >= 3.8,
# tested on 3.10): Celery then turns off global QoS and sends countdown retries through
# RabbitMQ's native delayed delivery, which needs topic exchanges. CELERY_QUEUE_TYPE=classic
# keeps classic durable queues for brokers that already have them declared that way.
CELERY_QUEUE_TYPE = env("CELERY_QUEUE_TYPE", default="quorum" if CELERY_BROKER_URL.startswith(("amqp", "pyamqp")) else "classic")
_queue_arguments = {"x-queue-type": "quorum"} if CELERY_QUEUE_TYPE == "quorum" else {}
CELERY_TASK_QUEUES = tuple(
    Queue(
        name,
        Exchange(name, type="topic" if CELERY_QUEUE_TYPE == "quorum" else "direct", durable=True),
        routing_key=name,
        durable=True,
        queue_arguments=_queue_arguments,
    )
    for name in PIPELINE_QUEUES
)
CELERY_TASK_DEFAULT_QUEUE = "routing"
# Queues are chosen here, once, never at each call site.
CELERY_TASK_ROUTES = {
    "categorization.tasks.*": {"queue": "categorization"},
    "routing.tasks.*": {"queue": "routing"},
    "analytics.tasks.*": {"queue": "analytics"},
    "tickets.tasks.*": {"queue": "routing"},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A message is acknowledged only after its task finished, and is redelivered if the
# worker dies; with prefetch 1 a crash loses at most the message it was running.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=4.0)
# Publishing happens inside an HTTP request: give up quickly and let the sweeper
# re-dispatch, rather than hold the client while the broker is away.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A message delivered more often than this (it keeps killing its worker) is parked.
TASK_MAX_DELIVERIES = env.int("TASK_MAX_DELIVERIES", default=5)
# Extra task modules to load in workers (operators' own tasks; the reliability suite's poison task).
CELERY_IMPORTS = env.list("CELERY_EXTRA_IMPORTS", default=[])
PIPELINE_SWEEP_INTERVAL_SECONDS = env.int("PIPELINE_SWEEP_INTERVAL_SECONDS", default=10)
# A ticket committed this long ago whose chain was never published (broker down) is sent.
PIPELINE_DISPATCH_GRACE_SECONDS = env.int("PIPELINE_DISPATCH_GRACE_SECONDS", default=5)
# A published ticket that has not advanced for this long, with the queues idle, is sent again.
PIPELINE_STALE_AFTER_SECONDS = env.int("PIPELINE_STALE_AFTER_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "pipeline-sweep": {
        "task": "tickets.tasks.pipeline_sweep",
        "schedule": PIPELINE_SWEEP_INTERVAL_SECONDS,
    },
}

# --- Logging -------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Categorization --------------------------------------------------------------
# Below this confidence a ticket is flagged for a human to confirm.
CATEGORIZATION_REVIEW_THRESHOLD = env.int("CATEGORIZATION_REVIEW_THRESHOLD", default=60)

# --- Routing (issue 4) -------------------------------------------------------------
# Assign each routed ticket to the department's least-loaded active agent.
ROUTING_AUTO_ASSIGN = env.bool("ROUTING_AUTO_ASSIGN", default=True)

# --- Issue 6: gateway (OpenAPI, health, throttling, tracing, JSON logs, metrics) ------
import os  # noqa: E402

INSTALLED_APPS += ["drf_spectacular", "drf_spectacular_sidecar"]
# Request id first (every later log line carries it), metrics next (times the rest),
# then the body-size and API-version guards.
MIDDLEWARE = [
    "gateway.middleware.RequestIdMiddleware",
    "gateway.middleware.MetricsMiddleware",
    "gateway.middleware.BodySizeLimitMiddleware",
    "gateway.middleware.ApiVersionMiddleware",
    *MIDDLEWARE,
]

# A shared cache: throttle counters and cached health results must agree across
# gunicorn workers. CACHE_URL=redis://... in production, a directory by default.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

# Bodies over 1 MB are refused with a 413 before any parser reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

API_VERSION = "1"
REST_FRAMEWORK |= {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["gateway.throttling.AnonymousRateThrottle"],
    # Rates are "<n>/<second|minute|hour|day>"; each is configurable per deploy.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON_RATE", default="120/minute"),
        "ticket_create": env("THROTTLE_TICKET_CREATE_RATE", default="30/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Smart Ticket System API",
    "DESCRIPTION": (
        "Helpdesk tickets, categorized, routed and recorded by a Celery pipeline. "
        "`/api/v1/` is canonical; `/api/` is an alias of the current version. "
        'Every error has the shape `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI and Redoc from the sidecar package: the machines are offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["gateway.schema.canonical_paths_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gateway.schema.paginated_lists_document_invalid_pages",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.TicketStatus",
        "HealthStatusEnum": ["ok", "error"],
    },
}

# Health: each named check is a dotted path to a function returning None (healthy),
# a message (failed) or a dict (details; "ok": False marks it failed).
HEALTH_CHECKS = {
    "database": "gateway.health.database_check",
    "broker": "gateway.health.broker_check",
    "result_backend": "gateway.health.result_backend_check",
    "workers": "gateway.health.workers_check",
    "queues": "gateway.health.queues_check",
    "parked_messages": "gateway.health.parked_messages_check",
    # Informational: with the AI unconfigured or its circuit open, the offline model answers.
    "ai_categorizer": "categorization.selectors.ai_categorizer_state",
}
HEALTH_READY_CHECKS = ("database", "broker")
HEALTH_CACHE_SECONDS = env.float("HEALTH_CACHE_SECONDS", default=5.0)
HEALTH_PING_TIMEOUT = env.float("HEALTH_PING_TIMEOUT", default=1.0)

# Metrics: prometheus-client in multiprocess mode. The directory must be known before
# prometheus_client is first imported, so it is exported here; `make run` empties it.
PROMETHEUS_MULTIPROC_DIR = Path(env("PROMETHEUS_MULTIPROC_DIR", default=str(VAR_DIR / "prometheus"))).resolve()
PROMETHEUS_MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(PROMETHEUS_MULTIPROC_DIR)
# /metrics needs `Authorization: Bearer <METRICS_TOKEN>` when a token is set; without
# one it answers only clients from METRICS_ALLOWED_IPS. `manage.py metrics_serve`
# serves the same registry on a separate bind instead.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

# Logs: one JSON object per line on stdout, with the request id, the task and the
# ticket id when there is one. LOG_FORMAT=plain for humans at a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "gateway.logs.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s ticket=%(ticket_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replace Django's default console handler (plain text on stderr when DEBUG):
        # its lines reach the JSON handler through the root logger instead.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # Celery's own loggers go through the same JSON handler (see ticketsystem/celery.py).
        "celery": {"level": LOG_LEVEL},
        # "Task ... received" is logged by the worker's consumer before the message's
        # headers are bound to any context, so it could not carry the request id; the
        # task's own lines (started work, succeeded / retry / failed) do. Flower shows receipt.
        "celery.worker.strategy": {"level": env("CELERY_RECEIVED_LOG_LEVEL", default="WARNING")},
    },
}

# --- Issue 3: AI categorization, offline model, review ------------------------------
# Claude answers first when ANTHROPIC_API_KEY is set; the SDK itself reads ANTHROPIC_BASE_URL.
ANTHROPIC_API_KEY = env("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env("ANTHROPIC_BASE_URL", default="")
# The current Haiku-class model (platform.claude.com/docs/en/models/haiku-5-5/overview).
ANTHROPIC_MODEL = env("ANTHROPIC_MODEL", default="claude-haiku-5-5")
ANTHROPIC_TIMEOUT_SECONDS = env.float("ANTHROPIC_TIMEOUT_SECONDS", default=15.0)
ANTHROPIC_MAX_RETRIES = env.int("ANTHROPIC_MAX_RETRIES", default=2)  # the SDK's own retries per call
ANTHROPIC_MAX_TOKENS = env.int("ANTHROPIC_MAX_TOKENS", default=256)
# Classification needs no reasoning: low effort, thinking off (Haiku 5.5 allows it at low/medium/high).
ANTHROPIC_EFFORT = env("ANTHROPIC_EFFORT", default="low")
ANTHROPIC_THINKING_DISABLED = env.bool("ANTHROPIC_THINKING_DISABLED", default=True)
# USD per million tokens, for the attempt rows' cost figures (Haiku 5.5 list prices, prompts <= 100K tokens).
ANTHROPIC_PRICE_INPUT_PER_MTOK = env.float("ANTHROPIC_PRICE_INPUT_PER_MTOK", default=0.10)
ANTHROPIC_PRICE_OUTPUT_PER_MTOK = env.float("ANTHROPIC_PRICE_OUTPUT_PER_MTOK", default=0.50)
ANTHROPIC_PRICE_CACHE_WRITE_PER_MTOK = env.float("ANTHROPIC_PRICE_CACHE_WRITE_PER_MTOK", default=0.125)
ANTHROPIC_PRICE_CACHE_READ_PER_MTOK = env.float("ANTHROPIC_PRICE_CACHE_READ_PER_MTOK", default=0.01)
# On 429/529/5xx/timeouts the Celery task retries this many times (exponential backoff + jitter),
# then the chain falls back to the offline model.
CATEGORIZATION_AI_TASK_RETRIES = env.int("CATEGORIZATION_AI_TASK_RETRIES", default=3)
CATEGORIZATION_AI_RETRY_BASE_SECONDS = env.float("CATEGORIZATION_AI_RETRY_BASE_SECONDS", default=2.0)
CATEGORIZATION_AI_RETRY_MAX_SECONDS = env.float("CATEGORIZATION_AI_RETRY_MAX_SECONDS", default=60.0)
# Circuit breaker shared by every worker (a database row): after this many consecutive failed
# attempts the API is skipped for the cool-down.
CATEGORIZATION_AI_BREAKER_THRESHOLD = env.int("CATEGORIZATION_AI_BREAKER_THRESHOLD", default=5)
CATEGORIZATION_AI_BREAKER_COOLDOWN_SECONDS = env.int("CATEGORIZATION_AI_BREAKER_COOLDOWN_SECONDS", default=60)
# Text is redacted (emails, phones, cards, IBANs, national IDs) before it leaves the system.
CATEGORIZATION_REDACT = env.bool("CATEGORIZATION_REDACT", default=True)
CATEGORIZATION_REDACT_KINDS = env.list(
    "CATEGORIZATION_REDACT_KINDS", default=["email", "iban", "card", "national_id", "phone"]
)
# A self-reported AI confidence is capped at this unless the offline model agrees; when they
# disagree the confidence is capped at the second value and the ticket is flagged for review.
CATEGORIZATION_AI_SOLO_CONFIDENCE_CAP = env.int("CATEGORIZATION_AI_SOLO_CONFIDENCE_CAP", default=90)
CATEGORIZATION_DISAGREEMENT_CONFIDENCE_CAP = env.int("CATEGORIZATION_DISAGREEMENT_CONFIDENCE_CAP", default=50)
# The offline model's artifact; built by `manage.py categorization_train`, or on first use.
CATEGORIZATION_MODEL_PATH = Path(
    env("CATEGORIZATION_MODEL_PATH", default=str(VAR_DIR / "categorization" / "model.joblib"))
)
CATEGORIZATION_MODEL_ENABLED = env.bool("CATEGORIZATION_MODEL_ENABLED", default=True)
