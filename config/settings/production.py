"""Production: every secret from the environment, secure cookies, PostgreSQL expected."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS", [], cast=list, doc="https origins.")
