"""No page answers an anonymous visitor except the reviewed allow-list."""

import pytest
from django.urls import reverse

from tests.test_permission_matrix import ARGUMENTS
from tests.url_walk import admin_path, walk

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

ROUTES = sorted((route, name) for route, name, _ in walk())
PATTERNS = {(route, name): pattern for route, name, pattern in walk()}


def test_the_walk_finds_the_application_and_admin_urls():
    names = {name for _, name in ROUTES}
    assert {"plans:home", "plans:detail", "actions:detail", "projects:detail", "peer_review:recommendation"} <= names
    assert "admin:index" in names
    assert len(ROUTES) > 50


def real_path(route: str, name: str, world, url_objects, user_pk: int) -> str:
    """The path of the pattern naming objects that exist: those the permission matrix reaches it with."""
    if name.startswith("admin:") or name == "admin":
        return admin_path(name, PATTERNS[(route, name)], user_pk)
    return reverse(name, args=ARGUMENTS.get(name, lambda w, i: [])(world, url_objects))


def test_anonymous_visitors_are_sent_to_sign_in(client, world, url_objects, coordinator, subtests):
    # Real objects: a view left open by mistake would show them, where a made-up id would only give a 404. One world
    # for the whole walk (building it for each of the 190 URLs took a minute); each URL reports on its own.
    for route, name in ROUTES:
        if name in ANONYMOUS_ALLOWED:
            continue
        path = real_path(route, name, world, url_objects, coordinator.pk)
        with subtests.test(name, path=path):
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                assert response.status_code in {301, 302}, f"{method.upper()} {path} ({name}): {response.status_code}"
                if response.status_code == 301:  # the admin's catch-all adds the slash first
                    response = getattr(client, method)(response.url)
                assert response.url.startswith(("/accounts/login/", "/admin/login/")), f"{path} to {response.url}"
                if response.url.startswith("/admin/login/"):
                    # The admin's own sign-in page hands over to the service's sign-in.
                    follow = client.get(response.url)
                    assert follow.status_code == 302 and follow.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_allow_listed_pages_are_readable_anonymously(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accessibility/").status_code == 200
