"""Who is asked for a second factor, and what the session remembers of it.

A person who has set up an authenticator app is asked for a code after their password, whether they had to set it
up or chose to. When REQUIRE_MFA is on, everyone who can change or export a plan (a coordinator or auditor of any
council, and administrators) must set one up before anything else works. The decision is made at sign-in and kept
in the session, then made again every few minutes: a role given during a session is enforced soon after, and a
page does not pay a query for it on every request.
"""

import time
from dataclasses import dataclass

import django_otp
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.models import Membership, Role

SESSION_KEY = "mfa_decision"
RECHECK_SECONDS = 300
ROLES_NEEDING_MFA = (Role.COORDINATOR, Role.AUDITOR)


@dataclass(frozen=True)
class Decision:
    required: bool  # must have a second factor: REQUIRE_MFA and what they may do
    has_authenticator: bool  # has a confirmed authenticator app

    @property
    def asks(self) -> bool:
        """Whether the session must be verified before anything but the sign-in pages works."""
        return self.required or self.has_authenticator


def mfa_required(user: AbstractBaseUser) -> bool:
    """Whether the person must use a second factor: they can change or export a plan, or administer the service."""
    if not settings.REQUIRE_MFA:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user=user, role__in=ROLES_NEEDING_MFA).exists()


def authenticator_of(user: AbstractBaseUser) -> TOTPDevice | None:
    """The person's confirmed authenticator app; setting one up replaces any other, so there is at most one."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def decide(user: AbstractBaseUser) -> Decision:
    return Decision(required=mfa_required(user), has_authenticator=authenticator_of(user) is not None)


def remember(request: HttpRequest, decision: Decision) -> None:
    request.session[SESSION_KEY] = [decision.required, decision.has_authenticator, int(time.time())]


def decision_for(request: HttpRequest) -> Decision:
    """The decision kept in the session while it is recent, otherwise made again from the database and kept."""
    stored = request.session.get(SESSION_KEY)
    if isinstance(stored, list) and len(stored) == 3 and 0 <= time.time() - stored[2] < RECHECK_SECONDS:
        return Decision(required=bool(stored[0]), has_authenticator=bool(stored[1]))
    decision = decide(request.user)
    remember(request, decision)
    return decision


def mark_verified(request: HttpRequest, device: Device) -> None:
    """From now on the session is verified by this device, under a new session key (the one from before the second
    factor may have been seen by someone who had the password only)."""
    django_otp.login(request, device)
    request.session.cycle_key()
    remember(request, decide(request.user))
