"""Adding, changing, withdrawing and deleting a project, its page's controls, and who may do each.

Status updates and their evidence are in test_status_updates.py."""

import datetime

import pytest
from django.urls import reverse
from guardian.shortcuts import get_users_with_perms

from projects import services
from projects.models import CommissionedProject, OutputTarget

from .project_forms import assert_no_status_written, edit_data, status_data, url

# --- Creating and changing a project ---------------------------------------------------------------------------


def test_coordinator_adds_a_project(world, coordinator, lead, signed_in):
    objective = world.plan.objectives.get(number=2)
    data = {
        "name": "Schools workshops",
        "provider": "Theatre company",
        "objectives": [objective.pk],
        "timescale": "September 2018 March 2019",
        "lead_usernames": "education-lead",
        "withheld_fields": ["provider"],
        "new_output_1_description": "300 Workshops",
        "new_output_2_description": "A teachers' guide",
        "new_output_3_description": "20 Assemblies",
        "new_output_3_target": "25",
    }
    response = signed_in(coordinator).post(reverse("projects:create", args=[world.plan.pk]), data)
    project = CommissionedProject.objects.get(name="Schools workshops")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert (project.plan, project.provider, project.withheld_fields) == (world.plan, "Theatre company", ["provider"])
    assert project.due_date == datetime.date(2019, 3, 31)  # from the timescale
    assert list(project.objectives.all()) == [objective]
    # A number the description starts with becomes the target, unless one is given.
    assert list(project.output_targets.values_list("description", "target")) == [
        ("300 Workshops", 300),
        ("A teachers' guide", None),
        ("20 Assemblies", 25),
    ]
    assert set(get_users_with_perms(project, only_with_perms_in=["update_status"])) == {lead}


def test_add_project_with_errors_writes_nothing(world, coordinator, signed_in):
    data = {"name": "", "amount": "lots", "new_output_1_target": "30", "lead_usernames": "nobody-here"}
    response = signed_in(coordinator).post(reverse("projects:create", args=[world.plan.pk]), data)
    assert response.status_code == 200
    for field, message in [
        ("name", "Enter the project name"),
        ("amount", "Enter the funding amount as a number, like 12000 or 12000.50"),
        ("new_output_1_description", "Enter the description of new output 1"),
        (
            "lead_usernames",
            f"There is no account with the username nobody-here among the people and partners of {world.council.name}",
        ),
    ]:
        assert f'<a href="#id_{field}">{message}</a>' in response.text
    assert world.plan.projects.count() == 1


def test_a_new_output_described_at_too_great_a_length_is_told_so_once(world, coordinator, signed_in):
    data = {"name": "Workshops", "new_output_1_description": "x" * 501, "new_output_1_target": "30"}
    response = signed_in(coordinator).post(reverse("projects:create", args=[world.plan.pk]), data)
    assert response.status_code == 200
    assert "The description of new output 1 must be 500 characters or fewer" in response.text
    assert "Enter the description of new output 1" not in response.text
    assert world.plan.projects.count() == 1


def test_coordinator_changes_a_project_and_its_outputs(world, coordinator, signed_in):
    project = world.project
    workshops = project.output_targets.get()
    leaflets = OutputTarget.objects.create(project=project, description="500 Leaflets", target=500)
    data = edit_data(
        project,
        **{
            f"output_{workshops.pk}_description": "350 Workshops",
            f"output_{workshops.pk}_target": "350",
            f"output_{leaflets.pk}_remove": "on",
            "new_output_1_description": "20 Assemblies",
        },
    )
    response = signed_in(coordinator).post(url("edit", project), data)
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    project.refresh_from_db()
    workshops.refresh_from_db()
    assert (project.name, project.version, str(project.amount)) == ("Schools workshops", 2, "12000.50")
    assert (workshops.description, workshops.target) == ("350 Workshops", 350)
    assert list(project.output_targets.values_list("description", "target")) == [
        ("350 Workshops", 350),
        ("20 Assemblies", 20),
    ]


def test_an_output_with_deliveries_offers_no_remove(world, coordinator, signed_in):
    project = world.project
    target = project.output_targets.get()
    services.project_update_status(
        project=project,
        rag="green",
        commentary="On track",
        as_of=datetime.date(2018, 9, 1),
        evidence=None,
        deliveries={target.pk: 10},
        by=coordinator,
        expected_version=1,
    )
    client = signed_in(coordinator)
    page = client.get(url("edit", project)).text
    assert f"output_{target.pk}_remove" not in page
    assert "cannot be removed" in page
    # Blanking it is not a way round: it asks for the description instead.
    project.refresh_from_db()
    data = edit_data(project, **{f"output_{target.pk}_description": "", f"output_{target.pk}_remove": "on"})
    response = client.post(url("edit", project), data)
    assert response.status_code == 200
    assert f'<a href="#id_output_{target.pk}_description">Enter the description of output 1</a>' in response.text
    assert project.output_targets.get() == target


def test_change_at_a_stale_version_gives_409_and_keeps_the_input(world, coordinator, signed_in):
    project = world.project
    data = edit_data(project, name="My new name")
    project.name = "Their new name"
    services.project_change(
        project=project,
        fields={"name": "Their new name"},
        objectives=[],
        outputs=[services.OutputSpec("300 Workshops", 300, pk=project.output_targets.get().pk)],
        leads=[],
        by=coordinator,
        expected_version=1,
    )
    response = signed_in(coordinator).post(url("edit", project), data)
    assert response.status_code == 409
    assert 'value="My new name"' in response.text and "Their new name" in response.text
    assert 'name="version" value="2"' in response.text
    assert response.text.count("<form") == 2  # sign out, and this one: the form is not nested
    project.refresh_from_db()
    assert (project.name, project.version) == ("Their new name", 2)


