"""A Board member reads the dashboard, goes back to what a past meeting was shown (built from history, then
sealed) and opens its Board pack; the coordinator asks the leads for updates. In Debian's Chromium, with axe-core
(WCAG 2.2 A and AA) on every page.

The demo is loaded "a month ago" (the clock the services and the history read is moved back), so the past meeting
has a plan to show: updates three weeks ago, the Board meeting two weeks ago, more updates a week ago.
"""

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from actions import services as action_services
from actions.models import Action
from board.sealing import seal_meetings
from demo.demo import load_demo
from plans import services as plan_services
from plans.models import BoardMeeting

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

SERVICE = "Prevent delivery plan tracker"
PLAN = "Prevent Delivery Plan 2018-19"


def report(reference: str, rag: str, commentary: str, username: str) -> None:
    action = Action.objects.get(plan__council__slug="tower-hamlets", plan__year="2018-19", reference=reference)
    action_services.action_update_status(
        action=action,
        rag=rag,
        commentary=commentary,
        as_of=timezone.localdate(),
        evidence=None,
        by=get_user_model().objects.get(username=username),
        expected_version=action.version,
    )


@pytest.fixture
def demo(transactional_db: None, monkeypatch: Any) -> None:
    """Overrides the shared fixture: the demo with a Board cycle behind it, written through the services."""
    real_now = timezone.now
    moment = {"now": real_now() - datetime.timedelta(days=30)}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    load_demo()
    moment["now"] = real_now() - datetime.timedelta(days=21)
    report("1.1", "amber", "Two schools have withdrawn from the programme", "education-lead")
    report("4.1", "red", "No communications officer in post", "coordinator")
    plan = Action.objects.get(plan__council__slug="tower-hamlets", plan__year="2018-19", reference="1.1").plan
    plan_services.board_meeting_create(
        plan=plan,
        date=timezone.localdate() + datetime.timedelta(days=7),  # two weeks ago
        decisions="Recruit a communications officer",
        by=get_user_model().objects.get(username="coordinator"),
    )
    moment["now"] = real_now() - datetime.timedelta(days=7)
    report("1.1", "green", "Replacement schools found", "education-lead")
    monkeypatch.setattr(timezone, "now", real_now)


def test_a_board_member_reads_the_dashboard_a_past_meeting_and_its_pack(page: Page) -> None:
    meeting = BoardMeeting.objects.get(plan__council__slug="tower-hamlets", plan__year="2018-19")
    when = f"{meeting.date:%-d %B %Y}"
    page.goto("/")
    sign_in(page, "board")
    page.get_by_role("link", name=PLAN, exact=True).first.click()
    page.get_by_role("link", name="Board dashboard", exact=True).click()
    expect(page).to_have_title(re.compile(rf"^Board dashboard, {PLAN} - {SERVICE}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Board dashboard")
    chart = page.get_by_role("img", name="Actions and projects by RAG status")
    expect(chart).to_be_visible()
    # Every word of the chart is drawn inside it, the longest status ("No status recorded") included.
    outside = """svg => [...svg.querySelectorAll('text')].filter(text => {
        const box = text.getBBox();
        return box.x < 0 || box.x + box.width > svg.viewBox.baseVal.width;
    }).map(text => text.textContent)"""
    assert "No status recorded" in chart.text_content() and chart.evaluate(outside) == []
    totals = page.get_by_role("table", name="Actions and projects by RAG status")
    expect(totals.get_by_role("row", name=re.compile(r"^Actions"))).to_contain_text("1")
    red_amber = page.get_by_role("table", name=re.compile("at red or amber"))
    expect(red_amber).to_contain_text("No communications officer in post")
    expect(page.get_by_role("heading", name=f"Changes since the Board meeting of {when}")).to_be_visible()
    changes = page.get_by_role("table", name="Status changes")
    expect(changes).to_contain_text("1.1")  # amber at the meeting, green since
    assert_accessible(page)

    # Filters, without leaving the page's own form.
    page.get_by_role("checkbox", name="Red").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"rag=red"))
    expect(page.get_by_role("table", name=re.compile("at red or amber"))).to_contain_text("No communications officer")
    expect(page.get_by_role("table", name="Actions and projects by RAG status")).to_contain_text("0")
    assert_accessible(page)
    page.get_by_role("link", name="Clear filters").click()

    # What the Board was shown at its meeting.
    page.get_by_label("A Board meeting").select_option(label=when)
    page.get_by_role("button", name="Show this moment").click()
    expect(page).to_have_url(re.compile(rf"\?meeting={meeting.pk}$"))
    banner = page.get_by_role("region", name="Past state")
    expect(banner).to_contain_text(f"as it stood at the end of the day of the Board meeting of {when}")
    expect(page.get_by_role("table", name=re.compile("at red or amber"))).to_contain_text(
        "Two schools have withdrawn from the programme"
    )
    assert_accessible(page)

    # The nightly job seals what the meeting showed; the page is then read from that one row, and looks the same.
    assert seal_meetings().sealed == 1
    cache.clear()  # the page's body was cached when it was built from history
    page.reload()
    expect(banner).to_contain_text(f"as it stood at the end of the day of the Board meeting of {when}")
    expect(page.get_by_role("table", name=re.compile("at red or amber"))).to_contain_text(
        "Two schools have withdrawn from the programme"
    )
    assert_accessible(page)

    page.get_by_role("link", name=f"Board pack for the meeting of {when}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevent Programme Board")
    expect(page.get_by_text(f"Board pack for the meeting of {when}")).to_be_visible()
    expect(page.get_by_text("Two schools have withdrawn from the programme").first).to_be_visible()
    assert_accessible(page)
    # The pack is rendered on its first download (then kept): seconds on a busy machine, past the click's own wait.
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Download the Board pack as a PDF").click(no_wait_after=True)
    assert download.value.suggested_filename.endswith(f"{meeting.date:%Y-%m-%d}.pdf")


