import pytest
from django.urls import reverse
from guardian.shortcuts import get_users_with_perms

from actions.models import Action, StatusUpdate
from tests import factories as f


def edit_post(action: Action, **overrides) -> dict:
    data = {
        "version": action.version,
        "objective": action.objective_id,
        "reference": action.reference,
        "title": action.title,
        "outcomes": action.outcomes,
        "outputs": action.outputs,
        "timescale": action.timescale,
        "lead": action.lead,
        "lead_agency": action.lead_agency,
        "lead_usernames": "",
        "answers": [rec.pk for rec in action.answers.all()],
    }
    data.update(overrides)
    return data


def leads_of(action: Action) -> set[str]:
    users = get_users_with_perms(action, only_with_perms_in=["update_status"], with_superusers=False)
    return {user.username for user in users}


def test_the_coordinator_changes_an_action_and_the_history_says_who(world, coordinator, lead, signed_in):
    url = reverse("actions:edit", args=[world.action.pk])
    data = edit_post(
        world.action,
        title="Curriculum work with all primary schools",
        timescale="September 2018 March 2019",
        lead_usernames="education-lead, coordinator",
        answers=[world.recommendation.pk, world.unanswered.pk],
        withheld_fields=["outputs"],
    )
    response = signed_in(coordinator).post(url, data)
    assert response.status_code == 302
    world.action.refresh_from_db()
    assert world.action.title == "Curriculum work with all primary schools"
    assert world.action.due_date.isoformat() == "2019-03-31"
    assert world.action.version == 2
    assert world.action.withheld_fields == ["outputs"]
    assert set(world.action.answers.all()) == {world.recommendation, world.unanswered}
    assert leads_of(world.action) == {"education-lead", "coordinator"}
    latest = world.action.history.filter(title="Curriculum work with all primary schools").first()
    assert latest.history_user == coordinator


