"""REQUIRE_MFA: on in production, off in development (make run), and the environment overrides either."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "prevent.example.gov.uk",
    "AUDIT_SIGNING_KEY": "k" * 40,
    "AUDIT_CHECKPOINT_PATH": "/nonexistent/audit-checkpoints.log",  # only named: importing the settings opens nothing
}


def require_mfa_with(**env: str) -> str:
    clean = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REQUIRE_MFA", "AUDIT_"))
    }
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
        clean.pop(key, None)
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.REQUIRE_MFA)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (PRODUCTION, "True"),
        ({**PRODUCTION, "REQUIRE_MFA": "0"}, "False"),
        ({"DJANGO_DEBUG": "1"}, "False"),
        ({"DJANGO_DEBUG": "1", "REQUIRE_MFA": "1"}, "True"),
    ],
    ids=["production", "production-turned-off", "development", "development-turned-on"],
)
def test_require_mfa_is_on_in_production_and_off_in_development(env, expected):
    assert require_mfa_with(**env) == expected


def test_the_tests_run_with_it_off_as_in_development(settings):
    assert settings.REQUIRE_MFA is False
