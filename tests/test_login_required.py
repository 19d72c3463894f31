"""No page answers an anonymous visitor except the reviewed allow-list."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Reviewed allow-list: the only URL names an anonymous visitor may read. Static files are served outside
# the URLconf (WhiteNoise). Adding a name here needs a reason in the commit.
ANONYMOUS_ALLOWED = {
    "login",
    "accessibility",
    # The published (redacted) version of a plan whose council made it public; 404 for every other plan.
    "plans:published",
    "plans:published_pdf",
    # The page an invited lead's emailed link opens, to set their first password; it refuses every link but a
    # valid, unused, unexpired one (tests/plans/test_invitations.py).
    "plans:invitation_accept",
    # Load balancers and monitoring ask whether the instance can serve: part names and ok/failing, nothing else.
    "health",
}

ARGUMENT_VALUES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000001"}


def walk(patterns: list, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            child_namespace = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), child_namespace.strip(":"))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}".strip(":"), pattern


def concrete_path(route: str) -> str:
    """Turn a route like "plans/<int:pk>/" or an admin regex into a path a client can request."""
    path = route
    for converter, value in ARGUMENT_VALUES.items():
        while f"<{converter}:" in path:
            start = path.index(f"<{converter}:")
            path = path[:start] + value + path[path.index(">", start) + 1 :]
    while "<" in path:  # untyped converters default to str
        start = path.index("<")
        path = path[:start] + "x" + path[path.index(">", start) + 1 :]
    # Regex routes of the admin: drop anchors and fill groups with a plausible value.
    for token in ("^", "$", "\\Z", "\\A"):
        path = path.replace(token, "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = re.sub(r"\([^)]*\)", "x", path)
    return "/" + path


ALL_ROUTES = sorted({(concrete_path(route), name) for route, name, _ in walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_application_and_admin_urls():
    names = {name for _, name in ALL_ROUTES}
    assert {"plans:home", "plans:detail", "actions:detail", "projects:detail", "peer_review:recommendation"} <= names
    assert "admin:index" in names
    assert len(ALL_ROUTES) > 50


@pytest.mark.parametrize(("path", "name"), ALL_ROUTES)
@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, path: str, name: str):
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if name in ANONYMOUS_ALLOWED:
            continue
        assert response.status_code in {301, 302, 404}, f"{method.upper()} {path} ({name}) gave {response.status_code}"
        if response.status_code in {301, 302}:
            assert response.url.startswith("/accounts/login/") or response.url.startswith("/admin/login/"), (
                f"{path} redirected to {response.url}"
            )
            if response.url.startswith("/admin/login/"):
                # The admin's own sign-in page hands over to the service's sign-in.
                follow = client.get(response.url)
                assert follow.status_code == 302 and follow.url.startswith("/accounts/login/")
        else:
            # A 404 must come from the resolver or the object lookup, never from a page rendered for them.
            assert b"Sign out" not in response.content


@pytest.mark.django_db
def test_allow_listed_pages_are_readable_anonymously(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accessibility/").status_code == 200
