"""Sign-in resists guessing: django-axes locks one username at one address after AXES_FAILURE_LIMIT failures."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.signin import spoken_time
from tests import factories as f

SIGN_IN = "/accounts/login/"
LOCKED = "Too many attempts to sign in"
WRONG = "Enter a correct username and password"
OFFICE = "198.51.100.7"  # one council office: everyone behind it shares the address
LIMIT = 5
COOL_OFF = datetime.timedelta(minutes=15)


@pytest.fixture(autouse=True)
def limits(settings) -> None:
    """The defaults (tests/core/test_settings.py checks them), whatever the environment running the tests says."""
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = COOL_OFF


def attempt(client: Client, username: str, password: str = "not-the-password", address: str = OFFICE, **headers):  # noqa: S107
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def signed_in_as(client: Client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def end_cool_off() -> None:
    """Move every failure back past the cool-off, as if that much time had passed."""
    past = datetime.timedelta(minutes=1) + COOL_OFF
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - past)


def page_text(response, username: str) -> str:
    """The page as served, less what differs by nature: the username typed (the form keeps it), the form's token
    and the time to try again (two lockouts a minute apart)."""
    text = response.text.replace(f'value="{username}"', 'value="NAME"')
    text = re.sub(r"<input[^>]*csrfmiddlewaretoken[^>]*>", "", text)
    return re.sub(r"from \d{1,2}:\d\d[ap]m", "from TIME", text)


@pytest.mark.django_db
def test_thirty_wrong_passwords_are_stopped_at_the_limit_and_then_even_the_right_one_is_refused(client):
    user = f.make_user("coordinator")
    answers = [attempt(client, "coordinator") for _ in range(30)]

    limit = LIMIT
    # The first four get the form back with the usual error; the fifth and every one after, the lockout page.
    assert [answer.status_code for answer in answers] == [200] * (limit - 1) + [429] * (30 - limit + 1)
    assert all(WRONG in answer.text for answer in answers[: limit - 1])
    assert all(LOCKED in answer.text and WRONG not in answer.text for answer in answers[limit - 1 :])
    # Tries made while locked out are not counted, so the lockout ends when the page said it would.
    assert AccessAttempt.objects.get().failures_since_start == limit

    right = attempt(client, "coordinator", f.PASSWORD)
    assert right.status_code == 429 and LOCKED in right.text
    assert not signed_in_as(client, user)

    end_cool_off()
    right = attempt(client, "coordinator", f.PASSWORD)
    assert right.status_code == 302 and right.url == reverse("plans:start")
    assert signed_in_as(client, user)


@pytest.mark.django_db
def test_the_lockout_page_says_when_to_try_again(client):
    f.make_user("coordinator")
    for _ in range(LIMIT):
        response = attempt(client, "coordinator")
    last = AccessAttempt.objects.get().attempt_time
    opens = (last + COOL_OFF).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    assert f"You can try again from {spoken_time(opens)}." in response.text
    assert "<title>Too many attempts to sign in - Prevent delivery plan tracker</title>" in response.text
    assert "paused for 15 minutes after the last attempt" in response.text


def test_the_time_to_try_again_is_written_the_gov_uk_way():
    today = datetime.datetime.now(datetime.UTC).replace(hour=16, minute=52)
    assert spoken_time(today) in {"4:52pm", "5:52pm"}  # Europe/London is UTC or UTC+1
    long_ago = datetime.datetime(2000, 1, 1, 0, 5, tzinfo=datetime.UTC)
    assert spoken_time(long_ago) == "12:05am on 1 January 2000"  # London keeps UTC in winter


@pytest.mark.django_db
def test_a_colleague_at_the_same_address_still_signs_in():
    f.make_user("coordinator")
    colleague = f.make_user("board")
    for _ in range(30):
        attempt(Client(), "coordinator")
    assert attempt(Client(), "coordinator", f.PASSWORD).status_code == 429
    client = Client()
    response = attempt(client, "board", f.PASSWORD)
    assert response.status_code == 302 and signed_in_as(client, colleague)


@pytest.mark.django_db
def test_the_same_username_from_another_address_still_signs_in():
    user = f.make_user("coordinator")
    for _ in range(30):
        attempt(Client(), "coordinator")
    assert attempt(Client(), "coordinator", f.PASSWORD).status_code == 429
    client = Client()
    assert attempt(client, "coordinator", f.PASSWORD, address="203.0.113.20").status_code == 302
    assert signed_in_as(client, user)


@pytest.mark.django_db
def test_an_unknown_username_is_locked_out_with_the_same_words_as_a_real_one(client):
    f.make_user("coordinator")
    real = [attempt(client, "coordinator") for _ in range(LIMIT + 1)]
    made_up = [attempt(client, "coordinatr") for _ in range(LIMIT + 1)]
    assert [r.status_code for r in real] == [r.status_code for r in made_up] == [200] * (LIMIT - 1) + [429] * 2
    assert LOCKED in made_up[-1].text
    for known, unknown in zip(real, made_up, strict=True):
        assert page_text(known, "coordinator") == page_text(unknown, "coordinatr")


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_failures_before_it(client):
    f.make_user("coordinator")
    for _ in range(LIMIT - 1):
        attempt(client, "coordinator")
    assert attempt(client, "coordinator", f.PASSWORD).status_code == 302
    client.logout()
    # A typo the next time is the first failure again, not the one that locks: the count starts afresh.
    assert [attempt(client, "coordinator").status_code for _ in range(LIMIT)] == [200] * (LIMIT - 1) + [429]


@pytest.mark.django_db
def test_many_usernames_tried_from_one_address_pause_that_address(settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 12
    user = f.make_user("coordinator")
    # Each username once: no username is locked out, but the twelfth failure from the address pauses it.
    answers = [attempt(Client(), f"guess-{number}").status_code for number in range(12)]
    assert answers == [200] * 11 + [429]
    client = Client()
    assert attempt(client, "coordinator", f.PASSWORD).status_code == 429
    assert not signed_in_as(client, user)
    # Elsewhere the same person signs in; and the address opens again after the cool-off.
    assert attempt(Client(), "coordinator", f.PASSWORD, address="203.0.113.20").status_code == 302
    end_cool_off()
    assert attempt(client, "coordinator", f.PASSWORD).status_code == 302


@pytest.mark.django_db
def test_an_administrator_unlocks_a_username_with_the_command(client):
    user = f.make_user("coordinator")
    for _ in range(LIMIT):
        attempt(client, "coordinator")
    call_command("axes_reset_username", "coordinator", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert attempt(client, "coordinator", f.PASSWORD).status_code == 302
    assert signed_in_as(client, user)


@pytest.mark.django_db
def test_an_administrator_unlocks_a_username_in_the_admin():
    user = f.make_user("coordinator")
    for _ in range(LIMIT):
        attempt(Client(), "coordinator")
    admin = Client()
    admin.force_login(f.make_user("admin", is_staff=True, is_superuser=True))
    lockout = AccessAttempt.objects.get(username="coordinator")
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "coordinator" in listing.text
    delete = reverse("admin:axes_accessattempt_delete", args=[lockout.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302

    client = Client()
    assert attempt(client, "coordinator", f.PASSWORD).status_code == 302
    assert signed_in_as(client, user)


@pytest.mark.django_db
def test_a_forwarded_address_is_ignored_unless_a_proxy_is_configured(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    user = f.make_user("coordinator")
    for number in range(LIMIT):
        # Someone writing a new X-Forwarded-For each time is still one address.
        attempt(Client(), "coordinator", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    client = Client()
    assert attempt(client, "coordinator", f.PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    assert not signed_in_as(client, user)


@pytest.mark.django_db
def test_behind_a_proxy_the_address_it_saw_counts_not_what_the_client_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    user = f.make_user("coordinator")
    for number in range(LIMIT):
        # The client writes an address of its own; the proxy appends the one it was reached from.
        attempt(Client(), "coordinator", address=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {OFFICE}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
    client = Client()
    assert attempt(client, "coordinator", f.PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 429
    # Another client behind the same proxy is another address.
    other = Client()
    response = attempt(other, "coordinator", f.PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 302
    assert signed_in_as(other, user)
