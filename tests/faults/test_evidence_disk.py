"""Evidence written to a real full disk and a real read-only one (tmpfs mounts of the test's own): the update is not
recorded, nothing is left on the disk, the person gets the form back with their commentary and a plain message, and
the same update sent without the file is saved.

tests/actions/test_evidence_faults.py covers the same with a disk made full in Python, on every machine, for
projects too; this proves it against the kernel's own ENOSPC and EROFS where the tests may mount (root)."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import StatusUpdate
from core.evidence import NOT_SAVED
from tests.actions.test_status_updates import PDF, status_url, valid_post

pytestmark = pytest.mark.faults
COMMENTARY = "Venue lost; new date being agreed with the school"
LARGE_PDF = PDF + b"%" + b"x" * 60_000 + b"\n"  # larger than the disk below


def mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)  # noqa: S603, S607


@pytest.fixture(params=["full", "read-only"])
def evidence_disk(request, settings, tmp_path) -> Iterator[tuple[str, Path]]:
    """MEDIA_ROOT on a 32 KB tmpfs, or on a tmpfs mounted read-only."""
    root = tmp_path / "media"
    root.mkdir()
    made = mount("-t", "tmpfs", "-o", "size=32k", "tmpfs", str(root))
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {made.stderr.strip()}")
    try:
        if request.param == "read-only":
            assert mount("-o", "remount,ro", str(root)).returncode == 0
        settings.MEDIA_ROOT = root
        yield request.param, root
    finally:
        subprocess.run(["umount", str(root)], check=False)  # noqa: S603, S607


def test_evidence_on_a_full_or_read_only_disk_loses_nothing_acknowledged(
    evidence_disk, world, coordinator, signed_in, record_property
):
    kind, root = evidence_disk
    client = signed_in(coordinator)
    upload = SimpleUploadedFile("minutes.pdf", LARGE_PDF, content_type="application/pdf")
    response = client.post(status_url(world.action), {**valid_post(world.action), "evidence": upload})
    assert response.status_code == 200
    assert NOT_SAVED in response.text and COMMENTARY in response.text  # the form as typed, a plain message
    assert not StatusUpdate.objects.exists()
    assert [path for path in root.rglob("*") if path.is_file()] == []  # no truncated file left behind

    world.action.refresh_from_db()
    response = client.post(status_url(world.action), valid_post(world.action))  # sent again without the file
    assert response.status_code == 302
    assert StatusUpdate.objects.get().commentary == COMMENTARY
    record_property(f"evidence_{kind}", "refused with the form kept, nothing on disk; sent without the file: saved")
