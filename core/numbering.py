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
