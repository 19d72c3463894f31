"""Response headers every page needs that Django has no setting for."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

Handler = Callable[[HttpRequest], HttpResponseBase]


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """The header's value: `camera=(), fullscreen=(self)`; "self" is a keyword, anything else an origin in quotes."""
    entries = []
    for feature, allowed in policy.items():
        origins = " ".join(origin if origin in {"self", "*"} else f'"{origin}"' for origin in allowed)
        entries.append(f"{feature}=({origins})")
    return ", ".join(entries)


class PermissionsPolicyMiddleware:
    """Send PERMISSIONS_POLICY on every response, unless a view has set its own."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NoStoreWhenSignedInMiddleware:
    """Keep every response to a signed-in person out of caches: the browser's, a shared computer's, a proxy's.

    Pages, evidence and exports hold Prevent work that is official-sensitive; the browser's back button or a
    proxy must not show it to the next person at the desk after sign-out. Anonymous pages (the published plans,
    sign-in, the accessibility statement) keep whatever caching their views ask for.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Asked before the view runs, so the response that signs someone out is covered too.
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            # Replaced rather than added to: a max-age a view set would only confuse the reader of the header.
            response["Cache-Control"] = "no-store"
        return response
