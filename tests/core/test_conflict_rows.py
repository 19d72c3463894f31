"""The conflict page of a plan, objective, Board meeting, review or recommendation shows what the row says now in
every field its form has, under the form's labels: a field added to a form appears there with no other change."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured

from objectives.forms import ObjectiveForm
from peer_review.forms import RecommendationForm, ReviewForm
from peer_review.models import Review
from plans.forms import BoardMeetingForm, PlanForm
from plans.models import BoardMeeting
from tests import factories as f


def rows(form_class, instance):
    return form_class(instance=instance).conflict_rows(instance)


@pytest.mark.django_db
def test_every_field_of_each_form_is_shown_in_its_order_and_words():
    plan = f.make_plan(f.make_council(), introduction="Our plan.\nIts second line.", rag_column=False)
    assert rows(PlanForm, plan) == [
        ("Title", "Prevent Delivery Plan 2018-19"),  # no heading of its own: the usual title
        ("Status", "Active"),
        ("Introduction", "Our plan.\nIts second line."),
        ("Local context", ""),
        ("The plan's tables of actions have a RAG status column", "No"),
    ]
    objective = f.make_objective(plan, number=3, title="Safeguard people", description="")
    assert rows(ObjectiveForm, objective) == [("Number", "3"), ("Objective", "Safeguard people"), ("Description", "")]
    meeting = BoardMeeting.objects.create(plan=plan, date=datetime.date(2019, 3, 5), decisions="Adopt the plan")
    assert rows(BoardMeetingForm, meeting) == [("Date of the meeting", "5 March 2019"), ("Decisions", "Adopt the plan")]
    review = f.make_review(
        plan.council, date=datetime.date(2018, 2, 1), date_precision=Review.DatePrecision.MONTH, summary="Good"
    )
    assert rows(ReviewForm, review) == [
        ("Title", "Peer Review 2018"),
        ("Kind of review", "Home Office peer review"),
        ("Date of the review", "February 2018"),
        ("Summary", "Good"),
        ("Areas reviewed", ""),
        ("Key findings", ""),
    ]
    recommendation = f.make_recommendation(review, number=2, text="Engage schools", owner="The council")
    assert rows(RecommendationForm, recommendation) == [
        ("Number", "2"),
        ("Recommendation", "Engage schools"),
        ("Theme", ""),
        ("Owner", "The council"),
    ]


@pytest.mark.django_db
def test_a_form_field_with_no_model_field_must_say_how_it_reads():
    class Extra(ObjectiveForm):
        note = forms.CharField(label="Note", required=False)

        def shown(self) -> tuple:
            return (*super().shown(), "note")

    objective = f.make_objective(f.make_plan(f.make_council()))
    with pytest.raises(ImproperlyConfigured, match=r"Extra\.reads\(\) must say how its field note reads"):
        rows(Extra, objective)
