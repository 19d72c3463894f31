"""Passages withheld from publication inside a longer text.

A passage is written inline as ``[[withheld: the passage]]``. The working plan shows it, marked; the published
plan shows ``[REDACTED]`` in its place, as the councils' own published plans do.
"""

import re
from dataclasses import dataclass

WITHHELD_PASSAGE = re.compile(r"\[\[withheld:\s*(.*?)\]\]", re.DOTALL)
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


def published(text: str) -> str:
    return WITHHELD_PASSAGE.sub(REDACTED, text)


def plain(text: str) -> str:
    """The working text with the markers removed, for exports and search."""
    return WITHHELD_PASSAGE.sub(lambda match: match.group(1), text)
