"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an asyncio event loop in the main thread, and the session-scoped driver keeps it running
until the session ends; Django would then refuse every ORM call made from that thread (these fixtures', and those of
any test collected after them), so the async-safety check is switched off for the whole pytest process.

Every browser context any test opens is watched for the Content-Security-Policy: each page the live server sends
must carry the header, and the browser must refuse nothing on it (Chromium logs each refusal to the console, with
or without JavaScript). The test fails at teardown listing what was refused; the session's totals are printed at
the end of the run.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    expect,
    sync_playwright,
)

from demo.demo import load_demo
from tests.conftest import csp_summary

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.2 level A and AA, nothing else (no best practices, no AAA).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
TIMEOUT_MS = 15_000

_axe = Axe()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@dataclass
class CspWatch:
    """What the browser was sent and refused: per test (`problems`) and over the session (the counts)."""

    pages: int = 0
    paths: set[str] = field(default_factory=set)
    refused: int = 0
    problems: list[str] = field(default_factory=list)

    def document(self, response: Response) -> None:
        request = response.request
        if not request.is_navigation_request() or request.frame.parent_frame is not None:
            return
        if not response.url.startswith("http") or 300 <= response.status < 400:
            return
        self.pages += 1
        self.paths.add(urlsplit(response.url).path)
        if "content-security-policy" not in response.headers:
            self.problems.append(f"no Content-Security-Policy header on {response.url}")
        if "permissions-policy" not in response.headers:
            self.problems.append(f"no Permissions-Policy header on {response.url}")

    def console(self, message: ConsoleMessage) -> None:
        # Chromium's words for a refusal: "Refused to apply inline style because it violates the following Content
        # Security Policy directive: ...", and likewise for scripts, images, frames, form targets.
        if "Content Security Policy" in message.text:
            self.refused += 1
            location = message.location.get("url", "") if message.location else ""
            self.problems.append(f"{location}: {message.text}")
        elif "Permissions-Policy" in message.text:  # a feature this Chromium does not know: the header has a typo
            self.problems.append(message.text)


CSP_WATCH = CspWatch()


def watch_csp(context: BrowserContext) -> BrowserContext:
    context.on("response", CSP_WATCH.document)
    context.on("console", CSP_WATCH.console)
    return context


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    # Every context, including those a test opens itself, reports to the watch.
    new_context = chromium.new_context
    chromium.new_context = lambda **options: watch_csp(new_context(**options))  # type: ignore[method-assign]
    yield chromium
    chromium.close()


@pytest.fixture(autouse=True)
def no_content_security_policy_refusals() -> Iterator[None]:
    """Set up before, so torn down after, the test's pages and contexts: every message has arrived by then."""
    CSP_WATCH.problems.clear()
    yield
    if CSP_WATCH.problems:
        pytest.fail("Security policies broken on the pages visited:\n" + "\n".join(CSP_WATCH.problems), pytrace=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # An xdist worker prints nothing: it hands its counts to the controller (tests/conftest.py), which adds them up.
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["csp"] = {"pages": CSP_WATCH.pages, "paths": sorted(CSP_WATCH.paths), "refused": CSP_WATCH.refused}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if CSP_WATCH.pages:
        terminalreporter.write_line(csp_summary(CSP_WATCH.pages, CSP_WATCH.paths, CSP_WATCH.refused))


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The Tower Hamlets demo plans, reviews and demo accounts, in the database the live server reads."""
    load_demo()


def _new_page(browser: Browser, base_url: str, **context_options: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, locale="en-GB", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, live_server: Any, demo: None) -> Iterator[Page]:
    """A fresh page in a fresh browser context (no cookies carried over), pointed at the live server."""
    yield from _new_page(browser, live_server.url)


@pytest.fixture
def page_without_javascript(browser: Browser, live_server: Any, demo: None) -> Iterator[Page]:
    yield from _new_page(browser, live_server.url, java_script_enabled=False)


def sign_in(page: Page, username: str, password: str = "") -> None:
    """Sign in through the sign-in form as a person would: by the fields' labels and the button's name."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def format_violations(violations: list[dict[str, Any]], url: str) -> str:
    lines = [f"{len(violations)} WCAG 2.2 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now, against the WCAG 2.2 A and AA rules only; fail listing violations.

    axe runs in the page, so it needs JavaScript: a page opened without it would wait for ever. Check such pages
    with assert_accessible_as_served, below."""
    page.wait_for_load_state("load")
    results = _axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    if violations:
        pytest.fail(format_violations(violations, page.url))


def assert_accessible_as_served(page: Page, browser: Browser) -> None:
    """axe on a page that runs no JavaScript: its DOM, scripts removed, is checked in a scripting page.

    axe-core is JavaScript itself and cannot run in a context where scripts are disabled. The copy keeps the
    server's stylesheets (through a <base>), so contrast and layout are those the person without JavaScript sees.
    """
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r"<head>", f'<head><base href="{page.url}">', html, count=1, flags=re.IGNORECASE)
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        copy = context.new_page()
        copy.set_content(html, wait_until="load")
        expect(copy.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
        expect(copy.locator("body")).to_have_css("margin", "0px")  # the GOV.UK stylesheet applies (default: 8px)
        assert_accessible(copy)
    finally:
        context.close()
