"""Reading settings from the environment, and whether this is development (DJANGO_DEBUG=1) or production."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


def env_share(name: str, default: float) -> float:
    """A share of something (more than 0, at most 1), such as of the time a background job may work."""
    value = os.environ.get(name) or str(default)
    try:
        share = float(value)
    except ValueError:
        share = 0.0
    if not 0 < share <= 1:
        raise ImproperlyConfigured(f"{name} must be a number more than 0 and at most 1, such as 0.5, not {value!r}")
    return share


DEBUG = env_bool("DJANGO_DEBUG", False)
