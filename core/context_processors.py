from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .middleware import minutes, time_left

SERVICE_NAME = "Prevent delivery plan tracker"


def service(request: HttpRequest) -> dict[str, Any]:
    return {"service_name": SERVICE_NAME}


def session_time(request: HttpRequest) -> dict[str, Any]:
    """For a signed-in page, how long its session has left (base.html's warning before it ends)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    idle, session = time_left(request.session)
    hours = settings.SESSION_COOKIE_AGE // 3600
    return {
        "session_time": {
            "idle": idle,
            "idle_timeout": settings.SESSION_IDLE_TIMEOUT,
            "session": session,
            "warn": settings.SESSION_TIMEOUT_WARNING,
            "warn_words": minutes(settings.SESSION_TIMEOUT_WARNING),
            "age_words": f"{hours} hour{'s' if hours != 1 else ''}",
        },
    }
