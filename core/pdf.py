"""The Board pack and the published plan as PDF documents (WeasyPrint, on the server).

Both are tagged PDF/UA-1 documents: a screen reader meets their headings, lists and tables as structure, in the
language the page declares, titled by the page's <title>. The published plan goes on the council's website, where
the accessibility regulations apply to it as to any page; the Board pack is read by members who use screen readers.
"""

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders

# The same stylesheet the printable Board pack page links to, so the page and its PDF look alike.
STYLESHEET = "plans/board_pack.css"
PDF_VARIANT = "pdf/ua-1"


@cache
def _stylesheet() -> str:
    # Read from the source tree rather than STATIC_ROOT, so a PDF needs no collectstatic (tests, development).
    path = finders.find(STYLESHEET)
    if path is None:
        raise FileNotFoundError(f"Static file {STYLESHEET} not found")
    return Path(path).read_text(encoding="utf-8")


def html_to_pdf(html: str) -> bytes:
    """The document as PDF, styled by STYLESHEET; it fetches nothing, so no URL in it makes the server fetch one."""
    from weasyprint import CSS, HTML, URLFetcher  # imported here: it loads Pango, which only the PDFs need

    fetcher = URLFetcher(allowed_protocols=())
    stylesheet = CSS(string=_stylesheet(), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)
