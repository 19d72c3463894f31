"""Security events: one logger, one JSON object a line, each naming the client address (core.client_ip).

Events (the `event` key): signin_succeeded, signin_failed, signin_locked_out, signin_refused (a try while locked
out), signed_out (with its reason: signed_out, or idle when a session timed out), password_changed, access_refused
(a 403) and access_hidden (a 404 for an object that exists but is not the user's to see). Each line also names the
username, the user's id when known, the client address, the request method and path.
"""

import logging
from typing import Any

from django.db import models
from django.http import Http404, HttpRequest

from .client_ip import client_ip

logger = logging.getLogger("prevent.security")


def log_event(
    event: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str | None = None,
    level: int = logging.WARNING,
    **fields: Any,
) -> None:
    """Log one security event. The user defaults to the request's; `username` names someone not signed in."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    details: dict[str, Any] = {
        "event": event,
        "username": username if username is not None else (user.get_username() if user else None),
        "user_id": user.pk if user else None,
    }
    if request is not None:
        details.update(ip=client_ip(request), method=request.method, path=request.path)
    # Fields given explicitly (a user id looked up for a failed sign-in, say) win over those derived here.
    details.update(fields)
    logger.log(level, event, extra={"security": details})


class Hidden(Http404):
    """The 404 of an access function for an object that exists but is not the user's to see. The visitor gets the
    same answer as for an object that does not exist; the security log records which object it was."""

    def __init__(self, message: str, *, model: type[models.Model], pk: Any) -> None:
        super().__init__(message)
        self.label = model._meta.label
        self.pk = pk


def hidden(instance: models.Model, message: str) -> Hidden:
    return Hidden(message, model=type(instance), pk=instance.pk)


def not_found(model: type[models.Model], pk: Any, message: str) -> Http404:
    """The 404 for a lookup that found nothing visible: Hidden if the object exists. Only this refusal pays the
    extra query, never a page that is shown."""
    if model._default_manager.filter(pk=pk).exists():
        return Hidden(message, model=model, pk=pk)
    return Http404(message)
