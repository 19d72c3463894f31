"""Every date is held to the years of core.limits and every text to a length an export can carry: bad input gets a
GOV.UK message and changes nothing, in the forms, the services and the models."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from actions import services as action_services
from actions.models import Action, StatusUpdate
from core.limits import EARLIEST_YEAR, LATEST_YEAR, LONG_TEXT, XLSX_CELL, DateInRange, check_limits
from core.timescale import due_date_from_timescale
from objectives import services as objective_services
from plans import services as plan_services
from plans.models import BoardMeeting
from projects.models import CommissionedProject
from tests.actions.test_editing import edit_post
from tests.actions.test_status_updates import valid_post
from tests.peer_review.test_editing import review_post
from tests.projects.project_forms import edit_data, status_data

PROJECT_APPS = {"core", "plans", "objectives", "actions", "projects", "peer_review"}
# Written by the service itself, never typed by anyone and never put in an export's cell.
MACHINE_WRITTEN = {
    "plans.SealedDashboard.content",  # a sealed dashboard's JSON, up to megabytes for the largest plans
    "core.AuditEvent.description",  # "Export of ..." composed from names that are themselves bounded
    "core.AuditEvent.outcome",  # what verify_audit found
}


def test_every_text_field_has_a_limit_that_fits_in_an_export_cell():
    checked = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            name = f"{model._meta.label}.{field.name}"
            if name in MACHINE_WRITTEN or name.replace(".Historical", ".") in MACHINE_WRITTEN:
                continue
            checked.append(name)
            assert field.max_length, f"{name} has no max_length"
            # Room for the neutralising apostrophe, and for "Objective N: " before an objective's title.
            assert field.max_length + len("'Objective 999: ") <= XLSX_CELL, f"{name} would not fit in an XLSX cell"
    assert {"actions.Action.title", "plans.DeliveryPlan.introduction", "actions.HistoricalAction.outcomes"} <= set(
        checked
    )


def out_of_range(prefix: str, day: str = "31", month: str = "12", year: str = "9999") -> dict[str, str]:
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


@pytest.mark.parametrize(
    ("year", "message"),
    [("9999", "Due date must be in 2100 or before"), ("0001", "Due date must be in 2000 or later")],
)
def test_an_action_due_date_outside_the_years_is_refused(world, coordinator, signed_in, year, message):
    data = edit_post(world.action, title="Changed", **out_of_range("due_date", "1", "1", year))
    response = signed_in(coordinator).post(reverse("actions:edit", args=[world.action.pk]), data)
    assert response.status_code == 200 and message in response.text
    world.action.refresh_from_db()
    assert (world.action.title, world.action.due_date, world.action.version) != ("Changed", None, 1)
    assert (world.action.due_date, world.action.version) == (datetime.date(2019, 3, 31), 1)


def test_a_project_due_date_outside_the_years_is_refused(world, coordinator, signed_in):
    data = edit_data(world.project, **out_of_range("due_date"))
    response = signed_in(coordinator).post(reverse("projects:edit", args=[world.project.pk]), data)
    assert response.status_code == 200 and "Due date must be in 2100 or before" in response.text
    world.project.refresh_from_db()
    assert (world.project.version, world.project.due_date) == (1, None)


def test_a_timescale_naming_a_year_outside_the_range_is_refused_not_a_server_error(world, coordinator, signed_in):
    data = edit_post(world.action, timescale="March 0000")
    response = signed_in(coordinator).post(reverse("actions:edit", args=[world.action.pk]), data)
    assert response.status_code == 200
    assert "Timescale must name years from 2000 to 2100, not 0000" in response.text
    world.action.refresh_from_db()
    assert world.action.timescale == "March 2019"
    assert due_date_from_timescale("March 0000") is None  # no due date, never a ValueError


def test_a_status_update_dated_outside_the_years_is_refused(world, lead, signed_in):
    data = valid_post(world.action, **out_of_range("as_of", "1", "1", "1999"))
    response = signed_in(lead).post(reverse("actions:update_status", args=[world.action.pk]), data)
    assert response.status_code == 200
    assert "Date the update speaks for must be in 2000 or later" in response.text
    assert not StatusUpdate.objects.exists()


def test_a_project_status_update_dated_outside_the_years_is_refused(world, lead, signed_in):
    data = status_data(world.project, **out_of_range("as_of", "1", "1", "0001"))
    response = signed_in(lead).post(reverse("projects:update_status", args=[world.project.pk]), data)
    assert response.status_code == 200
    assert "Date the update speaks for must be in 2000 or later" in response.text
    assert not world.project.status_updates.exists()


def test_a_meeting_dated_31_12_9999_is_refused(world, coordinator, signed_in):
    data = {**out_of_range("date"), "decisions": "Refresh the risk assessment"}
    response = signed_in(coordinator).post(reverse("plans:meetings", args=[world.plan.pk]), data)
    assert response.status_code == 200
    assert "Date of the meeting must be in 2100 or before" in response.text
    assert not BoardMeeting.objects.exists()


def test_a_review_dated_outside_the_years_is_refused(world, coordinator, signed_in):
    url = reverse("peer_review:review_create", args=[world.plan.pk])
    response = signed_in(coordinator).post(url, review_post(**out_of_range("date", "1", "1", "1")))
    assert response.status_code == 200
    assert "must have a year of 4 numbers, like 2019" in response.text
    response = signed_in(coordinator).post(url, review_post(**out_of_range("date", "1", "1", "1066")))
    assert "Date of the review must be in 2000 or later" in response.text
    assert world.council.reviews.count() == 1


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_the_dashboard_moment_outside_the_years_is_explained(world, board, signed_in, year):
    url = reverse("plans:dashboard", args=[world.plan.pk])
    for query in ({"date": f"{year}-12-31"}, out_of_range("date", "31", "12", year)):
        response = signed_in(board).get(url, query)
        assert response.status_code == 200
        assert "Date must be in" in response.text


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_the_as_at_moment_outside_the_years_is_explained(world, auditor, signed_in, year):
    for name in ("plans:as_at", "plans:export_as_at"):
        url = reverse(name, args=[world.plan.pk]) if name == "plans:as_at" else f"/plans/{world.plan.pk}/as-at.csv"
        response = signed_in(auditor).get(url, {"date": f"{year}-12-31", "time": "12:00"}, follow=True)
        assert response.status_code == 200
        assert "Date must be in" in response.text


def test_services_refuse_text_over_its_limit_and_dates_outside_the_years(world, coordinator):
    with pytest.raises(ValidationError) as refused:
        objective_services.objective_create(
            plan=world.plan, number=9, title="x" * 2_001, description="", by=coordinator
        )
    assert refused.value.message_dict == {"title": ["Title must be 2,000 characters or fewer"]}
    with pytest.raises(ValidationError) as refused:
        plan_services.board_meeting_create(
            plan=world.plan, date=datetime.date(9999, 12, 31), decisions="", by=coordinator
        )
    assert refused.value.message_dict == {"date": ["Date must be in 2100 or before"]}
    with pytest.raises(ValidationError):
        action_services.action_update_status(
            action=world.action,
            rag="amber",
            commentary="x" * 2_001,
            as_of=datetime.date(2018, 9, 1),
            evidence=None,
            by=coordinator,
            expected_version=world.action.version,
        )
    assert not world.plan.objectives.filter(number=9).exists()
    assert not BoardMeeting.objects.exists() and not StatusUpdate.objects.exists()


def test_check_limits_and_the_model_validator_agree_on_the_bounds():
    action = Action(title="x" * (LONG_TEXT + 1), due_date=datetime.date(LATEST_YEAR + 1, 1, 1))
    with pytest.raises(ValidationError) as refused:
        check_limits(action, ["title", "due_date"])
    assert refused.value.message_dict == {
        "title": ["Action must be 32,000 characters or fewer"],
        "due_date": ["Due date must be in 2100 or before"],
    }
    check_limits(Action(title="x" * LONG_TEXT, due_date=datetime.date(EARLIEST_YEAR, 1, 1)), ["title", "due_date"])
    DateInRange("Due date")(datetime.date(LATEST_YEAR, 12, 31))
    with pytest.raises(ValidationError):
        DateInRange("Due date")(datetime.date(EARLIEST_YEAR - 1, 12, 31))
    assert CommissionedProject._meta.get_field("due_date").validators == [DateInRange("Due date")]


def test_a_long_text_over_its_limit_gets_a_govuk_message(world, coordinator, signed_in):
    data = edit_post(world.action, outcomes="x" * (LONG_TEXT + 1))
    response = signed_in(coordinator).post(reverse("actions:edit", args=[world.action.pk]), data)
    assert "Outcomes must be 32,000 characters or fewer" in response.text
    assert 'maxlength="32000"' not in response.text  # the browser would cut pasted text without a word
    world.action.refresh_from_db()
    assert world.action.outcomes == "An outcome"
