from core.templatetags.plan_text import published_text, working_text
from core.withheld import plain, redact

TEXT = "Public words. [[withheld: Secret words.]] More <b>public</b> words.\n\n- a bullet\n- another\n\n## A heading"


def test_published_text_replaces_withheld_passages_with_redacted():
    assert redact(TEXT).startswith("Public words. [REDACTED] More")
    html = published_text(TEXT)
    assert "Secret words" not in html
    assert "[REDACTED]" in html


def test_working_text_marks_withheld_passages():
    html = working_text(TEXT)
    assert '<mark class="app-withheld">' in html
    assert "Secret words." in html


def test_text_is_escaped_and_structured():
    html = working_text(TEXT)
    assert "&lt;b&gt;public&lt;/b&gt;" in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>a bullet</li><li>another</li></ul>' in html
    assert '<h3 class="govuk-heading-s">A heading</h3>' in html


def test_plain_drops_the_markers():
    assert plain(TEXT).startswith("Public words. Secret words. More")


def test_a_withheld_passage_cannot_smuggle_markup():
    html = working_text("[[withheld: <script>alert(1)</script>]]")
    assert "<script>" not in html
