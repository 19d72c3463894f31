"""Spreadsheet cells that must stay inert: a value a spreadsheet would run as a formula."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would read as the start of a formula


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading single quote; anything else is left as it is."""
    return "'" + value if value.startswith(FORMULA_START) else value
