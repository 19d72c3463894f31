import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, StatusUpdate
from core.evidence import MAX_EVIDENCE_BYTES

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def status_url(action: Action) -> str:
    return reverse("actions:update_status", args=[action.pk])


def valid_post(action: Action, **overrides) -> dict:
    data = {
        "version": action.version,
        "rag": "amber",
        "commentary": "Venue lost; new date being agreed with the school",
        "as_of_0": "3",
        "as_of_1": "9",
        "as_of_2": "2018",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_lead_updates_their_action_and_its_rag_changes_with_the_update(world, lead, signed_in):
    response = signed_in(lead).post(status_url(world.action), valid_post(world.action))
    assert response.status_code == 302 and response.url == world.action.get_absolute_url()
    world.action.refresh_from_db()
    assert world.action.rag == "amber"
    assert world.action.version == 2
    assert world.action.status_updated_at is not None
    update = world.action.status_updates.get()
    assert (update.previous_rag, update.rag, update.created_by) == ("not_started", "amber", lead)
    assert update.as_of == datetime.date(2018, 9, 3)
    history = world.action.history.first()
    assert history.history_user == lead and history.rag == "amber"


def test_the_form_opens_with_todays_date_and_the_current_rag(world, coordinator, signed_in):
    response = signed_in(coordinator).get(status_url(world.action))
    assert response.status_code == 200
    today = timezone.localdate()
    assert f'value="{today.year}"' in response.text
    assert re.search(r'value="not_started"\s+checked', response.text)
    for hint in ("On track", "At risk", "Off track"):
        assert hint in response.text


def test_the_timeline_shows_updates_newest_first_with_who_and_rag_change(world, coordinator, signed_in):
    client = signed_in(coordinator)
    client.post(status_url(world.action), valid_post(world.action, commentary="First report"))
    world.action.refresh_from_db()
    client.post(status_url(world.action), valid_post(world.action, rag="green", commentary="Second report"))
    page = client.get(world.action.get_absolute_url()).text
    assert page.index("Second report") < page.index("First report")
    assert "by coordinator" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rag": ""}, "Select a RAG status"),
        ({"rag": "purple"}, "Select a RAG status"),
        ({"commentary": ""}, "Enter a commentary"),
        ({"commentary": "   "}, "Enter a commentary"),
        ({"commentary": "x" * 2001}, "Commentary must be 2000 characters or fewer"),
        ({"as_of_0": "", "as_of_1": "", "as_of_2": ""}, "Enter the date the update speaks for"),
        ({"as_of_0": "31", "as_of_1": "2", "as_of_2": "2019"}, "Date the update speaks for must be a real date"),
        ({"as_of_2": "99999999999999999999"}, "Date the update speaks for must have a year of 4 numbers"),
        ({"as_of_2": str(timezone.localdate().year + 1)}, "must be today or in the past"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(world, coordinator, signed_in, overrides, message):
    response = signed_in(coordinator).post(status_url(world.action), valid_post(world.action, **overrides))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert "<title>Error: " in response.text
    world.action.refresh_from_db()
    assert world.action.rag == "not_started" and world.action.version == 1
    assert not StatusUpdate.objects.exists()


def test_a_stale_form_never_overwrites_a_newer_update(world, lead, coordinator, signed_in):
    opened_by_lead = valid_post(world.action, rag="green", commentary="All going well")
    signed_in(coordinator).post(status_url(world.action), valid_post(world.action, rag="red", commentary="Funding cut"))
    response = signed_in(lead).post(status_url(world.action), opened_by_lead)
    assert response.status_code == 409
    assert "Funding cut" in response.text  # the newer version is shown
    assert "All going well" in response.text  # and their own input is kept
    assert "Save my change" in response.text
    assert response.text.count("<form") == 2  # the sign-out form and one form for the change: never nested
    world.action.refresh_from_db()
    assert world.action.rag == "red"
    assert world.action.status_updates.count() == 1
    # Saving again from the conflict page is a deliberate choice at the new version.
    resubmit = {**opened_by_lead, "version": world.action.version}
    assert signed_in(lead).post(status_url(world.action), resubmit).status_code == 302
    world.action.refresh_from_db()
    assert world.action.rag == "green"


def test_evidence_is_stored_privately_and_only_readable_by_those_who_see_the_action(
    world, lead, board, outsider, signed_in, settings
):
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    signed_in(lead).post(status_url(world.action), {**valid_post(world.action), "evidence": upload})
    update = world.action.status_updates.get()
    assert update.evidence.name.endswith("minutes.pdf")
    assert str(settings.MEDIA_ROOT) in update.evidence.path
    url = reverse("actions:evidence", args=[update.pk])
    response = signed_in(board).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert signed_in(outsider).get(url).status_code == 404
    assert signed_in(None).get(url).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "must be a PDF, Word document, Excel spreadsheet, PNG or JPEG"),
        ("fake.pdf", b"<html>not a pdf</html>", "must be a PDF, Word document, Excel spreadsheet, PNG or JPEG"),
        ("huge.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES, "must be smaller than 10MB"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_wrong_evidence_is_refused_and_nothing_is_saved(world, coordinator, signed_in, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = signed_in(coordinator).post(status_url(world.action), {**valid_post(world.action), "evidence": upload})
    assert response.status_code == 200
    assert message in response.text
    assert not StatusUpdate.objects.exists()
    world.action.refresh_from_db()
    assert world.action.rag == "not_started"


@pytest.mark.parametrize("persona", ["other_lead", "board", "auditor"])
def test_people_who_may_not_report_on_the_action_are_refused(request, world, persona, signed_in):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(status_url(world.action)).status_code == 403
    assert client.post(status_url(world.action), valid_post(world.action)).status_code == 403
    assert not StatusUpdate.objects.exists()


def test_another_councils_coordinator_cannot_find_the_form(world, outsider, signed_in):
    client = signed_in(outsider)
    assert client.get(status_url(world.action)).status_code == 404
    assert client.post(status_url(world.action), valid_post(world.action)).status_code == 404


def test_the_update_button_shows_only_for_those_who_may_report(world, lead, other_lead, board, signed_in):
    button = status_url(world.action)
    assert button in signed_in(lead).get(world.action.get_absolute_url()).text
    assert button not in signed_in(other_lead).get(world.action.get_absolute_url()).text
    assert button not in signed_in(board).get(world.action.get_absolute_url()).text


def test_a_withdrawn_action_takes_no_updates(world, coordinator, signed_in):
    world.action.withdrawn_at = timezone.now()
    world.action.save(update_fields=["withdrawn_at"])
    assert signed_in(coordinator).post(status_url(world.action), valid_post(world.action)).status_code == 403


def test_status_form_refuses_other_methods(world, coordinator, signed_in):
    assert signed_in(coordinator).put(status_url(world.action)).status_code == 405
