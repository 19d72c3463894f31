"""Security events on the "prevent.security" logger: sign-ins, lockouts, refusals (403) and hidden objects (404)."""

import json
import logging

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.client_ip import client_ip
from core.logs import JsonLines
from core.security import log_event
from tests import factories as f

SIGN_IN = "/accounts/login/"
ADDRESS = "198.51.100.7"


def sign_in(client: Client, username: str, password: str) -> None:
    client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=ADDRESS)


@pytest.mark.django_db
def test_failed_sign_ins_lockout_and_refusals_are_logged_with_who_where_and_how(security_events, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = f.make_user("coordinator")
    client = Client()
    for _ in range(6):
        sign_in(client, "coordinator", "not-the-password")

    failed = security_events("signin_failed")
    assert [event["failures"] for event in failed] == [1, 2, 3, 4, 5]
    where = {"username": "coordinator", "user_id": user.pk, "ip": ADDRESS, "method": "POST", "path": SIGN_IN}
    assert all(event.items() >= where.items() for event in failed)
    [locked] = security_events("signin_locked_out")
    assert locked.items() >= {**where, "scope": "username_and_address"}.items()
    [refused] = security_events("signin_refused")  # the sixth try, made while locked out
    assert refused.items() >= {**where, "reason": "locked_out"}.items()
    assert not security_events("signin_succeeded")


@pytest.mark.django_db
def test_a_failed_sign_in_with_an_unknown_username_has_no_user_id(security_events):
    sign_in(Client(), "nobody-by-this-name", "not-the-password")
    [failed] = security_events("signin_failed")
    assert failed["username"] == "nobody-by-this-name" and failed["user_id"] is None


@pytest.mark.django_db
def test_sign_in_and_sign_out_are_logged(security_events):
    user = f.make_user("board")
    client = Client()
    sign_in(client, "board", f.PASSWORD)
    [succeeded] = security_events("signin_succeeded")
    assert succeeded.items() >= {"username": "board", "user_id": user.pk, "ip": ADDRESS, "path": SIGN_IN}.items()

    client.post(reverse("logout"))
    [signed_out] = security_events("signed_out")
    assert signed_out.items() >= {"username": "board", "user_id": user.pk, "reason": "signed_out"}.items()


def test_a_refused_write_is_logged(world, board, signed_in, security_events):
    response = signed_in(board).post(reverse("plans:edit", args=[world.plan.pk]), {"title": "Hijack"})
    assert response.status_code == 403
    [refused] = security_events("access_refused")
    expected = {"username": "board", "user_id": board.pk, "method": "POST", "status": 403}
    assert refused.items() >= {**expected, "path": reverse("plans:edit", args=[world.plan.pk])}.items()


@pytest.mark.parametrize(
    ("name", "model", "item"),
    [
        ("plans:detail", "plans.DeliveryPlan", lambda w: w.plan),
        ("actions:detail", "actions.Action", lambda w: w.action),
        ("projects:detail", "projects.CommissionedProject", lambda w: w.project),
        ("objectives:edit", "objectives.Objective", lambda w: w.action.objective),
        ("peer_review:review", "peer_review.Review", lambda w: w.recommendation.review),
        ("peer_review:recommendation", "peer_review.Recommendation", lambda w: w.recommendation),
    ],
)
def test_an_object_hidden_from_another_council_is_logged_and_a_missing_one_is_not(
    world, outsider, signed_in, security_events, name, model, item
):
    client = signed_in(outsider)
    pk = item(world).pk
    assert client.get(reverse(name, args=[pk])).status_code == 404
    [hidden] = security_events("access_hidden")
    assert hidden.items() >= {"username": "example-coordinator", "object": model, "object_id": pk}.items()

    # An id nothing has: the same 404, and nothing to report.
    assert client.get(reverse(name, args=[pk + 10_000])).status_code == 404
    assert len(security_events("access_hidden")) == 1


def test_an_unpublished_plan_is_logged_as_hidden_only_when_it_exists(world, outsider, signed_in, security_events):
    world.plan.published_at = timezone.now()
    world.plan.save(update_fields=["published_at"])
    client = signed_in(outsider)
    assert client.get(reverse("plans:published", args=[world.council.slug, world.plan.year])).status_code == 404
    [hidden] = security_events("access_hidden")
    assert hidden["object"] == "plans.DeliveryPlan" and hidden["object_id"] == world.plan.pk
    assert client.get(reverse("plans:published", args=[world.council.slug, "2031-32"])).status_code == 404
    assert len(security_events("access_hidden")) == 1


def test_pages_shown_log_nothing_and_the_same_page_hidden_from_someone_else_does(
    world, coordinator, outsider, signed_in, security_events
):
    urls = (reverse("plans:detail", args=[world.plan.pk]), reverse("actions:detail", args=[world.action.pk]))
    for url in urls:
        assert signed_in(coordinator).get(url).status_code == 200
    assert [event for event in security_events() if event["event"].startswith("access")] == []
    for url in urls:
        assert signed_in(outsider).get(url).status_code == 404
    assert [event["path"] for event in security_events("access_hidden")] == list(urls)


def test_each_event_is_one_json_line_whatever_was_typed(rf: RequestFactory, caplog):
    request = rf.post(SIGN_IN, REMOTE_ADDR=ADDRESS)
    with caplog.at_level(logging.INFO, logger="prevent.security"):
        log_event("signin_failed", request=request, username='forged\n{"event": "signin_succeeded"}', user_id=None)
    [record] = [record for record in caplog.records if record.name == "prevent.security"]
    line = JsonLines().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["event"] == "signin_failed" and parsed["username"].startswith("forged\n")
    assert parsed.keys() >= {"time", "level", "event", "username", "user_id", "ip", "method", "path"}
    assert (parsed["level"], parsed["ip"], parsed["method"], parsed["path"]) == ("WARNING", ADDRESS, "POST", SIGN_IN)


def test_the_security_logger_writes_the_json_lines_to_the_console():
    handlers = settings.LOGGING["loggers"]["prevent.security"]["handlers"]
    assert [settings.LOGGING["handlers"][name]["formatter"] for name in handlers] == ["json"]
    assert settings.LOGGING["formatters"]["json"]["()"] == "core.logs.JsonLines"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy configured: the header is the client's own words
        (1, "192.0.2.1, 203.0.113.9", "203.0.113.9"),  # the proxy appended what it saw; the rest is the client's
        (2, "192.0.2.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"),  # two proxies, each appending
        (1, "", "10.0.0.2"),  # the proxy was bypassed: the connection's own address
        (1, "not-an-address", "10.0.0.2"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the nearest proxy was bypassed
    ],
)
def test_the_client_address_comes_from_the_proxy_header_only_when_configured(
    rf: RequestFactory, settings, proxies, forwarded, address
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == address
