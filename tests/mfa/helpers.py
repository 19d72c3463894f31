"""Devices and codes for the second-factor tests, made as the app makes them."""

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import services
from tests import factories as f

SIGN_IN = "/accounts/login/"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or some 30-second steps on), computed from the device's key."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A well-formed code that the device accepts at no step near now."""
    near = {code_for(device, steps_ahead=ahead) for ahead in (-2, -1, 0, 1, 2)}
    return next(code for code in (f"{number:06d}" for number in range(1000000)) if code not in near)


def set_up_authenticator(user: AbstractBaseUser) -> tuple[TOTPDevice, list[str]]:
    """An authenticator app set up through the service, and the recovery codes it gave; the device is fresh so that
    a test can still use the code of this time step."""
    device = services.mfa_start_set_up(user=user)
    attempt, codes = services.mfa_confirm_set_up(device=device, code=code_for(device))
    assert attempt.accepted
    device.refresh_from_db()
    device.last_t = -1  # as if the set-up was a minute ago: this step's code works once more
    device.save(update_fields=["last_t"])
    return device, codes


def signed_in_with_password(user: AbstractBaseUser) -> Client:
    client = Client()
    response = client.post(SIGN_IN, {"username": user.get_username(), "password": f.PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return client
