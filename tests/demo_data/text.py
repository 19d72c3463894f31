"""Reading the seeds: where they are, and the text helpers every reader shares.

A missing seed skips the test that reads it (a clone without ../shared), or fails it under CI (CI=true).
"""

import functools
import html
import os
import re
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
PLAN_2017_18 = "002_f614b5f672d61568.txt"
SCRUTINY_2016 = "003_dd45d99dacf98c4a.txt"
PLAN_2018_19 = "004_7fc9c5117294e7ec.txt"

REDACTED = "[REDACTED]"
BULLETS = "•\uf0b7"  # the bullet characters of the HTML cells and of the PDF text


@functools.cache
def seed(name: str) -> str:
    path = SEEDS / name
    if not path.is_file():
        reason = f"Seed document {path} is missing: the demo data is checked against shared/seeds/"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(f"{reason} (a clone without ../shared; CI=true makes this a failure)")
    return path.read_text(encoding="utf-8")


def between(text: str, start: str, end: str) -> str:
    """The text after the first `start` and before the next `end`; both must be present."""
    assert start in text, f"{start!r} not found in the seed"
    after = text.split(start, 1)[1]
    assert end in after, f"{end!r} not found after {start!r} in the seed"
    return after.split(end, 1)[0]


TAG = re.compile(r"<[^>]+>")


def squash(text: str) -> str:
    """Tags removed, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def unbullet(text: str) -> str:
    return squash(text).lstrip(BULLETS + " ")


def list_items(cell: str) -> list[str]:
    """The non-empty <li> items of an HTML cell, without bullet characters."""
    items = [unbullet(item) for item in re.findall(r"<li\b[^>]*>(.*?)</li>", cell, re.DOTALL)]
    return [item for item in items if item]


def paragraphs(cell: str) -> list[str]:
    """The separate entries of a cell: its <p> paragraphs, or the runs of text the document separates with two
    or more spaces."""
    parts = re.split(r"</?p\b[^>]*>|\s{2,}", cell)
    return [part for part in (squash(part) for part in parts) if part]


def is_withheld(cell_text: str) -> bool:
    """True when the published cell shows nothing but [REDACTED], or nothing at all."""
    return not cell_text.replace(REDACTED, "").strip()


def says_placeholder(value: str) -> bool:
    return "placeholder" in value.lower()


CITATION = re.compile(r"\(Peer Review Rec ([^)]*)\)")


def split_citations(text: str) -> tuple[str, list[int]]:
    """("Do X (Peer Review Rec 1 & 4)") -> ("Do X", [1, 4])."""
    numbers = [int(number) for cited in CITATION.findall(text) for number in re.findall(r"\d+", cited)]
    return squash(CITATION.sub(" ", text)), numbers


def tokens(text: str) -> list[str]:
    """Words (digits included) and punctuation marks, one token each; bullets dropped. "Co-ordinator" is
    "Co", "-", "ordinator", whether or not the PDF text breaks the line after the hyphen."""
    return re.findall(rf"\w+|[^\w\s{BULLETS}]", text)


def is_word(token: str) -> bool:
    return re.fullmatch(r"\w+", token) is not None
