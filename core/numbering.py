"""What must be unique among a plan's or a review's rows (an objective's number, a recommendation's, a Board
meeting's date), checked by the services before they write, with the message the form shows on that field."""

from django.core.exceptions import ValidationError
from django.db import models


def refuse_taken(rows: models.QuerySet, *, besides: models.Model | None, field: str, message: str) -> None:
    """Refuse when any of `rows` exists other than `besides` (the row being changed, None for a new one)."""
    if besides is not None:
        rows = rows.exclude(pk=besides.pk)
    if rows.exists():
        raise ValidationError({field: message})


def next_number(numbered: models.QuerySet) -> int:
    """The number a new row is offered: one after the highest of `numbered` (1 for the first)."""
    return (numbered.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def check_number(
    numbered: models.QuerySet, number: int, *, besides: models.Model | None, noun: str, parent: str
) -> None:
    """Refuse a number below 1, or one another of `numbered` (the rows of one plan or review) already has. `noun`
    names the row ("objective") and `parent` what holds it ("plan") in the messages the form shows."""
    if number < 1:
        raise ValidationError({"number": f"The {noun} number must be 1 or more"})
    article = "an" if noun[0] in "aeiou" else "a"
    refuse_taken(
        numbered.filter(number=number),
        besides=besides,
        field="number",
        message=f"This {parent} already has {article} {noun} {number}: choose another number",
    )
