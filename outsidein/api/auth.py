"""Who is calling: a bearer token for machine clients, or a signed-in staff session."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from outsidein.accounts.services import api_token_authenticate
from outsidein.api.errors import Forbidden

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; revoked tokens and inactive users are refused."""

    def authenticate(self, request: HttpRequest, token: str):
        token = token.strip()
        # Tokens are short ASCII; anything else cannot match and need not be hashed.
        if not token or len(token) > 200 or not token.isascii():
            return None
        return api_token_authenticate(token)


class StaffSessionAuth(APIKeyCookie):
    """The browser session of a signed-in user (e.g. trying the API from /api/docs).

    Unsafe methods need Django's CSRF token (X-CSRFToken header), as any form would. A request
    that carries an Authorization header is judged by its token alone, never by its cookie.
    """

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME
        # CSRF is checked below, only once a session user is found, so that an anonymous
        # request gets 401 (not a CSRF 403) and the next authenticator still runs.
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None):
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise Forbidden(_("CSRF check failed: send the X-CSRFToken header."))
        return user


token_auth = TokenAuth()
session_auth = StaffSessionAuth()
