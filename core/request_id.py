"""One id per request, on every log line it causes and on its response, so an operator can follow a request from
the proxy's access log to the application's lines about it (a traceback, a security event, a slow query).

A proxy in front may send the id it logged as X-Request-ID; it is kept when it looks like an id (letters, digits,
dashes, up to 64 characters), so a visitor cannot write arbitrary text into the logs through it. Otherwise the
application makes one.
"""

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_FORMAT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current() -> str | None:
    """The id of the request being answered in this thread or task; None outside a request (a command, a worker)."""
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(HEADER, "")
        request_id = offered if _FORMAT.fullmatch(offered) else uuid.uuid4().hex
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute (None outside a request) for the formatter to write."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
