"""The bounds every input is held to: years a date may name, and how long each kind of text may be.

One place, so the models, the forms, the import and the services agree, and whatever is stored fits in an export.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

# Plans, meetings and reviews are dated within these years. A date far outside them is a typing slip or an attack,
# and years like 9999 or 1 leave no room for the date arithmetic of dashboards and sealing.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

# An XLSX cell holds at most 32,767 characters. Long text stops short of that, so an export's neutralising
# apostrophe, or the "Objective N: " put before an objective's title, still fits in the cell.
XLSX_CELL = 32_767
LONG_TEXT = 32_000
TITLE = 2_000  # an objective's title, which the plan export writes after "Objective N: "
COMMENTARY = 2_000  # a status update's commentary: what the Board reads
MESSAGE = 1_000  # an update request's message to the leads
OUTPUT_DESCRIPTION = 500  # what a project's output is ("300 workshops")


def year_message(subject: str, year: int) -> str | None:
    """The GOV.UK message for a date in a year outside the bounds, naming the date ("Due date must be ..."); None
    when the year is within them."""
    if year < EARLIEST_YEAR:
        return f"{subject} must be in {EARLIEST_YEAR} or later"
    if year > LATEST_YEAR:
        return f"{subject} must be in {LATEST_YEAR} or before"
    return None


@deconstructible
class DateInRange:
    """The one validator of the bounds, for model fields; forms name the date in their own message."""

    def __init__(self, subject: str = "Date") -> None:
        self.subject = subject

    def __call__(self, value: datetime.date) -> None:
        message = year_message(self.subject, value.year)
        if message:
            raise ValidationError(message, code="year_out_of_range")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateInRange) and other.subject == self.subject


def length_message(subject: str, limit: int) -> str:
    return f"{subject} must be {limit:,} characters or fewer"


def _subject(field: models.Field) -> str:
    name = str(field.verbose_name)
    return name[0].upper() + name[1:]


def check_limits(instance: models.Model, fields: Iterable[str] | None = None) -> None:
    """Refuse text longer than its field's max_length and dates outside the years, before anything is written.

    The database enforces neither a TextField's max_length nor the years (and SQLite not even a CharField's), so
    the services call this whatever the caller checked. Raises ValidationError naming each field.
    """
    names = set(fields) if fields is not None else None
    errors: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        if isinstance(field, models.CharField | models.TextField) and field.max_length:
            if isinstance(value, str) and len(value) > field.max_length:
                errors[field.name] = length_message(_subject(field), field.max_length)
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            message = year_message(_subject(field), value.year)
            if message:
                errors[field.name] = message
    if errors:
        raise ValidationError(errors)
