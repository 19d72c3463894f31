"""The address a request came from, as far as this deployment can know it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address. Behind TRUSTED_PROXY_COUNT proxies, each appending the address it received the
    request from to X-Forwarded-For, it is the one that many entries from the right: anything further left was
    written by the client and could be anything. With no proxy (the default in development) the header is ignored
    and the connection's own address is the client's."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if proxies <= 0 or not forwarded:
        return remote
    # Fewer entries than proxies: the request bypassed one of them, so the leftmost is the nearest to the client.
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