# --- Withdraw and delete ---------------------------------------------------------------------------------------


def test_withdraw_and_reinstate(world, coordinator, signed_in):
    project = world.project
    client = signed_in(coordinator)
    assert "Withdraw this project?" in client.get(url("withdraw", project)).text
    assert client.post(url("withdraw", project), {"version": 1}).status_code == 302
    project.refresh_from_db()
    assert project.is_withdrawn
    assert "This project was withdrawn" in client.get(project.get_absolute_url()).text
    assert client.post(url("withdraw", project), {"version": 2}).status_code == 302
    project.refresh_from_db()
    assert not project.is_withdrawn


def test_withdraw_at_a_stale_version_does_nothing(world, coordinator, signed_in):
    assert signed_in(coordinator).post(url("withdraw", world.project), {"version": 0}).status_code == 302
    world.project.refresh_from_db()
    assert not world.project.is_withdrawn


def test_delete_a_project_nobody_reported_on(world, coordinator, signed_in):
    project = world.project
    response = signed_in(coordinator).post(url("delete", project), {"version": 1})
    assert response.status_code == 302 and response.url == f"{world.plan.get_absolute_url()}#projects"
    assert not CommissionedProject.objects.filter(pk=project.pk).exists()


def test_a_project_with_status_updates_cannot_be_deleted(world, coordinator, signed_in):
    project = world.project
    client = signed_in(coordinator)
    client.post(url("update_status", project), status_data(project))
    assert "This project cannot be deleted" in client.get(url("delete", project)).text
    assert client.post(url("delete", project), {"version": 2}).status_code == 200
    assert CommissionedProject.objects.filter(pk=project.pk).exists()


# --- The project page's controls -------------------------------------------------------------------------------


def test_project_page_offers_what_each_person_may_do(world, coordinator, lead, board, signed_in):
    edit, status = url("edit", world.project), url("update_status", world.project)
    page = signed_in(coordinator).get(world.project.get_absolute_url()).text
    assert edit in page and status in page and url("withdraw", world.project) in page
    page = signed_in(lead).get(world.project.get_absolute_url()).text
    assert status in page and edit not in page
    page = signed_in(board).get(world.project.get_absolute_url()).text
    assert status not in page and edit not in page


def test_project_page_shows_delivered_against_target(world, coordinator, signed_in):
    target = world.project.output_targets.get()
    target.delivered = 120
    target.save()
    page = signed_in(coordinator).get(world.project.get_absolute_url()).text
    assert "Outputs delivered against target" in page and "40%" in page


# --- Access ----------------------------------------------------------------------------------------------------

WRITES = ["update_status", "edit", "withdraw", "delete"]


@pytest.mark.parametrize("name", ["edit", "withdraw", "delete"])
def test_a_lead_may_report_but_not_change_the_project(world, lead, signed_in, name):
    client = signed_in(lead)
    assert client.get(url(name, world.project)).status_code == 403
    assert client.post(url(name, world.project), edit_data(world.project)).status_code == 403
    assert client.get(reverse("projects:create", args=[world.plan.pk])).status_code == 403
    world.project.refresh_from_db()
    assert (world.project.version, world.project.is_withdrawn) == (1, False)


@pytest.mark.parametrize("persona", ["board", "auditor", "other_lead"])
@pytest.mark.parametrize("name", WRITES)
def test_readers_may_not_write(request, world, signed_in, persona, name):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(url(name, world.project)).status_code == 403
    assert client.post(url(name, world.project), status_data(world.project)).status_code == 403
    assert_no_status_written(world.project)


@pytest.mark.parametrize("persona", ["board", "auditor"])
def test_readers_may_not_add_a_project(request, world, signed_in, persona):
    client = signed_in(request.getfixturevalue(persona))
    assert client.post(reverse("projects:create", args=[world.plan.pk]), {"name": "X"}).status_code == 403
    assert world.plan.projects.count() == 1


@pytest.mark.parametrize("name", WRITES)
def test_outsiders_get_404(world, outsider, coordinator, signed_in, name):
    assert signed_in(outsider).get(url(name, world.project)).status_code == 404
    assert signed_in(outsider).post(url(name, world.project), status_data(world.project)).status_code == 404
    # And a coordinator cannot reach another council's project by its id.
    assert signed_in(coordinator).post(url(name, world.elsewhere_project), {"version": 1}).status_code == 404
    assert_no_status_written(world.project)


def test_outsiders_cannot_add_a_project_to_another_councils_plan(world, outsider, signed_in):
    assert signed_in(outsider).post(reverse("projects:create", args=[world.plan.pk]), {"name": "X"}).status_code == 404
    assert world.plan.projects.count() == 1


@pytest.mark.parametrize("name", WRITES)
def test_anonymous_visitors_are_sent_to_sign_in(world, client, name):
    for response in (client.get(url(name, world.project)), client.post(url(name, world.project), {"version": 1})):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.get(reverse("projects:create", args=[world.plan.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_wrong_methods_are_refused(world, coordinator, signed_in, name, method):
    assert getattr(signed_in(coordinator), method)(url(name, world.project)).status_code == 405


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_evidence_and_create_refuse_wrong_methods(world, coordinator, signed_in, method):
    client = signed_in(coordinator)
    assert getattr(client, method)(reverse("projects:evidence", args=[1])).status_code == 405
    if method != "post":
        assert getattr(client, method)(reverse("projects:create", args=[world.plan.pk])).status_code == 405
