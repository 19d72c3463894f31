"""The plans' introduction and local context (seeds 002 and 004): running text, without its markup."""

import re

from .plan_2017_18 import lines_2017_18
from .text import PLAN_2017_18, PLAN_2018_19, seed, squash

# year -> (seed, the introduction's heading and the next, the local context's heading and the next)
PROSE = {
    "2017-18": (PLAN_2017_18, ("Introduction", "Local strategic Prevent objectives"), ("Local context", "Projects")),
    "2018-19": (
        PLAN_2018_19,
        ("## Introduction", "## Local Context"),
        ("## Local Context", "## Local Strategic Prevent Objectives"),
    ),
}


def prose(text: str) -> str:
    """Running text without its markup (rules, "## " sub-headings, "- " bullets), whitespace collapsed."""
    lines = (line.strip() for line in text.splitlines())
    return squash(" ".join(re.sub(r"^(## |- )", "", line) for line in lines if line != "---"))


def seed_prose(year: str) -> tuple[str, str]:
    """The plan's introduction and local context as the published document has them."""
    name, *sections = PROSE[year]
    lines = lines_2017_18() if name == PLAN_2017_18 else seed(name).splitlines()
    introduction, context = (lines[lines.index(start) + 1 : lines.index(end)] for start, end in sections)
    return prose("\n".join(introduction)), prose("\n".join(context))
