"""The history CSV of the demo and of a small generated council, byte for byte as it was before the change record:
as written when the changes were made, and as the migration backfills it from simple-history's tables.

The files under golden/ were written by the history's export as it stood before the change record existed (the
reconstruction from django-simple-history's tables); the exports must go on giving exactly these bytes, on SQLite
and PostgreSQL. `WRITE_GOLDEN=1` rewrites them (only ever from a tree whose export is known good).
"""

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from bench.generate import main as generate
from core import append_only, change_backfill
from demo.demo import load_demo
from plans.models import Council, DeliveryPlan
from records.changes import Scope
from records.views_exports import _history_response

GOLDEN = Path(__file__).resolve().parent / "golden"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Larger files are kept as their size and SHA-256 instead of the bytes.
KEEP_BYTES_UNDER = 2_000_000


def history_csv(scope: Scope) -> bytes:
    """The CSV the download view gives for the scope (COPY on PostgreSQL, rows through Python on SQLite)."""
    response = _history_response("csv", "history.csv", scope, {})
    return b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)


def exports() -> Iterator[tuple[str, bytes]]:
    """Each council's whole history, then each plan's, named for the golden files."""
    for council in Council.objects.order_by("slug"):
        yield f"{council.slug}.csv", history_csv(Scope.of_council(council))
        for plan in DeliveryPlan.objects.filter(council=council).order_by("year"):
            yield f"{council.slug}_{plan.year}.csv", history_csv(Scope.of_plan(plan))


def compare(kind: str) -> None:
    folder = GOLDEN / kind
    if os.environ.get("WRITE_GOLDEN"):
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in exports():
            if len(content) < KEEP_BYTES_UNDER:
                (folder / name).write_bytes(content)
            else:
                (folder / f"{name}.sha256").write_text(f"{hashlib.sha256(content).hexdigest()} {len(content)}\n")
        return
    expected = sorted(path.name.removesuffix(".sha256") for path in folder.iterdir())
    found = dict(exports())
    assert sorted(found) == expected
    for name, content in found.items():
        kept = folder / name
        if kept.exists():
            assert content == kept.read_bytes(), name
        else:
            digest, size = (folder / f"{name}.sha256").read_text().split()
            assert (hashlib.sha256(content).hexdigest(), len(content)) == (digest, int(size)), name


def backfilled_again() -> None:
    """The change record emptied and rebuilt from simple-history's tables, as the migration builds it."""
    if os.environ.get("WRITE_GOLDEN"):
        return
    append_only.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_changerecord")
    finally:
        append_only.install(connection)
    assert change_backfill.backfill() > 0


# The keys a fresh database gives: the order in which the story makes several leads at one moment follows the
# accounts' keys, and PostgreSQL's sequences move on with every test before this one, rolled back or not.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_demo_history_csv_is_byte_identical(settings, tmp_path) -> None:
    """Loaded into an empty database, as `manage.py load_demo` loads it on a fresh machine."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path
    load_demo(story=True)
    compare("demo")
    backfilled_again()
    compare("demo")


@pytest.mark.django_db(transaction=True)
def test_a_generated_council_history_csv_is_byte_identical(monkeypatch) -> None:
    monkeypatch.setenv("SCALE_PASSWORD", "scale-password-for-tests")
    arguments = {"councils": 1, "years": 2, "actions": 10, "projects": 2, "seed": 11, "until": "2026-11-22"}
    generate([f"--{name}={value}" for name, value in arguments.items()], io.StringIO())
    compare("generated")
    backfilled_again()
    compare("generated")
