"""Settings fail loudly when production configuration is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECRET_KEY", "AUDIT_"))}
    clean.pop("ALLOWED_HOSTS", None)
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings(DJANGO_DEBUG="0", ALLOWED_HOSTS="prevent.example.gov.uk")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = import_settings(DJANGO_DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


PRODUCTION = {"DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "prevent.example.gov.uk"}
AUDIT_KEY = "k" * 40


def test_production_refuses_to_start_without_an_audit_signing_key(tmp_path):
    result = import_settings(**PRODUCTION, AUDIT_CHECKPOINT_PATH=str(tmp_path / "checkpoints.log"))
    assert result.returncode != 0
    assert "AUDIT_SIGNING_KEY must be set" in result.stderr


@pytest.mark.parametrize("key", ["too-short", "x" * 60])
def test_production_refuses_a_short_audit_signing_key_or_the_secret_key(tmp_path, key):
    result = import_settings(**PRODUCTION, AUDIT_SIGNING_KEY=key, AUDIT_CHECKPOINT_PATH=str(tmp_path / "c.log"))
    assert result.returncode != 0
    assert "AUDIT_SIGNING_KEY must be 32 characters or more, and not the SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_checkpoint_file_and_starts_with_one(tmp_path):
    result = import_settings(**PRODUCTION, AUDIT_SIGNING_KEY=AUDIT_KEY)
    assert result.returncode != 0
    assert "AUDIT_CHECKPOINT_PATH must be set in production" in result.stderr
    path = str(tmp_path / "checkpoints.log")
    assert import_settings(**PRODUCTION, AUDIT_SIGNING_KEY=AUDIT_KEY, AUDIT_CHECKPOINT_PATH=path).returncode == 0
    assert import_settings(DJANGO_DEBUG="1").returncode == 0  # development has defaults for both


def test_a_mistyped_boolean_is_refused():
    result = import_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 1 or 0" in result.stderr


@pytest.mark.parametrize(
    ("database_url", "engine"),
    [("", "django.db.backends.sqlite3"), ("postgres://postgres@127.0.0.1:5432/x", "django.db.backends.postgresql")],
)
def test_sqlite_by_default_postgresql_through_database_url(database_url, engine):
    env = {"DJANGO_DEBUG": "1"}
    if database_url:
        env["DATABASE_URL"] = database_url
    result = import_settings(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == engine


@pytest.mark.django_db
def test_postgresql_connections_do_not_compile_queries_just_in_time_and_write_times_in_iso_order():
    """JIT spent 20 s compiling a large council's history statement before its first row (README, Performance).

    The history export writes its times as PostgreSQL's own text for them, which follows DateStyle.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL settings")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SELECT CAST(TIMESTAMP '2026-03-04 05:06:07' AS text)")
        assert cursor.fetchone()[0] == "2026-03-04 05:06:07"