def test_removing_a_lead_takes_away_their_right_to_report(world, coordinator, lead, signed_in):
    url = reverse("actions:edit", args=[world.action.pk])
    signed_in(coordinator).post(url, edit_post(world.action, lead_usernames=""))
    assert leads_of(world.action) == set()
    # They still lead the plan's project, so they still see the plan: the action answers 403, not 404.
    assert signed_in(lead).get(reverse("actions:update_status", args=[world.action.pk])).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter what the action is"),
        ({"reference": ""}, "Enter a reference"),
        ({"timescale": ""}, "Enter a timescale"),
        ({"lead": ""}, "Enter the lead"),
        ({"lead_usernames": "nobody-here"}, "There is no account with the username nobody-here"),
        ({"reference": "2.1"}, "Another action in this plan already has the reference 2.1"),
    ],
)
def test_bad_changes_are_explained_and_nothing_is_saved(world, coordinator, signed_in, overrides, message):
    before = world.action.title
    response = signed_in(coordinator).post(
        reverse("actions:edit", args=[world.action.pk]), edit_post(world.action, **overrides)
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    world.action.refresh_from_db()
    assert world.action.title == before and world.action.version == 1


def test_a_stale_edit_shows_the_newer_version_and_keeps_the_input(world, coordinator, signed_in):
    url = reverse("actions:edit", args=[world.action.pk])
    stale = edit_post(world.action, title="My wording")
    signed_in(coordinator).post(url, edit_post(world.action, title="Their wording"))
    response = signed_in(coordinator).post(url, stale)
    assert response.status_code == 409
    assert "Their wording" in response.text and "My wording" in response.text
    world.action.refresh_from_db()
    assert world.action.title == "Their wording"


def test_a_status_update_makes_an_open_edit_form_stale(world, coordinator, lead, signed_in):
    url = reverse("actions:edit", args=[world.action.pk])
    stale = edit_post(world.action, title="Edited while the lead reported")
    signed_in(lead).post(
        reverse("actions:update_status", args=[world.action.pk]),
        {"version": 1, "rag": "red", "commentary": "Blocked", "as_of_0": "1", "as_of_1": "9", "as_of_2": "2018"},
    )
    assert signed_in(coordinator).post(url, stale).status_code == 409
    world.action.refresh_from_db()
    assert world.action.rag == "red"


def test_the_coordinator_adds_an_action(world, coordinator, signed_in):
    objective = world.plan.objectives.first()
    url = reverse("actions:create", args=[world.plan.pk])
    data = {
        "objective": objective.pk,
        "reference": "1.9",
        "title": "Host two Community Roundtable events",
        "outcomes": "Dialogue between the Home Office and the community",
        "outputs": "Roundtable event with 50 attendees",
        "timescale": "September 2018 March 2019",
        "lead": "Prevent Co-Ordinator",
        "lead_agency": "",
        "lead_usernames": "",
    }
    response = signed_in(coordinator).post(url, data)
    assert response.status_code == 302
    action = Action.objects.get(plan=world.plan, reference="1.9")
    assert action.objective == objective
    assert action.history.first().history_user == coordinator
    assert (
        world.plan.get_absolute_url() and action.title in signed_in(coordinator).get(world.plan.get_absolute_url()).text
    )


def test_an_action_with_updates_is_withdrawn_not_deleted(world, coordinator, signed_in):
    StatusUpdate.objects.create(
        action=world.action,
        rag="green",
        previous_rag="not_started",
        commentary="ok",
        as_of="2018-09-01",
        created_by=coordinator,
    )
    client = signed_in(coordinator)
    delete_url = reverse("actions:delete", args=[world.action.pk])
    assert "cannot be deleted" in client.get(delete_url).text
    assert client.post(delete_url, {"version": world.action.version}).status_code == 200
    assert Action.objects.filter(pk=world.action.pk).exists()

    response = client.post(reverse("actions:withdraw", args=[world.action.pk]), {"version": world.action.version})
    assert response.status_code == 302
    world.action.refresh_from_db()
    assert world.action.is_withdrawn
    assert world.action.title not in client.get(world.plan.get_absolute_url()).text
    # The withdrawn action and its history stay readable.
    page = client.get(world.action.get_absolute_url()).text
    assert "This action was withdrawn" in page and "ok" in page
    assert world.action.history.filter(history_change_reason="Withdrawn").exists()


def test_an_untouched_action_can_be_deleted_and_the_deletion_is_recorded(world, coordinator, signed_in):
    pk = world.other_action.pk
    response = signed_in(coordinator).post(
        reverse("actions:delete", args=[pk]), {"version": world.other_action.version}
    )
    assert response.status_code == 302
    assert not Action.objects.filter(pk=pk).exists()
    deleted = Action.history.filter(id=pk, history_type="-").get()
    assert deleted.history_user == coordinator


@pytest.mark.parametrize("persona", ["lead", "board", "auditor"])
@pytest.mark.parametrize("name", ["actions:edit", "actions:withdraw", "actions:delete"])
def test_only_coordinators_edit_actions(request, world, persona, name, signed_in):
    client = signed_in(request.getfixturevalue(persona))
    url = reverse(name, args=[world.action.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_post(world.action, title="Hijacked")).status_code == 403
    world.action.refresh_from_db()
    assert world.action.title != "Hijacked" and not world.action.is_withdrawn


@pytest.mark.parametrize("name", ["actions:edit", "actions:withdraw", "actions:delete", "actions:update_status"])
def test_editing_pages_hide_from_another_council(world, outsider, name, signed_in):
    url = reverse(name, args=[world.action.pk])
    assert signed_in(outsider).get(url).status_code == 404
    assert signed_in(outsider).post(url, {"version": 1}).status_code == 404


def test_only_coordinators_add_actions(world, lead, board, outsider, signed_in):
    url = reverse("actions:create", args=[world.plan.pk])
    assert signed_in(lead).get(url).status_code == 403
    assert signed_in(board).post(url, {"reference": "9.9"}).status_code == 403
    assert signed_in(outsider).get(url).status_code == 404
    assert not Action.objects.filter(reference="9.9").exists()


def test_my_actions_lists_what_the_lead_owns_overdue_first(world, lead, signed_in):
    objective = world.plan.objectives.first()
    overdue = f.make_action(objective, title="Long overdue action", timescale="June 2018")
    f.make_lead(lead, overdue)
    page = signed_in(lead).get(reverse("plans:mine")).text
    assert "Long overdue action" in page and world.action.title in page and world.project.name in page
    assert world.other_action.title not in page
    assert page.index("Long overdue action") < page.index(world.action.title)
    assert "Overdue" in page and "Stale" in page


def test_my_actions_for_someone_who_leads_nothing(world, board, signed_in):
    assert "You are not the lead of any action or project" in signed_in(board).get(reverse("plans:mine")).text


def test_an_edit_keeps_the_table_the_action_sits_in(world, coordinator, signed_in):
    """The form does not show the action's table of the plan: saving it must neither change it nor record a change."""
    client = signed_in(coordinator)
    url = reverse("actions:edit", args=[world.action.pk])
    objective = world.action.objective_id
    world.action.section = "Statutory duties"  # a table of its own, with an objective column
    world.action.save(update_fields=["section"])
    assert client.post(url, edit_post(world.action, title="Reworded")).status_code == 302
    world.action.refresh_from_db()
    assert (world.action.title, world.action.section) == ("Reworded", "Statutory duties")
    newest, before = world.action.history.all()[:2]
    assert newest.diff_against(before, excluded_fields=["version"]).changed_fields == ["title"]
    # Taken out of every objective it joins the table of actions outside them; given one again, it leaves it.
    assert client.post(url, edit_post(world.action, objective="")).status_code == 302
    Action.objects.filter(pk=world.action.pk).update(section="Other actions")
    world.action.refresh_from_db()
    assert client.post(url, edit_post(world.action, objective=objective)).status_code == 302
    world.action.refresh_from_db()
    assert world.action.section == ""


def test_line_ends_as_browsers_send_them_are_no_change(world, coordinator, signed_in):
    """A browser sends a textarea's line ends as CRLF; the plan holds LF. Saving the text unchanged changes nothing."""
    world.action.outputs = "Universal provision of support\nLeads trained as WRAP facilitators"
    world.action.save(update_fields=["outputs"])
    sent = edit_post(world.action, title="Reworded", outputs=world.action.outputs.replace("\n", "\r\n"))
    assert signed_in(coordinator).post(reverse("actions:edit", args=[world.action.pk]), sent).status_code == 302
    newest, before = world.action.history.all()[:2]
    assert newest.diff_against(before, excluded_fields=["version"]).changed_fields == ["title"]
    assert newest.outputs == "Universal provision of support\nLeads trained as WRAP facilitators"
