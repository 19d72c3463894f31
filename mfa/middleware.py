"""The one place where a second factor is enforced.

While a session that must be verified is not, only the sign-in and sign-out pages, the public pages of the
reviewed allow-list (views marked login_not_required) and the second-factor pages themselves answer; everything
else, the Django admin included, sends the person to enter a code, or to set up an authenticator app if they have
none. Static files never reach this: WhiteNoise serves them earlier in the chain.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin

from . import policy

View = Callable[..., HttpResponse]


def mfa_exempt(view: View) -> View:
    """Mark a view of the second-factor step itself, reachable before the session is verified."""
    view.mfa_exempt = True
    return view


def _open_before_verification(request: HttpRequest, view: View) -> bool:
    if getattr(view, "mfa_exempt", False):
        return True
    # The admin marks its own sign-in page login_not_required; here that page hands over to the service's sign-in
    # (config/urls.py), and nothing of the admin is open before the second factor.
    match = request.resolver_match
    if match is not None and "admin" in match.namespaces:
        return False
    return not getattr(view, "login_required", True)


class SecondFactorMiddleware(MiddlewareMixin):
    """Runs after django_otp's OTPMiddleware, which tells whether the session's user is verified."""

    def process_view(
        self, request: HttpRequest, view: View, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified() or _open_before_verification(request, view):
            return None
        decision = policy.decision_for(request)
        if not decision.asks:
            return None
        step = reverse("mfa:verify" if decision.has_authenticator else "mfa:set_up")
        # Only a page can be returned to; a form posted before the second factor is not sent again.
        if request.method in {"GET", "HEAD"}:
            step += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(step)
