"""The demo as `make run` serves it: signed in as `board`, the 2018-19 Board cycle is there to see, from the home
page to the dashboard, a past meeting's sealed dashboard and its Board pack. axe-core on every page."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core import audit
from demo.demo import load_demo

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

PLAN = "Prevent Delivery Plan 2018-19"


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> None:
    """Overrides the shared fixture: the demo with its illustrative year, as `manage.py load_demo` loads it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(story=True)


def test_a_board_member_walks_the_year_from_home_to_a_past_meeting_pack(page: Page) -> None:
    page.goto("/")
    sign_in(page, "board")
    expect(page.get_by_role("heading", name=f"Programme Board: {PLAN}")).to_be_visible()
    expect(page.get_by_text("Latest meeting, 21 March 2019")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="The dashboard as it stands now").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board dashboard")
    expect(page.get_by_text("Illustrative demo data.")).to_be_visible()
    expect(page.get_by_role("heading", name="Changes since the Board meeting of 21 March 2019")).to_be_visible()
    assert_accessible(page)

    # What the Board was shown in September 2018, read back from the dashboard sealed the night after.
    page.get_by_label("A Board meeting").select_option(label="20 September 2018")
    page.get_by_role("button", name="Show this moment").click()
    expect(page).to_have_url(re.compile(r"\?meeting=\d+$"))
    banner = page.get_by_role("region", name="Past state")
    expect(banner).to_contain_text("as it stood at the end of the day of the Board meeting of 20 September 2018")
    expect(page.get_by_role("heading", name="Changes since the Board meeting of 19 July 2018")).to_be_visible()
    red_amber = page.get_by_role("table", name=re.compile("at red or amber"))
    expect(red_amber).to_contain_text("No draft yet")  # the Communication Strategy, red then
    assert_accessible(page)

    page.get_by_role("link", name="Board pack for the meeting of 20 September 2018").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevent Programme Board")
    expect(page.get_by_text("Illustrative demo data.")).to_be_visible()
    expect(page.get_by_text("No draft yet").first).to_be_visible()
    assert_accessible(page)

    # Committed event by event, as in `make run`: the chain verifies against the checkpoints each commit wrote.
    result = audit.verify()
    assert result.ok, result.problems
    assert result.checkpoints > 100
