"""The settings as a fresh process reads them from a given environment, the way a deployment starts."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Everything the settings read from the environment, so the developer's own values never leak into a check.
READ_BY_SETTINGS = (
    "DJANGO_",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "AUDIT_",
    "AXES_",
    "REQUIRE_MFA",
    "SESSION_IDLE_TIMEOUT",
    "SIGNIN_ADDRESS_FAILURE_LIMIT",
    "RATE_LIMIT_",
)


def read_settings(expression: str, **env: str) -> subprocess.CompletedProcess:
    """Import config.settings as `s` in a new interpreter with only `env` set, and print `expression`."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(READ_BY_SETTINGS)}
    return subprocess.run(  # noqa: S603 (the expression is the test's own)
        [sys.executable, "-c", f"import config.settings as s; print({expression})"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
