import pytest


@pytest.fixture
def require_mfa(settings) -> None:
    settings.REQUIRE_MFA = True
