"""Evidence sent to the app (gunicorn) when its evidence disk is really full, or really read-only (a tmpfs mounted
over MEDIA_ROOT, then remounted read-only): the update is not recorded, no file is left, the person gets the form
back with their commentary and a plain message, and the same update sent without the file is saved.

tests/actions/test_evidence_faults.py covers the same with a disk made full in Python, on every machine, for
projects too; this proves it against the kernel's own ENOSPC and EROFS where the tests may mount (root)."""

import re
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.evidence import NOT_SAVED

from .servers import multipart
from .updates import VERSION, Person

pytestmark = pytest.mark.faults
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%" + b"x" * 60_000 + b"\n%%EOF\n"  # more than the disk holds


def mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)  # noqa: S603, S607


@pytest.fixture(params=["full", "read-only"])
def evidence_disk(request, postgres) -> Iterator[tuple[str, Path]]:
    """The app's MEDIA_ROOT on a 32 KB tmpfs, or on one mounted read-only."""
    root = postgres.files / "media"
    root.mkdir(exist_ok=True)
    made = mount("-t", "tmpfs", "-o", "size=32k,mode=0777", "tmpfs", str(root))
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {made.stderr.strip()}")
    try:
        if request.param == "read-only":
            assert mount("-o", "remount,ro", str(root)).returncode == 0
        yield request.param, root
    finally:
        subprocess.run(["umount", str(root)], check=False)  # noqa: S603, S607


def test_evidence_on_a_full_or_read_only_disk_loses_nothing_acknowledged(
    evidence_disk, postgres, fault_world, app, record_property
):
    kind, root = evidence_disk
    person = Person(app, fault_world["coordinator"], fault_world["actions"][4]["url"], name=f"evidence {kind}")
    person.sign_in()
    _, _, page, _ = app.request("GET", person.url, cookies=person.cookies)
    commentary = f"Minutes of the {kind} disk meeting attached"
    fields = {"version": VERSION.search(page).group(1), "rag": "amber", "commentary": commentary}
    fields |= {"as_of_0": "3", "as_of_1": "9", "as_of_2": "2018"}

    body, content_type = multipart(fields, {"evidence": ("minutes.pdf", PDF, "application/pdf")})
    status, _, page, seconds = app.request(
        "POST", person.url, cookies=person.cookies, body=body, content_type=content_type
    )
    kept = f"SELECT count(*) FROM actions_statusupdate WHERE commentary = '{commentary}'"
    assert status == 200, status
    assert re.sub(r"\s+", " ", NOT_SAVED) in re.sub(r"\s+", " ", page) and commentary in page  # the form as typed
    assert postgres.psql(kept) == "0"
    assert [path for path in root.rglob("*") if path.is_file()] == []  # no truncated file left behind

    status, _, _, _ = app.request("POST", person.url, cookies=person.cookies, body=urllib.parse.urlencode(fields))
    assert status == 302  # sent again without the file: saved
    assert postgres.psql(kept) == "1"
    summary = f"Evidence on a {kind} disk: refused in {seconds:.2f} s, form kept, no file left; resent without: saved"
    record_property(f"evidence_{kind}", summary)
    print(f"\n{summary}")
