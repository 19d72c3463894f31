"""A review's date, held as precisely as its document gives it: a day, a month ("February 2018"), a year, or none."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peer_review import services
from peer_review.forms import ReviewForm
from peer_review.models import Review
from peer_review.recommendation_refs import review_names
from tests import factories as f
from tests.peer_review.test_editing import review_post

Precision = Review.DatePrecision


@pytest.mark.parametrize(
    ("parts", "date", "precision", "shown"),
    [
        (("14", "2", "2018"), datetime.date(2018, 2, 14), Precision.DAY, "14 February 2018"),
        (("", "2", "2018"), datetime.date(2018, 2, 1), Precision.MONTH, "February 2018"),
        (("", "", "2018"), datetime.date(2018, 1, 1), Precision.YEAR, "2018"),
        (("", "", ""), None, Precision.NOT_STATED, "Date not stated"),
    ],
)
def test_a_coordinator_enters_only_what_the_review_gives(
    world, coordinator, signed_in, parts, date, precision, shown
) -> None:
    day, month, year = parts
    client = signed_in(coordinator)
    url = reverse("peer_review:review_create", args=[world.plan.pk])
    response = client.post(url, review_post(date_0=day, date_1=month, date_2=year))
    assert response.status_code == 302
    review = Review.objects.get(title="Scrutiny Review 2019")
    assert (review.date, review.date_precision, review.date_shown) == (date, precision, shown)
    page = client.get(response.url).text
    assert shown in page
    assert "14 February 2018" not in page or precision == Precision.DAY  # never an invented day
    edit = client.get(reverse("peer_review:review_edit", args=[review.pk]))
    assert edit.context["form"]["date"].value() == list(parts)


def test_the_form_shows_a_month_without_a_day(world) -> None:
    review = world.recommendation.review
    review.date, review.date_precision = datetime.date(2018, 2, 1), Precision.MONTH
    assert ReviewForm(instance=review).initial["date"] == ["", "2", "2018"]


def test_the_service_refuses_a_date_that_says_more_than_its_precision(world, coordinator) -> None:
    fields = {"title": "T", "kind": "peer_review", "summary": "", "areas": "", "key_findings": ""}
    for date, precision in [
        (None, Precision.DAY),
        (datetime.date(2018, 2, 1), Precision.NOT_STATED),
        (datetime.date(2018, 2, 14), Precision.MONTH),
        (datetime.date(2018, 2, 1), Precision.YEAR),
    ]:
        with pytest.raises(ValidationError):
            services.review_create(council=world.council, by=coordinator, date=date, date_precision=precision, **fields)


def test_reviews_order_newest_first_and_the_undated_last(world) -> None:
    council = f.make_council()
    undated = f.make_review(council, title="Undated", date=None, date_precision=Precision.NOT_STATED)
    older = f.make_review(council, title="Older", date=datetime.date(2016, 1, 1), date_precision=Precision.YEAR)
    newer = f.make_review(council, title="Newer", date=datetime.date(2018, 2, 1), date_precision=Precision.MONTH)
    assert list(Review.objects.filter(council=council)) == [newer, older, undated]


def test_an_undated_review_is_cited_by_its_kind_or_its_slug(world) -> None:
    council = f.make_council()
    one = f.make_review(council, kind="scrutiny_review", slug="a", date=None, date_precision=Precision.NOT_STATED)
    assert review_names(council.pk) == {one.pk: "Scrutiny Review"}
    two = f.make_review(council, kind="scrutiny_review", slug="b", date=datetime.date(2019, 1, 1))
    assert review_names(council.pk) == {one.pk: "Scrutiny Review a", two.pk: "Scrutiny Review 2019"}
