"""Sessions that end, and the refusals of the security log.

A session lasts at most SESSION_COOKIE_AGE from sign-in and ends after SESSION_IDLE_TIMEOUT without a request.
Django slides a session's expiry each time the session is saved, and recording activity saves it; so the expiry is
fixed as a moment at sign-in, which no later save moves.
"""

import datetime
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .security import Hidden, log_event

LAST_ACTIVITY = "last_activity"
# Activity is written at most this often (seconds): a request within it costs no session write.
ACTIVITY_RESOLUTION = 60


def start_session(session: SessionBase) -> None:
    session[LAST_ACTIVITY] = int(time.time())
    session.set_expiry(timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))


def session_started(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """On sign-in (the user_logged_in signal)."""
    start_session(request.session)


def time_left(session: SessionBase) -> tuple[int, int]:
    """Seconds until the session ends for inactivity, and until it ends whatever is done (SESSION_COOKIE_AGE after
    sign-in): what the page's warning counts down from (static/app/session-timeout.js)."""
    now = int(time.time())
    idle = settings.SESSION_IDLE_TIMEOUT - (now - session.get(LAST_ACTIVITY, now))
    return max(0, idle), max(0, int(session.get_expiry_age()))


def stay_signed_in(session: SessionBase) -> None:
    """Record activity now, whatever ACTIVITY_RESOLUTION: the person asked to stay signed in."""
    session[LAST_ACTIVITY] = int(time.time())


def minutes(seconds: int) -> str:
    count = max(1, round(seconds / 60))
    return f"{count} minute{'s' if count != 1 else ''}"


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        last = session.get(LAST_ACTIVITY)
        if last is None:
            # A session from before sessions were timed: it starts now.
            start_session(session)
        elif now - last >= settings.SESSION_IDLE_TIMEOUT:
            request.signed_out_reason = "idle"  # for the signed_out event that logout() sends
            logout(request)
            idle = minutes(settings.SESSION_IDLE_TIMEOUT)
            # The sign-in page, where signing out leads (or any page anyone may read), shows why.
            messages.info(request, f"You were signed out after {idle} without activity. Sign in again to continue.")
        elif now - last >= ACTIVITY_RESOLUTION:
            session[LAST_ACTIVITY] = now


class SecurityEventsMiddleware:
    """Logs every 403 answered, and every 404 an access function gave for an object that exists."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            log_event("access_refused", request=request, status=403)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, Hidden):
            log_event("access_hidden", request=request, object=exception.label, object_id=exception.pk)
