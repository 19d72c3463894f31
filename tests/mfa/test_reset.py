"""Resetting a lost device: the reset_mfa command and the admin action."""

import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f

from .helpers import code_for, set_up_authenticator, signed_in_with_password


@pytest.mark.django_db
def test_the_command_resets_a_lost_device_and_ends_the_verified_sessions(world, coordinator, require_mfa, caplog):
    device, _ = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    client.post(reverse("mfa:verify"), {"code": code_for(device)})
    assert client.get(reverse("plans:home")).status_code == 200

    with caplog.at_level(logging.WARNING, logger="mfa"):
        call_command("reset_mfa", "coordinator", stdout=(out := io.StringIO()))
    assert "Two-factor authentication reset for coordinator" in out.getvalue()
    assert "Two-factor authentication of coordinator reset by the reset_mfa command" in caplog.text
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    # The session verified by the lost phone is verified no longer: the coordinator sets up the new phone.
    response = client.get(reverse("plans:home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa:set_up"))
    assert "Set up two-factor authentication" in response.text


@pytest.mark.django_db
def test_the_command_names_an_unknown_username():
    with pytest.raises(CommandError, match="There is no account with the username nobody"):
        call_command("reset_mfa", "nobody")


@pytest.mark.django_db
def test_an_administrator_resets_people_from_the_list_of_users(world, coordinator, auditor, signed_in, require_mfa):
    for person in (coordinator, auditor):
        set_up_authenticator(person)
    admin = f.make_user("admin", is_staff=True, is_superuser=True)
    device, _ = set_up_authenticator(admin)
    client = signed_in(admin)
    client.post(reverse("mfa:verify"), {"code": code_for(device)})

    changelist = client.get(reverse("admin:auth_user_changelist"))
    assert "Reset two-factor authentication (lost phone)" in changelist.text
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [coordinator.pk]},
        follow=True,
    )
    assert "Two-factor authentication reset for 1 person" in response.text
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert TOTPDevice.objects.filter(user=auditor, confirmed=True).exists()


@pytest.mark.django_db
def test_the_admin_never_shows_anyones_secret_key(world, coordinator, signed_in, require_mfa):
    set_up_authenticator(coordinator)
    admin = f.make_user("admin", is_staff=True, is_superuser=True)
    device, _ = set_up_authenticator(admin)
    client = signed_in(admin)
    client.post(reverse("mfa:verify"), {"code": code_for(device)})
    theirs = TOTPDevice.objects.get(user=coordinator)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[theirs.pk])).text
    assert theirs.key not in page
