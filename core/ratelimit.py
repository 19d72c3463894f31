"""A ceiling on what one client address may ask of the pages anyone can read without signing in.

The published plans and the sign-in page are all an anonymous visitor can reach; each is limited to a number of
requests a minute per address (settings.ANONYMOUS_RATE_LIMITS, by scope). The count lives in the cache, so with
CACHE_URL every worker and server shares it; in the default local-memory cache each process counts on its own.
Signed-in people are never limited here. Ours rather than django-ratelimit's: that answers 403 through an exception
and sets no Retry-After, so the 429 page and its header would need a middleware of their own anyway.
"""

import functools
import ipaddress
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .client_ip import client_ip

WINDOW_SECONDS = 60
# IPv6 gives each connection a /64 to choose addresses from: counting single addresses would let one client rotate.
IPV6_PREFIX = 64

View = Callable[..., HttpResponse]


def client_key(request: HttpRequest) -> str:
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))


def seconds_until_allowed(scope: str, key: str, limit: int) -> int:
    """Count this request against the window that began with the address's first request in it; 0 when it may go
    ahead, otherwise the whole seconds until that window ends. Each window is a minute from its first request, so a
    client cannot fit two windows' worth into a few seconds around a clock minute."""
    base = f"anonymous-rate:{scope}:{key}"
    now = time.time()
    if cache.add(f"{base}:start", now, WINDOW_SECONDS):
        started, count = now, 1
        cache.set(f"{base}:count", 1, WINDOW_SECONDS)
    else:
        started = cache.get(f"{base}:start", now)
        try:
            count = cache.incr(f"{base}:count")
        except ValueError:  # the count expired a moment before the start did
            count = 1
            cache.set(f"{base}:count", 1, WINDOW_SECONDS)
    if count <= limit:
        return 0
    return max(1, math.ceil(started + WINDOW_SECONDS - now))


def anonymous_rate_limit(scope: str) -> Callable[[View], View]:
    """Answer 429, with Retry-After, to an anonymous client over the scope's limit a minute; 0 turns it off."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            limit = settings.ANONYMOUS_RATE_LIMITS.get(scope, 0)
            if limit and not request.user.is_authenticated:
                wait = seconds_until_allowed(scope, client_key(request), limit)
                if wait:
                    context = {"wait_seconds": wait, "offer_sign_in": scope != "sign_in"}
                    response = render(request, "429.html", context, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorator
