"""Work in the background, as people see it in Debian's Chromium: the council's whole history prepared by a worker
and downloaded, a verification followed without JavaScript by the page's Refresh link. axe-core on every page."""

import csv
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import assert_accessible, assert_accessible_as_served, sign_in

pytestmark = pytest.mark.browser

COUNCIL = "London Borough of Tower Hamlets"


def test_the_council_history_is_prepared_in_the_background_and_downloaded(page: Page, tmp_path, worker_thread) -> None:
    page.goto("/audit/")
    sign_in(page, "auditor")
    page.get_by_role("button", name=f"Prepare CSV of {COUNCIL}, all plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change history CSV of {COUNCIL}, all plans")
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    assert_accessible(page)

    worker_thread.start()
    link = page.get_by_role("link", name=re.compile(r"download tower-hamlets_all-plans_history_.*\.csv"))
    expect(link).to_be_visible(timeout=60_000)  # the page's script puts the result in place of the progress
    expect(page.get_by_text(re.compile(r"[1-9][\d,]* rows written"))).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "history.csv"
    download.value.save_as(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["recorded_at", "user", "council"] and len(rows) > 400

    # The download is recorded in the audit record.
    page.goto("/audit/")
    expect(page.get_by_role("table")).to_contain_text(f"Change history CSV of {COUNCIL}, all plans, prepared")


def test_a_verification_is_followed_without_javascript_by_refreshing(
    page_without_javascript: Page, browser: Browser, worker_thread
) -> None:
    page = page_without_javascript
    page.goto("/audit/")
    sign_in(page, "auditor")
    page.get_by_role("button", name="Verify the audit record").click()
    expect(page.get_by_text("Waiting for a worker to start it.")).to_be_visible()
    assert_accessible_as_served(page, browser)

    worker_thread.start()
    refresh = page.get_by_role("link", name="Refresh to see how far it has got")
    for _ in range(120):
        if not refresh.count():
            break
        page.wait_for_timeout(500)
        refresh.click()
    expect(page.get_by_text("The audit record is intact")).to_be_visible()
    expect(page.get_by_text("Finished", exact=True)).to_be_visible()
    assert_accessible_as_served(page, browser)
