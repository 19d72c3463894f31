import logging
from collections.abc import Callable, Iterator

import pytest


@pytest.fixture
def security_events(caplog) -> Iterator[Callable[..., list[dict]]]:
    """security_events(name=None) -> the security events logged so far (the fields of each), of one name or all.

    The "prevent.security" logger does not propagate (settings.LOGGING), so caplog's handler is attached to it."""
    logger = logging.getLogger("prevent.security")
    attached = caplog.handler not in logger.handlers
    if attached:
        logger.addHandler(caplog.handler)

    def events(name: str | None = None) -> list[dict]:
        found = [record.security for record in caplog.records if record.name == "prevent.security"]
        return [event for event in found if name is None or event["event"] == name]

    yield events
    if attached:
        logger.removeHandler(caplog.handler)
