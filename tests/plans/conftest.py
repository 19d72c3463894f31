"""Fixtures shared by the tests of the plans app."""

import pytest
import weasyprint


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """One entry per PDF WeasyPrint writes."""
    written: list[int] = []
    write_pdf = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        written.append(1)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    return written
