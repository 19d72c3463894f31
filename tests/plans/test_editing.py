"""The coordinator's pages for changing a plan and recording its board meetings."""

import datetime

import pytest
from django.urls import reverse

from plans.models import BoardMeeting, DeliveryPlan
from records.changes import plan_changes
from tests import factories as f


@pytest.fixture
def meeting(world) -> BoardMeeting:
    return BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2018, 9, 3), decisions="Agree the plan")


def plan_edit_url(plan: DeliveryPlan) -> str:
    return reverse("plans:edit", args=[plan.pk])


def meetings_url(plan: DeliveryPlan) -> str:
    return reverse("plans:meetings", args=[plan.pk])


def plan_post(plan: DeliveryPlan, **overrides) -> dict:
    data = {
        "version": plan.version,
        "status": "closed",
        "introduction": "A new introduction.",
        "local_context": "The borough in 2018.",
    }
    return {**data, **overrides}


def meeting_post(**overrides) -> dict:
    data = {"date_0": "12", "date_1": "11", "date_2": "2018", "decisions": "Refresh the risk assessment"}
    return {**data, **overrides}


URLS = {
    "plan_edit": lambda world, meeting: plan_edit_url(world.plan),
    "meetings": lambda world, meeting: meetings_url(world.plan),
    "meeting_edit": lambda world, meeting: reverse("plans:meeting_edit", args=[meeting.pk]),
    "meeting_delete": lambda world, meeting: reverse("plans:meeting_delete", args=[meeting.pk]),
}


# Access, for every page


@pytest.mark.parametrize("page", URLS)
@pytest.mark.parametrize("persona", ["lead", "board", "auditor"])
def test_people_who_see_the_plan_but_do_not_coordinate_it_are_refused(
    request, world, meeting, signed_in, page, persona
):
    client = signed_in(request.getfixturevalue(persona))
    url = URLS[page](world, meeting)
    # The list of meetings is for everyone who sees the plan; adding to it is not.
    assert client.get(url).status_code == (200 if page == "meetings" else 403)
    assert client.post(url, {**plan_post(world.plan), **meeting_post(), "version": 1}).status_code == 403
    world.plan.refresh_from_db()
    meeting.refresh_from_db()
    assert world.plan.version == 1 and meeting.version == 1
    assert BoardMeeting.objects.count() == 1


@pytest.mark.parametrize("page", URLS)
def test_another_councils_coordinator_gets_not_found(world, meeting, outsider, signed_in, page):
    client = signed_in(outsider)
    url = URLS[page](world, meeting)
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": 1}).status_code == 404
    assert signed_in(f.make_user()).get(url).status_code == 404


