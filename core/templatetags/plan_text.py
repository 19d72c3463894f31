"""Render the plan's long texts (introduction, context, outcomes) as GOV.UK body copy."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from core.withheld import REDACTED, segments

register = template.Library()


def _inline(text: str, *, publish: bool) -> str:
    html = []
    for segment in segments(text):
        if not segment.withheld:
            html.append(conditional_escape(segment.text))
        elif publish:
            html.append(REDACTED)
        else:
            html.append(
                format_html(
                    '<mark class="app-withheld"><span class="govuk-visually-hidden">Withheld from publication: '
                    "</span>{}</mark>",
                    segment.text,
                )
            )
    return "".join(html)


def _blocks(text: str, *, publish: bool) -> SafeString:
    html: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            html.append(f'<p class="govuk-body">{_inline(" ".join(paragraph), publish=publish)}</p>')
            paragraph.clear()
        if bullets:
            items = "".join(f"<li>{_inline(item, publish=publish)}</li>" for item in bullets)
            html.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
            bullets.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            html.append(f'<h3 class="govuk-heading-s">{_inline(line[3:], publish=publish)}</h3>')
        elif line.startswith("- "):
            if paragraph:
                flush()
            bullets.append(line[2:])
        else:
            if bullets:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("".join(html))  # noqa: S308 - every piece of text above is escaped


@register.filter
def working_text(text: str) -> SafeString:
    return _blocks(text or "", publish=False)


@register.filter
def published_text(text: str) -> SafeString:
    return _blocks(text or "", publish=True)


@register.filter
def lines(text: str) -> list[str]:
    """A text field holding one item per line (outcomes, outputs) as a list."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def basename(path: str) -> str:
    return (path or "").rsplit("/", 1)[-1]
