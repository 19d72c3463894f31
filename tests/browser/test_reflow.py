"""Phones and zoom (WCAG 1.4.10, Reflow): every page the journeys visit fits a 320 CSS pixel screen without the
page itself scrolling sideways, and has no axe violation at 320 or at 1280 pixels. Wide tables scroll inside a
labelled region that takes keyboard focus; the page around them does not move.

One browser context per role: each signs in once and then walks its pages at both widths.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page

from actions.models import Action
from plans import services as plan_services
from plans.models import BoardMeeting, Council, DeliveryPlan
from publication import services as publication_services

from .conftest import TIMEOUT_MS, assert_accessible, sign_in

pytestmark = pytest.mark.browser

NARROW, WIDE = 320, 1280


def page_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when it reflows)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def unlabelled_scrolling_regions(page: Page) -> list[str]:
    """Elements that scroll sideways at this width but cannot be reached by keyboard or have no name."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(el => {
            const style = getComputedStyle(el);
            const scrolls = ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth;
            const region = el.tabIndex >= 0 && el.getAttribute('role') === 'region' && el.getAttribute('aria-label');
            return scrolls && !region;
        }).map(el => el.outerHTML.slice(0, 120))"""
    )


@pytest.fixture
def world(demo: None) -> dict[str, Any]:
    """The 2018-19 plan published and public, with a Board meeting two weeks ago."""
    plan = DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2018-19")
    coordinator = get_user_model().objects.get(username="coordinator")
    if not BoardMeeting.objects.filter(plan=plan).exists():
        plan_services.board_meeting_create(
            plan=plan, date=datetime.date.today() - datetime.timedelta(days=14), decisions="", by=coordinator
        )
    plan.refresh_from_db()
    publication_services.plan_publish(plan=plan, public=True, by=coordinator, expected_version=plan.version)
    action = Action.objects.filter(plan=plan, reference="1.1").get()
    meeting = BoardMeeting.objects.filter(plan=plan).order_by("-date").first()
    council = Council.objects.get(slug="tower-hamlets")
    return {"plan": plan, "action": action, "meeting": meeting, "council": council}


def walk(browser: Browser, base_url: str, username: str | None, paths: list[str]) -> list[str]:
    """Visit each path at both widths; return what failed (overflow, unreachable scrolling), axe failing at once."""
    context = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": WIDE, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = []
    try:
        if username:
            page.goto("/accounts/login/")
            sign_in(page, username)
        for path in paths:
            for width in (NARROW, WIDE):
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(path)
                status = response.status if response else None
                assert status == 200, f"{path} answered {status}"
                overflow = page_overflow(page)
                if overflow > 0:
                    problems.append(f"{path} at {width}px: the page is {overflow}px wider than the screen")
                for region in unlabelled_scrolling_regions(page):
                    problems.append(f"{path} at {width}px: a scrolling box without a focusable named region: {region}")
                assert_accessible(page)
    finally:
        context.close()
    return problems


JOURNEYS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "coordinator": lambda w: [
        "/",
        f"/councils/{w['council'].slug}/attention/",
        f"/plans/{w['plan'].pk}/search/?q=teachers",
        f"/plans/{w['plan'].pk}/update-requests/",
        w["plan"].get_absolute_url(),
        f"/plans/{w['plan'].pk}/dashboard/",
        f"/plans/{w['plan'].pk}/history/",
        f"/plans/{w['plan'].pk}/meetings/",
        f"/meetings/{w['meeting'].pk}/",
        f"/meetings/{w['meeting'].pk}/pack/",
        w["action"].get_absolute_url(),
        f"/councils/{w['council'].slug}/board/",
        f"/councils/{w['council'].slug}/people/",
        f"/plans/{w['plan'].pk}/publish/",
    ],
    "education-lead": lambda w: [
        "/my-actions/",
        w["action"].get_absolute_url(),
        f"{w['action'].get_absolute_url()}status/",
    ],
    "board": lambda w: ["/", f"/plans/{w['plan'].pk}/dashboard/"],
    "auditor": lambda w: ["/audit/"],
    "": lambda w: [f"/published/tower-hamlets/{w['plan'].year}/"],
}


@pytest.mark.parametrize("username", list(JOURNEYS))
def test_every_page_reflows_at_320_pixels_and_passes_axe_at_both_widths(
    browser: Browser, live_server: Any, world: dict[str, Any], username: str
) -> None:
    problems = walk(browser, live_server.url, username or None, JOURNEYS[username](world))
    assert not problems, "\n".join(problems)