def test_the_coordinator_asks_the_leads_for_updates(page: Page) -> None:
    page.goto("/")
    sign_in(page, "coordinator")
    page.get_by_role("link", name=PLAN, exact=True).first.click()
    page.get_by_role("link", name="Board dashboard", exact=True).click()
    page.get_by_role("link", name="Ask leads for status updates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask leads for status updates")
    assert_accessible(page)
    page.get_by_label("Message to the leads (optional)").fill("The Board meets next week.")
    page.get_by_role("button", name="Send update request").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Update request sent")
    expect(page.get_by_role("table", name="Who has responded since")).to_contain_text("Not yet")
    assert_accessible(page)


def test_the_coordinator_keeps_the_boards_own_record(page: Page) -> None:
    """From the plan to the Board's terms of reference, then to the past meeting: an action arising recorded there,
    then marked done, without leaving GOV.UK forms."""
    meeting = BoardMeeting.objects.get(plan__council__slug="tower-hamlets", plan__year="2018-19")
    when = f"{meeting.date:%-d %B %Y}"
    page.goto("/")
    sign_in(page, "coordinator")
    page.get_by_role("link", name=PLAN, exact=True).first.click()
    page.get_by_role("link", name="The Programme Board", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevent Programme Board")
    expect(page.get_by_role("table", name="Members of the board by agency")).to_contain_text("London Fire Brigade")
    chair = "Corporate Director for Communities, Localities & Culture (CLC)"
    expect(page.get_by_text(chair, exact=True)).to_be_visible()  # also in the remit, within a longer sentence
    assert_accessible(page)

    page.get_by_role("link", name=f"Board meetings of the {PLAN}").click()
    page.get_by_role("link", name=when, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Board meeting of {when}")
    assert_accessible(page)
    page.get_by_role("link", name="Add an action arising").click()
    page.get_by_role("button", name="Add action arising").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what is to be done")
    assert_accessible(page)
    page.get_by_label("What is to be done").fill("Report the training figures to the Board")
    page.get_by_label("Who is to do it").fill("Prevent Co-ordinator")
    page.get_by_role("button", name="Add action arising").click()
    raised = page.get_by_role("table", name="Raised at this meeting")
    expect(raised).to_contain_text("Report the training figures to the Board")
    expect(raised).to_contain_text("Open")
    assert_accessible(page)

    raised.get_by_role("link", name=re.compile("^Mark as done")).click()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Board meeting of {when}")
    expect(page.get_by_role("table", name="Raised at this meeting")).to_contain_text(f"Done {today:%-d %B %Y}")
    assert_accessible(page)
