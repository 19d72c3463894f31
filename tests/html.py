"""Reading a rendered page as a person (or a screen reader) meets it."""

import html
import re


def link_text(page: str, href: str) -> str:
    """The words of the link to `href` (as the page writes the address), its markup stripped; fails when none."""
    match = re.search(rf'<a [^>]*href="{re.escape(href)}"[^>]*>(.*?)</a>', page, re.DOTALL)
    assert match, f"no link to {href}"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()))
