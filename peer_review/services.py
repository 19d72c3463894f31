"""Workflows that change reviews and their recommendations. Each validates first, runs in one transaction and
records who did it; edits raise StaleEdit when the row changed after the form was opened."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from core import audit, numbering
from core.versioning import create_recorded, delete_recorded, lock_for_edit, save_values
from plans.models import Council

from .models import Recommendation, Review

SLUG_LENGTH = Review._meta.get_field("slug").max_length


def _unique_slug(council: Council, title: str) -> str:
    base = slugify(title)[:SLUG_LENGTH].strip("-") or "review"
    taken = set(Review.objects.filter(council=council, slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug


def _check_kind(kind: str) -> None:
    if kind not in Review.Kind.values:
        raise ValidationError({"kind": "Select the kind of review"})


@audit.chained()
def review_create(
    *,
    council: Council,
    title: str,
    kind: str,
    date: datetime.date | None,
    summary: str,
    areas: str,
    key_findings: str,
    by: AbstractBaseUser,
    date_precision: str = Review.DatePrecision.DAY,
) -> Review:
    """Record a review of the council's Prevent work. Its slug comes from the title, unique within the council."""
    _check_kind(kind)
    _check_date(date, date_precision)
    return create_recorded(
        Review,
        by=by,
        council=council,
        slug=_unique_slug(council, title),
        title=title,
        kind=kind,
        date=date,
        date_precision=date_precision,
        summary=summary,
        areas=areas,
        key_findings=key_findings,
    )


@audit.chained()
def review_change(
    *,
    review: Review,
    title: str,
    kind: str,
    date: datetime.date | None,
    summary: str,
    areas: str,
    key_findings: str,
    by: AbstractBaseUser,
    expected_version: int,
    date_precision: str = Review.DatePrecision.DAY,
) -> Review:
    """Change a review's content. The slug stays as it was made, so references to the review keep working."""
    _check_kind(kind)
    _check_date(date, date_precision)
    current = lock_for_edit(review, expected_version)
    fields = {
        "title": title,
        "kind": kind,
        "date": date,
        "date_precision": date_precision,
        "summary": summary,
        "areas": areas,
        "key_findings": key_findings,
    }
    save_values(current, fields, by=by)
    return current


def _check_date(date: datetime.date | None, precision: str) -> None:
    """A date goes with a precision, and "not stated" with none; a month or year is held as its first day."""
    Precision = Review.DatePrecision
    if precision not in Precision.values or (date is None) != (precision == Precision.NOT_STATED):
        raise ValidationError({"date": "Enter the date of the review as precisely as it gives it"})
    if date is not None and (
        (precision == Precision.MONTH and date.day != 1)
        or (precision == Precision.YEAR and date.timetuple()[1:3] != (1, 1))
    ):
        raise ValidationError({"date": "A month or a year alone is held as its first day"})


def next_number(review: Review) -> int:
    """The number a new recommendation of the review is offered: one after the highest."""
    return numbering.next_number(review.recommendations.all())


def _check_number(review: Review, number: int, recommendation: Recommendation | None = None) -> None:
    numbering.check_number(
        review.recommendations.all(), number, besides=recommendation, noun="recommendation", parent="review"
    )


@audit.chained()
def recommendation_create(
    *, review: Review, number: int, text: str, theme: str, owner: str, by: AbstractBaseUser
) -> Recommendation:
    """Add a numbered recommendation to the review; numbers are unique within a review."""
    _check_number(review, number)
    return create_recorded(Recommendation, by=by, review=review, number=number, text=text, theme=theme, owner=owner)


@audit.chained()
def recommendation_change(
    *,
    recommendation: Recommendation,
    number: int,
    text: str,
    theme: str,
    owner: str,
    by: AbstractBaseUser,
    expected_version: int,
) -> Recommendation:
    """Renumber or reword a recommendation; the actions answering it stay linked."""
    current = lock_for_edit(recommendation, expected_version)
    _check_number(current.review, number, current)
    save_values(current, {"number": number, "text": text, "theme": theme, "owner": owner}, by=by)
    return current


@audit.chained()
def recommendation_delete(*, recommendation: Recommendation, by: AbstractBaseUser, expected_version: int) -> None:
    """Delete a recommendation no action answers; one that is answered is part of the plan's record."""
    current = lock_for_edit(recommendation, expected_version)
    if current.actions.exists():
        raise ValidationError(f"Recommendation {current.number} is answered by an action, so it cannot be deleted")
    delete_recorded(current, by=by)
