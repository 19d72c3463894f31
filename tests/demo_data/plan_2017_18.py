"""Seed 002: the Prevent Delivery Plan 2017-18, whose PDF text has its table cells scrambled.

The text gives one line fragment of each column in turn, so a table is read as one stream of tokens (words and
punctuation marks), and a stored field must appear in its row as an ordered run of its tokens with at most
WORD_WINDOW tokens between neighbours. The timescales and leads are a table read from the document by hand.
"""

import bisect
import functools
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from .text import PLAN_2017_18, between, seed, squash, tokens

# 2017-18: the most tokens the PDF text puts between two neighbouring tokens of one cell is 17 (other columns'
# fragments sit between them); 24 leaves room for that and still ties each word to its own row.
WORD_WINDOW = 24

TABLES_2017_18 = ["Projects", "Statutory duties", "Structure / staffing"]

# How the "Local Strategic Objective" column of the 2017-18 tables words each objective (a shortened title).
OBJECTIVE_COLUMN_2017_18 = {
    1: "Target social, peer and educational support",
    2: "Strengthen community leadership",
    3: "Strengthen positive social networks and institutions",
    5: "Mainstream Prevent across all Directorates",
}

# Read from the document by hand: reference -> (Timescale, Lead agency / service as written).
TIMESCALES_AND_LEADS_2017_18 = {
    "5.1": ("March 2018", "Children’s / Community Safety"),
    "5.2": ("March 2018", "Children’s/ Community Safety"),
    "2.1": ("March 2018", "Children’s"),
    "2.2": ("January 2018", "Community Safety"),
    "5.3": ("March 2018", "Community Safety"),
    "1.1": ("December 2017", "Children’s / Community Safety"),
    "5.4": ("March 2018", "Children’s"),
    "1.2": ("March 2018", "Community Safety / Police"),
    "5.5": ("March 2018", "CSC / Community Safety"),
    "3.1": ("March 2018", "Community Safety / Police"),
    "3.2": ("March 2018", "Community Safety / Police"),
    "3.3": ("March 2018", "Community Safety / Police"),
    "5.6": ("March 2018", "Community Safety"),
    "3.4": ("September 2017", "Police / Community Safety"),
    "2.3": ("February 2018", "Community Safety"),
    "3.5": ("March 2018", "Community Safety / Police"),
    "3.6": ("September 2017", "Youth Services / Community Safety"),
    "3.7": ("January 2018", "Community Safety"),
    "1.3": ("March 2018", "Community Safety/NOMS"),
    "S.1": ("June 2017", "Community Safety / Home Office"),
    "S.2": ("August 2017", "Community Safety / Youth Services"),
    "S.3": ("August 2017", "Community Safety / Home Office"),
}


@functools.cache
def lines_2017_18() -> list[str]:
    """The PDF text's lines, whitespace collapsed (it spaces words with non-breaking spaces too)."""
    return [" ".join(line.split()) for line in seed(PLAN_2017_18).splitlines()]


@functools.cache
def objectives_2017_18() -> dict[int, str]:
    listed = squash(between("\n".join(lines_2017_18()), "The objectives are to:", "Local context"))
    parts = re.split(r"(?:^| )(\d)\. ", listed)
    return {int(number): title.strip() for number, title in zip(parts[1::2], parts[2::2], strict=True)}


@dataclass
class TokenStream:
    """The tokens of one 2017-18 table, its column headings left out."""

    tokens: list[str]
    where: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = defaultdict(list)
        for position, token in enumerate(self.tokens):
            where[token].append(position)
        self.where = dict(where)


@functools.cache
def tables_2017_18() -> dict[str, TokenStream]:
    lines = lines_2017_18()
    starts = [lines.index(title) for title in TABLES_2017_18]
    tables = {}
    for title, start, end in zip(TABLES_2017_18, starts, [*starts[1:], len(lines)], strict=True):
        table = tokens("\n".join(lines[start + 1 : end]))
        header_end = table.index("service")  # the column headings end with "Lead agency / service"
        tables[title] = TokenStream(table[header_end + 1 :])
    return tables


def objective_markers(table: TokenStream) -> list[int]:
    """The objective numbers the table's "Objective N" cells name, in document order (one per row)."""
    pairs = itertools.pairwise(table.tokens)
    return [int(after) for token, after in pairs if token == "Objective" and after.isdigit()]


def find_in_order(table: TokenStream, wanted: list[str], start: int) -> list[int] | None:
    """Positions of `wanted` in the table, from `start` on, in order, each token at most WORD_WINDOW positions after
    the previous one; of the possible matches the one ending first (and tightest). None when there is none."""
    layers = [[position for position in table.where.get(wanted[0], []) if position >= start]]
    for token in wanted[1:]:
        previous = layers[-1]
        layer = []
        for position in table.where.get(token, []):
            before = bisect.bisect_left(previous, position) - 1
            if before >= 0 and position - previous[before] <= WORD_WINDOW:
                layer.append(position)
        if not layer:
            return None
        layers.append(layer)
    path = [layers[-1][0]]
    for layer in reversed(layers[:-1]):
        path.append(layer[bisect.bisect_left(layer, path[-1]) - 1])
    return path[::-1]


@dataclass
class Row:
    label: str
    fields: dict[str, str]  # field -> stored text
    span: range = range(0)  # the row's tokens in the table
    missing: list[str] = field(default_factory=list)


def locate_rows(table: TokenStream, rows: list[Row]) -> list[Row]:
    """Find each row's fields in the table, rows in order: every field after the previous row's last word. A row
    spans from its first word found to the next row's first word."""
    start = 0
    firsts = []
    for row in rows:
        found = []
        for name, text in row.fields.items():
            match = find_in_order(table, tokens(text), start)
            if match is None:
                row.missing.append(f"{row.label} {name}: {text!r}")
            else:
                found.append(match)
        firsts.append(min((match[0] for match in found), default=start))
        start = max((match[-1] + 1 for match in found), default=start)
    for row, first, following in zip(rows, firsts, [*firsts[1:], len(table.tokens)], strict=True):
        row.span = range(first, following)
    return rows


def objective_cell(number: int) -> str:
    return f"Objective {number} {OBJECTIVE_COLUMN_2017_18[number]}"
