"""Sign-in that resists guessing (django-axes, configured in settings.py), and the sign-in events of the security log.

A lockout holds one username at one address: colleagues behind the same office address still sign in. A ceiling on
the failures from one address across all usernames stops someone trying many usernames. The refusal says when to
try again and reads the same whether or not the username exists.
"""

import datetime
import logging
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .security import log_event


def _address_failures(request: HttpRequest) -> int:
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


def _user_id(username: str | None) -> int | None:
    if not username:
        return None
    user_model = get_user_model()
    return user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).values_list("pk", flat=True).first()


class SignInThrottle(AxesDatabaseHandler):
    """django-axes' database handler, with the per-address ceiling and the security log's sign-in events."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and _address_failures(request) >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT:
            request.signin_address_paused = True
            return limit
        return failures

    def user_login_failed(self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any):
        # Set by axes' backend when it refused the try before any password was checked.
        refused = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        username = get_client_username(request, credentials)
        known = {"username": username, "user_id": _user_id(username)}
        if refused:
            log_event("signin_refused", request=request, reason="locked_out", **known)
            return
        failures = request.axes_failures_since_start
        log_event("signin_failed", request=request, failures=failures, **known)
        if request.axes_locked_out:
            scope = "address" if getattr(request, "signin_address_paused", False) else "username_and_address"
            until = locked_until(request, credentials)
            log_event("signin_locked_out", request=request, scope=scope, until=until.isoformat(), **known)


def locked_until(request: HttpRequest, credentials: dict | None) -> datetime.datetime:
    """When sign-in opens again for this username at this address: the latest failure counted, plus the cool-off,
    rounded up to the minute. When only the address is paused, its latest failure of any username counts."""
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    pair = recent.filter(username=get_client_username(request, credentials)).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if (pair["failures"] or 0) >= get_failure_limit(request, credentials):
        last = pair["last"]
    else:
        last = recent.aggregate(last=Max("attempt_time"))["last"]
    until = (last or request.axes_attempt_time) + get_cool_off(request)
    return until.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)


def spoken_time(moment: datetime.datetime) -> str:
    """GOV.UK style: "4:52pm", with the date when it is not today ("9:05am on 5 December 2026")."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    text = f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    if local.date() != timezone.localdate():
        text += f" on {local.day} {local:%B %Y}"
    return text


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """The page axes shows instead of the sign-in form once a username is locked out at this address."""
    until = locked_until(request, credentials)
    context = {"try_again_at": spoken_time(until), "cooloff_minutes": int(get_cool_off(request).total_seconds() // 60)}
    return render(request, "registration/locked_out.html", context, status=429)


def signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    log_event("signin_succeeded", request=request, user=user, level=logging.INFO)


def signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        reason = getattr(request, "signed_out_reason", "signed_out")
        log_event("signed_out", request=request, user=user, reason=reason, level=logging.INFO)
