"""Emails one person's action sends to another (an update request to a lead, an invitation to a partner's lead):
signed with the sender's name, and answered to them when they have an address."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from .context_processors import SERVICE_NAME


def email_from(by: AbstractBaseUser, *, to: str, subject: str, template: str, context: dict[str, Any]) -> EmailMessage:
    """The email `template` renders from `context`, with `by` (the sender's name) and `service_name` added."""
    context = {**context, "by": by.get_full_name() or by.get_username(), "service_name": SERVICE_NAME}
    return EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[to],
        reply_to=[by.email] if by.email else None,
    )
