"""A full or failing evidence disk, or a status update refused after its file was written, leaves nothing behind:
no row, no file, and the form again with the commentary as typed and a plain message."""

import errno

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import StatusUpdate
from core.evidence import NOT_SAVED
from projects.models import ProjectStatusUpdate
from tests.projects.project_forms import status_data

from .test_status_updates import PDF, status_url, valid_post

COMMENTARY = "Venue lost; new date being agreed with the school"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def full_disk(monkeypatch):
    """The disk fills part-way through the file: half of it is written, then ENOSPC, as a real full disk does."""
    save = FileSystemStorage._save

    def half_then_full(self, name, content):
        data = content.read()
        content.seek(0)
        saved = save(self, name, SimpleUploadedFile(name, data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device", saved)

    monkeypatch.setattr(FileSystemStorage, "_save", half_then_full)


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def post_for(kind: str, item):
    if kind == "action":
        return status_url(item), {**valid_post(item), "commentary": COMMENTARY}
    return reverse("projects:update_status", args=[item.pk]), {**status_data(item), "commentary": COMMENTARY}


@pytest.mark.parametrize(("kind", "model"), [("action", StatusUpdate), ("project", ProjectStatusUpdate)])
def test_a_full_disk_keeps_the_commentary_and_records_nothing(
    kind, model, world, coordinator, signed_in, media, full_disk
):
    item = getattr(world, kind)
    url, data = post_for(kind, item)
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = signed_in(coordinator).post(url, {**data, "evidence": upload})
    assert response.status_code == 200
    assert NOT_SAVED in response.text
    assert COMMENTARY in response.text  # the form comes back as it was typed
    assert not model.objects.exists()
    item.refresh_from_db()
    assert item.rag == "not_started"
    assert files_under(media) == []  # the half-written file is gone too


def test_an_update_refused_after_its_file_was_written_leaves_no_file(world, coordinator, signed_in, media):
    opened = valid_post(world.action)  # the form as opened, before someone else's update
    signed_in(coordinator).post(status_url(world.action), valid_post(world.action, rag="red"))
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = signed_in(coordinator).post(status_url(world.action), {**opened, "evidence": upload})
    assert response.status_code == 409
    assert StatusUpdate.objects.count() == 1
    assert files_under(media) == []


def test_a_recorded_update_keeps_its_file(world, coordinator, signed_in, media):
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    signed_in(coordinator).post(status_url(world.action), {**valid_post(world.action), "evidence": upload})
    update = StatusUpdate.objects.get()
    assert files_under(media) == [media / update.evidence.name]
    assert (media / update.evidence.name).read_bytes() == PDF