@pytest.mark.parametrize("page", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(world, meeting, client, page):
    url = URLS[page](world, meeting)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", URLS)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(world, meeting, coordinator, signed_in, page, method):
    assert getattr(signed_in(coordinator), method)(URLS[page](world, meeting)).status_code == 405


def test_coordinators_cannot_reach_another_councils_plan(world, coordinator, signed_in):
    client = signed_in(coordinator)
    assert client.get(plan_edit_url(world.elsewhere_plan)).status_code == 404
    assert client.get(meetings_url(world.elsewhere_plan)).status_code == 404


def test_everyone_who_sees_the_plan_reads_its_meetings_but_only_coordinators_get_the_form(
    world, meeting, board, coordinator, signed_in
):
    page = signed_in(board).get(meetings_url(world.plan)).text
    assert "Refresh the risk assessment" in page or meeting.date.strftime("%Y") in page
    assert "Add a board meeting" not in page and reverse("plans:meeting_edit", args=[meeting.pk]) not in page
    assert "Add a board meeting" in signed_in(coordinator).get(meetings_url(world.plan)).text


# Changing the plan


def test_the_coordinator_changes_the_plan(world, coordinator, signed_in):
    client = signed_in(coordinator)
    page = client.get(plan_edit_url(world.plan))
    assert page.status_code == 200
    assert "A sensitive passage." in page.text  # the current introduction is in the form
    response = client.post(plan_edit_url(world.plan), plan_post(world.plan))
    assert response.status_code == 302 and response.url == world.plan.get_absolute_url()
    world.plan.refresh_from_db()
    assert world.plan.status == "closed"
    assert world.plan.introduction == "A new introduction."
    assert world.plan.local_context == "The borough in 2018."
    assert world.plan.version == 2
    assert world.plan.history.first().history_user == coordinator


RAG = "RAG status column"  # the field, as the history names it


def test_the_coordinator_says_whether_the_plans_tables_have_a_rag_column(world, coordinator, signed_in):
    client = signed_in(coordinator)
    form = client.get(plan_edit_url(world.plan)).text
    assert 'name="rag_column"' in form and "checked" in form[form.index('name="rag_column"') :].split(">")[0]
    # A plan written without the column (as Tower Hamlets' 2017-18) is published without it; unticked, not sent.
    assert client.post(plan_edit_url(world.plan), plan_post(world.plan)).status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.rag_column is False
    assert client.post(plan_edit_url(world.plan), plan_post(world.plan, rag_column="on")).status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.rag_column is True
    changes = [(row.old_value, row.new_value) for row in plan_changes(world.plan, user=coordinator) if row.field == RAG]
    assert changes == [("Yes", "No"), ("No", "Yes")]


@pytest.mark.parametrize(
    ("overrides", "message"), [({"status": ""}, "Select a status"), ({"status": "archived"}, "Select a status")]
)
def test_bad_plan_input_is_explained_and_nothing_is_saved(world, coordinator, signed_in, overrides, message):
    response = signed_in(coordinator).post(plan_edit_url(world.plan), plan_post(world.plan, **overrides))
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    world.plan.refresh_from_db()
    assert world.plan.status == "active" and world.plan.version == 1


def test_a_stale_plan_form_never_overwrites_a_newer_save(world, coordinator, signed_in):
    client = signed_in(coordinator)
    opened = plan_post(world.plan, introduction="My introduction")
    client.post(plan_edit_url(world.plan), plan_post(world.plan, introduction="Their introduction"))
    response = client.post(plan_edit_url(world.plan), opened)
    assert response.status_code == 409
    assert "Their introduction" in response.text and "My introduction" in response.text
    world.plan.refresh_from_db()
    assert world.plan.introduction == "Their introduction" and world.plan.version == 2
    # Saving again from the conflict page is a deliberate choice at the new version.
    assert client.post(plan_edit_url(world.plan), {**opened, "version": 2}).status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.introduction == "My introduction"


# Board meetings


def test_the_meetings_page_lists_the_plans_meetings(world, meeting, coordinator, signed_in):
    BoardMeeting.objects.create(plan=world.elsewhere_plan, date=datetime.date(2018, 10, 1), decisions="Elsewhere")
    response = signed_in(coordinator).get(meetings_url(world.plan))
    assert response.status_code == 200
    assert "3 September 2018" in response.text and "Agree the plan" in response.text
    assert "Elsewhere" not in response.text
    assert reverse("plans:meeting_edit", args=[meeting.pk]) in response.text


def test_the_coordinator_adds_a_meeting(world, coordinator, signed_in):
    response = signed_in(coordinator).post(meetings_url(world.plan), meeting_post())
    assert response.status_code == 302 and response.url == meetings_url(world.plan)
    added = BoardMeeting.objects.get(plan=world.plan)
    assert added.date == datetime.date(2018, 11, 12)
    assert added.decisions == "Refresh the risk assessment"
    assert added.history.get().history_user == coordinator


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date_0": "", "date_1": "", "date_2": ""}, "Enter the date of the meeting"),
        ({"date_0": "31", "date_1": "2", "date_2": "2019"}, "Date of the meeting must be a real date"),
        ({"date_1": ""}, "Date of the meeting must include a month"),
        ({"date_0": "x"}, "Date of the meeting must be a real date"),
        ({"date_2": "18"}, "Date of the meeting must have a year of 4 numbers, like 2019"),
        ({"date_0": "3", "date_1": "9"}, "This plan already has a board meeting on 3 September 2018"),
    ],
)
def test_bad_meeting_input_is_explained_and_nothing_is_saved(
    world, meeting, coordinator, signed_in, overrides, message
):
    response = signed_in(coordinator).post(meetings_url(world.plan), meeting_post(**overrides))
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert list(BoardMeeting.objects.all()) == [meeting]


