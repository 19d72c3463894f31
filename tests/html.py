"""Reading a rendered page as a person (or a screen reader) meets it."""

import html
import re


def link_text(page: str, href: str) -> str:
    """The words of the link to `href` (as the page writes the address), its markup stripped; fails when none."""
    match = re.search(rf'<a [^>]*href="{re.escape(href)}"[^>]*>(.*?)</a>', page, re.DOTALL)
    assert match, f"no link to {href}"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()))


# What differs between two responses of the same page: the CSRF token, masked afresh for each response, and the
# seconds the session has left, which the page's warning before sign-out counts down from.
PER_RESPONSE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|data-(?:idle|session)="\d+"')


def as_compared(page: str) -> str:
    """The page without what differs between two responses of it, to tell whether two pages say the same."""
    return PER_RESPONSE.sub("", page)
