"""The second-factor pages: entering a code, recovery codes, setting up an app, the account page."""

import logging
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import services

from .helpers import code_for, set_up_authenticator, signed_in_with_password, wrong_code_for

VERIFY = "/accounts/two-factor/code/"
RECOVERY = "/accounts/two-factor/recovery-code/"
SET_UP = "/accounts/two-factor/set-up/"
RECOVERY_CODES = "/accounts/two-factor/recovery-codes/"
ACCOUNT = "/accounts/two-factor/"


def is_verified(client) -> bool:
    return client.get(reverse("plans:home")).status_code == 200


@pytest.mark.django_db
def test_the_code_page_is_a_gov_uk_question_page(coordinator, require_mfa):
    set_up_authenticator(coordinator)
    page = signed_in_with_password(coordinator).get(VERIFY + "?next=/plans/").text
    assert "<title>Enter the code from your authenticator app - Prevent delivery plan tracker</title>" in page
    assert re.search(r"<h1 class=\"govuk-label-wrapper\">\s*<label[^>]*govuk-label--l[^>]*>\s*Enter the 6-digit", page)
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
    assert 'name="next" value="/plans/"' in page
    assert f'href="{RECOVERY}?next=/plans/"' in page.replace("%2F", "/")
    assert "<script>" not in page.split("</header>")[1] and 'style="' not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the code from your authenticator app"),
        ("12ab56", "The code must be 6 digits"),
        ("1234567", "The code must be 6 digits"),
    ],
)
def test_a_code_of_the_wrong_shape_is_refused_without_counting_as_a_guess(coordinator, require_mfa, typed, message):
    device, _ = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'<a href="#id_code">{message}</a>' in response.text
    at_field = re.search(r'govuk-error-message">\s*<span[^>]*>Error:</span>\s*(.+?)\s*<', response.text)
    assert at_field is not None and at_field.group(1) == message
    assert "<title>Error: Enter the code" in response.text
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert not is_verified(client)


