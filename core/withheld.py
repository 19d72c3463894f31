"""Passages withheld from publication inside a longer text.

A passage is written inline as ``[[withheld: the passage]]``. The working plan shows it, marked; the published
plan shows ``[REDACTED]`` in its place, as the councils' own published plans do.
"""

import re
from dataclasses import dataclass

# Lenient on purpose: a marker typed as "[[Withheld :" still withholds, and one never closed withholds the rest of
# the text. A slip of the keyboard must cost too much redaction, never a leak.
WITHHELD_PASSAGE = re.compile(r"\[\[\s*withheld\s*:\s*(.*?)\s*(?:\]\]|\Z)", re.DOTALL | re.IGNORECASE)
REDACTED = "[REDACTED]"
# In an item's withheld fields: the whole action or project is withheld, every cell of its row.
WHOLE_ITEM = "item"


@dataclass(frozen=True)
class Segment:
    text: str
    withheld: bool


def segments(text: str) -> list[Segment]:
    """Split text into plain and withheld segments, in order."""
    parts: list[Segment] = []
    position = 0
    for match in WITHHELD_PASSAGE.finditer(text):
        if match.start() > position:
            parts.append(Segment(text[position : match.start()], withheld=False))
        parts.append(Segment(match.group(1), withheld=True))
        position = match.end()
    if position < len(text):
        parts.append(Segment(text[position:], withheld=False))
    return parts


def passages(text: str) -> list[str]:
    """The withheld passages of a text, in order, as the working plan holds them."""
    return [match.group(1) for match in WITHHELD_PASSAGE.finditer(text or "")]


class Redacted(str):
    """Text fit to publish. Only `redact` makes one, so the published version can check that it holds nothing else."""

    __slots__ = ()


def redact(text: str | None, *, whole: bool = False) -> Redacted:
    """The text as published: each withheld passage as [REDACTED], or all of it when the whole field is withheld."""
    if whole:
        return Redacted(REDACTED)
    return Redacted(WITHHELD_PASSAGE.sub(REDACTED, text or ""))


def plain(text: str) -> str:
    """The working text with the markers removed, for search."""
    return WITHHELD_PASSAGE.sub(lambda match: match.group(1), text)
