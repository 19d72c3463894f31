"""REQUIRE_MFA: on in production, off in development (make run), and the environment overrides either."""

import pytest

from tests.settings_process import read_settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "prevent.example.gov.uk",
    "AUDIT_SIGNING_KEY": "k" * 40,
    "AUDIT_CHECKPOINT_PATH": "/nonexistent/audit-checkpoints.log",  # only named: importing the settings opens nothing
}


def require_mfa_with(**env: str) -> str:
    result = read_settings("s.REQUIRE_MFA", **env)
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
