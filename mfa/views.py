"""The second-factor pages: enter a code, use a recovery code, set up an authenticator app, recovery codes, and the
account page that shows what is set up.

Every page reaches only the signed-in person's own devices; none takes a device or user id.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import policy, services
from .forms import WRONG_CODE, WRONG_RECOVERY_CODE, AuthenticatorCodeForm, RecoveryCodeForm, throttled_message
from .middleware import mfa_exempt
from .qr import qr_svg

NEW_CODES_SESSION_KEY = "mfa_recovery_codes_to_show"


def _next(request: HttpRequest) -> str:
    """Where to go once this step is done: the page first asked for, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else reverse("plans:start")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _code_error(attempt: services.Attempt, wrong: str = WRONG_CODE) -> str:
    return throttled_message(attempt.wait_seconds) if attempt.throttled else wrong


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if request.user.is_verified():
        return redirect(next_url)
    device = policy.authenticator_of(request.user)
    if device is None:
        # Reset since the decision was kept (a lost phone): set up again if they must, otherwise carry on.
        decision = policy.decide(request.user)
        policy.remember(request, decision)
        return redirect(_with_next("mfa:set_up", next_url) if decision.required else next_url)
    form = AuthenticatorCodeForm(request.POST or None, hint="The code changes every 30 seconds.")
    if form.is_valid():
        attempt = services.mfa_check_code(device=device, code=form.cleaned_data["code"])
        if attempt.accepted:
            policy.mark_verified(request, device)
            return redirect(next_url)
        form.add_error("code", _code_error(attempt))
    return render(request, "mfa/verify.html", {"form": form, "next": next_url})


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def recovery(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if request.user.is_verified():
        return redirect(next_url)
    device = services.recovery_device_of(request.user)
    if policy.authenticator_of(request.user) is None:
        return redirect(_with_next("mfa:verify", next_url))
    form = RecoveryCodeForm(request.POST or None)
    if form.is_valid():
        attempt = (
            services.mfa_check_code(device=device, code=form.cleaned_data["code"])
            if device is not None
            else services.Attempt(accepted=False)
        )
        if attempt.accepted:
            policy.mark_verified(request, device)
            left = services.recovery_codes_left(request.user)
            messages.info(
                request,
                f"You have {left} recovery code{'' if left == 1 else 's'} left. "
                "You can create new ones from the two-factor authentication page.",
            )
            return redirect(next_url)
        form.add_error("code", _code_error(attempt, WRONG_RECOVERY_CODE))
    return render(request, "mfa/recovery.html", {"form": form, "next": next_url})


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if policy.authenticator_of(request.user) is not None:
        # Replacing an app needs the old one, or an administrator's reset: the password alone never does it.
        return redirect(reverse("mfa:account") if request.user.is_verified() else _with_next("mfa:verify", next_url))
    device = services.mfa_start_set_up(user=request.user)
    form = AuthenticatorCodeForm(request.POST or None, heading="h2")
    if form.is_valid():
        attempt, codes = services.mfa_confirm_set_up(device=device, code=form.cleaned_data["code"])
        if attempt.accepted:
            policy.mark_verified(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(_with_next("mfa:recovery_codes", next_url))
        form.add_error("code", _code_error(attempt))
    context = {
        "form": form,
        "next": next_url,
        "qr_code": qr_svg(device.config_url),
        "key": services.readable_key(device),
        "required": policy.mfa_required(request.user),
    }
    return render(request, "mfa/set_up.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New codes are shown once, straight after they are made; afterwards the page offers to make new ones."""
    next_url = _next(request)
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect(_with_next("mfa:verify", request.path))
        if policy.authenticator_of(request.user) is None:
            return redirect("mfa:account")
        request.session[NEW_CODES_SESSION_KEY] = services.mfa_new_recovery_codes(user=request.user)
        return redirect(_with_next("mfa:recovery_codes", next_url))
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if codes is None:
        return redirect("mfa:account")
    return render(request, "mfa/recovery_codes.html", {"codes": codes, "next": next_url})


@never_cache
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    device = policy.authenticator_of(request.user)
    context = {
        "device": device,
        "codes_left": services.recovery_codes_left(request.user) if device else 0,
        "code_count": services.RECOVERY_CODE_COUNT,
        "required": policy.mfa_required(request.user),
    }
    return render(request, "mfa/account.html", context)
