"""Every response and every log line written while answering carry the request's id."""

import io
import json
import logging
import sys

import pytest

from core.logs import JsonLines
from core.request_id import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_each_response_has_an_id_of_its_own(client):
    first, second = client.get("/accessibility/"), client.get("/accessibility/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_an_id_from_the_proxy_is_kept_and_anything_else_replaced(client):
    assert client.get("/health/", headers={"X-Request-ID": "lb-7f3a9c21e5"})["X-Request-ID"] == "lb-7f3a9c21e5"
    for offered in ("short", 'x" injected {json}', "a" * 65, "line\nbreak-123456"):
        kept = client.get("/health/", headers={"X-Request-ID": offered})["X-Request-ID"]
        assert kept != offered and len(kept) == 32


def test_the_log_lines_of_a_request_name_its_id(client, settings):
    """The console handler as settings.LOGGING makes it, on a stream the test reads."""
    config = settings.LOGGING["handlers"]["console"]
    assert (config["formatter"], config["filters"]) == ("json", ["request_id"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("prevent.security")
    logger.addHandler(handler)
    try:
        response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    finally:
        logger.removeHandler(handler)
    [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["event"] == "signin_failed"
    assert line["request_id"] == response["X-Request-ID"]


def test_a_line_outside_a_request_has_no_id_and_a_traceback_stays_one_line():
    logger = logging.getLogger("tests.request_id")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info())
    record.request_id = None
    text = JsonLines().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["request_id"] is None and line["message"] == "failed" and "ValueError: boom" in line["exception"]
