"""Primary keys read from what a visitor typed into an address."""


def key_or_none(text: str) -> int | None:
    """The row key `text` names, or None: "²" counts as a digit to Python but is no number, and a key of 5,000
    nines would overflow the database's bigint rather than find nothing."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None
