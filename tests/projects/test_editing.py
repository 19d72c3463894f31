import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from guardian.shortcuts import get_users_with_perms

from core.evidence import MAX_EVIDENCE_BYTES, TOO_BIG, WRONG_TYPE
from projects import services
from projects.models import CommissionedProject, OutputDelivery, OutputTarget, ProjectStatusUpdate

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def url(name: str, project: CommissionedProject) -> str:
    return reverse(f"projects:{name}", args=[project.pk])


def status_data(project: CommissionedProject, **overrides) -> dict:
    data = {
        "version": project.version,
        "rag": "amber",
        "commentary": "Two schools postponed their workshops to the spring term",
        "as_of_0": "1",
        "as_of_1": "9",
        "as_of_2": "2018",
    }
    for target in project.output_targets.all():
        data[f"delivered_{target.pk}"] = "120"
    return {**data, **overrides}


def edit_data(project: CommissionedProject, **overrides) -> dict:
    data = {
        "version": project.version,
        "name": "Schools workshops",
        "provider": "Theatre company",
        "description": "",
        "outcomes": "",
        "lead": "",
        "funding_source": "Home Office Prevent grant",
        "amount": "£12,000.50",
        "timescale": "September 2018 March 2019",
        "lead_usernames": "",
    }
    for target in project.output_targets.all():
        data[f"output_{target.pk}_description"] = target.description
        data[f"output_{target.pk}_target"] = "" if target.target is None else str(target.target)
    return {**data, **overrides}


def assert_no_status_written(project: CommissionedProject) -> None:
    project.refresh_from_db()
    assert (project.version, project.rag, project.status_updated_at) == (1, "not_started", None)
    assert not ProjectStatusUpdate.objects.exists() and not OutputDelivery.objects.exists()
    assert project.output_targets.get().delivered == 0


# --- Updating the status ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "lead"])
def test_status_update_saves_the_update_the_deliveries_and_the_rag(request, world, persona, signed_in):
    user = request.getfixturevalue(persona)
    project = world.project
    response = signed_in(user).post(url("update_status", project), status_data(project))
    assert response.status_code == 302 and response.url == project.get_absolute_url()

    project.refresh_from_db()
    target = project.output_targets.get()
    update = ProjectStatusUpdate.objects.get()
    assert (project.rag, project.version) == ("amber", 2)
    assert project.status_updated_at == update.created_at
    assert (update.project, update.created_by, update.as_of) == (project, user, datetime.date(2018, 9, 1))
    assert target.delivered == 120
    delivery = update.deliveries.get()
    assert (delivery.output_target, delivery.previous_delivered, delivery.delivered) == (target, 0, 120)


def test_status_form_shows_each_output_against_its_target(world, coordinator, signed_in):
    target = world.project.output_targets.get()
    target.delivered = 120
    target.save()
    page = signed_in(coordinator).get(url("update_status", world.project)).text
    assert "Delivered so far: 300 Workshops" in page
    assert "120 of 300" in page
    assert f'name="delivered_{target.pk}" value="120"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the number delivered so far for 300 Workshops"),
        ("twelve", "Enter the number delivered so far for 300 Workshops as a whole number"),
        ("1.5", "Enter the number delivered so far for 300 Workshops as a whole number"),
        ("-1", "The number delivered so far for 300 Workshops must be 0 or more"),
        ("1000001", "The number delivered so far for 300 Workshops must be 1,000,000 or fewer"),
    ],
)
def test_status_update_with_a_bad_count_writes_nothing(world, coordinator, signed_in, value, message):
    project = world.project
    target = project.output_targets.get()
    data = status_data(project, **{f"delivered_{target.pk}": value})
    response = signed_in(coordinator).post(url("update_status", project), data)
    assert response.status_code == 200
    # The message is in the error summary, linked to the field, and by the field.
    assert f'<a href="#id_delivered_{target.pk}">{message}</a>' in response.text
    assert response.text.count(message) >= 2
    assert_no_status_written(project)


