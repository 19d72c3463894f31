"""The history of changes: one row per changed field, filters, the history page, its query budget and who sees it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from projects import services as project_services
from records.changes import plan_change_people, plan_changes
from snapshots.snapshot import _m2m_at
from tests import factories as f
from tests.html import link_text

UTC = datetime.UTC
START = datetime.datetime(2018, 4, 2, 8, 0, tzinfo=UTC)


class Clock:
    """Stands in for django.utils.timezone.now: the time a test sets, moving on a microsecond at each reading."""

    def __init__(self, start: datetime.datetime) -> None:
        self.current = start

    def set(self, *args: int) -> datetime.datetime:
        self.current = datetime.datetime(*args, tzinfo=UTC)
        return self.current

    def __call__(self) -> datetime.datetime:
        self.current += datetime.timedelta(microseconds=1)
        return self.current


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    """History recorded in 2018 (before the world fixture is built), so dates can be asked about."""
    moving = Clock(START)
    monkeypatch.setattr(timezone, "now", moving)
    return moving


def report(action, rag: str, by, commentary: str) -> None:
    action.refresh_from_db()
    action_services.action_update_status(
        action=action,
        rag=rag,
        commentary=commentary,
        as_of=timezone.now().date(),
        evidence=None,
        by=by,
        expected_version=action.version,
    )


def change(action, by, leads, **fields) -> None:
    action.refresh_from_db()
    action_services.action_change(
        action=action,
        fields=fields,
        answers=list(action.answers.all()),
        leads=leads,
        by=by,
        expected_version=action.version,
    )


@pytest.fixture
def edited(world, clock, coordinator, lead, other_lead):
    """May: the lead reports; September: the coordinator rewords the action; December: another action withdrawn."""
    clock.set(2018, 5, 1, 9, 0)
    report(world.action, "amber", lead, "Venue lost")
    clock.set(2018, 9, 1, 13, 30)
    change(world.action, coordinator, [lead], title="Curriculum work, reworded")
    clock.set(2018, 12, 3, 10, 0)
    world.other_action.refresh_from_db()
    action_services.action_withdraw(action=world.other_action, by=coordinator, expected_version=1)
    return world


def key(row) -> tuple:
    return (row.user, row.object_type, row.object_ref, row.field, row.old_value, row.new_value, row.comment)


def test_each_change_is_a_row_per_field_in_recorded_order(edited, lead):
    rows = list(plan_changes(edited.plan))
    assert [row.recorded_at for row in rows] == sorted(row.recorded_at for row in rows)
    assert all(row.recorded_at.tzinfo is UTC for row in rows)
    assert {(row.council, row.plan) for row in rows} == {(edited.council.name, "2018-19")}
    # Creation shows the new values, old empty; the factories wrote outside any signed-in session.
    assert (
        "system",
        "Action",
        "1.1",
        "Action",
        "",
        "Prevent Education Officer to continue curriculum work",
        "",
    ) in map(key, rows)
    assert ("system", "Objective", "Objective 2", "Title", "", "Mainstream Prevent", "") in map(key, rows)
    assert ("system", "Project", edited.project.name, "Objectives", "", "Objective 1", "") in map(key, rows)
    later = [key(row) for row in rows if row.recorded_at > START + datetime.timedelta(days=1)]
    assert later == [
        ("education-lead", "Status update", "1.1", "RAG status", "Not started", "Amber", "Venue lost"),
        (
            "coordinator",
            "Action",
            "1.1",
            "Action",
            "Prevent Education Officer to continue curriculum work",
            "Curriculum work, reworded",
            "",
        ),
        ("coordinator", "Action", "2.1", "Withdrawn at", "", "2018-12-03 10:00 UTC", "Withdrawn"),
    ]


def test_recommendations_answered_leads_and_deletions_read_as_text(world, clock, coordinator, lead, other_lead):
    clock.set(2018, 6, 1, 9, 0)
    action = world.action
    action_services.action_change(
        action=action,
        fields={},
        answers=[world.unanswered],
        leads=[other_lead],
        by=coordinator,
        expected_version=action.version,
    )
    clock.set(2018, 6, 2, 9, 0)
    doomed = world.plan.actions.get(reference="2.2")
    action_services.action_delete(action=doomed, by=coordinator, expected_version=doomed.version)
    rows = [key(row) for row in plan_changes(world.plan, since=datetime.datetime(2018, 6, 1, tzinfo=UTC))]
    assert (
        "coordinator",
        "Action",
        "1.1",
        "Recommendations answered",
        "Peer Review 2018, recommendation 1",
        "",
        "",
    ) in rows
    assert (
        "coordinator",
        "Action",
        "1.1",
        "Recommendations answered",
        "",
        "Peer Review 2018, recommendation 2",
        "",
    ) in rows
    assert ("system", "Lead", "1.1", "Lead", "education-lead", "", "No longer lead") in rows
    assert ("system", "Lead", "1.1", "Lead", "", "communications-lead", "Made lead") in rows
    assert rows[-1] == ("coordinator", "Action", "2.2", "", "", "deleted", "")


def test_a_project_brings_its_outputs_status_updates_and_leads(world, clock, lead):
    project = world.project
    target = project.output_targets.get()
    clock.set(2018, 10, 1, 9, 0)
    project_services.project_update_status(
        project=project,
        rag="green",
        commentary="120 workshops so far",
        as_of=datetime.date(2018, 10, 1),
        evidence=None,
        deliveries={target.pk: 120},
        by=lead,
        expected_version=project.version,
    )
    rows = [key(row) for row in plan_changes(world.plan, item=project)]
    assert ("system", "Lead", project.name, "Lead", "", "education-lead", "Made lead") in rows
    assert rows[-2:] == [
        ("education-lead", "Status update", project.name, "RAG status", "Not started", "Green", "120 workshops so far"),
        ("education-lead", "Output target", f"{project.name}: 300 Workshops", "Delivered", "0", "120", ""),
    ]
    assert {row[1] for row in rows} == {"Project", "Output target", "Lead", "Status update"}


def test_filters_by_time_person_and_item(edited, coordinator):
    september = [
        key(row)
        for row in plan_changes(
            edited.plan,
            since=datetime.datetime(2018, 8, 1, tzinfo=UTC),
            until=datetime.datetime(2018, 9, 30, tzinfo=UTC),
        )
    ]
    assert [row[3] for row in september] == ["Action"]
    assert {row.field for row in plan_changes(edited.plan, user=coordinator)} == {"Action", "Withdrawn at"}
    assert {row.object_ref for row in plan_changes(edited.plan, user="education-lead")} == {"1.1"}
    only = list(plan_changes(edited.plan, item=edited.other_action))
    assert {row.object_ref for row in only} == {"2.1"} and only[-1].field == "Withdrawn at"
    assert plan_change_people(edited.plan) == ["coordinator", "education-lead", "system"]


def test_another_councils_changes_never_show(edited):
    refs = {row.object_ref for row in plan_changes(edited.plan)}
    assert edited.elsewhere_project.name not in refs
    assert all(row.council == edited.council.name for row in plan_changes(edited.plan))


# The page


def changes(response) -> str:
    """The list of changes on the history page (the filter's select also names the actions)."""
    return response.text[response.text.index('id="changes"') :]


def history_url(world, **query) -> str:
    url = reverse("plans:history", args=[world.plan.pk])
    return url + ("?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else "")


@pytest.mark.parametrize("persona", ["coordinator", "lead", "board", "auditor"])
def test_everyone_who_sees_the_plan_sees_its_history(request, edited, persona, signed_in):
    response = signed_in(request.getfixturevalue(persona)).get(history_url(edited))
    assert response.status_code == 200
    assert "Curriculum work, reworded" in response.text
    assert "Venue lost" in response.text
    exports = reverse("plans:export_history", args=[edited.plan.pk, "csv"])
    assert (exports in response.text) == (persona in ("coordinator", "auditor"))


@pytest.mark.parametrize(("query", "what"), [({}, "all changes"), ({"person": "coordinator"}, "these changes")])
def test_export_links_name_what_they_give_and_its_format(edited, auditor, signed_in, query, what):
    page = signed_in(auditor).get(history_url(edited, **query)).text
    suffix = "?person=coordinator" if query else ""
    links = [
        link_text(page, reverse("plans:export_history", args=[edited.plan.pk, fmt]) + suffix) for fmt in ("csv", "xlsx")
    ]
    assert links == [f"Download {what} (CSV)", f"Download {what} (Excel spreadsheet, XLSX)"]


def test_the_history_hides_from_outsiders_and_needs_sign_in(edited, outsider, signed_in):
    assert signed_in(outsider).get(history_url(edited)).status_code == 404
    response = signed_in(None).get(history_url(edited))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert signed_in(outsider).post(history_url(edited)).status_code in {404, 405}


def test_the_page_filters_by_date_person_and_item(edited, coordinator, signed_in):
    client = signed_in(coordinator)
    august_to_september = {"from_date_0": 1, "from_date_1": 8, "from_date_2": 2018}
    august_to_september |= {"to_date_0": 30, "to_date_1": 9, "to_date_2": 2018}
    page = changes(client.get(history_url(edited, **august_to_september)))
    assert "1 change found" in page and "Curriculum work, reworded" in page and "Venue lost" not in page
    page = changes(client.get(history_url(edited, person="education-lead")))
    assert "1 change found" in page and "Venue lost" in page
    page = changes(client.get(history_url(edited, item=f"action-{edited.other_action.pk}")))
    assert "Withdrawn at" in page and "Curriculum work, reworded" not in page


def test_the_page_names_people_by_their_full_name(edited, coordinator, lead, signed_in):
    lead.first_name, lead.last_name = "Prevent Education", "Officer"
    lead.save(update_fields=["first_name", "last_name"])
    page = changes(signed_in(coordinator).get(history_url(edited, person="education-lead")))
    assert "Prevent Education Officer" in page and ">education-lead<" not in page
    action_page = signed_in(coordinator).get(reverse("actions:detail", args=[edited.action.pk])).text
    assert "Prevent Education Officer" in action_page[action_page.index('id="history"') :]


def test_wrong_filters_are_explained_in_an_error_summary(edited, coordinator, signed_in):
    client = signed_in(coordinator)
    page = client.get(history_url(edited, person="nobody")).text
    assert "govuk-error-summary" in page and "Select a person from the list" in page
    backwards = {"from_date_0": 1, "from_date_1": 10, "from_date_2": 2018}
    backwards |= {"to_date_0": 1, "to_date_1": 9, "to_date_2": 2018}
    page = client.get(history_url(edited, **backwards)).text
    assert "The to date must be the same as or after the from date" in page
    page = client.get(history_url(edited, from_date_0=31, from_date_1=2, from_date_2=2018)).text
    assert "From date must be a real date" in page


def test_the_page_is_newest_first_in_pages_of_50(edited, coordinator, lead, signed_in, clock):
    for day in range(1, 61):
        clock.set(2019, 1, 1, 9, 0)
        clock.current += datetime.timedelta(days=day)
        report(edited.action, "green" if day % 2 else "amber", lead, f"Report number {day}")
    client = signed_in(coordinator)
    first = client.get(history_url(edited, person="education-lead")).text
    assert "61 changes found" in first and "Showing 1 to 50, newest first" in first
    assert first.index("Report number 60") < first.index("Report number 59")
    assert "Report number 10<" not in first and 'aria-label="Page 2"' in first
    second = client.get(history_url(edited, person="education-lead", page=2)).text
    assert "Showing 51 to 61" in second and "Report number 10<" in second and "Venue lost" in second
    assert "person=education-lead" in second  # the filters carry across pages
    # Each page has a title of its own, which a screen reader announces first.
    title = f"History of changes, filtered (page 2 of 2), {edited.action.plan.title}"
    assert f"<title>{title} - " in second and "<title>History of changes, filtered (page 1 of 2), " in first


def test_the_page_costs_the_same_queries_whatever_the_length_of_the_history(
    edited, coordinator, lead, signed_in, clock, django_assert_max_num_queries
):
    client = signed_in(coordinator)
    client.get(history_url(edited))  # content types and the session cached, as on any later visit
    with django_assert_max_num_queries(40) as short:
        assert client.get(history_url(edited)).status_code == 200
    for day in range(1, 81):
        clock.current += datetime.timedelta(seconds=day)
        report(edited.action, "green" if day % 2 else "red", lead, f"Report {day}")
        change(edited.other_action, coordinator, [], outcomes=f"Outcome {day}")
        f.make_objective(edited.plan, title=f"Objective added {day}")
    with django_assert_max_num_queries(len(short.captured_queries)):
        response = client.get(history_url(edited, page=3))
    assert response.status_code == 200 and "Showing 101 to 150" in response.text


def test_action_and_project_pages_show_their_own_history(edited, board, signed_in):
    client = signed_in(board)
    page = client.get(reverse("actions:detail", args=[edited.action.pk])).text
    history = page[page.index('id="history"') :]
    assert "Curriculum work, reworded" in history and "Venue lost" in history
    assert "Withdrawn at" not in history  # another action's change
    assert f"?item=action-{edited.action.pk}" in history
    page = client.get(reverse("projects:detail", args=[edited.project.pk])).text
    assert "300 Workshops" in page[page.index('id="history"') :]


def test_a_status_updates_history_record_changes_only_the_rag_and_bookkeeping(edited, lead):
    """The history leaves out the records of status updates before comparing anything, which is
    right only while a status update's record differs from the one before it in the RAG and bookkeeping alone."""
    project = edited.project
    project_services.project_update_status(
        project=project,
        rag="amber",
        commentary="Fewer workshops",
        as_of=timezone.now().date(),
        evidence=None,
        deliveries={},
        by=lead,
        expected_version=project.version,
    )
    bookkeeping = {"history_id", "history_date", "history_user_id", "history_change_reason", "version"}
    bookkeeping |= {"status_updated_at", "rag"}
    for item, target in ((edited.action, "recommendation_id"), (project, "objective_id")):
        records = list(item.history.order_by("history_date", "history_id"))
        updates = [i for i, r in enumerate(records) if (r.history_change_reason or "").startswith("Status update")]
        assert updates, item
        for index in updates:
            before, after = records[index - 1], records[index]
            fields = [f.attname for f in after._meta.concrete_fields if f.attname not in bookkeeping]
            assert {name: getattr(after, name) for name in fields} == {name: getattr(before, name) for name in fields}
            linked = _m2m_at(type(after), target, [before.history_id, after.history_id])
            assert linked.get(after.history_id) == linked.get(before.history_id)
