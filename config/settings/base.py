"""Settings shared by every environment. Everything variable comes from :func:`env`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.settings.env import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env("SECRET_KEY", doc="Django secret key; required outside dev and ci.")
DEBUG = env("DEBUG", False, cast=bool, doc="Django debug mode.")
ALLOWED_HOSTS = env(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost"], cast=list, doc="Comma-separated host names."
)

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
    "drf_spectacular",
    "djmoney",
    "kern",
    "contracten",
    "iwmo_jw",
    "financien",
    "inkoop",
    "declaraties",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'geldstromen.sqlite3'}",
            doc="Database URL, e.g. postgres://postgres@127.0.0.1:5432/geldstromen. "
            "Default: a SQLite file under var/.",
        ),
        conn_max_age=env("DATABASE_CONN_MAX_AGE", 0, cast=int, doc="Persistent connections (s)."),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env(
        "DATABASE_SERVER_SIDE_BINDING", True, cast=bool, doc="PostgreSQL: server-side binding."
    )
    # Prepared statements, off by default. With a persistent connection (DATABASE_CONN_MAX_AGE)
    # psycopg can prepare a query once the connection has run it this many times, so the
    # server parses and plans it once: the declaration benchmark, one connection for 300
    # messages, ran about 8 % faster with 2. But PostgreSQL may then keep a generic plan made
    # for other data: while the tables filled from empty, the benchmark's two months of history
    # took 352 s instead of 183 s. Django leaves them off for poolers in transaction mode too.
    _drempel = env(
        "DATABASE_PREPARE_THRESHOLD",
        0,
        cast=int,
        doc="PostgreSQL: prepare a statement after this many runs on a connection (0: never).",
    )
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = _drempel or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "kern.Gebruiker"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

# Money: euros only, one precision for every amount field (see kern.geld).
CURRENCIES = ("EUR",)
DEFAULT_CURRENCY = "EUR"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "kern.api.pagination.Paginering",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kern.api.problem.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Geldstromen sociaal domein API",
    "DESCRIPTION": "Contracten, tarieven, inkoop, declaraties en budgetbewaking voor Wmo 2015 "
    "en Jeugdwet (iWmo 3.2 / iJw 3.2).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "WetEnum": "kern.constants.Wet",
        "RolEnum": "kern.constants.Rol",
        # The names contracten had before other apps used "status" and "soort" too.
        "StatusEnum": "contracten.constants.ContractStatus",
        "SoortEnum": "contracten.constants.SlaSoort",
        "RedenEnum": "contracten.constants.TariefReden",
        "BerichtStatusEnum": "iwmo_jw.constants.BerichtStatus",
        "UitgaandStatusEnum": "iwmo_jw.constants.UitgaandStatus",
        "TermijnSoortEnum": "iwmo_jw.constants.TermijnSoort",
        "TrajectStatusEnum": "inkoop.constants.TrajectStatus",
        "InschrijvingStatusEnum": "inkoop.constants.InschrijvingStatus",
        "ClientstopStatusEnum": "inkoop.constants.ClientstopStatus",
        "BetaalbatchStatusEnum": "financien.constants.BetaalbatchStatus",
        "OverslaanredenEnum": "financien.constants.Overslaanreden",
        "RekeningsoortEnum": "financien.constants.RekeningSoort",
        "SignaleringSoortEnum": "financien.constants.SignaleringSoort",
        "VerzoekStatusEnum": "inkoop.constants.VerzoekStatus",
        "VerzoekSoortEnum": "inkoop.constants.VerzoekSoort",
        "RegiemeldingSoortEnum": "inkoop.constants.RegiemeldingSoort",
        "ToewijzingStatusEnum": "inkoop.constants.ToewijzingStatus",
        "ToewijzingGebeurtenisEnum": "inkoop.constants.ToewijzingGebeurtenis",
        "RedenWijzigingEnum": "inkoop.api.toewijzing_serializers.REDEN_WIJZIGING_KEUZES",
        "FrequentieEnum": "inkoop.api.toewijzing_serializers.FREQUENTIE_KEUZES",
        "DeclaratieStatusEnum": "declaraties.constants.DeclaratieStatus",
        "PrestatieStatusEnum": "declaraties.constants.PrestatieStatus",
        "DeclaratieKanaalEnum": "declaraties.constants.Kanaal",
        "BerichtKanaalEnum": "iwmo_jw.constants.Kanaal",
    },
}

DEMO_CLIENTEN = env(
    "DEMO_CLIENTEN",
    2000,
    cast=int,
    doc="Clients (with toewijzingen and reservations) that `manage.py demo_data` creates: "
    "2000 (about 2,300 toewijzingen) take about a minute of CPU on the first run, nothing on "
    "the next; set fewer for a quicker first start.",
)

CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", "", doc="Broker URL (redis://127.0.0.1:6379/0). Empty: tasks run eagerly."
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", None, doc="Optional result backend URL.")
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Signal every overdue answer deadline once (iwmo_jw.signals.termijn_verstreken).
    "iwmo-jw-termijnen-signaleren": {
        "task": "iwmo_jw.tasks.termijnen_signaleren",
        "schedule": crontab(minute=5),
    },
    # Hand waiting messages to handlers registered since; finish interrupted arrivals.
    "iwmo-jw-berichten-verwerken": {
        "task": "iwmo_jw.tasks.berichten_verwerken",
        "schedule": crontab(minute="*/10"),
    },
    # Budget alerts of every open year: forecasts move with the calendar; catches up on
    # evaluations lost after a booking (financien.services.signaleringen).
    "financien-signaleringen-evalueren": {
        "task": "financien.tasks.signaleringen_evalueren",
        "schedule": crontab(minute=15, hour=6),
    },
    # Alert e-mails that failed or never left the process are sent again.
    "financien-signaleringsmails-opnieuw": {
        "task": "financien.tasks.signaleringsmails_opnieuw",
        "schedule": crontab(minute="*/15"),
    },
    # Approved prestaties follow their payment batch (in betaalbatch, betaald).
    "declaraties-betaalstatussen-bijwerken": {
        "task": "declaraties.tasks.betaalstatussen_bijwerken",
        "schedule": crontab(minute="*/10"),
    },
}

# iWmo / iJw messages.
IWMO_JW_MAX_BERICHT_GROOTTE = env(
    "IWMO_JW_MAX_BERICHT_GROOTTE",
    25 * 1024 * 1024,
    cast=int,
    doc="Largest inbound message in bytes (default 25 MB, the GGK/VECOZO limit, OP179). Of a "
    "larger file only the first MiB is kept, with the size and sha256 of the whole.",
)

# Budget alerts.
FINANCIEN_SIGNALERING_MARGE = env(
    "FINANCIEN_SIGNALERING_MARGE",
    Decimal(2),
    cast=Decimal,
    doc="Percentage points a value must drop below a threshold before its running alert ends "
    "(at most half the threshold), so a value hovering at a threshold is not a new crossing "
    "(and a new e-mail) every time.",
)

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    doc="Django mail backend for alerts.",
)
EMAIL_TIMEOUT = env(
    "EMAIL_TIMEOUT",
    30,
    cast=int,
    doc="Seconds before a mail server that does not answer counts as failed (the alert e-mail "
    "is then tried again later); Django's default waits forever.",
)
FINANCIEN_SIGNALERINGSMAIL_POGINGEN = env(
    "FINANCIEN_SIGNALERINGSMAIL_POGINGEN",
    5,
    cast=int,
    doc="How often an alert e-mail is tried (every 15 minutes) before it is left to the "
    "application.",
)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL",
    "budgetbewaking@localhost",
    doc="Sender address of the alert e-mails to budgethouders.",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO", doc="Root log level.")},
}
