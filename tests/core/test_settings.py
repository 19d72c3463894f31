"""Settings fail loudly when production configuration is missing."""

import subprocess

import pytest

from tests.settings_process import read_settings


def import_settings(**env: str) -> subprocess.CompletedProcess:
    return read_settings("s.DATABASES['default']['ENGINE']", **env)


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


@pytest.mark.django_db
def test_postgresql_ends_a_statement_or_an_idle_transaction_left_waiting():
    """A stalled download must not hold a worker and a snapshot for as long as its client likes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL settings")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "2min"
        cursor.execute("SHOW idle_in_transaction_session_timeout")
        assert cursor.fetchone()[0] == "1min"


def test_sign_in_throttling_and_session_limits_are_read_from_the_environment():
    expression = (
        "s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.SIGNIN_ADDRESS_FAILURE_LIMIT, "
        "s.SESSION_IDLE_TIMEOUT"
    )
    defaults = read_settings(expression, DJANGO_DEBUG="1")
    assert defaults.stdout.strip() == "5 900.0 100 1800", defaults.stderr
    chosen = read_settings(
        expression,
        DJANGO_DEBUG="1",
        AXES_FAILURE_LIMIT="7",
        AXES_COOLOFF_MINUTES="20",
        SIGNIN_ADDRESS_FAILURE_LIMIT="300",
        SESSION_IDLE_TIMEOUT="600",
    )
    assert chosen.stdout.strip() == "7 1200.0 300 600", chosen.stderr


@pytest.mark.parametrize(
    ("env", "proxies"),
    [
        ({"DJANGO_DEBUG": "1"}, "0"),  # development: the connection's own address
        ({"DJANGO_DEBUG": "0"}, "1"),  # production sits behind a load balancer unless told otherwise
        ({"DJANGO_DEBUG": "0", "DJANGO_BEHIND_PROXY": "0"}, "0"),
        ({"DJANGO_DEBUG": "0", "DJANGO_TRUSTED_PROXY_COUNT": "2"}, "2"),
    ],
)
def test_the_forwarded_client_address_is_believed_only_behind_a_configured_proxy(env, proxies):
    production = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "prevent.example.gov.uk",
        "AUDIT_SIGNING_KEY": AUDIT_KEY,
        "AUDIT_CHECKPOINT_PATH": "/nonexistent/audit-checkpoints.log",  # only named: nothing opens it here
    }
    result = read_settings("s.TRUSTED_PROXY_COUNT", **production, **env)
    assert result.stdout.strip() == proxies, result.stderr