@pytest.mark.django_db
def test_a_wrong_code_is_refused_counted_and_logged(coordinator, require_mfa, caplog):
    device, _ = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    with caplog.at_level(logging.WARNING, logger="mfa"):
        response = client.post(VERIFY, {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert '<a href="#id_code">The code is not correct</a>' in response.text
    assert not is_verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert "Wrong second-factor code for coordinator: 1 wrong in a row" in caplog.text


@pytest.mark.django_db
def test_codes_are_throttled_after_a_wrong_one_even_the_right_code(coordinator, require_mfa, caplog):
    device, _ = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    client.post(VERIFY, {"code": wrong_code_for(device)})
    client.post(VERIFY, {"code": wrong_code_for(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the second was not even checked

    device.throttling_failure_count = 5  # five wrong in a row: 16 seconds before the next is checked
    device.save(update_fields=["throttling_failure_count"])
    with caplog.at_level(logging.WARNING, logger="mfa"):
        response = client.post(VERIFY, {"code": code_for(device)})
    assert "You have entered a wrong code too many times. Wait 16 seconds, then try again" in response.text
    assert "not checked: 5 wrong in a row" in caplog.text
    assert not is_verified(client)

    # Once the wait is over the right code works, and the count starts again.
    device.throttling_failure_timestamp = timezone.now() - timezone.timedelta(seconds=17)
    device.save(update_fields=["throttling_failure_timestamp"])
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert is_verified(client)


@pytest.mark.django_db
def test_a_code_works_once(coordinator, require_mfa):
    device, _ = set_up_authenticator(coordinator)
    code = code_for(device)
    assert signed_in_with_password(coordinator).post(VERIFY, {"code": code}).status_code == 302
    replayed = signed_in_with_password(coordinator).post(VERIFY, {"code": code})
    assert "The code is not correct" in replayed.text


@pytest.mark.django_db
def test_the_page_returned_to_is_on_this_site(coordinator, require_mfa):
    device, _ = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.url == reverse("plans:start")


@pytest.mark.django_db
def test_a_recovery_code_works_once_in_place_of_a_code(coordinator, require_mfa):
    _, codes = set_up_authenticator(coordinator)
    assert len(codes) == len(set(codes)) == services.RECOVERY_CODE_COUNT
    client = signed_in_with_password(coordinator)
    page = client.get(RECOVERY).text
    assert "<title>Enter one of your recovery codes - Prevent delivery plan tracker</title>" in page
    typed = f"{codes[3][:4].upper()} {codes[3][4:].upper()}"  # as written down, in capitals and with a space
    response = client.post(RECOVERY, {"code": typed, "next": "/plans/"})
    assert response.status_code == 302 and response.url == "/plans/"
    assert "You have 9 recovery codes left" in client.get("/").text
    assert StaticToken.objects.filter(token=codes[3]).count() == 0

    again = signed_in_with_password(coordinator)
    response = again.post(RECOVERY, {"code": codes[3]})
    assert response.status_code == 200
    assert '<a href="#id_code">The recovery code is not correct, or it has already been used</a>' in response.text
    assert not is_verified(again)
    assert again.post(RECOVERY, {"code": "not a code"}).status_code == 200
    assert "The recovery code must be 8 letters and numbers" in again.post(RECOVERY, {"code": "abc"}).text


@pytest.mark.django_db
def test_a_recovery_code_is_no_6_digit_code_and_a_code_no_recovery_code(coordinator, require_mfa):
    device, codes = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    assert "The code must be 6 digits" in client.post(VERIFY, {"code": codes[0]}).text
    assert client.post(RECOVERY, {"code": code_for(device)}).status_code == 200
    assert not is_verified(client)


@pytest.mark.django_db
def test_setting_up_an_app_shows_the_qr_code_and_key_then_the_recovery_codes_once(world, coordinator, require_mfa):
    client = signed_in_with_password(coordinator)
    next_url = reverse("plans:dashboard", args=[world.plan.pk])
    page = client.get(f"{SET_UP}?next={next_url}")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"  # the key is never kept by a cache
    device = TOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed
    assert '<svg role="img"' in page.text and "<title>QR code to scan with your authenticator app</title>" in page.text
    assert services.readable_key(device) in page.text
    assert len(services.readable_key(device).replace(" ", "")) == 32
    assert client.get(SET_UP).text.count(services.readable_key(device)) == 1  # the same key when the page is seen again

    response = client.post(SET_UP, {"code": "000000" if code_for(device) != "000000" else "111111", "next": next_url})
    assert "The code is not correct" in response.text
    device.throttling_failure_timestamp = None
    device.save(update_fields=["throttling_failure_timestamp"])
    response = client.post(SET_UP, {"code": code_for(device), "next": next_url})
    assert response.status_code == 302
    assert response.url == f"{RECOVERY_CODES}?next=%2Fplans%2F{world.plan.pk}%2Fdashboard%2F"
    device.refresh_from_db()
    assert device.confirmed

    shown = client.get(response.url)
    codes = list(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True))
    assert len(codes) == 10
    for code in codes:
        assert f"{code[:4]} {code[4:]}" in shown.text
    assert f'href="{next_url}"' in shown.text
    # Shown once: coming back shows the account page, which lists how many are left, never the codes.
    again = client.get(RECOVERY_CODES, follow=True)
    assert again.redirect_chain[-1][0] == ACCOUNT
    assert "10 of 10 left" in again.text
    assert not any(code[:4] in again.text for code in codes)
    assert client.get(next_url).status_code == 200


@pytest.mark.django_db
def test_the_password_alone_never_replaces_an_app(coordinator, require_mfa):
    set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    response = client.get(SET_UP)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert client.post(SET_UP, {"code": "123456"}).url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1
    assert client.post(RECOVERY_CODES).url.startswith(reverse("mfa:verify"))


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old(coordinator, require_mfa):
    device, old = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(RECOVERY_CODES, follow=True)
    new = list(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert all(f"{code[:4]} {code[4:]}" in response.text for code in new)
    assert "Your recovery codes" in response.text


@pytest.mark.django_db
def test_the_account_page_offers_to_set_up_an_app_to_those_without(board, signed_in):
    client = signed_in(board)
    page = client.get(ACCOUNT).text
    assert "Not set up" in page and f'href="{SET_UP}"' in page
    assert "Two-factor authentication</a>" in client.get(reverse("plans:home")).text  # linked from every page


@pytest.mark.django_db
def test_someone_reset_since_signing_in_is_sent_on_or_to_set_up(coordinator, board, require_mfa):
    set_up_authenticator(board)
    client = signed_in_with_password(board)
    services.mfa_reset(user=board, by="test")
    assert client.get(VERIFY + "?next=/plans/").url == "/plans/"  # a Board member need not have one
    set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    services.mfa_reset(user=coordinator, by="test")
    assert client.get(VERIFY + "?next=/plans/").url == f"{SET_UP}?next=%2Fplans%2F"