def test_status_update_without_commentary_or_rag_writes_nothing(world, coordinator, signed_in):
    project = world.project
    response = signed_in(coordinator).post(url("update_status", project), status_data(project, rag="", commentary=""))
    assert response.status_code == 200
    assert "Select a RAG status" in response.text and "Enter a commentary" in response.text
    assert_no_status_written(project)


def test_status_update_at_a_stale_version_gives_409_and_keeps_the_input(world, coordinator, lead, signed_in):
    project = world.project
    opened = status_data(project, commentary="My careful commentary")
    services.project_update_status(
        project=project,
        rag="red",
        commentary="Someone else's update",
        as_of=datetime.date(2018, 9, 2),
        evidence=None,
        deliveries={},
        by=lead,
        expected_version=1,
    )
    response = signed_in(coordinator).post(url("update_status", project), opened)
    assert response.status_code == 409
    assert "My careful commentary" in response.text  # what they typed is still in the form
    assert "Someone else&#x27;s update" in response.text  # and what it says now is shown
    assert 'name="version" value="2"' in response.text
    assert 'type="submit"' in response.text
    project.refresh_from_db()
    assert (project.rag, project.version) == ("red", 2)
    assert ProjectStatusUpdate.objects.count() == 1 and project.output_targets.get().delivered == 0


def test_status_update_of_a_withdrawn_project_is_refused(world, coordinator, signed_in):
    project = services.project_withdraw(project=world.project, by=coordinator, expected_version=1)
    client = signed_in(coordinator)
    assert client.get(url("update_status", project)).status_code == 403
    assert client.post(url("update_status", project), status_data(project)).status_code == 403
    assert not ProjectStatusUpdate.objects.exists()


def test_output_descriptions_are_escaped_in_the_status_form(world, coordinator, signed_in):
    OutputTarget.objects.create(project=world.project, description="<script>alert(1)</script> leaflets", target=5)
    page = signed_in(coordinator).get(url("update_status", world.project)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; leaflets" in page


# --- Evidence --------------------------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        (lambda: upload("tool.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream"), WRONG_TYPE),
        (lambda: upload("report.pdf", b"MZ\x90\x00 not really a PDF"), WRONG_TYPE),
        (lambda: upload("big.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES), TOO_BIG),
    ],
    ids=["exe", "pdf-in-name-only", "over-10MB"],
)
def test_bad_evidence_is_refused_and_nothing_written(
    world, coordinator, signed_in, settings, tmp_path, evidence, message
):
    settings.MEDIA_ROOT = tmp_path
    project = world.project
    data = status_data(project, evidence=evidence())
    response = signed_in(coordinator).post(url("update_status", project), data)
    assert response.status_code == 200
    assert f'<a href="#id_evidence">{message}</a>' in response.text
    assert_no_status_written(project)
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_pdf_evidence_is_stored_and_readable_by_whoever_sees_the_project(
    world, coordinator, lead, board, auditor, outsider, signed_in, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    project = world.project
    data = status_data(project, evidence=upload("Q2 report.pdf", PDF))
    assert signed_in(lead).post(url("update_status", project), data).status_code == 302
    update = ProjectStatusUpdate.objects.get()
    assert update.evidence.name == f"evidence/projects/{project.pk}/Q2_report.pdf"
    assert (tmp_path / update.evidence.name).read_bytes() == PDF

    evidence_url = reverse("projects:evidence", args=[update.pk])
    assert evidence_url in signed_in(board).get(project.get_absolute_url()).text
    for user in (coordinator, board, auditor, lead):
        response = signed_in(user).get(evidence_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF
    assert signed_in(outsider).get(evidence_url).status_code == 404


def test_evidence_download_of_an_update_without_evidence_is_404(world, coordinator, signed_in):
    update = services.project_update_status(
        project=world.project,
        rag="green",
        commentary="On track",
        as_of=datetime.date(2018, 9, 1),
        evidence=None,
        deliveries={},
        by=coordinator,
        expected_version=1,
    )
    assert signed_in(coordinator).get(reverse("projects:evidence", args=[update.pk])).status_code == 404
    assert signed_in(coordinator).get(reverse("projects:evidence", args=[999999])).status_code == 404


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
