"""Signed-in sessions end after SESSION_IDLE_TIMEOUT without a request, and SESSION_COOKIE_AGE
after sign-in whatever the activity (docs/operations.md, "Sessions and sign-in")."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SESSION_KEY = "_outsidein_session"
# Recording every request would write the session row on every page; a minute's slack in the
# idle timeout costs nothing.
SEEN_RESOLUTION = 60


class SessionLimitsMiddleware:
    """Sign out a session that was idle too long or outlived its absolute lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._enforce(request, user)
        return self.get_response(request)

    def _enforce(self, request, user) -> None:
        now = int(time.time())
        limits = request.session.get(SESSION_KEY)
        if not isinstance(limits, dict) or limits.get("user") != str(user.pk):
            # First request of this sign-in: the clocks start now.
            request.session[SESSION_KEY] = {"user": str(user.pk), "started": now, "seen": now}
            return
        idle = now - limits.get("seen", 0) > settings.SESSION_IDLE_TIMEOUT
        too_old = now - limits.get("started", 0) > settings.SESSION_COOKIE_AGE
        if idle or too_old:
            logout(request)  # flushes the session; request.user becomes anonymous
            messages.info(request, _("Your session has ended. Please sign in again.")
                          if too_old else
                          _("You were signed out after a period without activity. "
                            "Please sign in again."))
            return
        if now - limits["seen"] >= SEEN_RESOLUTION:
            request.session[SESSION_KEY] = {**limits, "seen": now}
