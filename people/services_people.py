"""Coordinators starting a plan, and inviting the leads of partner agencies who have no account yet.

An invited lead's account is made with the invitation, inactive and without a usable password, and they are made
lead of the item at once: the coordinator's choice is recorded in the item's history when it is made, and the
account can do nothing (django-guardian grants nothing to an inactive user, and it cannot sign in) until its owner
sets a password from the emailed link, which activates it.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from core import audit
from core.access import leads_of, set_leads
from core.emails import email_from
from core.versioning import create_recorded
from plans.access import people_of
from plans.models import Council, DeliveryPlan, Invitation, validate_financial_year

logger = logging.getLogger(__name__)

# The earliest and latest financial years a plan may be for (the dates the service accepts are 2000 to 2100).
FIRST_YEAR, LAST_YEAR = 2000, 2098


@audit.chained()
def plan_create(*, council: Council, year: str, heading: str, introduction: str, by: AbstractBaseUser) -> DeliveryPlan:
    """Start a draft plan for the council; one plan a financial year."""
    validate_financial_year(year)
    if not FIRST_YEAR <= int(year[:4]) <= LAST_YEAR:
        first, last = f"{FIRST_YEAR}-{(FIRST_YEAR + 1) % 100:02d}", f"{LAST_YEAR}-{(LAST_YEAR + 1) % 100:02d}"
        raise ValidationError({"year": f"The financial year must be between {first} and {last}"})
    if DeliveryPlan.objects.filter(council=council, year=year).exists():
        raise ValidationError({"year": f"{council.name} already has a plan for {year}"})
    return create_recorded(
        DeliveryPlan,
        by=by,
        council=council,
        year=year,
        heading=heading.strip(),
        introduction=introduction,
        status=DeliveryPlan.Status.DRAFT,
    )


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Links in invitations. A link dies when it is used (the password and the active flag change), when the
    invitation is sent again (its time changes) and when the invitation expires (settings.INVITATION_EXPIRY_DAYS,
    counted from the latest sending rather than PASSWORD_RESET_TIMEOUT)."""

    key_salt = "people.services_people.InvitationTokenGenerator"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        invitation = user.invitation
        return f"{user.pk}|{user.password}|{user.is_active}|{invitation.sent_at.isoformat()}|{invitation.accepted_at}"

    def check_token(self, user: AbstractBaseUser | None, token: str | None) -> bool:
        if not (user and token) or not hasattr(user, "invitation"):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token) for secret in secrets
        ):
            return False
        return timezone.now() <= user.invitation.expires_at


invitation_tokens = InvitationTokenGenerator()


def invitation_link(invitation: Invitation, base_url: str) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(invitation.user.pk))
    path = reverse("plans:invitation_accept", args=[uidb64, invitation_tokens.make_token(invitation.user)])
    return base_url.rstrip("/") + path


def _email(invitation: Invitation, *, base_url: str, item: models.Model | None) -> EmailMessage:
    context = {
        "invitation": invitation,
        "name": invitation.user.get_full_name() or invitation.user.email,
        "item": item,
        "link": invitation_link(invitation, base_url),
        "expires": timezone.localtime(invitation.expires_at),
    }
    return email_from(
        invitation.invited_by,
        to=invitation.user.email,
        subject=f"You are invited to report on Prevent actions for {invitation.council.name}",
        template="plans/emails/invitation.txt",
        context=context,
    )


def _send(email: EmailMessage) -> None:
    try:
        mailers.default.send_messages([email])
    except OSError:  # smtplib's errors included; the coordinator can send it again
        logger.exception("Invitation email to %s not sent", email.to)


@audit.chained()
def invitation_send(
    *,
    council: Council,
    name: str,
    email: str,
    agency: str,
    item: models.Model | None,
    by: AbstractBaseUser,
    base_url: str,
) -> Invitation:
    """Invite a lead who has no account: make their inactive account, a partner of the council, make them lead of
    `item` (an action or project of the council's) when one is given, and email them a link to set a password."""
    email = email.strip().lower()
    users = get_user_model().objects
    existing = users.filter(models.Q(email__iexact=email) | models.Q(username__iexact=email)).first()
    if existing is not None:
        if people_of(council).filter(pk=existing.pk).exists():
            raise ValidationError(
                {"email": f"{email} already has an account: make them a lead by their username, {existing.username}"}
            )
        raise ValidationError({"email": "This email address cannot be invited: ask your administrator to help"})
    first, _, last = name.strip().rpartition(" ")
    user = users.create_user(
        username=email, email=email, first_name=first or last, last_name=last if first else "", is_active=False
    )
    invitation = Invitation(user=user, council=council, agency=agency.strip(), invited_by=by, sent_at=timezone.now())
    invitation._history_user = by
    invitation.save()
    if item is not None:
        item._history_user = by
        set_leads(item, [*leads_of(item), user])
    message = _email(invitation, base_url=base_url, item=item)
    transaction.on_commit(lambda: _send(message))
    return invitation


@audit.chained()
def invitation_resend(*, invitation: Invitation, by: AbstractBaseUser, base_url: str) -> Invitation:
    """Send the invitation again with a new link (every earlier link stops working) and a new expiry."""
    current = (
        Invitation.objects.select_for_update().select_related("user", "council", "invited_by").get(pk=invitation.pk)
    )
    if current.is_accepted:
        raise ValidationError(f"{current.user.email} has already accepted the invitation")
    current.sent_at = timezone.now()
    current._history_user = by
    current._change_reason = "Sent again"
    current.save(update_fields=["sent_at"])
    message = _email(current, base_url=base_url, item=None)
    transaction.on_commit(lambda: _send(message))
    return current


@audit.chained()
def invitation_accept(*, invitation: Invitation, password: str) -> AbstractBaseUser:
    """The invited lead sets their password: the account becomes active and the link can never be used again."""
    current = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if current.is_accepted:
        raise ValidationError("This invitation has already been accepted")
    user = current.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    current.accepted_at = timezone.now()
    current._history_user = user
    current._change_reason = "Accepted"
    current.save(update_fields=["accepted_at"])
    return user


def invited_user_from(uidb64: str) -> AbstractBaseUser | None:
    """The user an invitation link names, if the link's first part is a user id at all."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        return None
    return get_user_model().objects.select_related("invitation").filter(pk=pk, invitation__isnull=False).first()
