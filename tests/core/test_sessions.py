"""Sessions end after SESSION_IDLE_TIMEOUT without a request, and SESSION_COOKIE_AGE after sign-in at the latest."""

import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.middleware import LAST_ACTIVITY
from tests import factories as f

HOME = reverse("plans:home")


def signed_in_client(username: str = "coordinator") -> Client:
    f.make_user(username)
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def idle_for(client: Client, seconds: int) -> None:
    """Make the session's last request `seconds` ago."""
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds
    session.save()


def expiry_in_database(client: Client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_after_thirty_idle_minutes_the_next_request_is_sent_to_sign_in_and_told_why(security_events):
    client = signed_in_client()
    idle_for(client, 30 * 60 + 5)

    response = client.get(HOME)
    assert response.status_code == 302 and response.url == f"{reverse('login')}?next={HOME}"
    page = client.get(response.url)
    assert "You were signed out after 30 minutes without activity. Sign in again to continue." in page.text
    assert "govuk-notification-banner" in page.text
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302  # still signed out: the session is gone, not paused
    [signed_out] = security_events("signed_out")
    assert signed_out.items() >= {"username": "coordinator", "reason": "idle", "path": HOME}.items()


@pytest.mark.django_db
def test_a_write_after_the_idle_time_is_not_made(world, coordinator):
    client = Client()
    client.force_login(coordinator)
    idle_for(client, 31 * 60)
    response = client.post(reverse("plans:edit", args=[world.plan.pk]), {"title": "Changed while away"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    world.plan.refresh_from_db()
    assert world.plan.title != "Changed while away"


@pytest.mark.django_db
def test_activity_keeps_the_session_but_never_beyond_eight_hours_from_sign_in():
    before = timezone.now()
    client = signed_in_client()
    deadline = expiry_in_database(client)
    assert before + datetime.timedelta(hours=8) <= deadline <= timezone.now() + datetime.timedelta(hours=8)

    idle_for(client, 29 * 60)
    assert client.get(HOME).status_code == 200
    # The request was recorded as activity (the session was saved), and the saving did not move the end.
    assert int(time.time()) - client.session[LAST_ACTIVITY] < 5
    assert expiry_in_database(client) == deadline
    assert client.cookies["sessionid"]["max-age"] <= 8 * 60 * 60


@pytest.mark.django_db
def test_the_idle_time_is_a_setting(settings):
    settings.SESSION_IDLE_TIMEOUT = 10 * 60
    client = signed_in_client()
    idle_for(client, 9 * 60)
    assert client.get(HOME).status_code == 200
    idle_for(client, 10 * 60)
    response = client.get(HOME, follow=True)
    assert "You were signed out after 10 minutes without activity." in response.text


@pytest.mark.django_db
def test_a_session_signed_in_before_sessions_were_timed_gets_the_eight_hour_end_from_now(world, coordinator):
    client = Client()
    client.force_login(coordinator)
    session = client.session
    del session[LAST_ACTIVITY]
    session.set_expiry(None)
    session.save()
    assert client.get(HOME).status_code == 200
    assert LAST_ACTIVITY in client.session
    assert "_session_expiry" in client.session


@pytest.mark.django_db
def test_staying_signed_in_starts_the_idle_time_again_but_cannot_revive_an_ended_session():
    client = signed_in_client()
    url = reverse("session_extend")
    idle_for(client, 29 * 60 + 30)
    page = client.get(reverse("password_change")).text
    # The page's warning counts from what the server keeps: the 29½ minutes were recorded by that request.
    assert 'id="session-timeout"' in page and 'data-idle="1800"' in page and 'data-warn="120"' in page
    idle_for(client, 29 * 60 + 30)
    assert client.post(url).status_code == 204
    assert time.time() - client.session[LAST_ACTIVITY] < 5
    assert client.get(url).status_code == 405
    idle_for(client, 30 * 60 + 5)
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert 'id="session-timeout"' not in Client().get(reverse("login")).text  # nobody signed in: no warning
