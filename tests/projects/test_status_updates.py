"""A project's status updates: the RAG, commentary and outputs delivered, and the evidence attached."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.evidence import MAX_EVIDENCE_BYTES, TOO_BIG, WRONG_TYPE
from projects import services
from projects.models import OutputTarget, ProjectStatusUpdate

from .project_forms import assert_no_status_written, status_data, url

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


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