def test_the_same_date_may_be_used_in_another_plan(world, meeting, coordinator, signed_in):
    other_year = f.make_plan(world.council, year="2019-20")
    response = signed_in(coordinator).post(meetings_url(other_year), meeting_post(date_0="3", date_1="9"))
    assert response.status_code == 302
    assert other_year.board_meetings.get().date == meeting.date


def test_the_coordinator_changes_a_meeting(world, meeting, coordinator, signed_in):
    url = reverse("plans:meeting_edit", args=[meeting.pk])
    client = signed_in(coordinator)
    assert 'value="2018"' in client.get(url).text
    response = client.post(url, meeting_post(version=1))
    assert response.status_code == 302 and response.url == meetings_url(world.plan)
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2018, 11, 12)
    assert meeting.decisions == "Refresh the risk assessment"
    assert meeting.version == 2
    assert meeting.history.first().history_user == coordinator


def test_a_meeting_cannot_be_moved_onto_another_meetings_date(world, meeting, coordinator, signed_in):
    BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2018, 11, 12))
    url = reverse("plans:meeting_edit", args=[meeting.pk])
    response = signed_in(coordinator).post(url, meeting_post(version=1))
    assert response.status_code == 200
    assert "This plan already has a board meeting on 12 November 2018" in response.text
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2018, 9, 3) and meeting.version == 1


def test_a_stale_meeting_form_never_overwrites_a_newer_save(world, meeting, coordinator, signed_in):
    url = reverse("plans:meeting_edit", args=[meeting.pk])
    client = signed_in(coordinator)
    client.post(url, meeting_post(version=1, decisions="Their decisions"))
    response = client.post(url, meeting_post(version=1, decisions="My decisions", date_0="13"))
    assert response.status_code == 409
    assert "Their decisions" in response.text and "My decisions" in response.text
    meeting.refresh_from_db()
    assert meeting.decisions == "Their decisions" and meeting.date.day == 12 and meeting.version == 2


def test_the_coordinator_deletes_a_meeting_after_confirming(world, meeting, coordinator, signed_in):
    url = reverse("plans:meeting_delete", args=[meeting.pk])
    client = signed_in(coordinator)
    page = client.get(url)
    assert page.status_code == 200 and "Delete the board meeting of 3 September 2018?" in page.text
    assert BoardMeeting.objects.filter(pk=meeting.pk).exists()
    response = client.post(url, {"version": 1})
    assert response.status_code == 302 and response.url == meetings_url(world.plan)
    assert not BoardMeeting.objects.filter(pk=meeting.pk).exists()
    deletion = BoardMeeting.history.get(id=meeting.pk, history_type="-")
    assert deletion.history_user == coordinator


def test_a_meeting_changed_since_the_confirmation_opened_is_not_deleted(world, meeting, coordinator, signed_in):
    client = signed_in(coordinator)
    client.post(reverse("plans:meeting_edit", args=[meeting.pk]), meeting_post(version=1, decisions="Newer"))
    response = client.post(reverse("plans:meeting_delete", args=[meeting.pk]), {"version": 1})
    assert response.status_code == 409
    assert "Newer" in response.text and "Nothing has been deleted" in response.text
    assert BoardMeeting.objects.filter(pk=meeting.pk).exists()


def test_the_meetings_page_costs_the_same_however_many_meetings(
    world, coordinator, signed_in, django_assert_max_num_queries
):
    for day in range(1, 21):
        BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2018, 6, day), decisions=f"Decision {day}")
    client = signed_in(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(meetings_url(world.plan))
    assert response.text.count("Decision ") == 20


def test_edit_pages_hold_one_form_not_a_form_nested_in_another(world, meeting, coordinator, signed_in):
    client = signed_in(coordinator)
    for url in (plan_edit_url(world.plan), meetings_url(world.plan), reverse("plans:meeting_edit", args=[meeting.pk])):
        page = client.get(url).text
        assert page.count("<form") == 2  # sign out, and the page's form
        assert page.count('name="csrfmiddlewaretoken"') == 2
