"""The security settings, read by config.settings: sessions and cookies, the Content-Security-Policy and other
headers, HTTPS behind the proxy, the client's address, rate limits for anonymous requests, and sign-in throttling."""

import os
from datetime import timedelta

from django.utils.csp import CSP

from .environment import DEBUG, env_bool

# A session lasts at most one working day from sign-in, however active (core.middleware fixes its expiry at sign-in),
# and ends sooner after SESSION_IDLE_TIMEOUT seconds without a request.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
# A signed-in page warns this many seconds before its session ends, with a button to stay signed in (WCAG 2.2.1).
SESSION_TIMEOUT_WARNING = 2 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts and styles come from the service's own static files only: no inline script, style element or attribute.
# The nonce is for the Django admin, whose templates mark their tags with one; it is in the header only on pages
# whose template used it, so the service's own pages say just 'self'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The admin's pages from django-simple-history (a style="border-top: 0" on the history pager) and django-guardian (an
# empty <style> element on object permissions) would be refused; the admin alone allows those two, by their hashes,
# rather than 'unsafe-inline' for every style (config/urls.py applies it).
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "style-src": [
        *SECURE_CSP["style-src"],
        CSP.UNSAFE_HASHES,
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        "'sha256-AbpHGcgLb+kRsJGnwFEktk7uzpZOCcBY74+YBdrKVGs='",
    ],
}
# Powerful browser features the service never uses, refused to it and to anything it might ever embed.
# Each value is an allow-list: [] refuses the feature everywhere, ["self"] allows it to the service's own pages.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

BEHIND_PROXY = not DEBUG and env_bool("DJANGO_BEHIND_PROXY", True)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address (core.client_ip), for sign-in throttling, rate limits and the security log, is the one the
# proxies in front of the service saw: the entry this many places from the right of X-Forwarded-For (each proxy
# appends the address it was reached from). Without a proxy it is the connection's own address; a header the client
# wrote itself is never believed.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "1" if BEHIND_PROXY else "0"))

# Requests a minute each client address may make, without signing in, to the published plans, their PDFs and the
# sign-in page (core.ratelimit; 0 turns a limit off). A PDF is rendered once and then stored, but the first request
# for each one costs seconds. Signed-in people are not limited. The sign-in page's ceiling only stops a flood: a
# council's staff share one address, and guessing is django-axes' job below, per username and address.
ANONYMOUS_RATE_LIMITS = {
    "published": int(os.environ.get("RATE_LIMIT_PUBLISHED", "60")),
    "published_pdf": int(os.environ.get("RATE_LIMIT_PUBLISHED_PDF", "20")),
    "sign_in": int(os.environ.get("RATE_LIMIT_SIGN_IN", "300")),
}

# Sign-in throttling (django-axes). Failures count per username and address together, so a lockout never stops
# colleagues behind the same office address; SIGNIN_ADDRESS_FAILURE_LIMIT failures from one address across all
# usernames (someone trying many usernames) pause sign-in from that address. Both last AXES_COOLOFF_MINUTES after
# the latest failure counted; `manage.py axes_reset_username NAME` or the admin unlocks sooner.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
SIGNIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGNIN_ADDRESS_FAILURE_LIMIT", "100"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "core.signin.SignInThrottle"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "core.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Tries made while locked out are refused without counting, so the time the lockout page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
