"""Anonymous visitors have a ceiling a minute per address on the pages they can read; signed-in people have none."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.client_ip import client_ip
from core.ratelimit import client_key
from publication.services import plan_publish

LIMIT = 60


@pytest.fixture
def published(world, coordinator):
    plan = world.plan
    plan.refresh_from_db()
    return plan_publish(plan=plan, public=True, by=coordinator, expected_version=plan.version)


@pytest.fixture
def published_url(published) -> str:
    return reverse("plans:published", args=[published.council.slug, published.year])


def get_many(client, url: str, count: int, **extra) -> list[int]:
    return [client.get(url, **extra).status_code for _ in range(count)]


def test_the_61st_anonymous_request_in_a_minute_is_refused_with_retry_after(client, published_url):
    assert get_many(client, published_url, LIMIT) == [200] * LIMIT
    refused = client.get(published_url)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    page = refused.text
    assert '<h1 class="govuk-heading-l">Too many requests</h1>' in page
    assert f"Wait {refused['Retry-After']} second" in page


def test_another_address_is_not_limited(client, published_url):
    get_many(client, published_url, LIMIT + 1)
    assert client.get(published_url, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get(published_url).status_code == 429


def test_a_signed_in_coordinator_is_not_limited(signed_in, coordinator, published_url):
    client = signed_in(coordinator)
    assert get_many(client, published_url, LIMIT + 10) == [200] * (LIMIT + 10)


def test_the_pdf_has_a_lower_ceiling_of_its_own(client, published, published_url, settings):
    pdf_url = reverse("plans:published_pdf", args=[published.council.slug, published.year])
    ceiling = settings.ANONYMOUS_RATE_LIMITS["published_pdf"]
    assert ceiling < LIMIT
    assert get_many(client, pdf_url, ceiling) == [200] * ceiling
    assert client.get(pdf_url).status_code == 429
    assert client.get(published_url).status_code == 200  # the pages' own count is apart


def test_the_sign_in_page_is_limited_for_anonymous_clients(client, settings):
    settings.ANONYMOUS_RATE_LIMITS = {**settings.ANONYMOUS_RATE_LIMITS, "sign_in": 3}
    url = reverse("login")
    assert get_many(client, url, 3) == [200] * 3
    refused = client.post(url, {"username": "someone", "password": "wrong password"})
    assert refused.status_code == 429 and "Retry-After" in refused
    assert 'href="/accounts/login/"' not in refused.text  # no link back to the page that refused


def test_a_limit_of_zero_turns_it_off(client, published_url, settings):
    settings.ANONYMOUS_RATE_LIMITS = {**settings.ANONYMOUS_RATE_LIMITS, "published": 0}
    assert get_many(client, published_url, LIMIT + 1) == [200] * (LIMIT + 1)


def test_behind_no_proxy_a_forwarded_header_is_ignored(client, published_url, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [client.get(published_url, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(LIMIT + 1)]
    assert statuses[-1] == 429


def test_behind_a_proxy_the_address_it_appended_is_the_clients(client, published_url, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    # The client writes whatever it likes on the left; the load balancer appends the address it saw.
    statuses = [
        client.get(published_url, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.9", **proxy).status_code
        for n in range(LIMIT + 1)
    ]
    assert statuses[-1] == 429
    other = client.get(published_url, HTTP_X_FORWARDED_FOR="198.51.100.10", **proxy)
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.5", "10.0.0.5"),
        (1, "", "10.0.0.5", "10.0.0.5"),
        (1, "192.0.2.1, 198.51.100.9", "10.0.0.5", "198.51.100.9"),
        (2, "192.0.2.1, 198.51.100.9, 10.0.0.7", "10.0.0.5", "198.51.100.9"),
        (2, "198.51.100.9", "10.0.0.5", "198.51.100.9"),
        (1, "not an address", "10.0.0.5", "10.0.0.5"),
    ],
)
def test_client_ip(settings, proxies, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_an_ipv6_client_is_counted_by_its_64_bit_prefix(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    first = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    second = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert client_key(first) == client_key(second) == "2001:db8:1:2::/64"


def test_an_ipv4_address_written_as_ipv6_is_counted_as_itself(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    mapped = RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.1")
    assert client_key(mapped) == client_key(RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"
