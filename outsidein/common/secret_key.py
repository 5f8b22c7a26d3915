"""The development SECRET_KEY is for one machine: production refuses to run with it.

One rule for `outsidein serve`, the WSGI application and `manage.py check --deploy`.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

REFUSAL = (
    "SECRET_KEY is not set, and Outside-In will not run in production mode (OUTSIDEIN_ENV="
    "production, or OUTSIDEIN_HTTPS=1 with DEBUG off) or for other machines with its built-in "
    "development key: anyone can read that key and forge sessions and password-reset links with "
    "it. Set SECRET_KEY to a long random value, for example the output of "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
)
WARNING = (
    "warning: SECRET_KEY is not set; using the built-in development key, which is fine for a "
    "demonstration on this machine only (see docs/operations.md before serving anyone else)"
)


def uses_development_secret_key() -> bool:
    """Whether SECRET_KEY is empty or the built-in development key."""
    development = getattr(settings, "DEVELOPMENT_SECRET_KEY", None)
    return not settings.SECRET_KEY or development == settings.SECRET_KEY


def refuse_development_key_in_production() -> None:
    """Raise ImproperlyConfigured (REFUSAL) in production mode with the development key."""
    if getattr(settings, "PRODUCTION", False) and uses_development_secret_key():
        raise ImproperlyConfigured(REFUSAL)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: an error while SECRET_KEY is the development key."""
    if not uses_development_secret_key():
        return []
    return [checks.Error("SECRET_KEY is the built-in development key.",
                         hint="Set the SECRET_KEY environment variable to a long random value "
                              "(docs/operations.md, 'Secret key').",
                         id="outsidein.E001")]
