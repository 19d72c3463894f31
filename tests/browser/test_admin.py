"""The Django admin under the service's Content-Security-Policy, in Debian's Chromium.

The admin's templates carry the request's nonce on their <script> and <style> tags and load no inline script, so
the one policy serves it. Its widgets build their markup with JavaScript; these pages show that each still works
and that the browser refuses nothing on them (the refusals are collected by tests/browser/conftest.py). axe is not
run here: the admin's markup is Django's, for administrators, not a page of the service.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from projects.models import CommissionedProject

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_administrator_uses_the_admin_widgets_under_the_policy(page: Page) -> None:
    page.goto("/admin/")
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # The slug is filled in from the name as it is typed (prepopulate.js, configured by data attributes).
    page.goto("/admin/plans/council/add/")
    page.get_by_label("Name:").press_sequentially("Newham Borough")
    expect(page.get_by_label("Slug:")).to_have_value("newham-borough")

    # The user picker searches as it is typed (select2 and the admin's autocomplete view).
    page.goto("/admin/plans/membership/add/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("education")
    expect(page.locator(".select2-results__option").filter(has_text="education-lead")).to_be_visible()
    page.keyboard.press("Escape")

    # The objectives chooser of a project is the two-list widget SelectFilter2 builds from the plain <select>.
    project = CommissionedProject.objects.filter(plan__council__slug="tower-hamlets").first()
    page.goto(f"/admin/projects/commissionedproject/{project.pk}/change/")
    expect(page.locator(".selector-available").first).to_be_visible()
    page.goto(f"/admin/projects/commissionedproject/{project.pk}/history/")
    expect(page.get_by_role("heading", name="Change history", exact=False)).to_be_visible()
    page.goto(f"/admin/projects/commissionedproject/{project.pk}/permissions/")
    expect(page.get_by_role("heading", name="Object permissions", exact=False).first).to_be_visible()

    # A change list with actions: "select all" is the admin's actions.js.
    page.goto("/admin/plans/membership/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_have_text(re.compile(r"^\s*([1-9]\d*) of \1 selected"))
