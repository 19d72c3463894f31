"""Second-factor workflows: setting up an authenticator app, checking codes, recovery codes, resetting.

django-otp keeps the devices: a TOTP device for the authenticator app and a static device whose tokens are the
recovery codes. Both throttle failures themselves (each wrong code doubles the wait before the next is checked);
these functions check the throttle under a row lock, so two requests cannot both slip through, and log every
refusal.
"""

import logging
import math
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger("mfa")

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


@dataclass(frozen=True)
class Attempt:
    accepted: bool
    wait_seconds: int = 0  # more than 0: not checked, too many wrong codes came just before

    @property
    def throttled(self) -> bool:
        return self.wait_seconds > 0


def readable_key(device: TOTPDevice) -> str:
    """The secret key as an authenticator app takes it typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


def mfa_check_code(*, device: TOTPDevice | StaticDevice, code: str) -> Attempt:
    """Check a code against one device of the person: once, throttled, logged. A recovery code is used up."""
    username = device.user.get_username()
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, details = locked.verify_is_allowed()
        if not allowed:
            wait = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
            logger.warning(
                "Second-factor code for %s not checked: %s wrong in a row, next check in %s s (%s)",
                username,
                details["failure_count"],
                wait,
                device.name,
            )
            return Attempt(accepted=False, wait_seconds=wait)
        accepted = locked.verify_token(code)
    if accepted:
        logger.info("Second-factor code for %s accepted (%s)", username, device.name)
    else:
        logger.warning(
            "Wrong second-factor code for %s: %s wrong in a row (%s)",
            username,
            locked.throttling_failure_count,
            device.name,
        )
    return Attempt(accepted=accepted)


def mfa_start_set_up(*, user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator app being set up: an unconfirmed device, kept until it is confirmed, so the QR code stays
    the same while the person scans it or comes back to the page."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def mfa_confirm_set_up(*, device: TOTPDevice, code: str) -> tuple[Attempt, list[str]]:
    """Confirm the app with a code it shows; on success it replaces any other app of the person and new recovery
    codes replace the old. Returns the attempt and, when accepted, the new recovery codes (shown once)."""
    with transaction.atomic():
        attempt = mfa_check_code(device=device, code=code)
        if not attempt.accepted:
            return attempt, []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        codes = _replace_recovery_codes(device.user)
    logger.info("Authenticator app set up for %s", device.user.get_username())
    return attempt, codes


def recovery_device_of(user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def mfa_new_recovery_codes(*, user: AbstractBaseUser) -> list[str]:
    """New recovery codes for the person; the old ones stop working."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
    logger.info("New recovery codes made for %s", user.get_username())
    return codes


def _replace_recovery_codes(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    ordered = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in ordered)
    return ordered


def mfa_reset(*, user: AbstractBaseUser, by: str) -> int:
    """Remove the person's authenticator app and recovery codes (a lost phone). Their sessions stop being verified
    at once; at their next request they set up a new app if they must have one. Returns the number of apps removed
    (0: the person had none confirmed)."""
    with transaction.atomic():
        apps = TOTPDevice.objects.devices_for_user(user, confirmed=True).count()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    logger.warning("Two-factor authentication of %s reset by %s", user.get_username(), by)
    return apps
