"""The plan as it stood at a chosen moment (UK time), shown exactly as it was then."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from plans import services as plan_services
from tests import factories as f
from tests.html import link_text

from .test_history import START, Clock, report


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    moving = Clock(START)  # the world is built at 09:00 on 2 April 2018, London time
    monkeypatch.setattr(timezone, "now", moving)
    return moving


@pytest.fixture
def timeline(world, clock, coordinator, lead):
    """June: a report and a new introduction; 1 September 14:00 (BST): a rewording; December: a withdrawal."""
    clock.set(2018, 6, 1, 10, 0)
    report(world.action, "amber", lead, "Venue lost")
    world.plan.refresh_from_db()
    plan_services.plan_change(
        plan=world.plan,
        status="active",
        introduction="The introduction as rewritten in June.",
        local_context="",
        by=coordinator,
        expected_version=world.plan.version,
    )
    clock.set(2018, 9, 1, 13, 0, 30)  # 14:00:30 in London
    world.action.refresh_from_db()
    action_services.action_change(
        action=world.action,
        fields={"title": "Curriculum work, reworded"},
        answers=[world.recommendation, world.unanswered],
        leads=[lead],
        by=coordinator,
        expected_version=world.action.version,
    )
    clock.set(2018, 12, 3, 10, 0)
    world.other_action.refresh_from_db()
    action_services.action_withdraw(action=world.other_action, by=coordinator, expected_version=1)
    f.make_objective(world.plan, title="A third objective added in December")
    clock.set(2019, 1, 10, 9, 0)
    return world


def as_at(client, world, **query):
    return client.get(reverse("plans:as_at", args=[world.plan.pk]), query)


def main(response) -> str:
    """The plan as shown, after the form (whose hint and labels are not the plan)."""
    return response.text[response.text.rindex("</form>") :]


ORIGINAL_TITLE = "Prevent Education Officer to continue curriculum work"


def test_the_plan_is_shown_exactly_as_it_stood_at_each_moment(timeline, board, signed_in):
    client = signed_in(board)
    response = as_at(client, timeline, date="2018-04-30", time="12:00")
    assert "This is the plan as it stood at midday on 30 April 2018" in response.text
    april = main(response)
    assert ORIGINAL_TITLE in april and "Curriculum work, reworded" not in april
    assert "An introduction." in april and "rewritten in June" not in april
    assert "Amber" not in april and "Not started" in april
    assert timeline.other_action.title in april and "A third objective" not in april

    july = main(as_at(client, timeline, date="2018-07-01", time="09:00"))
    assert "The introduction as rewritten in June." in july and "An introduction." not in july
    assert ">Amber<" in july and ORIGINAL_TITLE in july

    # The rewording was recorded at 14:00:30: the plan as at 13:59 has the old title, as at 14:00 the new one.
    before = main(as_at(client, timeline, date="2018-09-01", time="13:59"))
    assert ORIGINAL_TITLE in before and "Curriculum work, reworded" not in before
    response = as_at(client, timeline, date="2018-09-01", time="14:00")
    assert "This is the plan as it stood at 2pm on 1 September 2018" in response.text
    after = main(response)
    assert "Curriculum work, reworded" in after and ORIGINAL_TITLE not in after
    # The recommendation no action answered in July is answered by 1.1 from September.
    assert after.count("No action in this plan") == before.count("No action in this plan") - 1

    december = main(as_at(client, timeline, date="2018-12-31", time="23:59"))
    assert timeline.other_action.title not in december
    assert "A third objective added in December" in december
    assert timeline.project.name in december and "300 Workshops" in december


def test_the_date_inputs_lead_to_the_short_address(timeline, coordinator, signed_in):
    response = as_at(signed_in(coordinator), timeline, date_0="1", date_1="9", date_2="2018", time="14.30")
    assert response.status_code == 302
    assert response.url == reverse("plans:as_at", args=[timeline.plan.pk]) + "?date=2018-09-01&time=14%3A30"


def test_without_a_time_the_plan_is_shown_at_the_end_of_that_day(timeline, coordinator, signed_in):
    response = as_at(signed_in(coordinator), timeline, date_0="1", date_1="9", date_2="2018", time="")
    assert response.status_code == 302
    assert response.url == reverse("plans:as_at", args=[timeline.plan.pk]) + "?date=2018-09-01&time=23%3A59"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_0": "", "date_1": "", "date_2": "", "time": ""}, "Enter the date"),
        ({"date": "2018-09-01", "time": "25:61"}, "Enter the time on the 24-hour clock, for example 14:30"),
        ({"date": "2018-02-30", "time": "12:00"}, "Date must be a real date"),
        ({"date": "2019-01-10", "time": "09:01"}, "The date and time must be in the past"),
        (
            {"date": "2018-04-02", "time": "08:59"},
            "The plan did not exist yet: it was first recorded at 9am on 2 April",
        ),
    ],
)
def test_a_wrong_or_impossible_moment_is_explained(timeline, coordinator, signed_in, query, message):
    response = as_at(signed_in(coordinator), timeline, **query)
    assert response.status_code == 200
    page = response.text
    assert "<title>Error: " in page
    summary = page[page.index('class="govuk-error-summary"') : page.index("<h1")]
    assert message in summary
    assert "This is the plan as it stood" not in page


def test_the_form_alone_before_a_moment_is_chosen(timeline, lead, signed_in):
    response = as_at(signed_in(lead), timeline)
    assert response.status_code == 200
    assert "24-hour clock, for example 14:30" in response.text
    assert "govuk-error-summary" not in response.text and "This is the plan as it stood" not in response.text


@pytest.mark.parametrize(("persona", "exports"), [("coordinator", True), ("auditor", True), ("board", False)])
def test_export_links_only_for_those_who_may_export(request, timeline, signed_in, persona, exports):
    page = as_at(signed_in(request.getfixturevalue(persona)), timeline, date="2018-09-01", time="14:30").text
    link = reverse("plans:export_as_at", args=[timeline.plan.pk, "xlsx"]) + "?date=2018-09-01&amp;time=14%3A30"
    assert (link in page) == exports


def test_export_links_name_what_they_give_and_its_format(timeline, auditor, signed_in):
    page = as_at(signed_in(auditor), timeline, date="2018-09-01", time="14:30").text
    query = "?date=2018-09-01&amp;time=14%3A30"
    exports = [reverse("plans:export_as_at", args=[timeline.plan.pk, fmt]) + query for fmt in ("csv", "xlsx")]
    links = [link_text(page, export) for export in exports]
    assert links == [
        "Download the plan as at 1 September 2018 (CSV)",
        "Download the plan as at 1 September 2018 (Excel spreadsheet, XLSX)",
    ]


def test_the_page_hides_from_outsiders_and_needs_sign_in(timeline, outsider, signed_in):
    assert as_at(signed_in(outsider), timeline, date="2018-09-01", time="14:30").status_code == 404
    response = as_at(signed_in(None), timeline)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_moment_is_london_time_compared_in_utc(timeline, coordinator, signed_in):
    # In winter London is on UTC; the withdrawal at 10:00 UTC on 3 December shows from 10:00, not from 09:00.
    client = signed_in(coordinator)
    assert timeline.other_action.title in main(as_at(client, timeline, date="2018-12-03", time="09:59"))
    assert timeline.other_action.title not in main(as_at(client, timeline, date="2018-12-03", time="10:00"))
    assert timezone.localtime(datetime.datetime(2018, 9, 1, 13, 0, tzinfo=datetime.UTC)).hour == 14
